#!/usr/bin/env python3
"""NumPy reference for scratchnet: the book's code path for the ch. 6 "seed experiment".

A self-contained re-implementation of Deep Learning from Scratch's common/layers.py,
common/multi_layer_net_extend.py, common/optimizer.py and common/trainer.py, as used by
ch06/overfit_dropout.py: 300 MNIST training images, hidden [100]*6, ReLU, He init, SGD lr 0.01,
batch 100, 301 epochs, book-style Dropout 0.2.  This is the *book's* algorithm, not scratchnet's;
scratchnet's `cargo xtask bench` runs it to compare speed and results.

Deviations from the book, all numerically neutral for the seed experiment:
  * MNIST is read from the IDX files directly (no pickle); pixels are normalised in float32
    (like the book's load_mnist) and then cast once to --dtype, so float64 runs compute exactly
    what the book's float32-input/float64-weight products compute, without recasting x_test on
    every evaluation.
  * Trainer epochs are counted by integer epoch boundaries instead of the book's float modulo
    `current_iter % iter_per_epoch == 0`, which skips evaluations (and miscounts epochs) when
    train_size is not a multiple of the batch size.  For 300/100 both give the same 301
    evaluations at iterations 0, 3, 6, ...
Only the final JSON line goes to stdout; progress goes to stderr (suppressed by --quiet).
"""
import argparse
import gzip
import json
import math
import os
import sys
import time
from collections import OrderedDict

import numpy as np


# ---------------------------------------------------------------- common/functions.py
def softmax(x):
    x = x - np.max(x, axis=-1, keepdims=True)
    return np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True)


def cross_entropy_error(y, t):
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    if t.size == y.size:  # one-hot labels -> indices
        t = t.argmax(axis=1)
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size


# ---------------------------------------------------------------- common/layers.py
class Relu:
    def __init__(self):
        self.mask = None

    def forward(self, x):
        self.mask = (x <= 0)
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dout[self.mask] = 0
        return dout


class Sigmoid:
    def __init__(self):
        self.out = None

    def forward(self, x):
        self.out = 1 / (1 + np.exp(-x))
        return self.out

    def backward(self, dout):
        return dout * (1.0 - self.out) * self.out


class Affine:
    def __init__(self, W, b):
        self.W, self.b = W, b
        self.x = None
        self.original_x_shape = None
        self.dW = self.db = None

    def forward(self, x):
        self.original_x_shape = x.shape
        self.x = x.reshape(x.shape[0], -1)
        return np.dot(self.x, self.W) + self.b

    def backward(self, dout):
        dx = np.dot(dout, self.W.T)
        self.dW = np.dot(self.x.T, dout)
        self.db = np.sum(dout, axis=0)
        return dx.reshape(*self.original_x_shape)


class SoftmaxWithLoss:
    def __init__(self):
        self.loss = self.y = self.t = None

    def forward(self, x, t):
        self.t = t
        self.y = softmax(x)
        self.loss = cross_entropy_error(self.y, self.t)
        return self.loss

    def backward(self, dout=1):
        batch_size = self.t.shape[0]
        if self.t.size == self.y.size:  # one-hot labels
            dx = (self.y - self.t) / batch_size
        else:
            dx = self.y.copy()
            dx[np.arange(batch_size), self.t] -= 1
            dx = dx / batch_size
        return dx


class Dropout:
    """http://arxiv.org/abs/1207.0580 -- the book's (non-inverted) form by default."""

    def __init__(self, dropout_ratio=0.5, inverted=False):
        self.dropout_ratio = dropout_ratio
        self.inverted = inverted  # not in the book: scale by 1/(1-p) in training instead
        self.mask = None

    def forward(self, x, train_flg=True):
        if train_flg:
            self.mask = np.random.rand(*x.shape) > self.dropout_ratio
            if self.inverted:
                return x * self.mask / (1.0 - self.dropout_ratio)
            return x * self.mask
        if self.inverted:
            return x
        return x * (1.0 - self.dropout_ratio)

    def backward(self, dout):
        if self.inverted:
            return dout * self.mask / (1.0 - self.dropout_ratio)
        return dout * self.mask


