# The book's chapter-5 run (ch05/train_neuralnet.py: a 784-50-10 network, weight_init_std=0.01,
# SGD lr 0.1, batches of 100 from all 60,000 images) as 17 epochs of scratchnet's
# MultiLayerNetExtend and Trainer. The last line gives the final accuracies (the last epoch's
# train accuracy, the final pass over the test images) and the seconds of trainer.train(); what
# `cargo xtask bench --only py-ch5` runs against bench/numpy_train_neuralnet.py.
# SCRATCHNET_EPOCHS shortens the run; SCRATCHNET_MNIST_MIRROR names where MNIST comes from.
import os
import time

from scratchnet import MultiLayerNetExtend, Trainer, load_mnist

(x_train, t_train), (x_test, t_test) = load_mnist(normalize=True)

network = MultiLayerNetExtend(input_size=784, hidden_size_list=[50], output_size=10,
                              weight_init_std=0.01, seed=0)
trainer = Trainer(network, x_train, t_train, x_test, t_test,
                  epochs=int(os.environ.get("SCRATCHNET_EPOCHS", 17)), mini_batch_size=100,
                  optimizer='sgd', optimizer_param={'lr': 0.1}, verbose=False)
started = time.perf_counter()
trainer.train()
train_seconds = time.perf_counter() - started

print(f"final train acc {trainer.train_acc_list[-1]:.4f}, "
      f"test acc {trainer.final_test_accuracy:.4f}, train() {train_seconds:.2f} s")
