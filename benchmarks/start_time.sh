#!/usr/bin/env bash
# Start-up time of the GUI against its floor, in one run: RUNS alternating launches of
# `ropescope --bench 2` (start to the first frame with the plots) and of gl_window_floor (a bare
# GLFW window's first frame), each under its own Xvfb, then both medians and their difference.
# A benchmark, not a test: the numbers depend on the machine and its load.
# Usage: benchmarks/start_time.sh [RUNS] [WIDTHxHEIGHT]   (defaults 7, 1600x1000)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
size=${2:-1600x1000}
app=${ROPESCOPE_APP:-build/app/ropescope}
floor=${ROPESCOPE_GL_FLOOR:-build/benchmarks/gl_window_floor}
for f in "$app" "$floor"; do
  [ -x "$f" ] || { echo "start_time: $f is missing (run scripts/build.sh)" >&2; exit 1; }
done
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
app_ms=() floor_ms=()
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((i = 1; i <= runs; ++i)); do
  a=$(XDG_CONFIG_HOME=$(mktemp -d) scripts/xvfb.sh -s "$size" "$app" --no-persist --size "$size" --bench 2 |
      sed -n 's/^  start to first frame with the plots *\([0-9]*\) ms.*/\1/p')
  f=$(scripts/xvfb.sh -s "$size" "$floor" "$size" | sed -n 's/.*first frame \([0-9]*\) ms.*/\1/p')
  echo "run $i: ropescope $a ms, bare window $f ms"
  app_ms+=("$a") floor_ms+=("$f")
done
am=$(printf '%s\n' "${app_ms[@]}" | median)
fm=$(printf '%s\n' "${floor_ms[@]}" | median)
echo "median of $runs: ropescope start to first frame with the plots $am ms; bare GLFW window $fm ms; RopeScope's own part $((am - fm)) ms"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
