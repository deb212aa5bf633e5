#!/usr/bin/env bash
# Fuzzes the config parser with libFuzzer (clang, ASan + UBSan) for a bounded time.
# Usage: scripts/fuzz.sh [SECONDS]   (default 60). Skips, with a message, without clang's fuzzer runtime.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
if ! command -v clang++ >/dev/null 2>&1; then
  echo "fuzz: clang++ not found; skipping the config fuzzer (install clang and libclang-rt-dev)"; exit 0
fi
if ! echo 'extern "C" int LLVMFuzzerTestOneInput(const char*, unsigned long){return 0;}' |
     clang++ -x c++ -fsanitize=fuzzer - -o /tmp/ropescope_fuzz_probe 2>/dev/null; then
  echo "fuzz: clang has no libFuzzer runtime; skipping (install libclang-rt-dev)"; exit 0
fi
if [ ! -f build-fuzz/build.ninja ]; then
  CXX=clang++ cmake -S tests/fuzz -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build build-fuzz --target config_fuzzer --parallel "$(nproc)"
corpus=build-fuzz/corpus
mkdir -p "$corpus"
cp assets/presets/*.json "$corpus"/
echo "fuzz: config_fuzzer for ${seconds}s (seed corpus: assets/presets)"
build-fuzz/config_fuzzer "$corpus" -artifact_prefix=build-fuzz/ -max_total_time="$seconds" -max_len=65536 -timeout=10 \
  -rss_limit_mb=2048 -print_final_stats=1 2>build-fuzz/fuzz.log || {
  tail -n 60 build-fuzz/fuzz.log; echo "fuzz: FAILED (crash, leak, timeout or sanitizer report above)"; exit 1; }
grep -E "stat::number_of_executed_units|Done" build-fuzz/fuzz.log | tail -n 2
echo "fuzz: no crash, hang or leak in ${seconds}s"
