"""An optax transform's initial state for a list of Variables, computed without compiling.

`tx.init` only needs the parameters' shapes; what it computes is zeros, the hyperparameters
and a few scalar products. Run eagerly, every distinct shape would compile XLA programs of
its own (tens of milliseconds each, most of an optimizer's build time); in one jitted call
it still compiles once. Instead its jaxpr is evaluated with NumPy when every operation in
it is one of the few below, and only otherwise compiled.
"""

import jax
import jax.numpy as jnp
from jax.extend.core import Literal
import numpy as np


def _broadcast_in_dim(x, shape, broadcast_dimensions, **_):
    placed = [1] * len(shape)
    for axis, size in zip(broadcast_dimensions, np.shape(x)):
        placed[axis] = size
    return np.broadcast_to(np.reshape(x, placed), shape)


def _convert(x, new_dtype, **_):
    return np.asarray(x, dtype=new_dtype)


# primitive name -> NumPy evaluation `(*operands, **params) -> array`; results are cast
# to the dtype the jaxpr gives them.
_HOST_RULES = {
    "broadcast_in_dim": _broadcast_in_dim,
    "convert_element_type": _convert,
    "mul": lambda x, y, **_: np.multiply(x, y),
    "add": lambda x, y, **_: np.add(x, y),
    "sub": lambda x, y, **_: np.subtract(x, y),
    "neg": lambda x, **_: np.negative(x),
}


def initial_state(tx, var_list):
    """`tx.init` of zeros shaped like `var_list` (a pytree of jax arrays)."""
    specs = [jax.ShapeDtypeStruct(tuple(v.shape), v.dtype) for v in var_list]
    closed, out_shapes = jax.make_jaxpr(tx.init, return_shape=True)(specs)
    leaves = _on_host(closed)
    if leaves is None:
        zeros = [(s.shape, s.dtype) for s in specs]
        return jax.jit(lambda: tx.init([jnp.zeros(shape, dtype) for shape, dtype in zeros]))()
    treedef = jax.tree_util.tree_structure(out_shapes)
    return jax.tree_util.tree_unflatten(treedef, [jax.device_put(leaf) for leaf in leaves])


def _on_host(closed):
    """The outputs of a closed jaxpr that does not read its inputs, as NumPy arrays; None
    when it uses an operation without a host rule (or reads an input)."""
    jaxpr = closed.jaxpr
    env = {var: np.asarray(value) for var, value in zip(jaxpr.constvars, closed.consts)}

    def read(atom):
        if isinstance(atom, Literal):
            return np.asarray(atom.val, dtype=atom.aval.dtype)
        return env[atom]

    try:
        for eqn in jaxpr.eqns:
            rule = _HOST_RULES.get(eqn.primitive.name)
            if rule is None or len(eqn.outvars) != 1:
                return None
            out = rule(*(read(v) for v in eqn.invars), **eqn.params)
            aval = eqn.outvars[0].aval
            env[eqn.outvars[0]] = np.asarray(out, dtype=aval.dtype).reshape(aval.shape)
        return [np.array(read(v), copy=True) for v in jaxpr.outvars]
    except (KeyError, TypeError):  # an input read, or parameters a rule does not know
        return None
