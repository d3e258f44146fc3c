#!/usr/bin/env bash
# Set up .venv and run the main job on the bundled corpus (writes output/ and DATASHEET.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh requirements.lock
export OPENBLAS_NUM_THREADS=1
exec .venv/bin/extractor run "$@"
