"""Seed the dataset cache from local copies: `python -m lamina.datasets.seed DIR`."""

import sys
from pathlib import Path

from lamina.datasets import fashion_mnist, mnist
from lamina.datasets.cache import copy_verified, data_dir

SEEDABLE = (mnist.resource(), fashion_mnist.NPZ)


def seed_cache(source_dir, root=None):
    """Copy `mnist.npz` / `fashion_mnist.npz` from `source_dir` into the cache.

    Each file is verified (known file hash, or the known per-array sha256) before
    an atomic copy; a valid cached copy is kept.

    Args:
        source_dir: folder holding the files (e.g. the project's shared data folder).
        root: cache folder; defaults to `$LAMINA_DATA_DIR` or `~/.lamina/datasets`.

    Returns:
        The list of cached paths.

    Raises:
        FileNotFoundError: `source_dir` holds none of the files.
        ChecksumError: a file there is not the expected data.
    """
    source_dir = Path(source_dir).expanduser()
    found = [r for r in SEEDABLE if (source_dir / r.fname).is_file()]
    if not found:
        raise FileNotFoundError(
            f"{source_dir} holds none of {', '.join(r.fname for r in SEEDABLE)}.")
    return [copy_verified(source_dir / r.fname, r, root) for r in found]


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m lamina.datasets.seed SOURCE_DIR", file=sys.stderr)
        return 2
    for path in seed_cache(argv[0]):
        print(f"cached {path}")
    print(f"cache folder: {data_dir()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
