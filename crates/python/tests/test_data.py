"""load_mnist: the book's shapes, dtypes and values, and its float32 cache mapped from disk."""

import numpy as np
import pytest

from scratchnet import load_mnist
from scratchnet._data import _normalized


@pytest.mark.mnist
def test_load_mnist_returns_the_books_arrays(mnist, mnist_mirror):
    (x_train, t_train), (x_test, t_test) = mnist
    assert x_train.shape == (60000, 784) and x_test.shape == (10000, 784)
    assert x_train.dtype == np.float32 and t_train.dtype == np.uint8
    (raw, labels), _ = load_mnist(normalize=False, mirror=mnist_mirror)
    assert raw.dtype == np.uint8
    expected = raw[:1000].astype(np.float32)
    expected /= 255.0
    assert np.array_equal(x_train[:1000], expected)
    assert np.array_equal(labels, t_train)
    (images, _), _ = load_mnist(flatten=False, one_hot_label=True, mirror=mnist_mirror)
    assert images.shape == (60000, 1, 28, 28)


def test_normalized_images_are_a_private_map_of_a_cache_named_by_their_bytes(tmp_path):
    x = np.random.default_rng(0).integers(0, 256, (5000, 784), dtype=np.uint8)
    expected = x.astype(np.float32)
    expected /= 255.0
    first = _normalized(x, tmp_path)
    assert isinstance(first, np.memmap)
    assert np.array_equal(first, expected)
    assert len(list(tmp_path.glob("float32-5000x784-*.npy"))) == 1
    first[0] = 7  # copy-on-write: the cache file keeps its values
    again = _normalized(x, tmp_path)
    assert np.array_equal(again, expected)
    other = _normalized(x[::-1].copy(), tmp_path)
    assert np.array_equal(other, expected[::-1])
    assert len(list(tmp_path.glob("float32-5000x784-*.npy"))) == 2
    assert not list(tmp_path.glob("*.partial"))


def test_an_unwritable_cache_falls_back_to_memory(tmp_path):
    x = np.arange(784 * 2, dtype=np.uint64).reshape(2, 784).astype(np.uint8)
    missing = tmp_path / "file-not-dir"
    missing.write_text("")
    result = _normalized(x, missing)
    assert not isinstance(result, np.memmap)
    assert np.array_equal(result, x.astype(np.float32) / np.float32(255.0))
