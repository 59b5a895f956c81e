"""Argument checks: bad input raises TypeError/ValueError naming the argument, what it got and
what it needs, before anything reaches Rust."""

import numpy as np

FLOAT_DTYPES = (np.float32, np.float64)


def images(x, name, dtype, features=None):
    """``x`` as a C-order 2-D array: uint8 pixels stay bytes (value = byte / 255), floats
    become ``dtype``; (N, 28, 28) is flattened like the book's ``flatten=True``."""
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array, got {type(x).__name__}")
    if x.dtype != np.uint8 and x.dtype not in FLOAT_DTYPES:
        raise TypeError(f"{name} must have dtype float64, float32 or uint8, got {x.dtype}")
    if x.ndim == 3:
        x = x.reshape(len(x), -1)
    elif x.ndim == 4 and x.shape[1] == 1:
        x = x.reshape(len(x), -1)
    if x.ndim != 2:
        raise ValueError(f"{name} must be shaped (N, {features or 784}) or (N, 28, 28), got {x.shape}")
    if features is not None and x.shape[1] != features:
        raise ValueError(f"{name} has {x.shape[1]} features per sample, shape {x.shape}; the network takes {features}")
    if len(x) == 0:
        raise ValueError(f"{name} holds no samples (shape {x.shape})")
    if x.dtype != np.uint8:
        x = np.ascontiguousarray(x, dtype=dtype)
        if not np.isfinite(x).all():
            raise ValueError(f"{name} holds NaN or infinite values")
    return np.ascontiguousarray(x)


def labels(t, name, classes, samples=None):
    """``t`` as int64 class indices: integer labels or one-hot rows."""
    if not isinstance(t, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array, got {type(t).__name__}")
    if t.ndim == 2:
        if t.shape[1] != classes:
            raise ValueError(f"{name} is one-hot with {t.shape[1]} columns, shape {t.shape}; the network has {classes} classes")
        t = np.argmax(t, axis=1)
    elif t.ndim != 1:
        raise ValueError(f"{name} must be labels shaped (N,) or one-hot (N, {classes}), got {t.shape}")
    if not (np.issubdtype(t.dtype, np.integer) or np.issubdtype(t.dtype, np.bool_)):
        if np.issubdtype(t.dtype, np.floating) and np.all(np.mod(t, 1) == 0):
            pass
        else:
            raise TypeError(f"{name} must hold integer labels, got dtype {t.dtype}")
    if samples is not None and len(t) != samples:
        raise ValueError(f"{name} has {len(t)} labels but x has {samples} samples")
    if len(t) and (t.min() < 0 or t.max() >= classes):
        raise ValueError(f"{name} holds labels from {t.min()} to {t.max()}; the network has classes 0 to {classes - 1}")
    return np.ascontiguousarray(t, dtype=np.int64)


def dtype_name(dtype):
    """'float32' or 'float64' from a dtype-like argument."""
    try:
        name = np.dtype(dtype).name
    except TypeError as error:
        raise TypeError(f"dtype must be 'float32' or 'float64', got {dtype!r}") from error
    if name not in ("float32", "float64"):
        raise ValueError(f"dtype must be 'float32' or 'float64', got {name}")
    return name


def seed_or_draw(seed, name="seed"):
    """``seed`` as a non-negative int; without one, a seed drawn from ``np.random`` (so
    ``np.random.seed(n)`` makes the run repeatable, like the book's code)."""
    if seed is None:
        return int(np.random.randint(0, 2**63 - 1, dtype=np.int64))
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise TypeError(f"{name} must be an int >= 0 or None, got {seed!r}")
    return int(seed)
