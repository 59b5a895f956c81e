# The seed experiment (Deep Learning from Scratch, ch. 6, overfit_dropout.py): 300 MNIST images,
# 6 hidden layers of 100, Dropout 0.2, 301 epochs, SGD lr 0.01 — with only the imports changed
# to scratchnet. Writes the accuracy curves (fig. 6-23's right half) to seed_dropout.png.
# SCRATCHNET_EPOCHS shortens the run; SCRATCHNET_MNIST_MIRROR names where MNIST comes from.
# The last line gives the final accuracies and the seconds of trainer.train() (what
# `cargo xtask bench --only py-seed` reads).
import os
import time

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from scratchnet import MultiLayerNetExtend, Trainer, load_mnist

(x_train, t_train), (x_test, t_test) = load_mnist(normalize=True)

# 過学習を再現するために、学習データを削減
x_train = x_train[:300]
t_train = t_train[:300]

# Dropoutの有無、割り合いの設定 ========================
use_dropout = True  # Dropoutなしのときの場合はFalseに
dropout_ratio = 0.2
# ====================================================

network = MultiLayerNetExtend(input_size=784, hidden_size_list=[100, 100, 100, 100, 100, 100],
                              output_size=10, use_dropout=use_dropout, dropout_ration=dropout_ratio,
                              seed=0)
trainer = Trainer(network, x_train, t_train, x_test, t_test,
                  epochs=int(os.environ.get("SCRATCHNET_EPOCHS", 301)), mini_batch_size=100,
                  optimizer='sgd', optimizer_param={'lr': 0.01}, verbose=True)
started = time.perf_counter()
trainer.train()
train_seconds = time.perf_counter() - started

train_acc_list, test_acc_list = trainer.train_acc_list, trainer.test_acc_list

# グラフの描画==========
markers = {'train': 'o', 'test': 's'}
x = np.arange(len(train_acc_list))
plt.plot(x, train_acc_list, marker='o', label='train', markevery=10)
plt.plot(x, test_acc_list, marker='s', label='test', markevery=10)
plt.xlabel("epochs")
plt.ylabel("accuracy")
plt.ylim(0, 1.0)
plt.legend(loc='lower right')
plt.savefig(os.environ.get("SCRATCHNET_PLOT", "seed_dropout.png"))
print(f"final train acc {train_acc_list[-1]:.4f}, test acc {test_acc_list[-1]:.4f}, "
      f"train() {train_seconds:.2f} s")
