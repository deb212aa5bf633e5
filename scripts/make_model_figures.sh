#!/usr/bin/env bash
# Regenerates the figures of docs/model.md with the CLI, on the shipped model: perplexity against
# length and the passkey heatmap for default, PI, NTK-aware and YaRN, and the LongRoPE search with
# the model's perplexity as fitness (next to the proxy search's factors). About a minute.
# Usage: scripts/make_model_figures.sh [OUT_DIR]   (default docs/figures)
set -euo pipefail
cd "$(dirname "$0")/.."
cli=${ROPESCOPE_CLI:-build/app/ropescope-cli}
out=${1:-docs/figures}
mkdir -p "$out"
"$cli" model eval --method default,linear,ntk,yarn --threads 2 \
  --svg "$out/model_perplexity.svg" --passkey-svg "$out/model_passkey.svg" --format csv > "$out/model_eval.csv"
"$cli" model search --factor 8 --threads 2 --svg "$out/model_search.svg" > "$out/model_search.txt"
echo "figures written to $out"
