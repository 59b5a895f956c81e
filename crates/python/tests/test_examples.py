"""The examples run: the seed script (its final accuracies inside CI's fidelity bands), the
chapter-5 script (one epoch) and the notebook, top to bottom."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def final_line(out):
    """(train acc, test acc, train() seconds) from a script's last line, the line
    `cargo xtask bench` reads: `final train acc A, test acc B, train() S s`."""
    last = out.strip().splitlines()[-1]
    match = re.fullmatch(r"final train acc ([0-9.]+), test acc ([0-9.]+), train\(\) ([0-9.]+) s", last)
    assert match, last
    return tuple(float(value) for value in match.groups())


def example_env(mnist_mirror, tmp_path, epochs):
    env = dict(os.environ, SCRATCHNET_MNIST_MIRROR=mnist_mirror, SCRATCHNET_EPOCHS=str(epochs),
               SCRATCHNET_PLOT=str(tmp_path / "seed.png"))
    env.setdefault("SCRATCHNET_DATA_DIR", str(tmp_path / "data"))
    return env


def run_example(script, mnist_mirror, tmp_path, epochs):
    """The final line of `script` run for `epochs` epochs in `tmp_path`, parsed."""
    out = subprocess.run([sys.executable, str(EXAMPLES / script)], check=True,
                         capture_output=True, text=True, cwd=tmp_path,
                         env=example_env(mnist_mirror, tmp_path, epochs)).stdout
    return final_line(out)


@pytest.mark.mnist
def test_the_seed_script_lands_in_the_fidelity_bands(mnist, mnist_mirror, tmp_path):
    train, test, seconds = run_example("seed_dropout.py", mnist_mirror, tmp_path, 301)
    # The bands CI applies to `cargo xtask train --dropout 0.2` (README, "Like the book").
    assert 0.50 <= train <= 0.75 and 0.40 <= test <= 0.62, (train, test)
    assert seconds > 0
    assert (tmp_path / "seed.png").stat().st_size > 1000


@pytest.mark.mnist
def test_the_chapter5_script_learns_in_one_epoch(mnist, mnist_mirror, tmp_path):
    train, test, seconds = run_example("ch5_trainer.py", mnist_mirror, tmp_path, 1)
    # One epoch: the train accuracy is the book's first evaluation (after one step), the test
    # accuracy the final pass after 600 steps of lr 0.1 (0.90 with seed 0).
    assert 0.0 <= train <= 1.0 and test >= 0.85 and seconds > 0, (train, test)


@pytest.mark.mnist
def test_the_notebook_executes(mnist, mnist_mirror, tmp_path):
    nbformat = pytest.importorskip("nbformat", reason="CI installs nbclient")
    from nbclient import NotebookClient
    saved = dict(os.environ)
    os.environ.update(example_env(mnist_mirror, tmp_path, 21))
    os.environ.pop("MPLBACKEND", None)
    notebook = nbformat.read(EXAMPLES / "dropout.ipynb", as_version=4)
    try:
        NotebookClient(notebook, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(tmp_path)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert any("image/png" in o.get("data", {}) for o in outputs)
