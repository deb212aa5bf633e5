#!/bin/sh
# Regenerates the figures and tables of docs/resolution.md with the CLI.
# Usage: scripts/make_resolution_figures.sh [path/to/ropescope-cli]   (default: build/app/ropescope-cli)
set -eu
cd "$(dirname "$0")/.."
cli=${1:-build/app/ropescope-cli}
out=docs/figures
mkdir -p "$out"

# Positional content: a head that attends D tokens back, built with each method's own frequencies.
"$cli" resolution --method default,linear,ntk,yarn,llama3 --factor 8 --points 16 --query-scale 4 \
  --svg "$out/resolution_positional.svg" --format csv > "$out/resolution_positional.csv"
# The same head built with the original frequencies (trained before the extension).
"$cli" resolution --method default,linear,ntk,yarn,llama3 --factor 8 --points 16 --query-scale 4 \
  --positional-original --svg "$out/resolution_pretrained_head.svg" --format csv > "$out/resolution_pretrained_head.csv"
# Needle content: the key at distance D carries the query, 32768 Gaussian distractors.
"$cli" resolution --method default,linear,ntk,yarn,llama3 --factor 8 --points 16 --content needle --noise 1 \
  --svg "$out/resolution_needle.svg" --format csv > "$out/resolution_needle.csv"
# The attention peak around D = 100 for PI and YaRN.
for m in linear yarn; do
  "$cli" attention --method "$m" --factor 8 --keys 32768 --needle-distance 100 --query-scale 4 --window 24 \
    --svg "$out/attention_window_$m.svg" --format csv --csv-table window > "$out/attention_window_$m.csv"
done
# Phase precision near 1M tokens: exact, fp32 and bf16 phases (plain RoPE).
for p in fp64 fp32 bf16; do
  "$cli" attention --method default --keys 65536 --first-key 983040 --needle-distance 1000 --query-scale 4 \
    --precision "$p" --window 24 --svg "$out/attention_window_$p.svg" --format csv --csv-table window \
    > "$out/attention_window_$p.csv"
done
echo "figures written to $out"
