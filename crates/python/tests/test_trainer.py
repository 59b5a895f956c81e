"""Trainer: lists, seeding, output through sys.stdout, Ctrl-C, fork safety, the CLI's CSV."""

import csv
import multiprocessing
import os
import signal
import subprocess
import threading

import numpy as np
import pytest

from conftest import REPO, synthetic
from scratchnet import MultiLayerNetExtend, Trainer, set_num_threads


def run(seed=0, epochs=5, **options):
    x, t = synthetic(300, seed=0)
    x_test, t_test = synthetic(100, seed=1)
    net = MultiLayerNetExtend(784, [50, 50], 10, seed=seed)
    options.setdefault("verbose", False)
    trainer = Trainer(net, x, t, x_test, t_test, epochs=epochs, **options)
    trainer.train()
    return trainer


def test_lists_have_one_entry_per_epoch_and_per_iteration():
    trainer = run(epochs=4, mini_batch_size=100, optimizer_param={'lr': 0.1})
    assert len(trainer.train_acc_list) == len(trainer.test_acc_list) == 4
    assert len(trainer.train_loss_list) == 12
    assert trainer.test_acc_list[-1] > 0.5


def test_the_same_seed_gives_the_same_lists():
    a, b = run(seed=3), run(seed=3)
    assert a.train_loss_list == b.train_loss_list
    assert a.test_acc_list == b.test_acc_list
    assert run(seed=4).train_loss_list != a.train_loss_list


def test_the_loss_recorded_before_the_update_differs_but_accuracies_do_not():
    after = run(seed=2)
    before = run(seed=2, loss_after_update=False)
    assert after.test_acc_list == before.test_acc_list
    assert after.train_loss_list != before.train_loss_list


def test_training_writes_through_to_params():
    x, t = synthetic(300)
    net = MultiLayerNetExtend(784, [50], 10, seed=0)
    start = net.params["W1"].copy()
    array = net.params["W1"]
    Trainer(net, x, t, x, t, epochs=2, verbose=False).train()
    assert net.params["W1"] is array
    assert not np.array_equal(array, start)


def test_train_step_updates_and_records():
    x, t = synthetic(300)
    net = MultiLayerNetExtend(784, [50], 10, seed=0)
    trainer = Trainer(net, x, t, x, t, verbose=False, optimizer='Adam', optimizer_param={'lr': 0.001})
    losses = [trainer.train_step() for _ in range(30)]
    assert trainer.train_loss_list == losses
    assert losses[-1] < losses[0]


def test_verbose_prints_through_sys_stdout(capsys):
    run(epochs=3, verbose=True)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("=== epoch:1, train acc:")
    assert sum(line.startswith("=== epoch:") for line in lines) == 3
    assert lines[-2] == "=============== Final Test Accuracy ==============="
    assert lines[-1].startswith("test acc:")


def test_ctrl_c_raises_keyboard_interrupt_and_keeps_finished_epochs():
    x, t = synthetic(2000)
    net = MultiLayerNetExtend(784, [100] * 4, 10, seed=0)
    trainer = Trainer(net, x, t, x, t, epochs=100000, verbose=False)
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        trainer.train()
    timer.cancel()
    epochs = len(trainer.train_acc_list)
    assert 0 < epochs < 100000
    assert len(trainer.test_acc_list) == epochs
    assert np.isfinite(net.params["W1"]).all()


def test_ctrl_c_stops_within_an_epoch_not_at_its_end():
    # One epoch of 60,000 single-sample steps through six layers of 1000: minutes of work,
    # so an interrupt honoured only at the epoch's end would leave all 60,000 losses.
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (60000, 784), dtype=np.uint8)
    t = rng.integers(0, 10, 60000)
    net = MultiLayerNetExtend(784, [1000] * 6, 10, seed=0)
    trainer = Trainer(net, x, t, x[:100], t[:100], epochs=1, mini_batch_size=1,
                      evaluate_sample_num_per_epoch=100, verbose=False)
    timer = threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        trainer.train()
    timer.cancel()
    assert len(trainer.train_loss_list) < trainer.iter_per_epoch
    assert len(trainer.train_acc_list) <= 1
    assert trainer.final_test_accuracy is None
    assert np.isfinite(net.params["W6"]).all()


def _small_training(seed):
    return run(seed=seed, epochs=2).test_acc_list


def test_a_fork_pool_trains_after_the_parent_trained():
    set_num_threads(2)
    parent = run(seed=7, epochs=2).test_acc_list
    with multiprocessing.get_context("fork").Pool(2) as pool:
        results = pool.map_async(_small_training, [7, 8]).get(timeout=120)
    assert results[0] == parent
    assert len(results[1]) == 2


def _cli_csv(mirror):
    path = os.environ.get("SCRATCHNET_TEST_CLI_CSV")
    if path:
        return path
    subprocess.run(["cargo", "xtask", "train", "--dropout", "0.2", "--epochs", "31", "--out",
                    "pytest-dropout0.2-31", "--mirror", mirror, "--quiet"], cwd=REPO, check=True)
    return REPO / "results" / "pytest-dropout0.2-31.csv"


@pytest.mark.mnist
def test_the_seed_configuration_matches_the_command_lines_csv(mnist, mnist_mirror):
    (x_train, t_train), (x_test, t_test) = mnist
    with open(_cli_csv(mnist_mirror)) as file:
        rows = list(csv.DictReader(file))
    pixels = (x_train * 255).round().astype(np.uint8)
    # load_mnist's float32, raw uint8, and the seed's keras-style float64 `pixels / 255.0`.
    for images in (x_train, pixels, pixels / 255.0):
        net = MultiLayerNetExtend(784, [100] * 6, 10, use_dropout=True, dropout_ration=0.2, seed=0)
        trainer = Trainer(net, images[:300], t_train[:300], x_test, t_test, epochs=len(rows),
                          mini_batch_size=100, optimizer='sgd', optimizer_param={'lr': 0.01},
                          verbose=False)
        trainer.train()
        assert trainer.train_acc_list == [float(row["train_acc"]) for row in rows]
        assert trainer.test_acc_list == [float(row["test_acc"]) for row in rows]
