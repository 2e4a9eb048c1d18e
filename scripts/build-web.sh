#!/usr/bin/env bash
# Builds the web client (web/) into web/dist/, served by the engine under /app/
# (`voting-engine serve` with Settings.static_dir=web/dist). Idempotent and quiet:
# dependencies come from the npm registry per web/package-lock.json and are reinstalled only
# when the lock file changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/../web"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

stamp=node_modules/.pbvote-lock.sha256
want=""
if [ -f package-lock.json ]; then want="$(sha256sum package-lock.json package.json | sha256sum | cut -d' ' -f1)"; fi
if [ ! -d node_modules ] || [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    if [ -f package-lock.json ]; then
        # `npm ci` refuses a lock file that lacks optional platform packages the registry mirror
        # does not carry (e.g. rollup's non-Linux binaries); `npm install` then installs from the
        # same lock file and keeps it consistent.
        npm ci --no-audit --no-fund --loglevel=silent >/dev/null 2>&1 \
            || npm install --no-audit --no-fund --loglevel=error >/dev/null
    else
        npm install --no-audit --no-fund --loglevel=error >/dev/null
    fi
    sha256sum package-lock.json package.json | sha256sum | cut -d' ' -f1 > "$stamp"
fi
npm run --silent build -- --logLevel error
echo "web client built: web/dist/ ($(find dist -type f | wc -l) files)"
