#!/usr/bin/env bash
# Remakes the shipped model (assets/model/default.rsmodel) and its cached evaluation
# (assets/model/default.eval.json, what the Model tab shows at start-up), with the project's own
# command and a fixed seed. About 20 minutes on one thread of a loaded machine (1194 s at load 6-7);
# the same seed and threads give the same model. See docs/model.md.
# Usage: scripts/make_default_model.sh [OUT_DIR]   (default assets/model)
set -euo pipefail
cd "$(dirname "$0")/.."
cli=${ROPESCOPE_CLI:-build/app/ropescope-cli}
out=${1:-assets/model}
mkdir -p "$out"
# The default recipe: 2 layers, d_model 128, 4 heads, L = 256, smeared keys, lr 0.003, on the
# Eigen headers, seed 1, one thread: 1500 steps of batch 8, the first 200 on copy rows only (a
# random string repeated, in short rows: copying forms first), then a quarter of every batch
# passkey samples and a quarter copy rows.
"$cli" model train --steps 1500 --batch 8 --smear-keys 1 --copy-warmup 200 --copy-fraction 0.25 --seed 1 \
  --threads 1 --out "$out/default.rsmodel" --format json
"$cli" model eval --model "$out/default.rsmodel" --threads 1 --format json > "$out/default.eval.json.tmp"
mv "$out/default.eval.json.tmp" "$out/default.eval.json"
echo "wrote $out/default.rsmodel and $out/default.eval.json"
