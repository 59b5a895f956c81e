"""MultiLayerNetExtend: gradients, params write-through, seeding, the book's return shapes."""

import numpy as np
import pytest

from scratchnet import MultiLayerNetExtend


def small(**kwargs):
    return MultiLayerNetExtend(5, [4, 4], 3, dtype='float64', seed=1, **kwargs)


def batch(seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(10, 5)), rng.integers(0, 3, 10)


@pytest.mark.parametrize("options", [
    {}, {"use_batchnorm": True}, {"weight_decay_lambda": 0.1},
    {"use_batchnorm": True, "weight_decay_lambda": 0.1, "activation": "sigmoid", "weight_init_std": "sigmoid"},
])
def test_backprop_matches_the_numerical_gradient(options):
    net = small(**options)
    x, t = batch()
    numerical = net.numerical_gradient(x, t)
    backprop = net.gradient(x, t)
    assert set(numerical) == set(backprop) == set(net.params)
    for key in numerical:
        assert backprop[key].shape == net.params[key].shape
        assert np.abs(backprop[key] - numerical[key]).max() <= 1e-6, key


def test_params_are_named_and_shaped_like_the_book():
    net = MultiLayerNetExtend(784, [100, 50], 10, use_batchnorm=True, seed=0)
    shapes = {key: value.shape for key, value in net.params.items()}
    assert shapes == {"W1": (784, 100), "b1": (100,), "gamma1": (100,), "beta1": (100,),
                      "W2": (100, 50), "b2": (50,), "gamma2": (50,), "beta2": (50,),
                      "W3": (50, 10), "b3": (10,)}
    assert all(v.dtype == np.float32 and v.flags.c_contiguous for v in net.params.values())
    assert np.all(net.params["b1"] == 0) and np.all(net.params["gamma1"] == 1)
    std = net.params["W1"].std()
    assert abs(std - np.sqrt(2 / 784)) < 0.1 * np.sqrt(2 / 784)  # He


def test_in_place_updates_reach_the_network():
    net = small()
    x, t = batch()
    before = net.predict(x)
    net.params["W1"] -= 0.1 * net.gradient(x, t)["W1"]
    assert not np.array_equal(before, net.predict(x))
    net.params["b3"][:] = 100.0
    net.params["b3"][1] = 1000.0
    assert np.all(np.argmax(net.predict(x), axis=1) == 1)


def test_a_numpy_sgd_loop_on_params_trains():
    x, t = batch(3)
    net = small()
    first = net.loss(x, t)
    for _ in range(1000):
        grads = net.gradient(x, t)
        for key in net.params:
            net.params[key] -= 0.1 * grads[key]
    assert net.loss(x, t) < first / 4
    assert net.accuracy(x, t) == 1.0


def test_the_same_seed_gives_the_same_network_and_numpy_seeds_the_rest():
    assert np.array_equal(small().params["W1"], small().params["W1"])
    np.random.seed(5)
    a = MultiLayerNetExtend(5, [4], 3)
    np.random.seed(5)
    b = MultiLayerNetExtend(5, [4], 3)
    assert np.array_equal(a.params["W1"], b.params["W1"])


def test_loss_and_accuracy_accept_one_hot_and_28x28_images():
    net = MultiLayerNetExtend(784, [20], 10, seed=0)
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (4, 28, 28)).astype(np.uint8)
    t = np.array([1, 2, 3, 4])
    one_hot = np.eye(10)[t]
    assert net.accuracy(x, t) == net.accuracy(x, one_hot)
    assert net.loss(x, t) == pytest.approx(net.loss(x.reshape(4, 784) / 255.0, t), rel=1e-5)
    assert net.predict(x).shape == (4, 10)


def test_images_in_any_memory_order_give_the_same_results():
    net = small()
    x, t = batch(3)
    c_order = net.predict(np.ascontiguousarray(x))
    assert np.array_equal(net.predict(np.asfortranarray(x)), c_order)
    wide = np.zeros((10, 10))
    wide[:, ::2] = x
    assert np.array_equal(net.predict(wide[:, ::2]), c_order)
    assert net.accuracy(np.asfortranarray(x), t) == net.accuracy(x, t)
