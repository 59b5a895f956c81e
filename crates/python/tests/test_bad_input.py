"""Every bad input raises TypeError or ValueError naming the argument — never a crash."""

import numpy as np
import pytest

from conftest import synthetic
from scratchnet import MultiLayerNetExtend, Trainer

NET = dict(input_size=784, hidden_size_list=[10], output_size=10, seed=0)
X, T = synthetic(20)


@pytest.mark.parametrize("x, error, words", [
    ([[0.0] * 784], TypeError, "x must be a NumPy array"),
    (X.astype(np.int32), TypeError, "int32"),
    (X.astype(np.complex64), TypeError, "complex64"),
    (X[:, :100], ValueError, "100 features"),
    (X.reshape(20, 784, 1, 1), ValueError, "(N, 784)"),
    (X[:0], ValueError, "no samples"),
    (np.full((2, 784), np.nan), ValueError, "NaN"),
])
def test_bad_images(x, error, words):
    net = MultiLayerNetExtend(**NET)
    with pytest.raises(error, match=None) as raised:
        net.accuracy(x, T[:len(x)] if len(x) else T[:0])
    assert words in str(raised.value)


@pytest.mark.parametrize("t, error, words", [
    (list(T), TypeError, "t must be a NumPy array"),
    (T[:5], ValueError, "5 labels"),
    (T + 10, ValueError, "labels from"),
    (T - 20, ValueError, "labels from"),
    (T.astype(np.float64) + 0.5, TypeError, "integer labels"),
    (np.eye(7)[T % 7], ValueError, "7 columns"),
    (T.reshape(2, 2, 5), ValueError, "shaped (N,)"),
])
def test_bad_labels(t, error, words):
    net = MultiLayerNetExtend(**NET)
    with pytest.raises(error) as raised:
        net.loss(X, t)
    assert words in str(raised.value)


@pytest.mark.parametrize("options, error, words", [
    (dict(activation="tanh"), ValueError, "activation"),
    (dict(weight_init_std="big"), ValueError, "weight init"),
    (dict(weight_init_std=-1), ValueError, "weight init"),
    (dict(use_dropout=True, dropout_ration=1.5), ValueError, "dropout ratio"),
    (dict(weight_decay_lambda=-1), ValueError, "weight decay"),
    (dict(dtype="int8"), ValueError, "dtype"),
    (dict(seed=-1), TypeError, "seed"),
    (dict(seed="zero"), TypeError, "seed"),
])
def test_bad_network_options(options, error, words):
    with pytest.raises(error) as raised:
        MultiLayerNetExtend(**{**NET, **options})
    assert words in str(raised.value)


@pytest.mark.parametrize("options, error, words", [
    (dict(epochs=0), ValueError, "epochs"),
    (dict(mini_batch_size=-1), ValueError, "mini_batch_size"),
    (dict(optimizer="LBFGS"), ValueError, "unknown optimizer"),
    (dict(optimizer=None), TypeError, "optimizer"),
    (dict(optimizer_param={"lr": -1}), ValueError, "learning_rate -1"),
    (dict(optimizer_param={"momentum": 0.5}), ValueError, "momentum"),
    (dict(optimizer_param=0.1), TypeError, "optimizer_param"),
    (dict(evaluate_sample_num_per_epoch=0), ValueError, "evaluate_sample_num_per_epoch"),
])
def test_bad_trainer_options(options, error, words):
    net = MultiLayerNetExtend(**NET)
    with pytest.raises(error) as raised:
        Trainer(net, X, T, X, T, **options)
    assert words in str(raised.value)


def test_a_network_from_python_is_refused_with_what_is_supported():
    class TwoLayerNet:
        params = {}
    with pytest.raises(TypeError, match="MultiLayerNetExtend"):
        Trainer(TwoLayerNet(), X, T, X, T)


def test_bad_params_are_refused_by_the_next_call():
    net = MultiLayerNetExtend(**NET)
    net.params["W1"] = np.zeros((3, 3), dtype=np.float32)
    with pytest.raises(ValueError, match=r"params\['W1'\] has shape"):
        net.predict(X)
    net.params["W1"] = np.zeros((784, 10), dtype=np.float64)
    with pytest.raises(TypeError, match=r"params\['W1'\]"):
        net.predict(X)
    del net.params["W1"]
    with pytest.raises(KeyError, match="W1"):
        net.predict(X)
