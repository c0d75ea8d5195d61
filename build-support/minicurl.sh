#!/usr/bin/env bash
# Builds the small libcurl that the packages (wheel, npm) carry: Debian's own curl source package
# (apt-get source, so Debian's patches and security fixes come with it) configured for HTTP and
# HTTPS over OpenSSL only, with no other protocol, no LDAP/Kerberos/SSH/RTMP/IDN/PSL/HTTP2/zlib.
# Debian's libcurl4 vendored as is drags in ~25 libraries that libdc1 never uses.
#
# Output: build/minicurl/lib/libcurl.so.4 (same SONAME and the same symbol version,
# CURL_OPENSSL_4, as Debian's libcurl4, so the libdc1.so linked against Debian's loads it
# unchanged). Its compiled-in CA bundle stays Debian's path; the core probes other distributions'
# paths when that file is absent (CurlTransport.swift).
#
# Takes about a minute on 2 cores; the result is reused while build/minicurl exists.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="$PWD/build/minicurl"
SRC="$PWD/build/minicurl-src"
if [ -f "$OUT/lib/libcurl.so.4" ] && [ -f "$OUT/stamp" ]; then exit 0; fi
rm -rf "$OUT" "$SRC"
mkdir -p "$SRC"

have_src_entry() { grep -rqs '^Types:.*deb-src\|^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/; }
if ! have_src_entry; then
  if [ "$(id -u)" != 0 ]; then
    echo "minicurl: apt has no deb-src entry; as root add one (Types: deb-src) and retry" >&2; exit 1
  fi
  # The same archive as the machine's binary entry, for source packages.
  sed -e 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources \
    > /etc/apt/sources.list.d/libdc1-deb-src.sources
  apt-get update -qq >/dev/null 2>&1 || apt-get update
fi
command -v dpkg-source >/dev/null || { export DEBIAN_FRONTEND=noninteractive; apt-get install -y -qq dpkg-dev >/dev/null; }
(cd "$SRC" && apt-get source -qq curl >/dev/null 2>&1) || (cd "$SRC" && apt-get update -qq && apt-get source curl)
dir=$(find "$SRC" -mindepth 1 -maxdepth 1 -type d -name 'curl-*' | head -1)
[ -n "$dir" ] || { echo "minicurl: apt-get source curl gave no source tree" >&2; exit 1; }
cd "$dir"
# Debian's source tree is left with its GnuTLS flavour patch applied, which names the symbol
# version CURL_*_3; its OpenSSL libcurl4 (what libdc1 links against) uses CURL_OPENSSL_4.
sed -i 's/VERSIONED_FLAVOUR@3$/VERSIONED_FLAVOUR@4/' lib/libcurl.vers.in
# Debian's rules run autoreconf for its patches; the release tarball's configure is enough here.
./configure -q --prefix="$OUT" --disable-static --enable-shared \
  --with-openssl --with-ca-bundle=/etc/ssl/certs/ca-certificates.crt --with-ca-path=/etc/ssl/certs \
  --enable-versioned-symbols \
  --enable-http --disable-ftp --disable-file --disable-ldap --disable-ldaps --disable-rtsp \
  --disable-dict --disable-telnet --disable-tftp --disable-pop3 --disable-imap --disable-smb \
  --disable-smtp --disable-gopher --disable-mqtt --disable-manual \
  --disable-ntlm --disable-ntlm-wb \
  --disable-alt-svc --disable-hsts --disable-netrc --disable-dateparse \
  --disable-cookies --disable-doh --disable-mime --disable-progress-meter --disable-tls-srp \
  --disable-unix-sockets \
  --without-zlib --without-brotli --without-zstd --without-libpsl --without-libidn2 \
  --without-nghttp2 --without-nghttp3 --without-ngtcp2 --without-libssh --without-libssh2 \
  --without-librtmp --without-libgsasl --without-gssapi \
  CFLAGS="-O2 -g0" >/dev/null
make -s -j"$(nproc)" -C lib >/dev/null
make -s -C lib install >/dev/null
make -s -C include install >/dev/null
strip --strip-unneeded "$OUT"/lib/libcurl.so.4.*
rm -f "$OUT"/lib/*.la
echo "$(basename "$dir")" > "$OUT/stamp"
echo "minicurl: $(basename "$dir") -> $OUT/lib/libcurl.so.4 ($(stat -c %s "$OUT"/lib/libcurl.so.4.*) bytes)"
