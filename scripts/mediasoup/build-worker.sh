#!/usr/bin/env bash
# Builds mediasoup-worker VERSION offline, from the npm tarball and Debian 12 packages only (no
# GitHub, no meson wrap downloads), into OUT. Adapted from the team kit's verified recipe; the
# facts behind each step are in scripts/mediasoup/README.md.
# Usage: build-worker.sh VERSION OUT_BINARY [WORKDIR]
set -euo pipefail
V="$1"; OUT="$2"; WD="${3:-$(dirname "$OUT")/mediasoup-$V}"
HERE="$(cd "$(dirname "$0")" && pwd)"
export DEBIAN_FRONTEND=noninteractive

PKGS="meson ninja-build pkg-config g++ python3 libssl-dev libuv1-dev libsrtp2-dev libusrsctp-dev libabsl-dev"
PKGS="$PKGS libflatbuffers-dev flatbuffers-compiler"
missing=""
for p in $PKGS; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"; done
if [ -n "$missing" ]; then
  echo "mediasoup: installing build packages:$missing" >&2
  apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

rm -rf "$WD" && mkdir -p "$WD" && cd "$WD"
npm pack --silent "mediasoup@$V" >/dev/null && tar xzf "mediasoup-$V.tgz"
W="$PWD/package/worker"
# Meson wraps download their sources: replace them with subprojects over Debian's system libraries.
"$HERE/make-shims.sh" "$W" >/dev/null
# Debian's meson is 1.0.1; nothing mediasoup uses needs 1.1.
sed -i "s/meson_version: '>= 1.1.0'/meson_version: '>= 1.0.0'/" "$W/meson.build"
# Required fix (mediasoup >= 3.13): the BIO callback tests `== BIO_CB_RETURN` instead of a bit test,
# so every BIO_ctrl() returns 1; with Debian's kernel-TLS OpenSSL, BIO_get_ktls_send() then reads
# "on", no write buffer is allocated and the worker SIGSEGVs in SSL_read() on the first handshake.
if grep -q '(operationType == BIO_CB_RETURN)' "$W/src/RTC/DtlsTransport.cpp"; then
  sed -i 's/(operationType == BIO_CB_RETURN)/(operationType \& BIO_CB_RETURN)/' "$W/src/RTC/DtlsTransport.cpp"
fi
EXTRA=""
grep -q ms_disable_liburing "$W/meson_options.txt" && EXTRA="-Dms_disable_liburing=true"
cd "$W"
meson setup --buildtype=release -Db_ndebug=true --wrap-mode=nodownload $EXTRA out/build >/dev/null
# Generated flatbuffers headers first: some objects include FBS/*.h without an order dependency.
[ -d fbs ] && ninja -C out/build fbs/FBS >/dev/null
ninja -C out/build -j"$(nproc)" mediasoup-worker
install -m 0755 out/build/mediasoup-worker "$OUT.tmp" && mv -f "$OUT.tmp" "$OUT"
echo "mediasoup: built $OUT" >&2
