#!/usr/bin/env bash
# Sets everything up on a fresh machine and runs the main job on the embedded default.
#   bash scripts/setup.sh            # install, then run the demo election and verify its record
#   bash scripts/setup.sh --no-demo  # install only
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
. .venv/bin/activate
python -m pip install --quiet --upgrade pip
python -m pip install --quiet -e '.[dev]'

if [ "${1:-}" != "--no-demo" ]; then
  voting-engine demo --out out/demo-record
fi
