#!/usr/bin/env bash
# What the tests need beyond npm, set up on a fresh Debian machine (sourced by scripts/test.sh,
# i.e. `npm test`, and by .ci/run): ffmpeg/ffprobe (media probing and peaks), espeak-ng + sox
# (demo media), Chromium (browser tests), and a mediasoup worker (voice tests; cached, else
# prebuilt, else built offline by scripts/mediasoup/). Quick when everything is already there.
# Exports MEDIASOUP_WORKER_BIN.
_concord_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if ! command -v ffprobe >/dev/null || ! command -v espeak-ng >/dev/null || ! command -v sox >/dev/null ||
  [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "tests need: apt-get install ffmpeg espeak-ng sox chromium (run as root, or install them first)" >&2
    return 1 2>/dev/null || exit 1
  fi
  echo "== Debian packages: ffmpeg espeak-ng sox chromium" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg espeak-ng sox chromium >/dev/null
fi

MEDIASOUP_WORKER_BIN="$("$_concord_root/scripts/mediasoup/worker-path.sh")" || {
  echo "no mediasoup worker: see the messages above (scripts/mediasoup/README.md)" >&2
  return 1 2>/dev/null || exit 1
}
export MEDIASOUP_WORKER_BIN
