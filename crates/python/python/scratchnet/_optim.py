"""The book's optimizers (common/optimizer.py): ``update(params, grads)`` on dicts of NumPy
arrays, in place, computed by scratchnet-optim."""

import numpy as np

from ._native import NativeOptimizer


class _Optimizer:
    """Keeps its state (velocities, moments) by parameter name, like the book's."""

    _name = None

    def __init__(self, **hyper):
        self._hyper = {key: float(value) for key, value in hyper.items()}
        self._native = None

    def update(self, params, grads):
        """One step of every array of ``params`` from the same key of ``grads``."""
        if not isinstance(params, dict) or not isinstance(grads, dict):
            raise TypeError("params and grads must be dicts of NumPy arrays")
        if self._native is None:
            first = next(iter(params.values()), None)
            dtype = first.dtype.name if isinstance(first, np.ndarray) else 'float64'
            if dtype not in ('float32', 'float64'):
                raise TypeError(f"params must hold float32 or float64 arrays, got {dtype}")
            self._native = NativeOptimizer(self._name, self._hyper, dtype)
        self._native.update(params, grads)


class SGD(_Optimizer):
    _name = 'sgd'

    def __init__(self, lr=0.01):
        super().__init__(lr=lr)


class Momentum(_Optimizer):
    _name = 'momentum'

    def __init__(self, lr=0.01, momentum=0.9):
        super().__init__(lr=lr, momentum=momentum)


class Nesterov(_Optimizer):
    _name = 'nesterov'

    def __init__(self, lr=0.01, momentum=0.9):
        super().__init__(lr=lr, momentum=momentum)


class AdaGrad(_Optimizer):
    _name = 'adagrad'

    def __init__(self, lr=0.01):
        super().__init__(lr=lr)


class RMSprop(_Optimizer):
    _name = 'rmsprop'

    def __init__(self, lr=0.01, decay_rate=0.99):
        super().__init__(lr=lr, decay_rate=decay_rate)


class Adam(_Optimizer):
    _name = 'adam'

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        super().__init__(lr=lr, beta1=beta1, beta2=beta2)
