"""Expected values of the three-step unit tests in src/*.rs.

Re-implements the book's common/optimizer.py (Deep Learning from Scratch, ch. 6) element by
element with plain Python floats (IEEE f64, like NumPy float64), keeping the book's order of
operations. Run `python3 tests/expected_values.py` and compare with the literals in the tests.
"""
import math

P0 = [1.0, -2.0, 0.5, 3.0]  # row-major 2x2
GRADS = [
    [0.1, -0.2, 0.3, 0.4],
    [-0.5, 0.25, 0.0, 1.5],
    [0.2, 0.1, -0.3, -0.05],
]
LR = 0.1  # every test uses lr 0.1 and the book's other defaults


def sgd(lr=LR):
    p, out = P0[:], []
    for g in GRADS:
        p = [pi - lr * gi for pi, gi in zip(p, g)]  # params[key] -= self.lr * grads[key]
        out.append(p)
    return out


def momentum(lr=LR, m=0.9):
    p, v, out = P0[:], [0.0] * 4, []
    for g in GRADS:
        v = [m * vi - lr * gi for vi, gi in zip(v, g)]
        p = [pi + vi for pi, vi in zip(p, v)]
        out.append(p)
    return out


def nesterov(lr=LR, m=0.9):
    p, v, out = P0[:], [0.0] * 4, []
    for g in GRADS:
        v = [vi * m for vi in v]  # self.v[key] *= self.momentum
        v = [vi - lr * gi for vi, gi in zip(v, g)]  # self.v[key] -= self.lr * grads[key]
        p = [pi + m * m * vi for pi, vi in zip(p, v)]  # params += m*m*v (the updated v)
        p = [pi - (1 + m) * lr * gi for pi, gi in zip(p, g)]  # params -= (1+m)*lr*g
        out.append(p)
    return out


def adagrad(lr=LR):
    p, h, out = P0[:], [0.0] * 4, []
    for g in GRADS:
        h = [hi + gi * gi for hi, gi in zip(h, g)]
        p = [pi - lr * gi / (math.sqrt(hi) + 1e-7) for pi, gi, hi in zip(p, g, h)]
        out.append(p)
    return out


def rmsprop(lr=LR, d=0.99):
    p, h, out = P0[:], [0.0] * 4, []
    for g in GRADS:
        h = [hi * d for hi in h]
        h = [hi + (1 - d) * gi * gi for hi, gi in zip(h, g)]
        p = [pi - lr * gi / (math.sqrt(hi) + 1e-7) for pi, gi, hi in zip(p, g, h)]
        out.append(p)
    return out


def adam(lr=LR, b1=0.9, b2=0.999):
    p, m, v, out, it = P0[:], [0.0] * 4, [0.0] * 4, [], 0
    for g in GRADS:
        it += 1
        lr_t = lr * math.sqrt(1.0 - b2**it) / (1.0 - b1**it)
        m = [mi + (1 - b1) * (gi - mi) for mi, gi in zip(m, g)]
        v = [vi + (1 - b2) * (gi**2 - vi) for vi, gi in zip(v, g)]
        p = [pi - lr_t * mi / (math.sqrt(vi) + 1e-7) for pi, mi, vi in zip(p, m, v)]
        out.append(p)
    return out


if __name__ == "__main__":
    for f in (sgd, momentum, nesterov, adagrad, rmsprop, adam):
        print(f.__name__)
        for step in f():
            print("    [" + ", ".join(repr(x) for x in step) + "],")
