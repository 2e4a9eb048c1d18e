#!/usr/bin/env bash
# Runs the whole test suite (the README's second command; .ci/run calls it too).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --no-demo
. .venv/bin/activate
bash scripts/ensure-services.sh
bash scripts/install-browser.sh        # Debian chromium + Korean font + Python Playwright (browser tests)
ruff check voting_engine ballot_schemes verifier
mypy
python -m pytest -n 2 --dist loadgroup "$@"
