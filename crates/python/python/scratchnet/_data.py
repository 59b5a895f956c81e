"""The book's ``load_mnist`` (dataset/mnist.py) through scratchnet-datasets: verified
downloads, a per-user cache, mirrors from ``SCRATCHNET_MNIST_MIRROR``."""

import hashlib
import os
from pathlib import Path

import numpy as np

from ._native import load_dataset


def data_dir(dataset='mnist'):
    """Where a data set is cached: ``$SCRATCHNET_DATA_DIR/<name>``, else the per-user data
    directory (``$XDG_DATA_HOME`` or ``~/.local/share``)``/scratchnet/<name>``."""
    slug = 'mnist' if dataset == 'mnist' else 'fashion-mnist'
    root = os.environ.get('SCRATCHNET_DATA_DIR')
    if not root:
        base = os.environ.get('XDG_DATA_HOME') or Path.home() / '.local' / 'share'
        root = Path(base) / 'scratchnet'
    return Path(root) / slug


def load_mnist(normalize=True, flatten=True, one_hot_label=False, mirror=None, dataset='mnist'):
    """``(x_train, t_train), (x_test, t_test)`` like the book: images float32 / 255 when
    ``normalize`` (else uint8), (N, 784) when ``flatten`` (else (N, 1, 28, 28)), labels uint8
    or one-hot float32. ``mirror``: a directory or URL tried before the environment's mirrors."""
    mirrors = [str(mirror)] if mirror else []
    directory = data_dir(dataset)
    train, test = load_dataset(dataset, str(directory), mirrors)
    return tuple(_shape(x, t, normalize, flatten, one_hot_label, directory) for x, t in (train, test))


def load_fashion_mnist(normalize=True, flatten=True, one_hot_label=False, mirror=None):
    """``load_mnist`` for Fashion-MNIST."""
    return load_mnist(normalize, flatten, one_hot_label, mirror, dataset='fashion')


def _shape(x, t, normalize, flatten, one_hot_label, directory):
    if normalize:
        x = _normalized(x, directory)
    if not flatten:
        x = x.reshape(-1, 1, 28, 28)
    if one_hot_label:
        one_hot = np.zeros((t.size, 10), dtype=np.float32)
        one_hot[np.arange(t.size), t] = 1
        t = one_hot
    return x, t


def _normalized(x, directory):
    """``x / 255`` in float32, as a copy-on-write memory map of a cache file named by the
    bytes' hash: pages are read only when touched, so a script that keeps ``x_train[:300]`` of
    the 60,000 images holds 300 rows in memory, not 188 MB. In memory if the cache cannot be
    written."""
    digest = hashlib.sha256(x.data).hexdigest()[:16]
    path = Path(directory) / f"float32-{x.shape[0]}x{x.shape[1]}-{digest}.npy"
    try:
        if not path.exists():
            _write_normalized(x, path)
        return np.load(path, mmap_mode='c')
    except OSError:
        normalized = x.astype(np.float32)
        normalized /= 255.0
        return normalized


def _write_normalized(x, path, rows=4096):
    """Writes ``x / 255`` (the same float32 values as ``x.astype(np.float32) / 255.0``) a few
    thousand rows at a time, then renames it into place (another process may be writing too)."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    out = np.lib.format.open_memmap(partial, mode='w+', dtype=np.float32, shape=x.shape)
    for start in range(0, len(x), rows):
        chunk = x[start:start + rows].astype(np.float32)
        chunk /= 255.0
        out[start:start + rows] = chunk
    out.flush()
    del out
    os.replace(partial, path)
