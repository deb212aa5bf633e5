#!/usr/bin/env bash
# Builds the core, the CLI, the GUI's logic and their test suites with AddressSanitizer and
# UndefinedBehaviorSanitizer (gcc) into build-asan/, and runs them there: any memory error, leak
# or undefined behaviour fails the run. The GUI itself (GL drivers) and the LibTorch model module
# (not instrumented) are left out; so are the tests that only run documented commands again.
# Usage: scripts/sanitize.sh            (scripts/test.sh runs it; ROPESCOPE_SANITIZE=0 skips it there)
set -euo pipefail
cd "$(dirname "$0")/.."
flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
# Warnings are not errors here: instrumented code at -O2 makes gcc drop loop annotations
# (#pragma GCC unroll) with a warning that the normal -Werror build never sees.
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROPESCOPE_WERROR=OFF \
  -DROPESCOPE_BUILD_GUI=OFF -DROPESCOPE_BUILD_MODEL=OFF -DROPESCOPE_BUILD_BENCHMARKS=OFF \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build build-asan --parallel "$(nproc)"
cd build-asan
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# cairo's and fontconfig's process-wide font caches (see the file); every other leak fails.
export LSAN_OPTIONS="suppressions=$PWD/../tests/sanitizer/lsan.supp:print_suppressions=0"
ctest --output-on-failure --timeout 1800 -j "$(nproc)" -E '^docs[._]'
echo "sanitize: every suite passed under AddressSanitizer and UndefinedBehaviorSanitizer"
