#!/usr/bin/env bash
# Quick start, command 2: install what is missing, build, fuzz every parser for a bounded time
# (ROPESCOPE_FUZZ_SECONDS per target, default 30; 0 skips it), run every test with CTest, then
# the core, CLI and kernel suites again under ASan + UBSan (scripts/sanitize.sh; ROPESCOPE_SANITIZE=0
# skips it).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
fuzz_seconds="${ROPESCOPE_FUZZ_SECONDS:-30}"
if [ "$fuzz_seconds" != 0 ]; then
  scripts/fuzz.sh "$fuzz_seconds"
fi
(cd build && ctest --output-on-failure --timeout 1200 -j "$(nproc)")
if [ "${ROPESCOPE_SANITIZE:-1}" != 0 ]; then
  scripts/sanitize.sh
fi
