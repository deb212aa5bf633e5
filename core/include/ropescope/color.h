// Colours, method palette and the two themes (dark screen, light teaching).
#pragma once

#include <cstdint>
#include <string>

#include "ropescope/methods.h"

namespace ropescope {
enum class MarkerShape;
}

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
// One fixed marker shape per method, all different: with the colour, methods stay apart in
// greyscale and for colour-blind viewers (the colours alone blur under deuteranopia).
MarkerShape method_marker(MethodKind kind);

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
    float font_size = 16;   // px at scale 1: tick labels, legend (both themes: the same type relative to the canvas)
    float title_size = 20;  // px: panel titles
    float min_font_size = 11;  // px at scale 1: no text is laid out smaller, however small the plot
    float text_scale = 1;   // multiplies every text size (the GUI's "plot text size" setting)
    // The figure is seen without the app's control panel and its method colours (the GUI's
    // presentation mode): a legend band may take up to half the plot's height before it collapses.
    bool standalone = false;
    float line_width = 1.6f;
    float marker_radius = 2.5f;
};

Theme dark_theme();
// White background, thick lines: for slides and papers (same type size as the dark theme).
Theme light_theme();
Theme theme(ThemeKind kind);
// "dark" / "light"
const char* theme_name(ThemeKind kind);

}  // namespace ropescope
