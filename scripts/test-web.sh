#!/usr/bin/env bash
# Builds the browser console and runs its Playwright tests (headless Chromium from
# Debian's chromium package). Exits non-zero when a test fails. Three ways:
#   scripts/test-web.sh                      against the mock API in web/mock (300 tracks)
#   scripts/test-web.sh --demo [TOCSIN_BIN]  starts `tocsin demo` (default binary
#                                            build/src/app/tocsin), reads its console URL
#                                            and operator tokens, tests it, stops it
#   TOCSIN_URL=http://127.0.0.1:8080 TOCSIN_OPERATOR_TOKEN=... TOCSIN_OPERATOR_TOKEN2=... \
#     scripts/test-web.sh                    against a server that is already running
# Other settings: TOCSIN_DEMO_ARGS (extra `tocsin demo` arguments, e.g. "--preset
# national-night-800"), TOCSIN_MIN_FPS (default 30), CHROMIUM (default
# /usr/bin/chromium), TEST_FILTER (only tests whose name contains it).
# Screenshots and results.json: web/test-artifacts/.
# Exit status: 0 passed, 1 failed, 77 skipped (no Chromium or no npm: CTest's
# web_console test reports it as skipped, see web/CMakeLists.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || { echo "test-web: SKIPPED: no Chromium at $CHROMIUM; run scripts/install-deps.sh (Debian package chromium) or set CHROMIUM"; exit 77; }
command -v npm >/dev/null 2>&1 && command -v node >/dev/null 2>&1 \
  || { echo "test-web: SKIPPED: node/npm not found; run scripts/install-deps.sh (Debian packages nodejs npm)"; exit 77; }
./scripts/build-web.sh
echo "test-web: unit tests (zone states, dictionaries)"
node web/tests/unit.js

DEMO_PID=""
WORK=""
cleanup() {
  if [ -n "$DEMO_PID" ]; then kill "$DEMO_PID" 2>/dev/null || true; wait "$DEMO_PID" 2>/dev/null || true; fi
  if [ -n "$WORK" ]; then mkdir -p "$ROOT/web/test-artifacts"; cp "$WORK/demo.log" "$ROOT/web/test-artifacts/demo.log" 2>/dev/null || true; rm -rf "$WORK"; fi
}
trap cleanup EXIT

if [ "${1:-}" = "--demo" ]; then
  BIN=${2:-$ROOT/${BUILD_DIR:-build}/src/app/tocsin}
  [ -x "$BIN" ] || { echo "test-web: no tocsin binary at $BIN; build it first (scripts/build.sh)"; exit 1; }
  WORK=$(mktemp -d /tmp/tocsin-web-demo.XXXXXX)
  echo "test-web: starting $BIN demo (work folder $WORK)"
  # shellcheck disable=SC2086
  "$BIN" demo --http-port 0 --web-dir "$ROOT/web/dist" --dir "$WORK/demo" ${TOCSIN_DEMO_ARGS:-} > "$WORK/demo.log" 2>&1 &
  DEMO_PID=$!
  # The banner: "  console  <url>" and "  operator tokens  <name> <token>  <name> <token>"
  # (src/server/demo.cpp). A first run simulates the preset before it prints.
  for _ in $(seq 1 360); do
    grep -q "operator tokens" "$WORK/demo.log" 2>/dev/null && break
    kill -0 "$DEMO_PID" 2>/dev/null || { cat "$WORK/demo.log"; echo "test-web: tocsin demo exited early (log above)"; exit 1; }
    sleep 0.5
  done
  grep -q "operator tokens" "$WORK/demo.log" || { cat "$WORK/demo.log"; echo "test-web: tocsin demo printed no console URL within 180 s"; exit 1; }
  TOCSIN_URL=$(awk '$1 == "console" { print $2; exit }' "$WORK/demo.log")
  TOCSIN_OPERATOR_TOKEN=$(awk '$1 == "operator" && $2 == "tokens" { print $4; exit }' "$WORK/demo.log")
  TOCSIN_OPERATOR_TOKEN2=$(awk '$1 == "operator" && $2 == "tokens" { print $6; exit }' "$WORK/demo.log")
  [ -n "$TOCSIN_URL" ] && [ -n "$TOCSIN_OPERATOR_TOKEN" ] && [ -n "$TOCSIN_OPERATOR_TOKEN2" ] \
    || { cat "$WORK/demo.log"; echo "test-web: could not read the console URL and two operator tokens from the tocsin demo banner (log above; format in src/server/demo.cpp)"; exit 1; }
  export TOCSIN_URL TOCSIN_OPERATOR_TOKEN TOCSIN_OPERATOR_TOKEN2
  echo "test-web: tocsin demo is up at $TOCSIN_URL"
fi

echo "test-web: running the browser tests against ${TOCSIN_URL:-the mock server}"
cd web
CHROMIUM="$CHROMIUM" node tests/run.js
