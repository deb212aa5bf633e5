#!/usr/bin/env bash
# Every OpenGL function app/gui/ calls must be resolved up front by app/gui/gl_entry_points.cpp
# (see gl_entry_points.h: a function resolved for the first time while the model engine loads
# would stall the frame). Fails naming each function missing from that list.
set -euo pipefail
gui="${1:?usage: gl_entry_points_check.sh APP_GUI_DIR}"
used=$(grep -ohE '\bgl[A-Z][A-Za-z0-9]+\b' "$gui"/*.cpp "$gui"/*.h | sort -u)
# GLX functions exist only for a GLX context: window_present.cpp's Init calls each once at start.
listed=$(grep -ohE '\bgl[A-Z][A-Za-z0-9]+\b' "$gui/gl_entry_points.cpp"; grep -ohE '\bglX[A-Za-z0-9]+\b' "$gui/window_present.cpp")
listed=$(echo "$listed" | sort -u)
missing=$(comm -23 <(echo "$used") <(echo "$listed"))
if [[ -n "$missing" ]]; then
    echo "gl_entry_points.cpp does not resolve these GL functions used in $gui: $(echo $missing)" >&2
    exit 1
fi
echo "all $(echo "$used" | wc -l) GL functions used in $gui are resolved up front"
