"""The book's ``Trainer`` (common/trainer.py): training runs in Rust with the GIL released."""

import sys

from . import _checks
from ._native import NativeTrainer
from ._network import MultiLayerNetExtend

SUPPORTED = "a scratchnet.MultiLayerNetExtend"


class Trainer:
    """Trains a ``MultiLayerNetExtend`` like the book's Trainer.

    ``train_loss_list`` records, by default like the book, each batch's inference-mode loss
    after the update (``network.loss(x_batch, t_batch)``); ``loss_after_update=False`` records
    the training-mode loss the gradient computed before the update (free; what the command
    line records). ``verbose=True`` prints one line per epoch and the final accuracy through
    ``sys.stdout``; ``verbose='iteration'`` adds the book's per-iteration loss lines.
    Without ``seed`` the batches are drawn from a generator derived from the network's seed,
    exactly as ``cargo xtask train`` does; with it, from ``seed``.
    Ctrl-C stops before the next step (not at the epoch's end) and raises
    ``KeyboardInterrupt``; the lists keep every recorded epoch and iteration and
    ``network.params`` holds the weights reached.
    """

    def __init__(self, network, x_train, t_train, x_test, t_test, epochs=20,
                 mini_batch_size=100, optimizer='SGD', optimizer_param={'lr': 0.01},
                 evaluate_sample_num_per_epoch=None, verbose=True, seed=None,
                 loss_after_update=True):
        if not isinstance(network, MultiLayerNetExtend):
            raise TypeError(f"network must be {SUPPORTED}, got {type(network).__name__}: "
                            "a network written in Python is trained by the book's own Trainer")
        self.network = network
        self.verbose = verbose
        self.epochs = _positive(epochs, 'epochs')
        self.batch_size = _positive(mini_batch_size, 'mini_batch_size')
        self.evaluate_sample_num_per_epoch = (None if evaluate_sample_num_per_epoch is None
                                              else _positive(evaluate_sample_num_per_epoch, 'evaluate_sample_num_per_epoch'))
        if seed is not None:
            seed = _checks.seed_or_draw(seed)
        if not isinstance(optimizer, str):
            raise TypeError(f"optimizer must be a name like 'SGD' or 'Adam', got {type(optimizer).__name__}")
        if not isinstance(optimizer_param, dict):
            raise TypeError(f"optimizer_param must be a dict like {{'lr': 0.01}}, got {type(optimizer_param).__name__}")
        x_train = _checks.images(x_train, 'x_train', network.dtype, network.input_size)
        x_test = _checks.images(x_test, 'x_test', network.dtype, network.input_size)
        t_train = _checks.labels(t_train, 't_train', network.output_size, len(x_train))
        t_test = _checks.labels(t_test, 't_test', network.output_size, len(x_test))
        self.train_size = len(x_train)
        self.iter_per_epoch = max(-(-self.train_size // self.batch_size), 1)
        self.max_iter = self.epochs * self.iter_per_epoch
        self.current_iter = 0
        self.current_epoch = 0
        self._native = NativeTrainer(
            network._native, x_train, t_train, x_test, t_test, self.epochs, self.batch_size,
            optimizer.lower(), {str(k): float(v) for k, v in optimizer_param.items()},
            self.evaluate_sample_num_per_epoch, seed, bool(loss_after_update))
        self.train_loss_list = []
        self.train_acc_list = []
        self.test_acc_list = []
        self.final_test_accuracy = None

    def train(self):
        """Every epoch; then the test accuracy over every test sample."""
        verbose = 2 if self.verbose == 'iteration' else (1 if self.verbose else 0)
        losses, train_acc, test_acc, final, error = self._native.train(
            self.network._native, self.network.params, sys.stdout.write, verbose)
        self.train_loss_list.extend(losses)
        self.train_acc_list.extend(train_acc)
        self.test_acc_list.extend(test_acc)
        self.current_iter += len(losses)
        self.current_epoch += len(train_acc)
        self.final_test_accuracy = final
        if error is not None:
            raise error

    def train_step(self):
        """One iteration: a batch drawn with replacement, gradient, update."""
        loss = self._native.train_step(self.network._native, self.network.params)
        self.train_loss_list.append(loss)
        self.current_iter += 1
        if self.verbose == 'iteration':
            print("train loss:" + str(loss))
        return loss


def _positive(value, name):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be an int >= 1, got {value!r}")
    return value
