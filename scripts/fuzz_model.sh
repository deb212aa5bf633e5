#!/usr/bin/env bash
# Fuzzes the model file format (tests/fuzz/model_fuzzer.cpp, core/model/src/model_file.cpp: no
# LibTorch) with libFuzzer for a bounded time: scripts/fuzz.sh's "model" target.
# Usage: scripts/fuzz_model.sh [SECONDS] (default 60). Skips, with a message, without clang's fuzzer runtime.
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/fuzz.sh "${1:-60}" model
