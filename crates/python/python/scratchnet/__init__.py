"""scratchnet: *Deep Learning from Scratch* (ゼロから作るDeep Learning, ch. 5–6) from Python —
the book's classes with the book's names, trained in Rust."""

from ._native import set_num_threads, get_num_threads
from ._network import MultiLayerNetExtend
from ._trainer import Trainer
from ._data import load_mnist, load_fashion_mnist, data_dir
from ._layers import Affine, Relu, Sigmoid, Dropout, BatchNormalization, SoftmaxWithLoss
from ._optim import SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam

__all__ = [
    "MultiLayerNetExtend", "Trainer", "load_mnist", "load_fashion_mnist", "data_dir",
    "set_num_threads", "get_num_threads",
    "Affine", "Relu", "Sigmoid", "Dropout", "BatchNormalization", "SoftmaxWithLoss",
    "SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam",
]
