"""The book's ``load_mnist`` (dataset/mnist.py) through scratchnet-datasets: verified
downloads, a per-user cache, mirrors from ``SCRATCHNET_MNIST_MIRROR``."""

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
    train, test = load_dataset(dataset, str(data_dir(dataset)), mirrors)
    return tuple(_shape(x, t, normalize, flatten, one_hot_label) for x, t in (train, test))


def load_fashion_mnist(normalize=True, flatten=True, one_hot_label=False, mirror=None):
    """``load_mnist`` for Fashion-MNIST."""
    return load_mnist(normalize, flatten, one_hot_label, mirror, dataset='fashion')


def _shape(x, t, normalize, flatten, one_hot_label):
    if normalize:
        x = x.astype(np.float32)
        x /= 255.0  # in place: the same float32 values without a second 188 MB array
    if not flatten:
        x = x.reshape(-1, 1, 28, 28)
    if one_hot_label:
        one_hot = np.zeros((t.size, 10), dtype=np.float32)
        one_hot[np.arange(t.size), t] = 1
        t = one_hot
    return x, t
