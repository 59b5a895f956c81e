#!/usr/bin/env bash
# CI for the Python package `scratchnet` (crates/python), called by .ci/run with the MNIST
# mirror: lint the bindings, install the package from source into a fresh venv and run pytest,
# then build the abi3 wheel and run the seed script from it in a second venv whose PATH has no
# cargo or rustc (what a learner installing a published wheel gets). Offline except PyPI.
#   bash crates/python/ci.sh MIRROR_DIR [CLI_CSV]
# CLI_CSV: a `cargo xtask train --dropout 0.2 --epochs 31` CSV to compare with (made if absent).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
mirror="$(cd "${1:?usage: ci.sh MIRROR_DIR [CLI_CSV]}" && pwd)"
cli_csv="${2:+$(realpath "$2")}"
python="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export PIP_DISABLE_PIP_VERSION_CHECK=1 SCRATCHNET_DATA_DIR="$work/data"

echo "-- clippy on the bindings (the python feature)"
(cd "$repo" && cargo clippy -p scratchnet-python --features python --all-targets --quiet -- -D warnings)

echo "-- pip install ./crates/python into a fresh venv"
"$python" -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet "$here"
"$work/venv/bin/pip" install --quiet pytest numpy matplotlib nbclient ipykernel

echo "-- pytest (with the MNIST mirror)"
status=0
(cd "$here" && env SCRATCHNET_TEST_MNIST="$mirror" ${cli_csv:+SCRATCHNET_TEST_CLI_CSV="$cli_csv"} \
  "$work/venv/bin/python" -m pytest -q -rs tests) || status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: the test files are missing"; exit 1
elif [ "$status" -ne 0 ]; then
  echo "pytest failed (exit $status)"; exit 1
fi

echo "-- the abi3 wheel, installed where there is no Rust toolchain"
"$work/venv/bin/pip" install --quiet "maturin>=1.7,<2"
(cd "$here" && "$work/venv/bin/maturin" build --release --quiet --out "$work/wheels")
wheel="$(ls "$work"/wheels/scratchnet-*-abi3-*.whl)"
echo "built $(basename "$wheel")"
"$python" -m venv "$work/wheel-venv"
"$work/wheel-venv/bin/pip" install --quiet "$wheel" matplotlib
(
  cd "$work"
  export PATH="$work/wheel-venv/bin:/usr/bin:/bin"
  if command -v cargo >/dev/null || command -v rustc >/dev/null; then
    echo "cargo or rustc is still on PATH"; exit 1
  fi
  SCRATCHNET_MNIST_MIRROR="$mirror" SCRATCHNET_EPOCHS=31 SCRATCHNET_PLOT="$work/seed.png" \
    python "$here/examples/seed_dropout.py" | tail -1
  test -s "$work/seed.png"
)
echo "-- python package: ok"
