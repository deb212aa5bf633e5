#!/usr/bin/env bash
# Remakes the shipped model (assets/model/default.rsmodel) and its cached evaluation
# (assets/model/default.eval.json, what the Model tab shows at start-up), with the project's own
# command and a fixed seed. About 4 minutes on one thread (212 s at load 2; expect 5 to 6 under load);
# the same seed and threads give the same model. See docs/model.md.
# Usage: scripts/make_default_model.sh [OUT_DIR]   (default assets/model)
set -euo pipefail
cd "$(dirname "$0")/.."
cli=${ROPESCOPE_CLI:-build/app/ropescope-cli}
out=${1:-assets/model}
mkdir -p "$out"
# The default recipe: 2 layers, d_model 128, 4 heads, L = 256, smeared keys, lr 0.008, on the
# Eigen headers, seed 1, one thread: 1200 steps of batch 8, the first 200 on copy rows only (a
# random string repeated, in short rows: copying forms first), then a quarter of every batch
# passkey samples (half of them rows of short samples, answer digits weighed 30) and a quarter
# copy rows.
"$cli" model train --steps 1200 --batch 8 --lr 0.008 --smear-keys 1 --copy-warmup 200 --copy-fraction 0.25 \
  --answer-weight 30 --short-passkeys 0.5 --seed 1 --threads 1 --out "$out/default.rsmodel" --format json
"$cli" model eval --model "$out/default.rsmodel" --threads 1 --format json > "$out/default.eval.json.tmp"
mv "$out/default.eval.json.tmp" "$out/default.eval.json"
echo "wrote $out/default.rsmodel and $out/default.eval.json"
