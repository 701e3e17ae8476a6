#!/usr/bin/env bash
# `npm test`: sets up what the tests need (scripts/test-env.sh), then runs vitest with the given
# arguments (e.g. `npm test -- tests/unit`, `npm test -- --project browser`).
set -euo pipefail
source "$(dirname "$0")/test-env.sh"
exec npx vitest run "$@"
