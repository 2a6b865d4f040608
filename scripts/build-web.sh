#!/usr/bin/env bash
# Builds the browser console: npm ci (from web/package-lock.json, only when node_modules
# is missing or older than the lock) and vite build into web/dist, which
# `tocsin serve` serves at /. Needs node >= 20.19 and npm (registry or npm cache).
set -euo pipefail
cd "$(dirname "$0")/../web"
command -v npm >/dev/null || { echo "build-web: npm not found; install nodejs and npm (Debian: apt-get install nodejs npm)"; exit 1; }
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ] || [ ! -f node_modules/.package-lock.json ]; then
  echo "build-web: npm ci"
  npm ci --prefer-offline --no-audit --no-fund --loglevel=error
else
  echo "build-web: node_modules up to date with package-lock.json"
fi
echo "build-web: vite build -> web/dist"
npx --no-install vite build --logLevel warn
echo "build-web: done ($(du -sh dist | cut -f1) in web/dist)"
