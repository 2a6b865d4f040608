#!/usr/bin/env bash
# Builds the browser console and runs its Playwright tests (headless Chromium from
# Debian's chromium package) against $TOCSIN_URL, or against the mock API in web/mock
# when TOCSIN_URL is unset. Exits non-zero when a test fails.
#   TOCSIN_URL=http://127.0.0.1:8080 TOCSIN_OPERATOR_TOKEN=... TOCSIN_OPERATOR_TOKEN2=... scripts/test-web.sh
# Other settings: TOCSIN_MIN_FPS (default 30), CHROMIUM (default /usr/bin/chromium),
# TEST_FILTER (run tests whose name contains it). Screenshots: web/test-artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || { echo "test-web: no Chromium at $CHROMIUM; run scripts/install-deps.sh (Debian package chromium) or set CHROMIUM"; exit 1; }
./scripts/build-web.sh
echo "test-web: running the browser tests against ${TOCSIN_URL:-the mock server}"
cd web
CHROMIUM="$CHROMIUM" node tests/run.js
