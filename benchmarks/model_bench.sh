#!/usr/bin/env bash
# Benchmarks of the trained-model module (reported, never asserted; docs/model.md has the numbers):
#   1. training throughput of ropescope-cli model train against the same model in PyTorch
#      (benchmarks/model_train_peer.py, Debian python3-torch), both on 2 threads, in one farm-bench
#      run that alternates them; both with OMP_WAIT_POLICY=PASSIVE, as ropescope-cli sets it for
#      its model commands (app/cli/openmp_wait.h), so that the comparison is of the loops;
#   2. evaluation of 4 methods at 5 lengths up to 16 L, and peak memory at 16 L.
# Usage: benchmarks/model_bench.sh [STEPS]   (default 30 steps of batch 16 x 256)
set -euo pipefail
cd "$(dirname "$0")/.."
cli=${ROPESCOPE_CLI:-build/app/ropescope-cli}
steps=${1:-30}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  farm-bench -n 3 --timeout 1200 \
    --vs "env OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 benchmarks/model_train_peer.py --steps $steps --batch 16 --threads 2" -- \
    "$cli" model train --steps "$steps" --batch 16 --threads 2 --out "$tmp/bench.rsmodel"
  echo "tokens/s (each reports its own):"
  "$cli" model train --steps "$steps" --batch 16 --threads 2 --out "$tmp/bench.rsmodel" --format json
  OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 benchmarks/model_train_peer.py --steps "$steps" --batch 16 --threads 2 --format json
else
  echo "model_bench: python3-torch is not installed (apt-get install python3-torch); skipping the PyTorch peer"
fi
farm-bench -n 3 --timeout 600 -- "$cli" model eval --method default,linear,ntk,yarn --threads 2
farm-bench -n 1 --timeout 600 -- "$cli" model eval --method yarn --lengths 4096 --threads 2
