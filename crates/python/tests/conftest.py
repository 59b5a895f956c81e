"""Shared fixtures. Tests that need the real MNIST files are skipped — visibly — unless
SCRATCHNET_TEST_MNIST names a mirror (a directory holding the four *-ubyte.gz files); CI sets it."""

import os
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[3]


def pytest_configure(config):
    config.addinivalue_line("markers", "mnist: needs the MNIST mirror named by SCRATCHNET_TEST_MNIST")


def pytest_collection_modifyitems(config, items):
    if os.environ.get("SCRATCHNET_TEST_MNIST"):
        return
    skip = pytest.mark.skip(reason="needs the MNIST mirror: set SCRATCHNET_TEST_MNIST")
    for item in items:
        if "mnist" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def mnist_mirror():
    return os.environ["SCRATCHNET_TEST_MNIST"]


@pytest.fixture(scope="session")
def mnist(mnist_mirror, tmp_path_factory):
    """The book's load_mnist() arrays, cached in a temporary data directory."""
    os.environ["SCRATCHNET_DATA_DIR"] = str(tmp_path_factory.mktemp("data"))
    from scratchnet import load_mnist
    return load_mnist(mirror=mnist_mirror)


def synthetic(samples=200, seed=0, features=784, classes=10):
    """MNIST-shaped uint8 images whose class lights a band of pixels, and their labels."""
    rng = np.random.default_rng(seed)
    t = rng.integers(0, classes, samples)
    x = np.zeros((samples, features), dtype=np.uint8)
    band = features // classes
    for i, label in enumerate(t):
        x[i, label * band:(label + 1) * band] = rng.integers(100, 256, band)
        noise = rng.integers(0, features, 20)
        x[i, noise] = rng.integers(1, 256, 20)
    return x, t
