"""California housing prices: `load_data`, as `keras.datasets.california_housing`."""

from lamina.datasets import housing

FILE_SHA256 = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"


def load_data(version="large", path="california_housing.npz", test_split=0.2, seed=113):
    """`(x_train, y_train), (x_test, y_test)`: 20,640 block groups ("large") or the
    first 600 ("small"), 8 features each, median house values."""
    if version not in ("small", "large"):
        raise ValueError(f"Argument `version` must be one of 'small', 'large'. Received: "
                         f"version={version!r}")
    return housing.load(path, "california_housing.npz", FILE_SHA256, test_split, seed,
                        first=600 if version == "small" else None)
