"""The book's chapter-5 layers (common/layers.py) on NumPy arrays, computed by
scratchnet-layers. ``Affine`` and ``BatchNormalization`` keep *references* to the arrays they
are given and read them at every forward: in-place updates of ``params`` reach them."""

import numpy as np

from . import _checks
from ._native import NativeLayer, NativeSoftmaxWithLoss


def _dtype_of(*arrays, default='float64'):
    for array in arrays:
        if isinstance(array, np.ndarray) and array.dtype.name in ('float32', 'float64'):
            return array.dtype.name
    return default


class _Layer:
    _params = ()
    _dtype = None

    def _make(self, dtype):
        raise NotImplementedError

    def forward(self, x, train_flg=True):
        if not isinstance(x, np.ndarray):
            raise TypeError(f"x must be a NumPy array, got {type(x).__name__}")
        dtype = self._dtype or _dtype_of(x)
        if getattr(self, '_native', None) is None or self._native_dtype != dtype:
            self._native, self._native_dtype = self._make(dtype), dtype
        self._shape = x.shape
        x2 = np.ascontiguousarray(x.reshape(len(x), -1) if x.ndim != 2 else x, dtype=dtype)
        out = self._native.forward(x2, bool(train_flg), [getattr(self, name) for name in self._params])
        self._refresh()
        return out

    def backward(self, dout):
        if getattr(self, '_native', None) is None:
            raise ValueError("backward needs a forward(x, train_flg=True) first")
        if not isinstance(dout, np.ndarray):
            raise TypeError(f"dout must be a NumPy array, got {type(dout).__name__}")
        dx = self._native.backward(np.ascontiguousarray(dout, dtype=self._native_dtype))
        self._refresh()
        return dx.reshape(self._shape)

    def _refresh(self):
        for name, value in self._native.attributes().items():
            setattr(self, name, value)


class Affine(_Layer):
    """``x·W + b`` (W's dtype); ``dW`` and ``db`` after ``backward``."""
    _params = ('W', 'b')

    def __init__(self, W, b):
        self.W, self.b = W, b
        self._dtype = _dtype_of(W)
        self.dW = self.db = None

    def _make(self, dtype):
        return NativeLayer('Affine', dtype)


class Relu(_Layer):
    """``max(0, x)``; ``mask`` marks the inputs ≤ 0 like the book's."""

    def __init__(self):
        self.mask = None

    def _make(self, dtype):
        return NativeLayer('Relu', dtype)

    def forward(self, x, train_flg=True):
        out = super().forward(x, train_flg)
        self.mask = (x <= 0)
        return out


class Sigmoid(_Layer):
    """``1 / (1 + exp(−x))``; ``out`` kept for ``backward``."""

    def __init__(self):
        self.out = None

    def _make(self, dtype):
        return NativeLayer('Sigmoid', dtype)

    def forward(self, x, train_flg=True):
        self.out = super().forward(x, train_flg)
        return self.out


class Dropout(_Layer):
    """The book's dropout: training keeps units with ``mask``, inference scales by
    ``1 − dropout_ratio``. ``seed`` fixes the masks (drawn from ``np.random`` without it)."""

    def __init__(self, dropout_ratio=0.5, seed=None):
        self.dropout_ratio = float(dropout_ratio)
        self.seed = _checks.seed_or_draw(seed)
        self.mask = None
        self._native = self._make('float64')
        self._native_dtype = 'float64'

    def _make(self, dtype):
        return NativeLayer('Dropout', dtype, ratio=self.dropout_ratio, seed=self.seed)

    def forward(self, x, train_flg=True):
        out = super().forward(x, train_flg)
        if self.mask is not None:
            self.mask = self.mask.astype(bool)
        return out


class BatchNormalization(_Layer):
    """Normalises each feature over the batch, then ``gamma·x̂ + beta``; ``dgamma``, ``dbeta``,
    ``running_mean`` and ``running_var`` as the book's."""
    _params = ('gamma', 'beta')

    def __init__(self, gamma, beta, momentum=0.9, running_mean=None, running_var=None):
        if running_mean is not None or running_var is not None:
            raise ValueError("running_mean/running_var start at zero here; pass None")
        self.gamma, self.beta, self.momentum = gamma, beta, float(momentum)
        self._dtype = _dtype_of(gamma)
        self.dgamma = self.dbeta = None

    def _make(self, dtype):
        return NativeLayer('BatchNormalization', dtype, features=int(np.size(self.gamma)),
                           momentum=self.momentum)


class SoftmaxWithLoss:
    """Softmax and cross-entropy; ``backward(dout=1)`` gives ``(y − t) / batch_size``."""

    def __init__(self):
        self._native = NativeSoftmaxWithLoss()
        self.loss = None

    def forward(self, x, t):
        if not isinstance(x, np.ndarray) or x.ndim != 2:
            raise TypeError("x must be a 2-D NumPy array of scores")
        x = np.ascontiguousarray(x, dtype=_dtype_of(x))
        t = _checks.labels(t, 't', x.shape[1], len(x))
        self.loss = self._native.forward(x, t)
        return self.loss

    def backward(self, dout=1):
        return self._native.backward() * dout
