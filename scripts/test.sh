#!/usr/bin/env bash
# Quick start, command 2: install what is missing, build, fuzz the config parser for a bounded
# time (ROPESCOPE_FUZZ_SECONDS, default 60; 0 skips it), then run every test with CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
fuzz_seconds="${ROPESCOPE_FUZZ_SECONDS:-60}"
if [ "$fuzz_seconds" != 0 ]; then
  scripts/fuzz.sh "$fuzz_seconds"
fi
cd build
ctest --output-on-failure --timeout 600 -j "$(nproc)"
