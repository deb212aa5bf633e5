#!/usr/bin/env bash
# Configures (once) and builds RopeScope into ./build. Quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f build/build.ninja ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DROPESCOPE_WERROR=ON
fi
cmake --build build --parallel "$(nproc)"
