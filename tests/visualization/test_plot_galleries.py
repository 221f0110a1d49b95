"""plot_image_gallery, plot_bounding_box_gallery, plot_segmentation_mask_gallery: PNGs read
back (size, content), compared with Keras's PNG where Keras needs no cv2."""

import numpy as np
import pytest
from PIL import Image

from lamina import visualization

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

RNG = np.random.default_rng(0)
IMAGES = RNG.uniform(0, 255, (4, 16, 16, 3)).astype("float32")


def _png(path):
    return np.asarray(Image.open(path).convert("RGB"))


def test_image_gallery_png_size_and_pixels_match_keras(tmp_path):
    keras = pytest.importorskip("keras")
    visualization.plot_image_gallery(IMAGES, path=tmp_path / "l.png", scale=1, dpi=50)
    keras.visualization.plot_image_gallery(IMAGES, path=str(tmp_path / "k.png"), scale=1, dpi=50)
    got, want = _png(tmp_path / "l.png"), _png(tmp_path / "k.png")
    assert got.shape == want.shape and got.shape[0] > 40 and got.shape[1] > 40
    np.testing.assert_array_equal(got, want)


def test_image_gallery_titles_grid_and_value_range(tmp_path):
    plain = tmp_path / "plain.png"
    titled = tmp_path / "titled.png"
    visualization.plot_image_gallery(IMAGES / 255.0, value_range=(0, 1), rows=1, cols=4,
                                     path=plain, dpi=40)
    visualization.plot_image_gallery(IMAGES / 255.0, y_true=np.array([0, 1, 0, 1]),
                                     label_map={0: "cat", 1: "dog"}, value_range=(0, 1), rows=1,
                                     cols=4, path=titled, dpi=40)
    a, b = _png(plain), _png(titled)
    assert a.shape[1] > 2 * a.shape[0]  # one row of four
    assert a.shape != b.shape or (a != b).any()  # titles are drawn
    keras = pytest.importorskip("keras")
    keras.visualization.plot_image_gallery(
        IMAGES / 255.0, y_true=np.array([0, 1, 0, 1]), label_map={0: "cat", 1: "dog"},
        value_range=(0, 1), rows=1, cols=4, path=str(tmp_path / "k.png"), dpi=40)
    np.testing.assert_array_equal(b, _png(tmp_path / "k.png"))
    # value_range maps (0, 1) images onto what (0, 255) images give.
    visualization.plot_image_gallery(IMAGES, rows=1, cols=4, path=tmp_path / "c.png", dpi=40)
    assert np.abs(_png(tmp_path / "c.png").astype(int) - a).max() <= 1
    # Grid bigger than the batch: extra cells stay empty instead of failing.
    visualization.plot_image_gallery(IMAGES[:3], rows=2, cols=2, path=tmp_path / "g.png")
    assert _png(tmp_path / "g.png").size > 0


def test_image_gallery_errors(tmp_path):
    with pytest.raises(ValueError, match="label_map"):
        visualization.plot_image_gallery(IMAGES, y_true=[0, 1, 0, 1], path=tmp_path / "x.png")
    with pytest.raises(ValueError, match="`path`.*`show`"):
        visualization.plot_image_gallery(IMAGES, path=tmp_path / "x.png", show=True)
    with pytest.raises(ValueError, match=r"images.shape=\(16, 16, 3\)"):
        visualization.plot_image_gallery(IMAGES[0], path=tmp_path / "x.png")


def test_bounding_box_gallery_draws_boxes(tmp_path):
    black = np.zeros((2, 32, 32, 3), "float32")
    boxes = {"boxes": np.array([[[4, 4, 28, 28]], [[8, 8, 20, 20]]], "float32"),
             "labels": np.array([[0], [1]])}
    visualization.plot_bounding_box_gallery(black, "xyxy", y_true=boxes, y_pred=boxes,
                                            class_mapping={0: "a", 1: "b"}, legend=True,
                                            rows=1, cols=2, path=tmp_path / "b.png", dpi=60)
    png = _png(tmp_path / "b.png")
    assert png.shape[0] > 30 and png.shape[1] > 60
    # The prediction colour (drawn last, over the truth) appears in the saved figure.
    yellow = (png[..., 0] > 200) & (png[..., 1] > 200) & (png[..., 2] < 120)
    assert yellow.sum() > 20
    with pytest.raises(ValueError, match="`legend` OR `legend_handles`"):
        visualization.plot_bounding_box_gallery(black, "xyxy", legend=True, legend_handles=[1])


def test_segmentation_mask_gallery_layout(tmp_path):
    masks = RNG.integers(0, 3, (2, 16, 16, 1))
    visualization.plot_segmentation_mask_gallery(IMAGES[:2], num_classes=3, y_true=masks,
                                                 y_pred=masks, path=tmp_path / "s.png", dpi=60)
    visualization.plot_segmentation_mask_gallery(IMAGES[:2], num_classes=3, y_true=masks,
                                                 path=tmp_path / "t.png", dpi=60)
    three, two = _png(tmp_path / "s.png"), _png(tmp_path / "t.png")
    assert three.shape[0] == two.shape[0]  # one row per image either way
    assert three.shape[1] > two.shape[1] * 1.3  # a third column for y_pred


def test_segmentation_mask_gallery_matches_keras(tmp_path):
    keras = pytest.importorskip("keras")
    masks = RNG.integers(-1, 3, (2, 16, 16, 1))
    kwargs = dict(num_classes=3, y_true=masks, alpha=0.5, dpi=40)
    visualization.plot_segmentation_mask_gallery(IMAGES[:2], path=tmp_path / "l.png", **kwargs)
    keras.visualization.plot_segmentation_mask_gallery(IMAGES[:2], path=str(tmp_path / "k.png"),
                                                       **kwargs)
    np.testing.assert_array_equal(_png(tmp_path / "l.png"), _png(tmp_path / "k.png"))
