// Colours, method palette and the two themes (dark screen, light teaching).
#pragma once

#include <cstdint>
#include <string>

#include "ropescope/methods.h"

namespace ropescope {

struct Color {
    std::uint8_t r = 0, g = 0, b = 0, a = 255;
    bool operator==(const Color&) const = default;
};

// "#rrggbb" (alpha dropped).
std::string to_hex(Color color);

// One fixed colour per method, the same on screen and in every export, on both themes.
// Colour-blind-safe hues (Okabe-Ito based) distinct under deuteranopia and protanopia.
Color method_color(MethodKind kind);

enum class ThemeKind { Dark, Light };

struct Theme {
    ThemeKind kind = ThemeKind::Dark;
    Color background;       // whole figure
    Color plot_background;  // inside the axes
    Color axis;             // frame and ticks
    Color grid;             // major grid lines
    Color grid_minor;       // minor grid lines (log axes)
    Color text;             // labels, titles
    Color text_muted;       // captions, annotations
    Color marker;           // reference lines (L, L')
    Color highlight;        // e.g. pairs leaving the trained range
    float font_size = 13;   // px at scale 1: tick labels, legend
    float title_size = 16;  // px: panel titles
    float line_width = 1.6f;
    float marker_radius = 2.5f;
};

Theme dark_theme();
// White background, large type, thick lines: for slides and papers.
Theme light_theme();
Theme theme(ThemeKind kind);
// "dark" / "light"
const char* theme_name(ThemeKind kind);

}  // namespace ropescope