class BatchNormalization:
    """http://arxiv.org/abs/1502.03167"""

    def __init__(self, gamma, beta, momentum=0.9, running_mean=None, running_var=None):
        self.gamma, self.beta = gamma, beta
        self.momentum = momentum
        self.input_shape = None  # 4-D for conv layers, 2-D for fully connected
        self.running_mean, self.running_var = running_mean, running_var
        self.batch_size = self.xc = self.xn = self.std = None
        self.dgamma = self.dbeta = None

    def forward(self, x, train_flg=True):
        self.input_shape = x.shape
        if x.ndim != 2:
            x = x.reshape(x.shape[0], -1)
        return self.__forward(x, train_flg).reshape(*self.input_shape)

    def __forward(self, x, train_flg):
        if self.running_mean is None:
            _, D = x.shape
            self.running_mean = np.zeros(D, dtype=x.dtype)
            self.running_var = np.zeros(D, dtype=x.dtype)
        if train_flg:
            mu = x.mean(axis=0)
            xc = x - mu
            var = np.mean(xc ** 2, axis=0)
            std = np.sqrt(var + 10e-7)
            xn = xc / std
            self.batch_size, self.xc, self.xn, self.std = x.shape[0], xc, xn, std
            self.running_mean = self.momentum * self.running_mean + (1 - self.momentum) * mu
            self.running_var = self.momentum * self.running_var + (1 - self.momentum) * var
        else:
            xc = x - self.running_mean
            xn = xc / np.sqrt(self.running_var + 10e-7)
        return self.gamma * xn + self.beta

    def backward(self, dout):
        if dout.ndim != 2:
            dout = dout.reshape(dout.shape[0], -1)
        return self.__backward(dout).reshape(*self.input_shape)

    def __backward(self, dout):
        dbeta = dout.sum(axis=0)
        dgamma = np.sum(self.xn * dout, axis=0)
        dxn = self.gamma * dout
        dxc = dxn / self.std
        dstd = -np.sum((dxn * self.xc) / (self.std * self.std), axis=0)
        dvar = 0.5 * dstd / self.std
        dxc += (2.0 / self.batch_size) * self.xc * dvar
        dmu = np.sum(dxc, axis=0)
        dx = dxc - dmu / self.batch_size
        self.dgamma, self.dbeta = dgamma, dbeta
        return dx


