"""Boston housing prices: `load_data`, as `keras.datasets.boston_housing`."""

from lamina.datasets import housing

FILE_SHA256 = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """`(x_train, y_train), (x_test, y_test)`: 506 samples of 13 features, prices in
    k$; the last `test_split` of the shuffled samples is the test set."""
    return housing.load(path, "boston_housing.npz", FILE_SHA256, test_split, seed)
