#!/bin/sh
# Regenerates the figure of docs/longrope.md: a LongRoPE search on Phi-3-mini's setup (head_dim 96,
# L = 4096, s = 32) with the default options, its factors next to PI, NTK-aware, YaRN and Phi-3's
# published long factors, and the fitness per generation.
# Usage: scripts/make_longrope_figure.sh [path/to/ropescope-cli]   (default: build/app/ropescope-cli)
set -eu
cd "$(dirname "$0")/.."
cli=${1:-${ROPESCOPE_CLI:-build/app/ropescope-cli}}
out=docs/figures
mkdir -p "$out"
# Threads do not change the result (the search is deterministic for a seed); 2 keeps it light.
"$cli" search --head-dim 96 --original-max-position-embeddings 4096 --factor 32 --seed 1 --threads 2 \
  --out "$out/longrope_search.json" --svg "$out/longrope_search.svg"
echo "figure written to $out/longrope_search.svg"