# ---------------------------------------------------------------- common/multi_layer_net_extend.py
class MultiLayerNetExtend:
    """Fully connected net: (Affine -> [BatchNorm] -> activation -> [Dropout]) x n, Affine -> SoftmaxWithLoss."""

    def __init__(self, input_size, hidden_size_list, output_size, activation='relu',
                 weight_init_std='relu', weight_decay_lambda=0, use_dropout=False,
                 dropout_ration=0.5, use_batchnorm=False, inverted_dropout=False,
                 dtype=np.float64):
        self.input_size, self.output_size = input_size, output_size
        self.hidden_size_list = hidden_size_list
        self.hidden_layer_num = len(hidden_size_list)
        self.use_dropout, self.use_batchnorm = use_dropout, use_batchnorm
        self.weight_decay_lambda = weight_decay_lambda
        self.dtype = dtype
        self.params = {}
        self.__init_weight(weight_init_std)

        activation_layer = {'sigmoid': Sigmoid, 'relu': Relu}
        self.layers = OrderedDict()
        for idx in range(1, self.hidden_layer_num + 1):
            self.layers['Affine' + str(idx)] = Affine(self.params['W' + str(idx)], self.params['b' + str(idx)])
            if self.use_batchnorm:
                self.params['gamma' + str(idx)] = np.ones(hidden_size_list[idx - 1], dtype=dtype)
                self.params['beta' + str(idx)] = np.zeros(hidden_size_list[idx - 1], dtype=dtype)
                self.layers['BatchNorm' + str(idx)] = BatchNormalization(self.params['gamma' + str(idx)],
                                                                         self.params['beta' + str(idx)])
            self.layers['Activation_function' + str(idx)] = activation_layer[activation]()
            if self.use_dropout:
                self.layers['Dropout' + str(idx)] = Dropout(dropout_ration, inverted=inverted_dropout)
        idx = self.hidden_layer_num + 1
        self.layers['Affine' + str(idx)] = Affine(self.params['W' + str(idx)], self.params['b' + str(idx)])
        self.last_layer = SoftmaxWithLoss()

    def __init_weight(self, weight_init_std):
        all_size_list = [self.input_size] + self.hidden_size_list + [self.output_size]
        for idx in range(1, len(all_size_list)):
            scale = weight_init_std
            if str(weight_init_std).lower() in ('relu', 'he'):
                scale = np.sqrt(2.0 / all_size_list[idx - 1])  # He
            elif str(weight_init_std).lower() in ('sigmoid', 'xavier'):
                scale = np.sqrt(1.0 / all_size_list[idx - 1])  # Xavier
            W = scale * np.random.randn(all_size_list[idx - 1], all_size_list[idx])
            self.params['W' + str(idx)] = W.astype(self.dtype, copy=False)
            self.params['b' + str(idx)] = np.zeros(all_size_list[idx], dtype=self.dtype)

    def predict(self, x, train_flg=False):
        for key, layer in self.layers.items():
            if 'Dropout' in key or 'BatchNorm' in key:
                x = layer.forward(x, train_flg)
            else:
                x = layer.forward(x)
        return x

    def loss(self, x, t, train_flg=False):
        y = self.predict(x, train_flg)
        weight_decay = 0
        for idx in range(1, self.hidden_layer_num + 2):
            W = self.params['W' + str(idx)]
            weight_decay += 0.5 * self.weight_decay_lambda * np.sum(W ** 2)
        return self.last_layer.forward(y, t) + weight_decay

    def accuracy(self, X, T):
        Y = np.argmax(self.predict(X, train_flg=False), axis=1)
        if T.ndim != 1:
            T = np.argmax(T, axis=1)
        return np.sum(Y == T) / float(X.shape[0])

    def gradient(self, x, t):
        self.loss(x, t, train_flg=True)  # forward
        dout = self.last_layer.backward(1)  # backward
        for layer in reversed(list(self.layers.values())):
            dout = layer.backward(dout)
        grads = {}
        for idx in range(1, self.hidden_layer_num + 2):
            affine = self.layers['Affine' + str(idx)]
            grads['W' + str(idx)] = affine.dW + self.weight_decay_lambda * self.params['W' + str(idx)]
            grads['b' + str(idx)] = affine.db
            if self.use_batchnorm and idx != self.hidden_layer_num + 1:
                grads['gamma' + str(idx)] = self.layers['BatchNorm' + str(idx)].dgamma
                grads['beta' + str(idx)] = self.layers['BatchNorm' + str(idx)].dbeta
        return grads


# ---------------------------------------------------------------- common/optimizer.py
class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for key in params.keys():
            params[key] -= self.lr * grads[key]


class Momentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum, self.v = lr, momentum, None

    def update(self, params, grads):
        if self.v is None:
            self.v = {key: np.zeros_like(val) for key, val in params.items()}
        for key in params.keys():
            self.v[key] = self.momentum * self.v[key] - self.lr * grads[key]
            params[key] += self.v[key]


class Nesterov:
    """http://arxiv.org/abs/1212.0901"""

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum, self.v = lr, momentum, None

    def update(self, params, grads):
        if self.v is None:
            self.v = {key: np.zeros_like(val) for key, val in params.items()}
        for key in params.keys():
            params[key] += self.momentum * self.momentum * self.v[key]
            params[key] -= (1 + self.momentum) * self.lr * grads[key]
            self.v[key] *= self.momentum
            self.v[key] -= self.lr * grads[key]


class AdaGrad:
    def __init__(self, lr=0.01):
        self.lr, self.h = lr, None

    def update(self, params, grads):
        if self.h is None:
            self.h = {key: np.zeros_like(val) for key, val in params.items()}
        for key in params.keys():
            self.h[key] += grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + 1e-7)


class RMSprop:
    def __init__(self, lr=0.01, decay_rate=0.99):
        self.lr, self.decay_rate, self.h = lr, decay_rate, None

    def update(self, params, grads):
        if self.h is None:
            self.h = {key: np.zeros_like(val) for key, val in params.items()}
        for key in params.keys():
            self.h[key] *= self.decay_rate
            self.h[key] += (1 - self.decay_rate) * grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + 1e-7)


