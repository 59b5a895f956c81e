#!/usr/bin/env python3
"""NumPy reference for scratchnet: the book's code path for ch. 5's train_neuralnet.py.

Deep Learning from Scratch's ch05/train_neuralnet.py with ch05/two_layer_net.py (TwoLayerNet,
layers in an OrderedDict) on the book's common/layers.py (Affine, Relu, SoftmaxWithLoss, in
bench/common/).  TwoLayerNet(784,
50, 10, weight_init_std=0.01), float64, one-hot labels, 10,000 iterations of batch 100 drawn with
np.random.choice(60000, 100), SGD lr 0.1 written out as in the book, train and test accuracy on
the full sets every iter_per_epoch = 600 iterations (17 evaluations), np.random.seed(0).  This is
the *book's* algorithm, not scratchnet's; scratchnet's `cargo xtask bench` runs it to compare
speed and results with `cargo xtask train --hidden 50 --train-size 60000 --weight-init 0.01
--lr 0.1 --epochs 17`.

Deviation from the book, numerically neutral: MNIST is read from the IDX files directly (no
pickle); pixels are normalised in float32 like the book's load_mnist and cast once to float64,
which is what every np.dot of the book's float32 images with its float64 weights computes.
Only the final JSON line goes to stdout; progress goes to stderr (suppressed by --quiet).
"""
import argparse
import json
import sys
import time
from collections import OrderedDict

import numpy as np

from common.layers import Affine, Relu, SoftmaxWithLoss
from common.mnist_idx import load_mnist


# ---------------------------------------------------------------- ch05/two_layer_net.py
class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {}
        self.params['W1'] = weight_init_std * np.random.randn(input_size, hidden_size)
        self.params['b1'] = np.zeros(hidden_size)
        self.params['W2'] = weight_init_std * np.random.randn(hidden_size, output_size)
        self.params['b2'] = np.zeros(output_size)

        self.layers = OrderedDict()
        self.layers['Affine1'] = Affine(self.params['W1'], self.params['b1'])
        self.layers['Relu1'] = Relu()
        self.layers['Affine2'] = Affine(self.params['W2'], self.params['b2'])
        self.lastLayer = SoftmaxWithLoss()

    def predict(self, x):
        for layer in self.layers.values():
            x = layer.forward(x)
        return x

    def loss(self, x, t):
        y = self.predict(x)
        return self.lastLayer.forward(y, t)

    def accuracy(self, x, t):
        y = self.predict(x)
        y = np.argmax(y, axis=1)
        if t.ndim != 1:
            t = np.argmax(t, axis=1)
        return np.sum(y == t) / float(x.shape[0])

    def gradient(self, x, t):
        self.loss(x, t)  # forward

        dout = 1  # backward
        dout = self.lastLayer.backward(dout)
        layers = list(self.layers.values())
        layers.reverse()
        for layer in layers:
            dout = layer.backward(dout)

        grads = {}
        grads['W1'], grads['b1'] = self.layers['Affine1'].dW, self.layers['Affine1'].db
        grads['W2'], grads['b2'] = self.layers['Affine2'].dW, self.layers['Affine2'].db
        return grads


# ---------------------------------------------------------------- ch05/train_neuralnet.py
def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--data-dir', default='datasets/mnist',
                   help='directory holding the four MNIST IDX files (.gz or decompressed)')
    p.add_argument('--quiet', action='store_true', help='no progress on stderr')
    args = p.parse_args(argv)

    (x_train, t_train), (x_test, t_test) = load_mnist(args.data_dir, one_hot_label=True)

    np.random.seed(0)
    start = time.perf_counter()
    network = TwoLayerNet(input_size=784, hidden_size=50, output_size=10, weight_init_std=0.01)

    iters_num = 10000
    train_size = x_train.shape[0]
    batch_size = 100
    learning_rate = 0.1

    train_loss_list = []
    train_acc_list = []
    test_acc_list = []

    iter_per_epoch = max(train_size / batch_size, 1)

    for i in range(iters_num):
        batch_mask = np.random.choice(train_size, batch_size)
        x_batch = x_train[batch_mask]
        t_batch = t_train[batch_mask]

        grad = network.gradient(x_batch, t_batch)

        for key in ('W1', 'b1', 'W2', 'b2'):
            network.params[key] -= learning_rate * grad[key]

        loss = network.loss(x_batch, t_batch)
        train_loss_list.append(loss)

        if i % iter_per_epoch == 0:
            train_acc = network.accuracy(x_train, t_train)
            test_acc = network.accuracy(x_test, t_test)
            train_acc_list.append(train_acc)
            test_acc_list.append(test_acc)
            if not args.quiet:
                print("train acc, test acc | " + str(train_acc) + ", " + str(test_acc),
                      file=sys.stderr)
    seconds = time.perf_counter() - start

    print(json.dumps({
        'final_train_acc': float(train_acc_list[-1]),
        'final_test_acc': float(test_acc_list[-1]),
        'seconds': round(seconds, 3),
        'iterations': iters_num,
        'evaluations': len(test_acc_list),
    }))


if __name__ == '__main__':
    main()
