#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build, start the app.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
if [ -x build/app/ropescope ]; then
  exec build/app/ropescope "$@"
fi
exec build/app/ropescope-cli --help
