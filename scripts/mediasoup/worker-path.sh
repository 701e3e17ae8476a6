#!/usr/bin/env bash
# Prints the path of a mediasoup-worker that runs on this host, for MEDIASOUP_WORKER_BIN, getting
# one first if needed (progress on stderr, the path alone on stdout):
#   1. $MEDIASOUP_WORKER_BIN when it is already set and runs;
#   2. the cached binary $MEDIASOUP_CACHE_DIR/mediasoup-worker-<version>;
#   3. mediasoup's prebuilt binary from its GitHub release (where reachable), into the cache;
#   4. an offline build (build-worker.sh), into the cache (~7 min on 2 cores).
# <version> is package-lock.json's (what `npm ci` installs), else the installed one's.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CACHE="${MEDIASOUP_CACHE_DIR:-/var/cache/concord/mediasoup}"

# A worker started without its channel exits with status 41: it loads and runs on this host.
runs() { [ -x "$1" ] && { env -i "$1" >/dev/null 2>&1; [ $? -eq 41 ]; }; }

if [ -n "${MEDIASOUP_WORKER_BIN:-}" ] && runs "$MEDIASOUP_WORKER_BIN"; then
  echo "$MEDIASOUP_WORKER_BIN"; exit 0
fi

V="$(node -e '
  const fs = require("fs");
  const root = process.argv[1];
  try { console.log(JSON.parse(fs.readFileSync(root + "/package-lock.json")).packages["node_modules/mediasoup"].version); }
  catch { console.log(JSON.parse(fs.readFileSync(root + "/node_modules/mediasoup/package.json")).version); }
' "$ROOT")"
BIN="$CACHE/mediasoup-worker-$V"
mkdir -p "$CACHE"

# One builder at a time per cache (parallel CI jobs share it).
exec 9>"$CACHE/.lock"
flock 9

if runs "$BIN"; then echo "$BIN"; exit 0; fi

TAR="mediasoup-worker-$V-$(node -p 'process.platform + "-" + process.arch')"
[ "$(uname -s)" = Linux ] && TAR="$TAR-kernel$(uname -r | cut -d. -f1)"
URL="${MEDIASOUP_WORKER_PREBUILT_DOWNLOAD_BASE_URL:-https://github.com/versatica/mediasoup/releases/download}/$V/$TAR.tgz"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
if curl -fsSL --connect-timeout 10 --max-time 120 -o "$TMP/w.tgz" "$URL" 2>/dev/null &&
  tar xzf "$TMP/w.tgz" -C "$TMP" && runs "$TMP/mediasoup-worker"; then
  install -m 0755 "$TMP/mediasoup-worker" "$BIN"
  echo "mediasoup: using the prebuilt worker from $URL" >&2
else
  echo "mediasoup: no usable prebuilt worker ($URL); building $V offline into $CACHE" >&2
  "$HERE/build-worker.sh" "$V" "$BIN" >"$CACHE/build-$V.log" 2>&1 || {
    echo "mediasoup: build failed; see $CACHE/build-$V.log" >&2; tail -20 "$CACHE/build-$V.log" >&2; exit 1; }
fi
runs "$BIN" || { echo "mediasoup: $BIN does not run on this host" >&2; exit 1; }
echo "$BIN"
