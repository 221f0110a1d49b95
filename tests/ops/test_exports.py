"""The flat `lamina.ops` namespace: how many names, that each is an `@op`, and that names
and signatures match `keras.ops`."""

import importlib
import inspect
import os
import types

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402

import lamina.ops as ops  # noqa: E402
from lamina.ops.dispatch import NON_OPS  # noqa: E402

FAMILIES = ["numpy", "nn", "math", "core", "linalg", "image", "einops"]
NOT_PROVIDED = set()  # keras.ops names lamina does not provide


def _public(module):
    return {n: v for n, v in vars(module).items()
            if not n.startswith("_") and not isinstance(v, types.ModuleType)}


def test_at_least_150_names_and_each_is_an_op_or_a_documented_non_op():
    names = _public(ops)
    assert len(names) >= 150
    for name, value in names.items():
        assert callable(value), name
        assert getattr(value, "__lamina_op__", False) or name in NON_OPS, name


def test_submodules_are_importable_and_their_functions_are_ops():
    for family in FAMILIES:
        module = importlib.import_module(f"lamina.ops.{family}")
        assert getattr(ops, family) is module
        for name, value in _public(module).items():
            # Functions defined in the family or in its private parts (lamina.ops._numpy_*).
            origin = getattr(value, "__module__", None) or ""
            if callable(value) and (origin == module.__name__
                                    or origin.startswith(f"lamina.ops._{family}_")):
                assert getattr(value, "__lamina_op__", False) or name in NON_OPS, name


def test_family_modules_still_export_their_ops():
    assert len([n for n in _public(importlib.import_module("lamina.ops.numpy"))
                if getattr(getattr(ops.numpy, n), "__lamina_op__", False)]) > 200
    assert len([n for n in _public(importlib.import_module("lamina.ops.nn"))
                if getattr(getattr(ops.nn, n), "__lamina_op__", False)]) > 40


def test_every_keras_ops_name_exists():
    keras_names = {n for n, v in _public(keras.ops).items() if callable(v)}
    missing = sorted(keras_names - set(_public(ops)) - NOT_PROVIDED)
    assert not missing
    image_names = {n for n, v in _public(keras.ops.image).items() if callable(v)}
    provided = set(_public(importlib.import_module("lamina.ops.image")))
    assert {"resize", "affine_transform", "map_coordinates", "crop_images", "pad_images",
            "rgb_to_grayscale", "extract_patches"} <= provided & image_names


def test_signatures_match_keras():
    mismatched = []
    for name, ours in _public(ops).items():
        theirs = getattr(keras.ops, name, None)
        if theirs is None:
            continue
        if inspect.signature(ours) != inspect.signature(theirs):
            mismatched.append((name, str(inspect.signature(ours)), str(inspect.signature(theirs))))
    image = importlib.import_module("lamina.ops.image")
    for name, ours in _public(image).items():
        theirs = getattr(keras.ops.image, name, None)
        if callable(ours) and theirs is not None and (
                inspect.signature(ours) != inspect.signature(theirs)):
            mismatched.append((name, str(inspect.signature(ours)), str(inspect.signature(theirs))))
    assert not mismatched


def test_names_keras_tensor_operators_need():
    for name in ["add", "subtract", "multiply", "true_divide", "floor_divide", "mod", "power",
                 "matmul", "negative", "absolute", "less", "less_equal", "greater",
                 "greater_equal", "logical_and", "logical_or", "logical_not", "transpose",
                 "reshape"]:
        assert getattr(ops.numpy, name).__lamina_op__
    assert ops.core.getitem.__lamina_op__
