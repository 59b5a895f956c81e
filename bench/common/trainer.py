"""The book's common/trainer.py, counting epochs by integer boundaries (see numpy_seed_experiment.py)."""
import math
import sys

import numpy as np

from common.optimizer import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSprop


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
