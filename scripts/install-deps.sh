#!/usr/bin/env bash
# Installs every Debian package Tocsin needs to build, test and run. Idempotent:
# packages already present are skipped by apt. Run as root (or with sudo).
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git ca-certificates
  # libraries (one per job; see docs/design.md)
  libgeographiclib-dev   # geodesy, local frames
  libboost-dev           # Boost.Geometry (polygons, R-tree), Asio/Beast (HTTP)
  libeigen3-dev          # filters
  nlohmann-json3-dev     # JSON
  libcli11-dev           # command line
  libsqlite3-dev         # embedded event log
  libpugixml-dev         # CAP XML
  libmosquitto-dev       # MQTT
  libssl-dev             # TLS, HMAC
  libprotobuf-dev protobuf-compiler  # SAPIENT (BSI Flex 335) messages
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  libxml2-utils mosquitto mosquitto-clients curl
  chromium               # web console browser tests (Node.js/npm: see below)
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# The web console is built with npm. Machines that already have Node.js (with its
# npm) keep it; Debian's nodejs + npm otherwise.
if ! command -v npm >/dev/null 2>&1; then PACKAGES+=(nodejs npm); fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi
echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: done"
