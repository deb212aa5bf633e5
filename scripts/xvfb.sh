#!/usr/bin/env bash
# Runs a command on a private virtual X display: like `xvfb-run -a`, but the display number is
# chosen by Xvfb itself (-displayfd), so runs started at the same moment never collide.
# Usage: scripts/xvfb.sh [-s WIDTHxHEIGHT] COMMAND [ARGS...]   (default 1600x1000)
set -euo pipefail
size=1600x1000
if [ "${1:-}" = "-s" ]; then size="$2"; shift 2; fi
[ $# -gt 0 ] || { echo "usage: scripts/xvfb.sh [-s WIDTHxHEIGHT] COMMAND [ARGS...]" >&2; exit 2; }
command -v Xvfb >/dev/null || { echo "xvfb.sh: Xvfb is missing (Debian: xvfb)" >&2; exit 1; }
dir=$(mktemp -d)
server=
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
mkfifo "$dir/display"
Xvfb -displayfd 3 -screen 0 "${size}x24" -nolisten tcp 3>"$dir/display" 2>"$dir/xvfb.log" &
server=$!
read -r -t 30 number <"$dir/display" || { cat "$dir/xvfb.log" >&2; echo "xvfb.sh: Xvfb did not start" >&2; exit 1; }
status=0
DISPLAY=":$number" "$@" || status=$?
exit "$status"