class Adam:
    """http://arxiv.org/abs/1412.6980v8"""

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr, self.beta1, self.beta2 = lr, beta1, beta2
        self.iter, self.m, self.v = 0, None, None

    def update(self, params, grads):
        if self.m is None:
            self.m = {key: np.zeros_like(val) for key, val in params.items()}
            self.v = {key: np.zeros_like(val) for key, val in params.items()}
        self.iter += 1
        lr_t = self.lr * np.sqrt(1.0 - self.beta2 ** self.iter) / (1.0 - self.beta1 ** self.iter)
        for key in params.keys():
            self.m[key] += (1 - self.beta1) * (grads[key] - self.m[key])
            self.v[key] += (1 - self.beta2) * (grads[key] ** 2 - self.v[key])
            params[key] -= lr_t * self.m[key] / (np.sqrt(self.v[key]) + 1e-7)


# ---------------------------------------------------------------- common/trainer.py
class Trainer:
    """Trains a network: batches drawn with replacement; per-epoch train/test accuracy."""

    def __init__(self, network, x_train, t_train, x_test, t_test, epochs=20, mini_batch_size=100,
                 optimizer='SGD', optimizer_param={'lr': 0.01}, evaluate_sample_num_per_epoch=None,
                 verbose=True, log=sys.stderr):
        self.network = network
        self.verbose, self.log = verbose, log
        self.x_train, self.t_train, self.x_test, self.t_test = x_train, t_train, x_test, t_test
        self.epochs, self.batch_size = epochs, mini_batch_size
        self.evaluate_sample_num_per_epoch = evaluate_sample_num_per_epoch
        optimizer_class_dict = {'sgd': SGD, 'momentum': Momentum, 'nesterov': Nesterov,
                                'adagrad': AdaGrad, 'rmsprop': RMSprop, 'adam': Adam}
        self.optimizer = optimizer_class_dict[optimizer.lower()](**optimizer_param)
        self.train_size = x_train.shape[0]
        self.iter_per_epoch = max(self.train_size / mini_batch_size, 1)
        self.max_iter = int(epochs * self.iter_per_epoch)
        self.current_iter = 0
        self.current_epoch = 0
        self.train_loss_list, self.train_acc_list, self.test_acc_list = [], [], []
        self.epoch_rows = []  # (epoch, train_loss, train_acc, test_acc) -- not in the book

    def _epoch_starts(self, i):
        # The book tests `current_iter % iter_per_epoch == 0` on floats, which skips epochs when
        # train_size is not a multiple of the batch size; this is true at each epoch's first iteration.
        return i == 0 or math.floor(i / self.iter_per_epoch) > math.floor((i - 1) / self.iter_per_epoch)

    def train_step(self):
        batch_mask = np.random.choice(self.train_size, self.batch_size)
        x_batch, t_batch = self.x_train[batch_mask], self.t_train[batch_mask]

        grads = self.network.gradient(x_batch, t_batch)
        self.optimizer.update(self.network.params, grads)

        loss = self.network.loss(x_batch, t_batch)
        self.train_loss_list.append(loss)

        if self._epoch_starts(self.current_iter):
            self.current_epoch += 1
            x_train_sample, t_train_sample = self.x_train, self.t_train
            x_test_sample, t_test_sample = self.x_test, self.t_test
            if self.evaluate_sample_num_per_epoch is not None:
                t = self.evaluate_sample_num_per_epoch
                x_train_sample, t_train_sample = self.x_train[:t], self.t_train[:t]
                x_test_sample, t_test_sample = self.x_test[:t], self.t_test[:t]
            train_acc = self.network.accuracy(x_train_sample, t_train_sample)
            test_acc = self.network.accuracy(x_test_sample, t_test_sample)
            self.train_acc_list.append(train_acc)
            self.test_acc_list.append(test_acc)
            self.epoch_rows.append((self.current_epoch, float(loss), train_acc, test_acc))
            if self.verbose:
                print("=== epoch:" + str(self.current_epoch) + ", train loss:" + str(float(loss))
                      + ", train acc:" + str(train_acc) + ", test acc:" + str(test_acc) + " ===",
                      file=self.log)
        self.current_iter += 1

    def train(self):
        for _ in range(self.max_iter):
            self.train_step()
        test_acc = self.network.accuracy(self.x_test, self.t_test)
        self.final_test_acc = test_acc
        if self.verbose:
            print("=============== Final Test Accuracy ===============", file=self.log)
            print("test acc:" + str(test_acc), file=self.log)


