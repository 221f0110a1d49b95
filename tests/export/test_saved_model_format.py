"""format="tf_saved_model" (jax2tf): `tf.saved_model.load(path).serve(x)` equals
`model.predict` within 1e-5 for batch sizes 1, 7 and 128. Needs TensorFlow (skipped
without it; lamina's own test venv does not have it)."""

import numpy as np
import pytest
from .export_models import BATCH_SIZES, TOL, mnist_data, mnist_model, ticket_data, ticket_model

import lamina as keras

tf = pytest.importorskip("tensorflow")


def test_mnist_saved_model_equals_predict(tmp_path):
    model = mnist_model()
    model.export(tmp_path / "m", format="tf_saved_model", verbose=False)
    reloaded = tf.saved_model.load(str(tmp_path / "m"))
    x = mnist_data()
    for n in BATCH_SIZES:
        np.testing.assert_allclose(reloaded.serve(x[:n]).numpy(),
                                   model.predict(x[:n], verbose=0), atol=TOL, rtol=0)
    assert [tuple(v.shape) for v in reloaded.variables] == \
        [tuple(v.shape) for v in model.variables]


def test_ticket_saved_model_equals_predict(tmp_path):
    model = ticket_model()
    model.export(tmp_path / "t", format="tf_saved_model", verbose=False)
    reloaded = tf.saved_model.load(str(tmp_path / "t"))
    xs = ticket_data()
    for n in BATCH_SIZES:
        batch = [x[:n] for x in xs]
        for got, want in zip(reloaded.serve(batch), model.predict(batch, verbose=0)):
            np.testing.assert_allclose(got.numpy(), want, atol=TOL, rtol=0)


def test_archive_with_collection_and_jax2tf_kwargs(tmp_path):
    model = mnist_model()
    archive = keras.export.ExportArchive()
    archive.track(model)
    archive.add_endpoint("serve", model.call, [keras.InputSpec(shape=(None, 784))],
                         jax2tf_kwargs={"polymorphic_shapes": [None, "(b, 784)"]})
    archive.add_variable_collection("head", model.layers[-1].weights)
    archive.write_out(str(tmp_path / "a"), verbose=False)
    reloaded = tf.saved_model.load(str(tmp_path / "a"))
    x = mnist_data(7)
    np.testing.assert_allclose(reloaded.serve(x).numpy(), model.predict(x, verbose=0),
                               atol=TOL, rtol=0)
    np.testing.assert_array_equal(reloaded.head[0].numpy(), model.layers[-1].kernel.numpy())
    with pytest.raises(ValueError, match="is_static=False is not supported"):
        archive.add_endpoint("other", model.call, [keras.InputSpec(shape=(None, 784))],
                             is_static=False)
