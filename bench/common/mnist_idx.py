"""MNIST straight from the IDX files (gzip or raw), like the book's dataset/mnist.py load_mnist
(normalize=True, flatten=True) without its pickle."""
import gzip
import os

import numpy as np


def _read_idx(data_dir, name):
    for fname, opener in ((name + '.gz', gzip.open), (name, open)):
        path = os.path.join(data_dir, fname)
        if os.path.exists(path):
            with opener(path, 'rb') as f:
                data = f.read()
            break
    else:
        raise FileNotFoundError(f"{name}(.gz) not found in {data_dir}")
    if data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(f"{name}: not an unsigned-byte IDX file")
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big') for i in range(ndim))
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if arr.size != int(np.prod(shape)):
        raise ValueError(f"{name}: expected {shape}, got {arr.size} bytes of data")
    return arr.reshape(shape)


def load_mnist(data_dir, train_size=None, dtype=np.float64, one_hot_label=False):
    """Like the book's load_mnist(normalize=True, flatten=True, one_hot_label): the first
    train_size training images (all by default) and the 10,000 test images."""
    def images(name, n=None):
        x = _read_idx(data_dir, name)[:n].reshape(-1, 784)
        x = x.astype(np.float32) / np.float32(255.0)  # the book normalises in float32
        return x.astype(dtype, copy=False)

    def labels(name, n=None):
        t = _read_idx(data_dir, name)[:n].astype(np.int64)
        if not one_hot_label:
            return t
        one_hot = np.zeros((t.size, 10))
        one_hot[np.arange(t.size), t] = 1
        return one_hot

    return ((images('train-images-idx3-ubyte', train_size), labels('train-labels-idx1-ubyte', train_size)),
            (images('t10k-images-idx3-ubyte'), labels('t10k-labels-idx1-ubyte')))
