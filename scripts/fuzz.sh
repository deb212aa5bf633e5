#!/usr/bin/env bash
# Fuzzes every parser with libFuzzer (clang, ASan + UBSan), each for a bounded time:
#   config    config.json (parse_hf_config) and everything downstream; seeds: assets/presets
#   state     state.json and the GUI's state file (view, panel settings); seeds: tests/fuzz/seeds/state
#   import    HF JSON, vLLM arguments, llama.cpp flags (convert --from, paste); tests/fuzz/seeds/import
#   cli_args  the CLI's argument parser and shared flags; tests/fuzz/seeds/cli_args
#   model     the .rsmodel loader (core/model's file format, no LibTorch); tests/fuzz/seeds/model
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]   (default 30 s, every target)
# A crash, hang, leak or sanitizer report fails the run, and the input that caused it is copied to
# tests/fuzz/regressions/TARGET/ (commit it: ctest replays it from then on). Skips, with a
# message, without clang's fuzzer runtime.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(config state import cli_args model)
if ! command -v clang++ >/dev/null 2>&1; then
  echo "fuzz: clang++ not found; skipping the fuzz targets (install clang and libclang-rt-dev)"; exit 0
fi
if ! echo 'extern "C" int LLVMFuzzerTestOneInput(const char*, unsigned long){return 0;}' |
     clang++ -x c++ -fsanitize=fuzzer - -o /tmp/ropescope_fuzz_probe 2>/dev/null; then
  echo "fuzz: clang has no libFuzzer runtime; skipping (install libclang-rt-dev)"; exit 0
fi
if [ ! -f build-fuzz/build.ninja ]; then
  CXX=clang++ cmake -S tests/fuzz -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
build_targets=()
for t in "${targets[@]}"; do build_targets+=("${t}_fuzzer"); done
cmake --build build-fuzz --target "${build_targets[@]}" --parallel "$(nproc)"

failed=0
for t in "${targets[@]}"; do
  corpus="build-fuzz/corpus/$t"
  artifacts="build-fuzz/artifacts/$t/"
  mkdir -p "$corpus" "$artifacts"
  if [ "$t" = config ]; then cp assets/presets/*.json "$corpus"/; else cp "tests/fuzz/seeds/$t"/* "$corpus"/; fi
  [ -d "tests/fuzz/regressions/$t" ] && cp "tests/fuzz/regressions/$t"/* "$corpus"/ 2>/dev/null || true
  log="build-fuzz/$t.log"
  echo "fuzz: ${t}_fuzzer for ${seconds}s"
  if build-fuzz/"${t}_fuzzer" "$corpus" -artifact_prefix="$artifacts" -max_total_time="$seconds" -max_len=65536 \
       -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 2>"$log"; then
    grep -E "stat::number_of_executed_units" "$log" | tail -n 1
  else
    tail -n 60 "$log"
    mkdir -p "tests/fuzz/regressions/$t"
    for crash in "$artifacts"*; do
      [ -f "$crash" ] && cp "$crash" "tests/fuzz/regressions/$t/" && echo "fuzz: kept $crash as tests/fuzz/regressions/$t/$(basename "$crash")"
    done
    echo "fuzz: ${t}_fuzzer FAILED (crash, leak, timeout or sanitizer report above)"
    failed=1
  fi
done
[ "$failed" -eq 0 ] && echo "fuzz: no crash, hang or leak (${#targets[@]} targets, ${seconds}s each)"
exit "$failed"
