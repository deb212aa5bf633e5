#!/usr/bin/env bash
# Fuzzes the model file loader (tests/fuzz/model_fuzzer.cpp) with libFuzzer for a bounded time,
# like scripts/fuzz.sh does the config parser. Usage: scripts/fuzz_model.sh [SECONDS] (default 60).
# Skips, with a message, without clang's fuzzer runtime.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
if ! command -v clang++ >/dev/null 2>&1; then
  echo "fuzz_model: clang++ not found; skipping (install clang and libclang-rt-dev)"; exit 0
fi
# Its own build dir: LibTorch 1.13's headers do not compile with clang 14 in C++20 (see
# tests/fuzz/CMakeLists.txt), so this fails there until a newer clang or LibTorch.
if [ ! -f build-fuzz-model/build.ninja ]; then
  CXX=clang++ cmake -S tests/fuzz -B build-fuzz-model -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROPESCOPE_FUZZ_MODEL=ON >/dev/null
fi
cmake --build build-fuzz-model --target model_fuzzer --parallel "$(nproc)"
corpus=build-fuzz-model/model-corpus
mkdir -p "$corpus"
cp tests/fuzz/seeds/model/*.rsmodel "$corpus"/
echo "fuzz_model: model_fuzzer for ${seconds}s (seed corpus: tests/fuzz/seeds/model)"
build-fuzz-model/model_fuzzer "$corpus" -artifact_prefix=build-fuzz-model/ -max_total_time="$seconds" -max_len=65536 -timeout=10 \
  -rss_limit_mb=3072 -print_final_stats=1 2>build-fuzz-model/fuzz_model.log || {
  tail -n 60 build-fuzz-model/fuzz_model.log; echo "fuzz_model: FAILED (crash, leak, timeout or sanitizer report above)"; exit 1; }
grep -E "stat::number_of_executed_units|Done" build-fuzz-model/fuzz_model.log | tail -n 2
echo "fuzz_model: no crash, hang or leak in ${seconds}s"
