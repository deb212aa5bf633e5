#!/usr/bin/env bash
# Usage: bad_option_check.sh ROPESCOPE "EXPECTED MESSAGE" ARGS...
# The GUI rejects ARGS before opening a window: exit status 2 and EXPECTED MESSAGE on stderr.
set -u
app="$1"; expected="$2"; shift 2
stderr="$("$app" "$@" 2>&1 >/dev/null)"
status=$?
if [ "$status" != 2 ]; then echo "ropescope $*: exit status $status, expected 2 ($stderr)"; exit 1; fi
case "$stderr" in
  *"$expected"*) exit 0 ;;
  *) echo "ropescope $*: stderr \"$stderr\" lacks \"$expected\""; exit 1 ;;
esac
