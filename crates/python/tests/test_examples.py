"""The examples run: the seed script (its final accuracies inside CI's fidelity bands) and the
notebook, top to bottom."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def example_env(mnist_mirror, tmp_path, epochs):
    env = dict(os.environ, SCRATCHNET_MNIST_MIRROR=mnist_mirror, SCRATCHNET_EPOCHS=str(epochs),
               SCRATCHNET_PLOT=str(tmp_path / "seed.png"))
    env.setdefault("SCRATCHNET_DATA_DIR", str(tmp_path / "data"))
    return env


@pytest.mark.mnist
def test_the_seed_script_lands_in_the_fidelity_bands(mnist, mnist_mirror, tmp_path):
    out = subprocess.run([sys.executable, str(EXAMPLES / "seed_dropout.py")], check=True,
                         capture_output=True, text=True, cwd=tmp_path,
                         env=example_env(mnist_mirror, tmp_path, 301)).stdout
    last = out.strip().splitlines()[-1].split()
    train, test = float(last[3].rstrip(",")), float(last[6])
    # The bands CI applies to `cargo xtask train --dropout 0.2` (README, "Like the book").
    assert 0.50 <= train <= 0.75 and 0.40 <= test <= 0.62, last
    assert (tmp_path / "seed.png").stat().st_size > 1000


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
