#!/usr/bin/env bash
# Create .venv at the repo root and install the exact, hash-checked pins of LOCKFILE, then this project.
set -euo pipefail
cd "$(dirname "$0")/.."
lockfile="${1:?usage: scripts/install.sh LOCKFILE}"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r "$lockfile"
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
