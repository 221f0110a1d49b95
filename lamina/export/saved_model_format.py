"""TensorFlow SavedModel export through jax2tf (needs TensorFlow, installed by the user:
tested with tensorflow-cpu 2.21, which wants h5py < 3.15, older than lamina's pin, so it
is no extra of lamina's).

Each endpoint becomes a `tf.function` attribute of the saved object (`reloaded.serve(x)`,
as with Keras's export), computing with the tracked variables stored as `tf.Variable`s;
the batch axis of every input is polymorphic. `variables`, `trainable_variables`,
`non_trainable_variables` and each variable collection are lists of them.
"""

import os

import jax
import numpy as np

from lamina.export.input_signature import TensorSpec


def require_tensorflow():
    try:
        import tensorflow as tf
    except ImportError as e:
        raise ImportError(
            "Exporting a TensorFlow SavedModel needs TensorFlow (pip install tensorflow-cpu). "
            "Without it, export with format='jax' (lamina.export.load) or format='onnx'. "
            f"Import failed with: {e}") from None
    return tf


def _poly(spec):
    dims = ["b" if d is None and i == 0 else ("_" if d is None else str(d))
            for i, d in enumerate(spec.shape)]
    return "(" + ", ".join(dims) + ")"


def _bound(converted, variables):
    def serve(*args):
        return converted(variables, *args)
    return serve


def write(filepath, endpoints, collections, options=None):
    tf = require_tensorflow()
    from jax.experimental import jax2tf

    module = tf.__internal__.tracking.AutoTrackable()  # takes any attribute, as Keras's
    tf_vars = {}

    def tf_var(v):
        if id(v) not in tf_vars:
            tf_vars[id(v)] = tf.Variable(np.asarray(v._value), trainable=v.trainable,
                                         name=v.path.replace("/", "_"))
        return tf_vars[id(v)]

    for e in endpoints:
        variables = [tf_var(v) for v in e.variables]
        is_leaf = (lambda x: isinstance(x, TensorSpec))
        poly = [jax.tree_util.tree_map(_poly, arg, is_leaf=is_leaf) for arg in e.signature]
        jax2tf_kwargs = dict(e.options.get("jax2tf_kwargs") or {})
        jax2tf_kwargs.setdefault("polymorphic_shapes", [None] + poly)
        converted = jax2tf.convert(e.pure, **jax2tf_kwargs)
        tf_signature = [jax.tree_util.tree_map(
            lambda s: tf.TensorSpec(s.shape, s.dtype, name=s.name), arg, is_leaf=is_leaf)
            for arg in e.signature]

        setattr(module, e.name, tf.function(_bound(converted, variables),
                                            input_signature=tf_signature, autograph=False))
    for name, vs in collections.items():
        setattr(module, name, [tf_var(v) for v in vs])
    every = list(tf_vars.values())
    module.variables = every
    module.trainable_variables = [v for v in every if v.trainable]
    module.non_trainable_variables = [v for v in every if not v.trainable]
    tf.saved_model.save(module, os.fspath(filepath), options=options)

