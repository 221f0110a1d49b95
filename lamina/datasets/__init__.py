from lamina.datasets import fashion_mnist, mnist
from lamina.datasets.cache import ChecksumError, DatasetUnavailableError, data_dir
from lamina.datasets.seed import seed_cache
