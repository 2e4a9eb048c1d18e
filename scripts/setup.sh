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
if command -v npm >/dev/null 2>&1; then
  bash scripts/build-web.sh            # the voter, kiosk, admin and results pages (served under /app/)
else
  echo "npm not found: the web client is not built (the API, demo and verifier do not need it)" >&2
fi

if [ "${1:-}" != "--no-demo" ]; then
  voting-engine demo --out out/demo-record
fi
