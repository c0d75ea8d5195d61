#!/usr/bin/env bash
# Installs what the build and the tests need on Debian: apt packages when root, otherwise it
# prints the exact command. Usage: deps.sh [extra-package …]
set -eu
pkgs="libcurl4-openssl-dev libjansson-dev libssl-dev pkg-config python3 python3-venv $*"
# With Node.js present, the Node suite checks index.d.ts with Debian's TypeScript (tsc 4.8).
if command -v node >/dev/null 2>&1; then pkgs="$pkgs node-typescript"; fi
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if ! command -v swift >/dev/null 2>&1; then
  echo "deps: the Swift toolchain (swift 6.x) is not on PATH; install it from swift.org and retry." >&2
  exit 1
fi
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "deps: installing$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null 2>&1 || apt-get update
  apt-get install -y -qq $missing >/dev/null || apt-get install -y $missing
else
  echo "deps: missing packages; run:" >&2
  echo "  sudo apt-get install -y$missing" >&2
  exit 1
fi
