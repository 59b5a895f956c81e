"""The book's ``MultiLayerNetExtend`` (common/multi_layer_net_extend.py), computed in Rust."""

import numpy as np

from . import _checks
from ._native import NativeNetwork


class MultiLayerNetExtend:
    """A fully connected network with weight decay, Dropout and Batch Normalization.

    ``params`` is a dict of C-order NumPy arrays owned by Python (``W1`` 2-D; ``b1``,
    ``gamma1``, ``beta1`` 1-D like the book). Every method copies them into the network first,
    so ``net.params['W1'] -= lr * grads['W1']`` changes the next prediction. ``seed`` fixes the
    initial weights and dropout masks; without it a seed is drawn from ``np.random``.
    ``dtype='float64'`` gives the book's precision (gradient checks); float32 is the speed.
    """

    def __init__(self, input_size, hidden_size_list, output_size, activation='relu',
                 weight_init_std='relu', weight_decay_lambda=0, use_dropout=False,
                 dropout_ration=0.5, use_batchnorm=False, seed=None, dtype='float32'):
        hidden = [int(size) for size in hidden_size_list]
        self.input_size = int(input_size)
        self.hidden_size_list = hidden
        self.output_size = int(output_size)
        self.hidden_layer_num = len(hidden)
        self.use_dropout = bool(use_dropout)
        self.use_batchnorm = bool(use_batchnorm)
        self.weight_decay_lambda = float(weight_decay_lambda)
        self.seed = _checks.seed_or_draw(seed)
        self.dtype = np.dtype(_checks.dtype_name(dtype))
        self._native = NativeNetwork(
            self.input_size, hidden, self.output_size, str(activation), str(weight_init_std),
            self.weight_decay_lambda, float(dropout_ration) if self.use_dropout else None,
            self.use_batchnorm, self.seed, self.dtype.name)
        self.params = self._native.params()

    def _x(self, x, name='x'):
        return _checks.images(x, name, self.dtype, self.input_size)

    def _t(self, t, samples, name='t'):
        return _checks.labels(t, name, self.output_size, samples)

    def _sync(self):
        self._native.load_params(self.params)

    def predict(self, x, train_flg=False):
        """Scores before softmax, in inference mode (the book's ``predict(x)``)."""
        if train_flg:
            raise ValueError("predict(x, train_flg=True) is not supported: use loss(x, t, train_flg=True) or gradient(x, t)")
        self._sync()
        return self._native.predict(self._x(x))

    def loss(self, x, t, train_flg=False):
        """Cross-entropy of the softmax plus ``0.5·λ·Σ‖W‖²``."""
        x = self._x(x)
        t = self._t(t, len(x))
        self._sync()
        return self._native.loss(x, t, bool(train_flg))

    def accuracy(self, x, t):
        """The fraction of ``x`` whose highest score is its label (``t`` labels or one-hot)."""
        x = self._x(x)
        t = self._t(t, len(x))
        self._sync()
        return self._native.accuracy(x, t)

    def gradient(self, x, t):
        """Backprop gradients in a dict keyed like ``params``."""
        x = self._x(x)
        t = self._t(t, len(x))
        self._sync()
        return self._native.gradient(x, t)

    def numerical_gradient(self, x, t):
        """Central-difference gradients of the training-mode loss (slow; for checks)."""
        x = self._x(x)
        t = self._t(t, len(x))
        self._sync()
        return self._native.numerical_gradient(x, t)
