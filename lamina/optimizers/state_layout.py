"""Name the leaves of an optax state and put them in Keras 3's optimizer-variable order.

An optax state is a pytree; `build` turns each leaf into a `Variable`. This module
decides what each leaf is (the injected learning rate, a per-variable slot such as
Adam's `mu`, a scalar slot, or bookkeeping such as a step count), names it the way
Keras names its optimizer variables (`dense_kernel_momentum`), and orders the
Variables so the first ones are exactly Keras's `optimizer.variables`.
"""

import dataclasses

from jax.tree_util import DictKey, GetAttrKey, SequenceKey

# Step counters in optax states, re-derived from `iterations` after loading Keras state.
COUNT_FIELDS = ("count", "gradient_step", "mini_step")


@dataclasses.dataclass
class LeafInfo:
    """What one optax state leaf is.

    kind: "lr" (the injected learning rate), "slot" (one array per model variable),
        "scalar" (a scalar Keras slot), or "other" (optax bookkeeping).
    keras_name: Keras's slot name ("momentum", ...) for slots, else None.
    var_index: index of the model variable a per-variable leaf belongs to, else None.
    name: the Variable name to give it.
    field: the optax state field holding it.
    """

    kind: str
    name: str
    field: str = None
    keras_name: str = None
    var_index: int = None


def _key_name(key):
    if isinstance(key, GetAttrKey):
        return key.name
    if isinstance(key, DictKey):
        return str(key.key)
    if isinstance(key, SequenceKey):
        return str(key.idx)
    return str(key).strip("[].'")


def path_name(path):
    """`(GetAttrKey('inner_state'), SequenceKey(1), GetAttrKey('count'))` -> "inner_state_1_count"."""
    return "_".join(_key_name(k) for k in path) or "state"


def _field_of(path, depth):
    if len(path) >= depth and isinstance(path[-depth], (GetAttrKey, DictKey)):
        return _key_name(path[-depth])
    return None


def classify(path, leaf, var_list, slot_fields, scalar_fields):
    """Describe one optax state leaf (see `LeafInfo`).

    Args:
        path: the leaf's key path in the state pytree.
        leaf: its array.
        var_list: the model Variables the state was built for (params are a list).
        slot_fields: optax field name -> Keras slot name, for per-variable fields.
        scalar_fields: optax field name -> Keras slot name, for scalar fields.
    """
    if _field_of(path, 1) == "learning_rate" and _field_of(path, 2) == "hyperparams":
        return LeafInfo("lr", "learning_rate", field="learning_rate")
    last = path[-1] if path else None
    if isinstance(last, SequenceKey) and last.idx < len(var_list):
        i = last.idx
        ref = var_list[i]
        field = _field_of(path, 2)
        # A named slot may be shaped unlike its variable (Adafactor's factored r, c).
        if tuple(leaf.shape) == tuple(ref.shape) or field in slot_fields:
            keras_name = slot_fields.get(field)
            base = ref.path.replace("/", "_")
            return LeafInfo("slot", f"{base}_{keras_name or path_name(path[:-1])}", field=field,
                            keras_name=keras_name, var_index=i)
    field = _field_of(path, 1)
    if field in scalar_fields and getattr(leaf, "ndim", 0) == 0:
        return LeafInfo("scalar", field, field=field, keras_name=scalar_fields[field])
    return LeafInfo("other", path_name(path), field=field)


def keras_order(groups, slots, scalars, n_vars):
    """Variables of Keras's slot groups in Keras's order.

    Keras creates the slots of one `add_optimizer_variables(vars, [a, b])` call
    interleaved per variable (`v0_a, v0_b, v1_a, ...`), one call after another.

    Args:
        groups: list of tuples of Keras slot names (one tuple per Keras call); a
            tuple may name a scalar slot instead.
        slots: dict `(keras_name, var_index) -> Variable`.
        scalars: dict `keras_name -> Variable`.
        n_vars: number of model variables.
    """
    out = []
    for group in groups:
        if all(name in scalars for name in group):
            out.extend(scalars[name] for name in group)
            continue
        for i in range(n_vars):
            for name in group:
                if (name, i) in slots:
                    out.append(slots[(name, i)])
    return out
