#!/usr/bin/env python3
"""NumPy reference for scratchnet: the book's code path for the ch. 6 "seed experiment".

Deep Learning from Scratch's ch06/overfit_dropout.py on the book's common/layers.py,
common/multi_layer_net_extend.py, common/optimizer.py and common/trainer.py (in bench/common/): 300 MNIST training images, hidden [100]*6, ReLU, He init, SGD lr 0.01,
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
import json
import time

import numpy as np

from common.mnist_idx import load_mnist
from common.multi_layer_net_extend import MultiLayerNetExtend
from common.trainer import Trainer


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
