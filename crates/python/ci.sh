#!/usr/bin/env bash
# CI for the Python package `scratchnet` (crates/python), called by .ci/run with the MNIST
# mirror: lint the bindings, build the abi3 wheel once, install it into a fresh venv and run
# pytest, then run the seed script from the same wheel in a second venv whose PATH has no cargo
# or rustc (what a learner installing a published wheel gets). Offline except PyPI.
#   bash crates/python/ci.sh MIRROR_DIR [CLI_CSV]
# CLI_CSV: a `cargo xtask train --dropout 0.2 --epochs 31` CSV to compare with (made if absent).
# SCRATCHNET_CI_PIP_INSTALL=1 also checks the source install, `pip install ./crates/python` (a
# second release build of the extension: pip builds in its own environment).
# The wheel is left in target/wheels/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
mirror="$(cd "${1:?usage: ci.sh MIRROR_DIR [CLI_CSV]}" && pwd)"
cli_csv="${2:+$(realpath "$2")}"
python="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export PIP_DISABLE_PIP_VERSION_CHECK=1 SCRATCHNET_DATA_DIR="$work/data"
started=$SECONDS
section() { printf -- '-- %s (%d s)\n' "$*" "$((SECONDS - started))"; }

section "clippy on the bindings (the python feature)"
(cd "$repo" && cargo clippy -p scratchnet-python --features python --all-targets --quiet -- -D warnings)

section "the abi3 wheel (maturin build --release), the test venv meanwhile"
"$python" -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet "maturin>=1.7,<2"
# The test tools download while the extension compiles.
"$work/venv/bin/pip" install --quiet pytest numpy matplotlib nbclient ipykernel &
tools=$!
(cd "$here" && "$work/venv/bin/maturin" build --release --quiet --out "$repo/target/wheels")
wait "$tools"
wheel="$(ls -t "$repo"/target/wheels/scratchnet-*-abi3-*.whl | head -1)"
echo "built $(basename "$wheel")"

if [ "${SCRATCHNET_CI_PIP_INSTALL:-0}" = 1 ]; then
  section "pip install ./crates/python (from source, as the README says)"
  "$work/venv/bin/pip" install --quiet "$here"
else
  "$work/venv/bin/pip" install --quiet "$wheel"
fi

section "pytest (with the MNIST mirror)"
status=0
(cd "$here" && env SCRATCHNET_TEST_MNIST="$mirror" ${cli_csv:+SCRATCHNET_TEST_CLI_CSV="$cli_csv"} \
  "$work/venv/bin/python" -m pytest -q -rs --durations=5 tests) || status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: the test files are missing"; exit 1
elif [ "$status" -ne 0 ]; then
  echo "pytest failed (exit $status)"; exit 1
fi

section "the wheel, installed where there is no Rust toolchain"
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
section "python package: ok"