# ---------------------------------------------------------------- MNIST (IDX, gzip or raw)
def _read_idx(data_dir, name):
    for fname, opener in ((name + '.gz', gzip.open), (name, open)):
        path = os.path.join(data_dir, fname)
        if os.path.exists(path):
            with opener(path, 'rb') as f:
                data = f.read()
            break
    else:
        raise FileNotFoundError(f"{name}(.gz) not found in {data_dir}")
    if data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(f"{name}: not an unsigned-byte IDX file")
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big') for i in range(ndim))
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if arr.size != int(np.prod(shape)):
        raise ValueError(f"{name}: expected {shape}, got {arr.size} bytes of data")
    return arr.reshape(shape)


def load_mnist(data_dir, train_size, dtype):
    """Like the book's load_mnist(normalize=True, flatten=True, one_hot_label=False)."""
    def images(name, n=None):
        x = _read_idx(data_dir, name)[:n].reshape(-1, 784)
        x = x.astype(np.float32) / np.float32(255.0)  # the book normalises in float32
        return x.astype(dtype, copy=False)

    def labels(name, n=None):
        return _read_idx(data_dir, name)[:n].astype(np.int64)

    return ((images('train-images-idx3-ubyte', train_size), labels('train-labels-idx1-ubyte', train_size)),
            (images('t10k-images-idx3-ubyte'), labels('t10k-labels-idx1-ubyte')))


# ---------------------------------------------------------------- ch06/overfit_dropout.py
def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--data-dir', default='datasets/mnist')
    p.add_argument('--train-size', type=int, default=300)
    p.add_argument('--epochs', type=int, default=301)
    p.add_argument('--batch-size', type=int, default=100)
    p.add_argument('--hidden', default='100,100,100,100,100,100')
    p.add_argument('--dropout', type=float, default=0.2, help='dropout ratio; 0 = no Dropout layers')
    p.add_argument('--inverted-dropout', action='store_true', help='not the book: scale 1/(1-p) in training')
    p.add_argument('--batchnorm', action='store_true')
    p.add_argument('--weight-decay', type=float, default=0.0)
    p.add_argument('--activation', default='relu', choices=['relu', 'sigmoid'])
    p.add_argument('--optimizer', default='sgd')
    p.add_argument('--lr', type=float, default=0.01)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--dtype', default='float64', choices=['float64', 'float32'])
    p.add_argument('--eval-samples', type=int, default=None, help="Trainer's evaluate_sample_num_per_epoch")
    p.add_argument('--csv', default=None, help='write epoch,train_loss,train_acc,test_acc per epoch')
    p.add_argument('--quiet', action='store_true')
    args = p.parse_args(argv)

    dtype = np.dtype(args.dtype).type
    (x_train, t_train), (x_test, t_test) = load_mnist(args.data_dir, args.train_size, dtype)
    if x_train.shape[0] < args.train_size:
        p.error(f"only {x_train.shape[0]} training images available")
    hidden = [int(h) for h in args.hidden.split(',') if h.strip()]

    np.random.seed(args.seed)
    start = time.perf_counter()
    network = MultiLayerNetExtend(input_size=784, hidden_size_list=hidden, output_size=10,
                                  activation=args.activation, weight_init_std=args.activation,
                                  weight_decay_lambda=args.weight_decay,
                                  use_dropout=args.dropout > 0, dropout_ration=args.dropout,
                                  use_batchnorm=args.batchnorm, inverted_dropout=args.inverted_dropout,
                                  dtype=dtype)
    trainer = Trainer(network, x_train, t_train, x_test, t_test, epochs=args.epochs,
                      mini_batch_size=args.batch_size, optimizer=args.optimizer,
                      optimizer_param={'lr': args.lr},
                      evaluate_sample_num_per_epoch=args.eval_samples, verbose=not args.quiet)
    trainer.train()
    seconds = time.perf_counter() - start

    if args.csv:
        with open(args.csv, 'w') as f:
            f.write('epoch,train_loss,train_acc,test_acc\n')
            for epoch, loss, tr, te in trainer.epoch_rows:
                f.write(f'{epoch},{float(loss)!r},{float(tr)!r},{float(te)!r}\n')
    print(json.dumps({
        'final_train_acc': float(trainer.train_acc_list[-1]),
        'final_test_acc': float(trainer.final_test_acc),
        'seconds': round(seconds, 3),
        'epochs': trainer.current_epoch,
        'iterations': trainer.current_iter,
    }))


if __name__ == '__main__':
    main()
