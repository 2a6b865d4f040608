#!/usr/bin/env bash
# Installs the dependencies, builds, and runs the main job on the embedded defaults:
# `tocsin demo` — simulates the odesa-drones attack and plays it at 10x real time into
# a live `tocsin serve` (exercise mode), printing where to look: the console, the API,
# the SSE/WebSocket streams, the CAP / HFC / alerts.in.ua feeds and /metrics.
# Ctrl-C stops it. Extra arguments go to `tocsin demo` (e.g. --preset kyiv-combined-night).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
exec build/src/app/tocsin demo --dir "${DEMO_DIR:-out/demo}" "$@"
