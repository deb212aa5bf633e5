#!/usr/bin/env bash
# Regenerates the GUI screenshots in docs/images/gui-*.png with the app itself (ropescope
# --screenshot under Xvfb), so docs/gui.md never shows a stale window. Builds first if needed.
# Usage: scripts/make_screenshots.sh [path/to/ropescope]
set -euo pipefail
cd "$(dirname "$0")/.."
app=${1:-build/app/ropescope}
if [ ! -x "$app" ]; then scripts/build.sh; fi
command -v Xvfb >/dev/null || { echo "make_screenshots: Xvfb is missing (Debian: xvfb)" >&2; exit 1; }

out=docs/images
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"

# shot NAME SIZE [ropescope options...]: one screenshot, with a private config directory.
shot() {
  local name=$1 size=$2
  shift 2
  XDG_CONFIG_HOME="$tmp/config" scripts/xvfb.sh -s 1600x1000 \
    "$app" --screenshot "$out/$name.png" --size "$size" --frames 6 "$@"
}

# A state showing one plot with the controls hidden. $1 = plot id, $2 = lab JSON (partial).
single() {
  local plot=$1 lab=$2 plots="" id
  for id in wavelength scale ramp decay coverage heatmap; do
    [ -n "$plots" ] && plots="$plots, "
    if [ "$id" = "$plot" ]; then plots="$plots\"$id\": {\"visible\": true}"
    else plots="$plots\"$id\": {\"visible\": false}"; fi
  done
  cat > "$tmp/$plot.json" <<JSON
{"ropescope_gui_state": 1, "lab": $lab,
 "view": {"show_controls": false, "plots": {$plots}}}
JSON
  echo "$tmp/$plot.json"
}

# The whole window on the default state (Llama-2-like setup, s = 8).
shot gui-overview 1280x800

# One plot each, on the default state unless a plot reads better with fewer methods.
default_lab='{}'
pi_yarn='{"methods": {"ntk": {"enabled": false}, "llama3": {"enabled": false}}}'
shot gui-wavelength 1000x560 --state "$(single wavelength "$default_lab")"
shot gui-scale 1000x560 --state "$(single scale "$default_lab")"
shot gui-ramp 1000x560 --state "$(single ramp '{"methods": {"ntk": {"enabled": false}, "linear": {"enabled": false}, "ntk_by_parts": {"enabled": true}}}')"
shot gui-decay 1000x560 --state "$(single decay "$pi_yarn")"
shot gui-coverage 1000x560 --state "$(single coverage "$default_lab")"
shot gui-heatmap 1000x560 --state "$(single heatmap '{"plot": {"heatmap_method": 3, "heatmap_compare": 1, "heatmap_positions": 2048}}')"

# Comparison: A = the defaults at s = 4 (dashed), B = s = 16.
cat > "$tmp/pinned.json" <<'JSON'
{"ropescope_gui_state": 1,
 "lab": {"setup": {"factor": 16, "seq_len": 65536}},
 "pinned_a": {"setup": {"factor": 4, "seq_len": 16384}},
 "compare": "overlay",
 "view": {"plots": {"heatmap": {"visible": false}, "coverage": {"visible": false}}}}
JSON
shot gui-overlay 1200x760 --state "$tmp/pinned.json"

# Presentation mode (F5, --present): the decay and wavelength plots with the factor and rope_theta
# sliders, at a projector's 1280x720.
shot gui-presentation 1280x720 --present

# The default tab at 1280x720, a common projector size.
shot gui-default-1280x720 1280x720

# A real model: Phi-3 mini 128k (LongRoPE lists), formula panel on LongRoPE.
shot gui-longrope 1200x760 --config assets/presets/phi-3-mini-128k-instruct.json

# The engines tab on Qwen2.5's YaRN x4: transformers 4.48-4.55 switches it off.
echo '{"ropescope_gui_state": 1, "lab": {}, "view": {"workspace": "engines"}}' > "$tmp/engines.json"
shot gui-engines 1400x860 --state "$tmp/engines.json" --config assets/presets/qwen2.5-7b-instruct-yarn.json

# The attention tab on the defaults (N = L' = 32768, positional content, the target at D = N/2).
echo '{"ropescope_gui_state": 1, "lab": {}, "view": {"workspace": "attention"}}' > "$tmp/attention.json"
shot gui-attention 1600x1000 --state "$tmp/attention.json"

# The LongRoPE search tab: the default search on Phi-3-mini's setup, run before the screenshot.
echo '{"ropescope_gui_state": 1, "lab": {}, "view": {"workspace": "search",
       "panels": {"search": {"autostart": true, "setup": "phi3"}}}}' > "$tmp/search.json"
shot gui-search 1600x1000 --state "$tmp/search.json"

# The Model tab on the shipped model (its cached evaluation).
echo '{"ropescope_gui_state": 1, "lab": {}, "view": {"workspace": "model"}}' > "$tmp/model.json"
shot gui-model 1600x1000 --state "$tmp/model.json"

ls -l "$out"/gui-*.png
