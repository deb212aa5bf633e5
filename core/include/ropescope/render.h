// Layout of a Figure into drawing primitives at a pixel size. The GUI draws these primitives
// with ImDrawList, the SVG writer turns them into elements, the PNG writer rasterizes them:
// one layout, so screen and files match.
#pragma once

#include <string>
#include <vector>

#include "ropescope/color.h"
#include "ropescope/figure.h"
#include "ropescope/ticks.h"

namespace ropescope {

struct Vec2 {
    float x = 0, y = 0;
};

struct Rect {
    float x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // pixels, y down
    float width() const { return x1 - x0; }
    float height() const { return y1 - y0; }
    bool contains(Vec2 p) const { return p.x >= x0 && p.x <= x1 && p.y >= y0 && p.y <= y1; }
};

enum class TextAlign { Left, Center, Right };
enum class TextBaseline { Top, Middle, Bottom };

struct Primitive {
    enum class Type {
        Polyline,  // points, color, width, style; clipped to `clip`
        FillRect,  // rect, color
        StrokeRect,
        Circle,    // center = points[0], radius, color (filled), stroke_color ring if stroke_width > 0
        Text,      // text at points[0], size, color, align, baseline, rotated (90 deg CCW) if vertical
        Image,     // heatmap: rect, image_width x image_height RGBA pixels
        Polygon,   // filled convex polygon through points (color; outline in stroke_color if width > 0)
    };
    Type type = Type::Polyline;
    std::vector<Vec2> points;
    Rect rect;
    Rect clip;                 // zero-size: no clip
    Color color;
    Color stroke_color;
    float width = 1;           // line width or ring width
    float radius = 0;
    LineStyle style = LineStyle::Solid;
    std::string text;
    float size = 13;           // font px
    bool bold = false;
    bool vertical = false;
    TextAlign align = TextAlign::Left;
    TextBaseline baseline = TextBaseline::Middle;
    int image_width = 0, image_height = 0;
    std::vector<std::uint8_t> pixels;  // RGBA8, row 0 at the top
    int series_index = -1;     // which Series (within its panel) produced it, for the GUI
    int panel_index = -1;
};

// Where a panel landed, and the final axis ranges: what the GUI needs to map the mouse.
struct PanelLayout {
    Rect frame;       // the panel's whole area
    Rect plot;        // the data area inside the axes
    AxisScale x_scale = AxisScale::Linear, y_scale = AxisScale::Linear;
    double x_min = 0, x_max = 1, y_min = 0, y_max = 1;
    std::vector<Rect> legend_entries;  // one per series with in_legend (hit areas), in series order
    std::vector<int> legend_series;    // series index of each legend entry
    Rect legend_box;                   // the whole legend (drag handle; a collapsed legend's hover area)
    bool legend_inside = false;        // the legend sits inside the plot (it can be dragged there)
    bool legend_collapsed = false;     // drawn as one "n methods" box

    // Data <-> pixel transforms (log axes map log10 linearly).
    float to_px_x(double x) const;
    float to_px_y(double y) const;
    double from_px_x(float px) const;
    double from_px_y(float py) const;
};

struct Canvas {
    float width = 0, height = 0;
    std::vector<Primitive> primitives;  // in drawing order
    std::vector<PanelLayout> panels;
};

// Advance width of `text` in DejaVu Sans (Bold if `bold`) at `size` px (built-in metrics, no font
// file needed). UTF-8; characters outside ASCII count as an average glyph.
float text_width(const std::string& text, float size, bool bold = false);

// Offset from a Text primitive's anchor y to the alphabetic baseline, for renderers that place
// text by its baseline (SVG, cairo): Top = cap top at the anchor, Middle = caps centred on it,
// Bottom = descenders end on it. For vertical text the offset runs along +x.
float baseline_offset(TextBaseline baseline, float size);

// Dash pattern (on, off, on, off ... in px) of a line style at a line width; empty for Solid.
std::vector<float> dash_pattern(LineStyle style, float width);

// Lays out the figure at width x height pixels. `scale` multiplies fonts and line widths
// (2 for retina/HiDPI). Type also adapts to the canvas: down to 60% on small canvases but never
// below theme.min_font_size x scale, up to 2.5x beyond 1920x1200 px per unit of scale; all of it
// times theme.text_scale. Axis ranges unset in the figure are fitted to the data and markers
// (padded a little, snapped to round numbers); explicit ranges are used as given. The legend goes
// where the panel's placement says (by default: inside in a corner that hides no data, else beside
// the plot); tick labels that would collide are thinned out, reference-line labels avoid the data.
Canvas layout_figure(const Figure& figure, const Theme& theme, float width, float height, float scale = 1.0f);

// Diverging colour map for heatmaps: blue (-1) - white/near-black (0) - red (+1) per theme.
Color diverging_color(float t, const Theme& theme);

// Sequential colour map for heatmaps, t = 0 .. 1: viridis (dark purple - teal - yellow), whose
// lightness rises steadily, so it reads in greyscale and for the common colour-vision deficiencies.
// NaN: the theme's plot background.
Color sequential_color(float t, const Theme& theme);

// The colour of value v in a heatmap, by its range and scale.
Color heatmap_color(const Heatmap& map, float v, const Theme& theme);

// Black or white, whichever reads better on `background` (text written on a heatmap cell).
Color text_color_on(Color background);

}  // namespace ropescope
