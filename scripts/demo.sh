#!/usr/bin/env bash
# Installs the dependencies, builds, and runs the main job on the embedded defaults:
# simulate the odesa-drones attack, replay it through tracker -> predictor -> alert
# engine (never reading the truth), and score the alert log against the truth.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
OUT=${OUT:-out/demo}
mkdir -p "$OUT"
echo "demo: default zone catalog"
build/src/app/tocsin zones info
echo "demo: simulate + replay + score the odesa-drones preset (seed 1) into $OUT"
build/src/app/tocsin run-preset odesa-drones --seed 1 --out "$OUT"
