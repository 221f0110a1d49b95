from lamina.datasets import (
    boston_housing, california_housing, cifar10, cifar100, fashion_mnist, imdb, mnist, reuters)
from lamina.datasets.cache import ChecksumError, DatasetUnavailableError, data_dir
from lamina.datasets.get_file import get_file
from lamina.datasets.seed import seed_cache
