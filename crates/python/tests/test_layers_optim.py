"""Layers and optimizers against the book's NumPy formulas, and the book's TwoLayerNet built
from Affine(params['W1'], params['b1']) trained by in-place updates."""

import numpy as np
import pytest

from scratchnet import (SGD, AdaGrad, Adam, Affine, BatchNormalization, Dropout, Momentum,
                        Nesterov, Relu, RMSprop, Sigmoid, SoftmaxWithLoss)

rng = np.random.default_rng(0)
X = rng.normal(size=(4, 3))
DOUT = rng.normal(size=(4, 2))


def test_affine_is_the_books():
    W, b = rng.normal(size=(3, 2)), rng.normal(size=2)
    layer = Affine(W, b)
    assert np.allclose(layer.forward(X), X @ W + b, atol=1e-12)
    dx = layer.backward(DOUT)
    assert np.allclose(dx, DOUT @ W.T, atol=1e-12)
    assert np.allclose(layer.dW, X.T @ DOUT, atol=1e-12)
    assert np.allclose(layer.db, DOUT.sum(axis=0), atol=1e-12)


def test_relu_and_sigmoid_are_the_books():
    relu = Relu()
    assert np.array_equal(relu.forward(X), np.maximum(0, X))
    assert np.array_equal(relu.mask, X <= 0)
    assert np.array_equal(relu.backward(X), np.where(X <= 0, 0, X))
    sigmoid = Sigmoid()
    y = 1 / (1 + np.exp(-X))
    assert np.allclose(sigmoid.forward(X), y, atol=1e-12)
    assert np.allclose(sigmoid.backward(X), X * (1 - y) * y, atol=1e-12)


def test_dropout_is_the_books():
    layer = Dropout(0.5, seed=1)
    out = layer.forward(X, train_flg=True)
    assert layer.mask.dtype == bool and layer.mask.shape == X.shape
    assert np.array_equal(out, X * layer.mask)
    assert np.array_equal(layer.backward(X), X * layer.mask)
    assert np.allclose(layer.forward(X, train_flg=False), X * 0.5)


def test_batch_normalization_is_the_books():
    gamma, beta = rng.normal(size=3), rng.normal(size=3)
    layer = BatchNormalization(gamma, beta)
    mu = X.mean(axis=0)
    xc = X - mu
    var = np.mean(xc ** 2, axis=0)
    std = np.sqrt(var + 10e-7)
    xn = xc / std
    assert np.allclose(layer.forward(X, train_flg=True), gamma * xn + beta, atol=1e-10)
    dout = rng.normal(size=X.shape)
    dbeta = dout.sum(axis=0)
    dgamma = np.sum(xn * dout, axis=0)
    dxn = gamma * dout
    dxc = dxn / std
    dstd = -np.sum((dxn * xc) / (std * std), axis=0)
    dvar = 0.5 * dstd / std
    dxc += (2.0 / len(X)) * xc * dvar
    dmu = np.sum(dxc, axis=0)
    dx = dxc - dmu / len(X)
    assert np.allclose(layer.backward(dout), dx, atol=1e-10)
    assert np.allclose(layer.dgamma, dgamma, atol=1e-10)
    assert np.allclose(layer.dbeta, dbeta, atol=1e-10)
    assert np.allclose(layer.running_mean, 0.1 * mu, atol=1e-12)


def test_softmax_with_loss_is_the_books():
    t = np.array([0, 1, 1, 0])
    layer = SoftmaxWithLoss()
    x = X[:, :2]
    y = np.exp(x - x.max(axis=1, keepdims=True))
    y /= y.sum(axis=1, keepdims=True)
    loss = -np.sum(np.log(y[np.arange(4), t] + 1e-7)) / 4
    assert layer.forward(x, t) == pytest.approx(loss, rel=1e-9)
    assert np.allclose(layer.backward(), (y - np.eye(2)[t]) / 4, atol=1e-12)


def book_update(name, params, grads, state, step):
    lr = {"Adam": 0.001}.get(name, 0.01)
    for key in params:
        p, g = params[key], grads[key]
        if name == "SGD":
            p -= lr * g
        elif name == "Momentum":
            v = state.setdefault(key, np.zeros_like(p))
            v[...] = 0.9 * v - lr * g
            p += v
        elif name == "Nesterov":
            v = state.setdefault(key, np.zeros_like(p))
            v *= 0.9
            v -= lr * g
            p += 0.9 * 0.9 * v
            p -= (1 + 0.9) * lr * g
        elif name == "AdaGrad":
            h = state.setdefault(key, np.zeros_like(p))
            h += g * g
            p -= lr * g / (np.sqrt(h) + 1e-7)
        elif name == "RMSprop":
            h = state.setdefault(key, np.zeros_like(p))
            h *= 0.99
            h += 0.01 * g * g
            p -= lr * g / (np.sqrt(h) + 1e-7)
        elif name == "Adam":
            m = state.setdefault(key + "m", np.zeros_like(p))
            v = state.setdefault(key + "v", np.zeros_like(p))
            lr_t = lr * np.sqrt(1.0 - 0.999 ** step) / (1.0 - 0.9 ** step)
            m += (1 - 0.9) * (g - m)
            v += (1 - 0.999) * (g ** 2 - v)
            p -= lr_t * m / (np.sqrt(v) + 1e-7)


@pytest.mark.parametrize("optimizer", [SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam])
def test_each_optimizer_updates_like_the_book(optimizer):
    ours = {"W1": rng.normal(size=(3, 2)), "b1": rng.normal(size=2)}
    book = {key: value.copy() for key, value in ours.items()}
    arrays = dict(ours)
    opt, state = optimizer(), {}
    for step in range(1, 4):
        grads = {key: rng.normal(size=value.shape) for key, value in ours.items()}
        opt.update(ours, grads)
        book_update(optimizer.__name__, book, grads, state, step)
    for key in ours:
        assert ours[key] is arrays[key]
        assert np.allclose(ours[key], book[key], rtol=1e-12, atol=1e-14), key


class TwoLayerNet:
    """The book's ch. 5 TwoLayerNet, with scratchnet's layers."""

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        r = np.random.default_rng(0)
        self.params = {"W1": weight_init_std * r.normal(size=(input_size, hidden_size)),
                       "b1": np.zeros(hidden_size),
                       "W2": weight_init_std * r.normal(size=(hidden_size, output_size)),
                       "b2": np.zeros(output_size)}
        self.layers = [Affine(self.params["W1"], self.params["b1"]), Relu(),
                       Affine(self.params["W2"], self.params["b2"])]
        self.last_layer = SoftmaxWithLoss()

    def predict(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def loss(self, x, t):
        return self.last_layer.forward(self.predict(x), t)

    def gradient(self, x, t):
        self.loss(x, t)
        dout = self.last_layer.backward(1)
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return {"W1": self.layers[0].dW, "b1": self.layers[0].db,
                "W2": self.layers[2].dW, "b2": self.layers[2].db}


def test_the_books_two_layer_net_trains_through_params_updated_in_place():
    r = np.random.default_rng(1)
    t = r.integers(0, 3, 60)
    x = np.eye(3)[t] @ r.normal(size=(3, 8)) + 0.1 * r.normal(size=(60, 8))
    net = TwoLayerNet(8, 16, 3, weight_init_std=0.5)
    first = net.loss(x, t)
    for _ in range(300):
        grads = net.gradient(x, t)
        for key in ("W1", "b1", "W2", "b2"):
            net.params[key] -= 0.5 * grads[key]
    assert net.loss(x, t) < first / 5
    assert np.mean(np.argmax(net.predict(x), axis=1) == t) > 0.95
