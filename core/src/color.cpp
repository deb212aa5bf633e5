// The method palette and the two themes.
#include "ropescope/color.h"

#include <cstdio>

#include "ropescope/figure.h"

namespace ropescope {

namespace {

constexpr Color rgb(std::uint32_t hex) {
    return Color{static_cast<std::uint8_t>((hex >> 16) & 0xff), static_cast<std::uint8_t>((hex >> 8) & 0xff),
                 static_cast<std::uint8_t>(hex & 0xff), 255};
}

}  // namespace

std::string to_hex(Color color) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "#%02x%02x%02x", color.r, color.g, color.b);
    return buffer;
}

Color method_color(MethodKind kind) {
    // Okabe-Ito hues (plus a grey, an olive and a violet), each readable on white and on #1b1d22.
    switch (kind) {
        case MethodKind::Default: return rgb(0x8c8c8c);      // grey: the unscaled baseline
        case MethodKind::Linear: return rgb(0xD55E00);       // vermillion
        case MethodKind::Ntk: return rgb(0x56B4E9);          // sky blue
        case MethodKind::Dynamic: return rgb(0x0072B2);      // blue
        case MethodKind::NtkByParts: return rgb(0x009E73);   // bluish green
        case MethodKind::Yarn: return rgb(0xE69F00);         // orange
        case MethodKind::DynamicYarn: return rgb(0xB8A000);  // olive yellow
        case MethodKind::Llama3: return rgb(0xCC79A7);       // reddish purple
        case MethodKind::LongRope: return rgb(0x8B5CD6);     // violet
    }
    return rgb(0x8c8c8c);
}

MarkerShape method_marker(MethodKind kind) {
    switch (kind) {
        case MethodKind::Default: return MarkerShape::Ring;
        case MethodKind::Linear: return MarkerShape::Square;
        case MethodKind::Ntk: return MarkerShape::TriangleUp;
        case MethodKind::Dynamic: return MarkerShape::TriangleDown;
        case MethodKind::NtkByParts: return MarkerShape::Diamond;
        case MethodKind::Yarn: return MarkerShape::Circle;
        case MethodKind::DynamicYarn: return MarkerShape::Cross;
        case MethodKind::Llama3: return MarkerShape::Plus;
        case MethodKind::LongRope: return MarkerShape::HollowSquare;
    }
    return MarkerShape::Circle;
}

Theme dark_theme() {
    Theme t;
    t.kind = ThemeKind::Dark;
    t.background = rgb(0x1b1d22);
    t.plot_background = rgb(0x202329);
    t.axis = rgb(0x9aa1ad);
    t.grid = rgb(0x363a43);
    t.grid_minor = rgb(0x292c33);
    t.text = rgb(0xe6e8eb);
    t.text_muted = rgb(0xa3a9b4);
    t.marker = rgb(0xc5cad3);
    t.highlight = rgb(0xf5f5f5);
    t.line_width = 1.6f;
    t.marker_radius = 2.5f;
    return t;
}

Theme light_theme() {
    Theme t;
    t.kind = ThemeKind::Light;
    t.background = rgb(0xffffff);
    t.plot_background = rgb(0xffffff);
    t.axis = rgb(0x333333);
    t.grid = rgb(0xd4d4d4);
    t.grid_minor = rgb(0xececec);
    t.text = rgb(0x111111);
    t.text_muted = rgb(0x555555);
    t.marker = rgb(0x444444);
    t.highlight = rgb(0x000000);
    t.line_width = 2.5f;
    t.marker_radius = 3.5f;
    return t;
}

Theme theme(ThemeKind kind) { return kind == ThemeKind::Light ? light_theme() : dark_theme(); }

const char* theme_name(ThemeKind kind) { return kind == ThemeKind::Light ? "light" : "dark"; }

}  // namespace ropescope
