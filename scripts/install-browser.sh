#!/usr/bin/env bash
# Installs what the browser tests (tests/web/) need:
#   - Debian's Chromium at /usr/bin/chromium and a Korean font via apt-get, if missing (fonts-nanum,
#     10 MB, rather than fonts-noto-cjk, 57 MB; either one renders the Korean pages);
#   - Python Playwright into the active virtualenv (or .venv).
# Playwright is driven with executable_path=/usr/bin/chromium: never run `playwright install`,
# and no tool downloads its own browser.
set -euo pipefail
cd "$(dirname "$0")/.."
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

have_font() { dpkg -s fonts-nanum >/dev/null 2>&1 || dpkg -s fonts-noto-cjk >/dev/null 2>&1; }
if [ ! -x /usr/bin/chromium ] || ! have_font; then
    SUDO=""
    if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-nanum >/dev/null
fi

if [ -z "${VIRTUAL_ENV:-}" ] && [ -f .venv/bin/activate ]; then
    . .venv/bin/activate
fi
python -c "import playwright" 2>/dev/null || python -m pip install -q "playwright>=1.44"
echo "browser: $(/usr/bin/chromium --version 2>/dev/null || echo missing); playwright: $(python -c 'import playwright, importlib.metadata as m; print(m.version("playwright"))')"
