#!/usr/bin/env bash
# Set up .venv with the test dependencies and run the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh requirements-test.lock
export OPENBLAS_NUM_THREADS=1
exec .venv/bin/python -m pytest "$@"
