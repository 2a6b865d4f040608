#!/usr/bin/env bash
# Configures and builds Tocsin in ./build (Release). Usage: scripts/build.sh [cmake args...]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-$(nproc)}
echo "build: configuring $BUILD_DIR"
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release "$@" > "$BUILD_DIR.configure.log" 2>&1 \
  || { cat "$BUILD_DIR.configure.log"; echo "build: cmake configure failed (log above)"; exit 1; }
echo "build: compiling with $JOBS jobs"
cmake --build "$BUILD_DIR" -j "$JOBS"
# The browser console (web/dist), served by `tocsin serve` at /.
if command -v npm >/dev/null 2>&1; then
  ./scripts/build-web.sh
else
  echo "build: npm not found, the web console is not built (tocsin serve answers / with how to build it)"
fi
