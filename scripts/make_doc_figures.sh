#!/usr/bin/env bash
# Regenerates the figures of docs/methods.md (docs/figures/{wavelength,scale,ramp,coverage,decay,
# heatmap}.svg) with ropescope-cli, so the docs show exactly what RopeScope computes and draws.
#
#   scripts/make_doc_figures.sh            write docs/figures/
#   scripts/make_doc_figures.sh OUT_DIR    write OUT_DIR/ instead
#   scripts/make_doc_figures.sh --check    regenerate into a temporary folder and fail if
#                                          docs/figures/ differs (ctest runs this)
#
# The CLI is $ROPESCOPE_CLI if set, else build/app/ropescope-cli (run scripts/build.sh first).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cli="${ROPESCOPE_CLI:-$root/build/app/ropescope-cli}"
if [ ! -x "$cli" ]; then
  echo "error: $cli not found; build first (scripts/build.sh) or set ROPESCOPE_CLI." >&2
  exit 1
fi

# One figure: NAME PLOT [method/setup flags...]. Light (teaching) theme, SVG, one fixed size.
figure() {
  local out="$1" name="$2" plot="$3"
  shift 3
  "$cli" export --plot "$plot" --format svg --theme light --size 1200x750 --out "$out/$name.svg" "$@" >/dev/null
}

generate() {
  local out="$1"
  mkdir -p "$out"
  # Llama-2-like setup extended 8x: d=128, rope_theta=10000, L=4096, s=8.
  local setup=(--head-dim 128 --rope-theta 10000 --original-max-position-embeddings 4096 --factor 8)
  figure "$out" wavelength wavelength --method default,linear,ntk,yarn,llama3 "${setup[@]}"
  figure "$out" scale scale --method linear,ntk,ntk_by_parts,yarn,llama3 "${setup[@]}"
  figure "$out" ramp ramp --method ntk_by_parts,yarn,llama3 "${setup[@]}"
  figure "$out" coverage coverage --method default,linear,ntk,yarn "${setup[@]}"
  figure "$out" decay decay --method default,linear,yarn "${setup[@]}"
  figure "$out" heatmap heatmap --method yarn "${setup[@]}"
}

if [ "${1:-}" = "--check" ]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  generate "$tmp"
  # Only the files this script makes (other scripts write their own figures into docs/figures/).
  stale=0
  for file in "$tmp"/*; do
    name="$(basename "$file")"
    if ! cmp -s "$file" "$root/docs/figures/$name"; then
      echo "docs/figures/$name differs from what ropescope-cli draws now" >&2
      stale=1
    fi
  done
  if [ "$stale" -ne 0 ]; then
    echo "error: docs figures are out of date; run scripts/make_doc_figures.sh and commit docs/figures/." >&2
    exit 1
  fi
  echo "docs/figures/ is up to date ($(ls "$tmp" | wc -l) figures)."
  exit 0
fi

out="${1:-$root/docs/figures}"
generate "$out"
echo "wrote the docs figures (wavelength, scale, ramp, coverage, decay, heatmap) to $out"
