"""Fashion-MNIST clothing images: `load_data()`, as `keras.datasets.fashion_mnist`.

The cache holds either `fashion_mnist.npz` (put there by `seed_cache`) or the four
IDX `.gz` files Keras downloads into `fashion-mnist/`.
"""

import gzip

import numpy as np

from lamina.datasets.cache import KERAS_ORIGIN, Resource, data_dir, fetch, read_npz

SUBDIR = "fashion-mnist"
# sha256 of each array's bytes.
ARRAY_SHA256 = {
    "x_train": "2e487a6c89124f78f2d7521542223cafe96f7123c3ca13d447772ac6ecbb3012",
    "y_train": "657fbd221bfc9f4198cc14b5619cc33ec57c58dd0e47af4d99d6650759e869a7",
    "x_test": "c867c93ff95360594e8ec3287995350b824dd110b11595c0e13d5423f621867a",
    "y_test": "3d0e6c6ea990b53b6f8f500a41cac93881d981b315f84578b7d915342ade01e9",
}
# The original files, in the order Keras reads them: (name, array, file sha256).
# Their md5s are the ones Zalando publishes (8d4fb7e6..., 25c81989..., bef4ecab...,
# bb300cfd... for train images, train labels, test images, test labels).
GZ_FILES = (
    ("train-labels-idx1-ubyte.gz", "y_train",
     "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"),
    ("train-images-idx3-ubyte.gz", "x_train",
     "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"),
    ("t10k-labels-idx1-ubyte.gz", "y_test",
     "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"),
    ("t10k-images-idx3-ubyte.gz", "x_test",
     "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"),
)
SEED_FILE_SHA256 = "5b6d2c4c694a91887af8ab7d039c04f80af3c29378d731c93a538d2e831aa469"
NPZ = Resource("fashion_mnist.npz", url=None, file_sha256=(SEED_FILE_SHA256,),
               arrays=ARRAY_SHA256)


def read_idx_gz(path):
    """The array in a gzipped IDX file: labels (n,) or images (n, 28, 28), uint8."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = np.frombuffer(data, ">u4", count=ndim, offset=4).astype(int)
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def _gz_resource(fname, key, sha256):
    return Resource(f"{SUBDIR}/{fname}", url=KERAS_ORIGIN + fname, file_sha256=(sha256,),
                    arrays={key: ARRAY_SHA256[key]}, reader=lambda p: {key: read_idx_gz(p)})


GZ = tuple(_gz_resource(*entry) for entry in GZ_FILES)


def load_data():
    """Load Fashion-MNIST: 60,000 training and 10,000 test 28x28 grayscale images
    of 10 clothing classes (0 T-shirt/top ... 9 Ankle boot).

    Uses the cached `fashion_mnist.npz` when present, else the four `.gz` files
    (downloaded from Keras's URLs when missing); everything is checksum-verified.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: uint8 arrays of shapes
        (60000, 28, 28), (60000,), (10000, 28, 28), (10000,).
    """
    if NPZ.path().exists():
        a = read_npz(fetch(NPZ))
    else:
        a = {key: read_idx_gz(fetch(res)) for res, (_, key, _) in zip(GZ, GZ_FILES)}
    return (a["x_train"], a["y_train"]), (a["x_test"], a["y_test"])
