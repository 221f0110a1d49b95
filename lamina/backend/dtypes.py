"""Dtype names: turn whatever a user passes into a canonical string."""

import warnings

import jax.numpy as jnp
import numpy as np

from lamina.backend import config


def standardize_dtype(dtype):
    """Return the canonical dtype name ("float32", "int32", ...); None means floatx()."""
    if dtype is None:
        return config.floatx()
    if isinstance(dtype, str):
        name = dtype
    elif isinstance(dtype, np.dtype) and dtype.kind in "USO":
        return "string"
    elif hasattr(dtype, "name") and not isinstance(dtype, type):
        name = dtype.name
    elif dtype in (str, bytes):
        return "string"
    else:
        name = jnp.dtype(dtype).name
    if name in ("string", "str", "bytes"):
        return "string"  # host-side text (TextVectorization, StringLookup): never in XLA
    if name == "float":
        name = "float32"
    elif name == "int":
        name = "int32"
    try:
        return jnp.dtype(name).name
    except TypeError:
        raise ValueError(f"Invalid dtype: {dtype!r}") from None


def is_float_dtype(dtype):
    return jnp.issubdtype(jnp.dtype(standardize_dtype(dtype)), jnp.floating)


def is_int_dtype(dtype):
    return jnp.issubdtype(jnp.dtype(standardize_dtype(dtype)), jnp.integer)


def result_type(*dtypes):
    """The dtype that combining values of `dtypes` gives (JAX's promotion; Python `int`,
    `float`, `bool` count as weakly typed). No argument gives floatx()."""
    if not dtypes:
        return config.floatx()
    resolved = [d if d in (int, float, bool, complex) else standardize_dtype(d) for d in dtypes]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 64-bit names narrow to 32 bits, as arrays do
        return jnp.result_type(*resolved).name
