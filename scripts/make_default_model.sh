#!/usr/bin/env bash
# Remakes the shipped model (assets/model/default.rsmodel) and its cached evaluation
# (assets/model/default.eval.json, what the Model tab shows at start-up), with the project's own
# command and a fixed seed. About 5 minutes on 2 cores. See docs/model.md.
# Usage: scripts/make_default_model.sh [OUT_DIR]   (default assets/model)
set -euo pipefail
cd "$(dirname "$0")/.."
cli=${ROPESCOPE_CLI:-build/app/ropescope-cli}
out=${1:-assets/model}
mkdir -p "$out"
# The default recipe: 2 layers, d_model 128, 4 heads, L = 256, batch 16, 320 steps, lr 0.003,
# a quarter of every batch passkey samples, on the Eigen headers, seed 1, 2 threads.
"$cli" model train --steps 320 --batch 16 --seed 1 --threads 2 --out "$out/default.rsmodel" --format json
"$cli" model eval --model "$out/default.rsmodel" --threads 2 --format json > "$out/default.eval.json.tmp"
mv "$out/default.eval.json.tmp" "$out/default.eval.json"
echo "wrote $out/default.rsmodel and $out/default.eval.json"
