#!/usr/bin/env bash
# libdc1_V_amd64.deb (the runtime library) and libdc1-dev_V_amd64.deb (header, .so link, .pc),
# built with dpkg-deb from the stripped library, then checked with lintian (no errors allowed).
# Usage: debs.sh VERSION SOVERSION STRIPPED_LIB OUT_DIR WORK_DIR
set -euo pipefail
V=$1 SOV=$2 LIB=$3 OUT=$4 W=$5
cd "$(dirname "$0")/../.."
ROOT=$PWD
MA=x86_64-linux-gnu
DATE=$(date -u -R -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}")
MAINT="libdc1 developers <libdc1@dcp.sa>"
rm -rf "$W"
mkdir -p "$W"

docs() {   # package dir, package name
  local d=$1/usr/share/doc/$2
  install -d "$d"
  {
    echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
    echo "Upstream-Name: libdc1"
    echo
    echo "Files: *"
    echo "Copyright: $(sed -n 's/^Copyright (c) //p' LICENSE | head -1)"
    echo "License: Expat"
    sed -n '/^Permission/,$p' LICENSE | sed -e 's/^$/./' -e 's/^/ /'
  } > "$d/copyright"
  printf '%s (%s) unstable; urgency=medium\n\n  * Release %s; see CHANGELOG.md of libdc1.\n\n -- %s  %s\n' \
    "libdc1" "$V" "$V" "$MAINT" "$DATE" | gzip -9n > "$d/changelog.gz"
  chmod 0644 "$d/copyright" "$d/changelog.gz"
}

control() {   # package dir, fields...
  install -d "$1/DEBIAN"
  local size
  size=$(du -k -s --exclude=DEBIAN "$1" | cut -f1)
  shift_dir=$1; shift
  { printf '%s\n' "$@"; echo "Installed-Size: $size"; } > "$shift_dir/DEBIAN/control"
  (cd "$shift_dir" && find usr -type f -print0 | sort -z | xargs -0 md5sum > DEBIAN/md5sums)
  chmod 0644 "$shift_dir"/DEBIAN/*
}

DESC_LONG=" libdc1 is the client core of the DC1 GPU compute marketplace
 (api.dcp.sa): jobs, providers, wallet, streaming logs and chat, and
 webhooks, behind a small C API whose data crosses as JSON. The Swift
 runtime is linked into the library."

# --- libdc1 ----------------------------------------------------------------------------------
P=$W/libdc1
install -d "$P/usr/lib/$MA"
install -m 0644 "$LIB" "$P/usr/lib/$MA/libdc1.so.$V"
ln -s "libdc1.so.$V" "$P/usr/lib/$MA/libdc1.so.$SOV"
docs "$P" libdc1
control "$P" \
  "Package: libdc1" "Version: $V" "Architecture: amd64" "Maintainer: $MAINT" \
  "Section: libs" "Priority: optional" "Multi-Arch: same" \
  "Depends: libc6 (>= 2.34), libcurl4 (>= 7.88), libgcc-s1, libjansson4 (>= 2.14), libssl3 (>= 3.0), libstdc++6 (>= 12)" \
  "Homepage: https://dcp.sa" \
  "Description: client library for the DC1 GPU marketplace" "$DESC_LONG"
echo "libdc1 $SOV libdc1 (>= $V)" > "$P/DEBIAN/shlibs"
echo "activate-noawait ldconfig" > "$P/DEBIAN/triggers"
chmod 0644 "$P/DEBIAN/shlibs" "$P/DEBIAN/triggers"

# --- libdc1-dev --------------------------------------------------------------------------------
D=$W/libdc1-dev
install -d "$D/usr/lib/$MA/pkgconfig" "$D/usr/include"
ln -s "libdc1.so.$SOV" "$D/usr/lib/$MA/libdc1.so"
install -m 0644 include/dc1.h "$D/usr/include/dc1.h"
sed -e "s|@PREFIX@|/usr|" -e "s|@VERSION@|$V|" \
    -e "s|^libdir=.*|libdir=\${prefix}/lib/$MA|" -e 's| -Wl,-rpath,${libdir}||' \
    build-support/dc1.pc.in > "$D/usr/lib/$MA/pkgconfig/dc1.pc"
chmod 0644 "$D/usr/lib/$MA/pkgconfig/dc1.pc"
docs "$D" libdc1-dev
control "$D" \
  "Package: libdc1-dev" "Version: $V" "Architecture: amd64" "Maintainer: $MAINT" \
  "Section: libdevel" "Priority: optional" "Multi-Arch: same" \
  "Depends: libdc1 (= $V), libcurl4-openssl-dev | libcurl-dev, libjansson-dev" \
  "Homepage: https://dcp.sa" \
  "Description: client library for the DC1 GPU marketplace - development files" \
  "$DESC_LONG
 .
 This package holds the header dc1.h, the libdc1.so link and the
 pkg-config file."

for p in libdc1 libdc1-dev; do
  find "$W/$p" -type d -exec chmod 0755 {} +
  dpkg-deb --root-owner-group -Zxz --build "$W/$p" "$OUT/${p}_${V}_amd64.deb" >/dev/null
done

if ! command -v lintian >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq lintian >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq lintian >/dev/null; }
  else
    echo "debs: lintian is not installed (apt-get install lintian)" >&2; exit 1
  fi
fi
lintian --fail-on error --tag-display-limit 0 "$OUT/libdc1_${V}_amd64.deb" "$OUT/libdc1-dev_${V}_amd64.deb" \
  | tee "$W/lintian.txt" || { echo "debs: lintian found errors" >&2; exit 1; }
echo "debs: lintian: $(grep -c '^E:' "$W/lintian.txt" || true) errors, $(grep -c '^W:' "$W/lintian.txt" || true) warnings"
