// Small builders and text helpers shared by the layout code.
#include <algorithm>
#include <cmath>

#include "render_internal.h"

namespace ropescope {

std::vector<float> dash_pattern(LineStyle style, float width) {
    // Drawn with butt caps: a dotted line is square dots one line width long.
    switch (style) {
        case LineStyle::Solid: return {};
        case LineStyle::Dashed: return {std::max(5.0f * width, 6.0f), std::max(3.0f * width, 4.0f)};
        case LineStyle::Dotted: return {std::max(width, 1.5f), std::max(1.8f * width, 2.5f)};
    }
    return {};
}

namespace detail {

Primitive make_text(const std::string& text, Vec2 at, float size, Color color, TextAlign align,
                    TextBaseline baseline, bool bold, bool vertical) {
    Primitive p;
    p.type = Primitive::Type::Text;
    p.text = text;
    p.points = {at};
    p.size = size;
    p.color = color;
    p.align = align;
    p.baseline = baseline;
    p.bold = bold;
    p.vertical = vertical;
    return p;
}

Primitive make_line(std::vector<Vec2> points, Color color, float width, LineStyle style) {
    Primitive p;
    p.type = Primitive::Type::Polyline;
    p.points = std::move(points);
    p.color = color;
    p.width = width;
    p.style = style;
    return p;
}

Primitive make_fill(Rect rect, Color color) {
    Primitive p;
    p.type = Primitive::Type::FillRect;
    p.rect = rect;
    p.color = color;
    return p;
}

Primitive make_stroke(Rect rect, Color color, float width) {
    Primitive p;
    p.type = Primitive::Type::StrokeRect;
    p.rect = rect;
    p.color = color;
    p.stroke_color = color;
    p.width = width;
    return p;
}

std::string elide(const std::string& text, float size, float max_width, bool bold) {
    if (text_width(text, size, bold) <= max_width) return text;
    const float dots = text_width("...", size, bold);
    std::string out = text;
    while (!out.empty() && text_width(out, size, bold) + dots > max_width) {
        out.pop_back();
        // Do not leave half a UTF-8 sequence behind.
        while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
        if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
    }
    // Never cut a number or a word in two: back up to the last space if one is in the second half.
    if (out.size() < text.size() && text[out.size()] != ' ') {
        const std::size_t space = out.rfind(' ');
        if (space != std::string::npos && space >= out.size() / 2) out.resize(space);
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "...";
}

void add_marker_symbol(std::vector<Primitive>& out, MarkerShape shape, Vec2 at, float r, Color color,
                       float stroke_width) {
    const auto polygon = [&](std::vector<Vec2> points, bool hollow) {
        Primitive p;
        p.type = Primitive::Type::Polygon;
        p.points = std::move(points);
        p.color = hollow ? with_alpha(color, 0) : color;
        p.stroke_color = color;
        p.width = hollow ? stroke_width : 0.0f;
        out.push_back(std::move(p));
    };
    // A stroke of a cross or plus: a thin filled rectangle from a to b (a polygon, so that a series'
    // polylines stay its curve only).
    const auto stroke = [&](Vec2 a, Vec2 b) {
        const float dx = b.x - a.x, dy = b.y - a.y, len = std::hypot(dx, dy);
        if (!(len > 0)) return;
        const float h = stroke_width * 0.65f, nx = -dy / len * h, ny = dx / len * h;
        polygon({{a.x + nx, a.y + ny}, {b.x + nx, b.y + ny}, {b.x - nx, b.y - ny}, {a.x - nx, a.y - ny}}, false);
    };
    switch (shape) {
        case MarkerShape::None: return;
        case MarkerShape::Circle:
        case MarkerShape::Ring: {
            Primitive c;
            c.type = Primitive::Type::Circle;
            c.points = {at};
            c.radius = shape == MarkerShape::Ring ? r * 0.95f : r;
            c.color = shape == MarkerShape::Ring ? with_alpha(color, 0) : color;
            c.stroke_color = color;
            c.width = shape == MarkerShape::Ring ? stroke_width : 0.0f;
            out.push_back(std::move(c));
            return;
        }
        case MarkerShape::Square:
        case MarkerShape::HollowSquare: {
            const float h = r * 0.88f;
            polygon({{at.x - h, at.y - h}, {at.x + h, at.y - h}, {at.x + h, at.y + h}, {at.x - h, at.y + h}},
                    shape == MarkerShape::HollowSquare);
            return;
        }
        case MarkerShape::Diamond: {
            const float h = r * 1.25f;
            polygon({{at.x, at.y - h}, {at.x + h, at.y}, {at.x, at.y + h}, {at.x - h, at.y}}, false);
            return;
        }
        case MarkerShape::TriangleUp:
        case MarkerShape::TriangleDown: {
            const float h = r * 1.3f, sign = shape == MarkerShape::TriangleUp ? 1.0f : -1.0f;
            polygon({{at.x, at.y - h * sign}, {at.x + h * 0.95f, at.y + h * 0.6f * sign},
                     {at.x - h * 0.95f, at.y + h * 0.6f * sign}},
                    false);
            return;
        }
        case MarkerShape::Cross: {
            const float h = r * 1.05f;
            stroke({at.x - h, at.y - h}, {at.x + h, at.y + h});
            stroke({at.x - h, at.y + h}, {at.x + h, at.y - h});
            return;
        }
        case MarkerShape::Plus: {
            const float h = r * 1.3f;
            stroke({at.x - h, at.y}, {at.x + h, at.y});
            stroke({at.x, at.y - h}, {at.x, at.y + h});
            return;
        }
    }
}

float fit_size(const std::string& text, float size, float min_size, float max_width, bool bold) {
    const float width = text_width(text, size, bold);
    if (width <= max_width || width <= 0) return size;
    return std::max(min_size, size * max_width / width);
}

Rect text_bounds(const Primitive& t) {
    const float w = text_width(t.text, t.size, t.bold);
    const Vec2 at = t.points.empty() ? Vec2{} : t.points[0];
    // Along the text: from the alignment; across: ascent 0.93 em above the baseline, 0.24 below.
    const float start = t.align == TextAlign::Left ? 0.0f : t.align == TextAlign::Center ? -w * 0.5f : -w;
    const float base = baseline_offset(t.baseline, t.size);
    const float above = base - 0.93f * t.size, below = base + 0.24f * t.size;
    if (!t.vertical) return Rect{at.x + start, at.y + above, at.x + start + w, at.y + below};
    // Rotated 90 degrees counter-clockwise about the anchor: text runs upwards, "down" is +x.
    return Rect{at.x + above, at.y - start - w, at.x + below, at.y - start};
}

bool overlaps(const Rect& a, const Rect& b, float margin) {
    return a.x0 < b.x1 + margin && b.x0 < a.x1 + margin && a.y0 < b.y1 + margin && b.y0 < a.y1 + margin;
}

}  // namespace detail

Color diverging_color(float t, const Theme& theme) {
    if (std::isnan(t)) return theme.plot_background;
    t = std::clamp(t, -1.0f, 1.0f);
    // ColorBrewer RdBu (colour-blind safe); the centre follows the theme's background.
    const bool light = theme.kind == ThemeKind::Light;
    const Color blue = light ? Color{33, 102, 172, 255} : Color{67, 147, 195, 255};
    const Color blue_mid = light ? Color{146, 197, 222, 255} : Color{44, 86, 128, 255};
    const Color centre = light ? Color{247, 247, 247, 255} : Color{32, 35, 41, 255};
    const Color red_mid = light ? Color{244, 165, 130, 255} : Color{140, 62, 50, 255};
    const Color red = light ? Color{178, 24, 43, 255} : Color{214, 96, 77, 255};
    const auto mix = [](Color a, Color b, float u) {
        const auto ch = [u](std::uint8_t x, std::uint8_t y) {
            return static_cast<std::uint8_t>(
                std::lround(static_cast<float>(x) + (static_cast<float>(y) - static_cast<float>(x)) * u));
        };
        return Color{ch(a.r, b.r), ch(a.g, b.g), ch(a.b, b.b), 255};
    };
    if (t < -0.5f) return mix(blue, blue_mid, (t + 1.0f) * 2.0f);
    if (t < 0.0f) return mix(blue_mid, centre, (t + 0.5f) * 2.0f);
    if (t < 0.5f) return mix(centre, red_mid, t * 2.0f);
    return mix(red_mid, red, (t - 0.5f) * 2.0f);
}

Color sequential_color(float t, const Theme& theme) {
    if (std::isnan(t)) return theme.plot_background;
    t = std::clamp(t, 0.0f, 1.0f);
    // Five knots of matplotlib's viridis (van der Walt and Smith), linear in between.
    static constexpr Color kKnots[] = {
        {68, 1, 84, 255}, {59, 82, 139, 255}, {33, 145, 140, 255}, {94, 201, 98, 255}, {253, 231, 37, 255}};
    const float at = t * 4.0f;
    const int k = std::min(3, static_cast<int>(at));
    const float u = at - static_cast<float>(k);
    const auto ch = [u](std::uint8_t x, std::uint8_t y) {
        return static_cast<std::uint8_t>(std::lround(static_cast<float>(x) + (static_cast<float>(y) - static_cast<float>(x)) * u));
    };
    const Color a = kKnots[k], b = kKnots[k + 1];
    return Color{ch(a.r, b.r), ch(a.g, b.g), ch(a.b, b.b), 255};
}

Color heatmap_color(const Heatmap& map, float v, const Theme& theme) {
    const float range = map.value_max - map.value_min;
    if (std::isnan(v)) return theme.plot_background;
    const float u = range > 0 ? (v - map.value_min) / range : 0.5f;  // 0 .. 1 over the range
    return map.scale == ColorScale::Sequential ? sequential_color(u, theme) : diverging_color(2.0f * u - 1.0f, theme);
}

Color text_color_on(Color background) {
    // Relative luminance (sRGB, approximately linearised with gamma 2.2), then the WCAG contrast
    // ratio against black and against white: the larger one wins.
    const auto lin = [](std::uint8_t c) { return std::pow(static_cast<float>(c) / 255.0f, 2.2f); };
    const float y = 0.2126f * lin(background.r) + 0.7152f * lin(background.g) + 0.0722f * lin(background.b);
    const float on_black = (y + 0.05f) / 0.05f, on_white = 1.05f / (y + 0.05f);
    return on_black > on_white ? Color{0, 0, 0, 255} : Color{255, 255, 255, 255};
}

}  // namespace ropescope
