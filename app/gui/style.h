// Fonts and the ImGui style, scaled for HiDPI.
#pragma once

#include <imgui.h>

#include <vector>

#include "ropescope/color.h"

namespace ropescope::gui {

struct Fonts {
    ImFont* ui = nullptr;        // 15 px * scale, DejaVu Sans (or the built-in font)
    ImFont* ui_bold = nullptr;
    ImFont* mono = nullptr;      // formula panel
    std::vector<ImFont*> plot;       // plot text at a ladder of sizes (11 .. 44 px * scale), smallest first
    std::vector<ImFont*> plot_bold;  // bold titles at a ladder of sizes
    bool dejavu = false;         // false: ImGui's built-in font (fonts-dejavu-core not installed)
    float scale = 1;
};

// Loads the fonts at `scale` into `atlas` (clearing it first) and builds it. Needs no ImGui
// context (so it can run on a thread while the window opens); with no atlas, the current
// context's. Call before the renderer builds the font texture (or destroy/recreate it after).
Fonts load_fonts(float scale, ImFontAtlas* atlas = nullptr);

// The loaded plot font for text of `px`: the largest size not above it (scaled up a little when
// drawn, never down), bold or regular.
ImFont* plot_font(const Fonts& fonts, float px, bool bold);

// The RopeScope look, sizes multiplied by `scale`: dark (matching the plots' dark theme), or light
// for presentation mode on a projector.
void apply_style(float scale, bool light = false);

// Colour conversions.
inline ImU32 to_imu32(Color c) { return IM_COL32(c.r, c.g, c.b, c.a); }
inline ImVec4 to_imvec4(Color c) {
    return ImVec4(static_cast<float>(c.r) / 255.0f, static_cast<float>(c.g) / 255.0f, static_cast<float>(c.b) / 255.0f,
                  static_cast<float>(c.a) / 255.0f);
}

// Accent and message colours of the UI.
inline constexpr ImU32 kErrorColor = IM_COL32(255, 110, 100, 255);
inline constexpr ImU32 kWarningColor = IM_COL32(240, 200, 90, 255);
inline constexpr ImU32 kOkColor = IM_COL32(120, 210, 140, 255);
inline constexpr ImU32 kMutedColor = IM_COL32(163, 169, 180, 255);

}  // namespace ropescope::gui
