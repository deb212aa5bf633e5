// Private helpers shared by the layout files (render.cpp, layout_*.cpp). Not installed.
#pragma once

#include <string>
#include <vector>

#include "ropescope/render.h"

namespace ropescope::detail {

// Sizes in px for one layout: the theme's sizes times the scale.
struct Style {
    float font = 13;        // tick labels, legend
    float small = 11;       // captions, marker labels, annotations
    float title = 16;       // panel titles
    float figure_title = 18;
    float line = 1.6f;      // series lines
    float thin = 1;         // frame, grid, markers
    float tick = 5;         // tick mark length
    float pad = 8;          // outer padding
    float gap = 6;          // between a label and what it labels
    float marker_radius = 2.5f;
    float min_font = 11;    // no text smaller than this
    float scale = 1;        // canvas pixels per layout pixel (2 on a HiDPI canvas), not the text scale
};

// A final axis range.
struct AxisRange {
    double min = 0, max = 1;
};

// Fits the range of one axis of `panel` to its data and markers (or takes the explicit one).
AxisRange fit_axis(const Panel& panel, bool x_axis);

// Fraction along [lo, hi] of v on this scale (0 at lo, 1 at hi; log axes in log10).
double axis_fraction(double v, double lo, double hi, AxisScale scale);
// The PanelLayout transforms in double, for clipping far-away data without cancellation.
double px_x(const PanelLayout& l, double x);
double px_y(const PanelLayout& l, double y);
// True if v lies in [lo, hi] up to rounding (on a log axis: in log space, and v > 0).
bool inside_range(double v, double lo, double hi, AxisScale scale = AxisScale::Linear);
// Moves an axis-aligned line coordinate to a pixel centre (odd widths) or edge (even), so 1 px
// lines are crisp in the PNG.
float crisp(float v, float width);
Rect grow(const Rect& r, float by);
Color with_alpha(Color c, std::uint8_t a);

// Everything needed while laying out one panel.
struct PanelContext {
    const Panel& panel;
    int index;
    const Theme& theme;
    const Style& st;
    float canvas_width, canvas_height;
    std::vector<Primitive>& out;
    PanelLayout layout;
    std::vector<Rect> occupied;  // text placed inside the plot (legend, marker labels)
    std::vector<Vec2> data;      // sample_data(): labels prefer places that cover none of it

    // Appends a primitive of this panel.
    void add(Primitive p) {
        p.panel_index = index;
        out.push_back(std::move(p));
    }
};

// layout_axes.cpp: the ticks of an axis inside its range; the widest of their labels.
std::vector<Tick> ticks_in(AxisScale scale, const AxisRange& r, int target);
// One labelled tick at the centre of each of labels.size() cells spanning [lo, hi] (a heatmap's
// named columns or rows).
std::vector<Tick> cell_ticks(const std::vector<std::string>& labels, double lo, double hi);
float widest_label(const std::vector<Tick>& ticks, double lo, double hi, float size);
// Grid lines (minor, then major) across the plot.
void add_grid(PanelContext& c, const std::vector<Tick>& xt, const std::vector<Tick>& yt);
// Frame, tick marks, tick labels (thinned so none collide) and axis titles.
void add_axes(PanelContext& c, const std::vector<Tick>& xt, const std::vector<Tick>& yt, float y_label_width);

// layout_data.cpp: series (lines clipped to the plot, dots, highlight rings), markers, annotations.
void add_series(PanelContext& c);
void add_marker_lines(PanelContext& c);
void add_marker_labels(PanelContext& c);
void add_annotations(PanelContext& c);

// layout_heatmap.cpp: the colour-mapped image, and its colour bar right of the plot.
float colorbar_width(const Heatmap& map, const Style& st);
void add_heatmap(PanelContext& c);
void add_colorbar(PanelContext& c);

// Builders for primitives.
Primitive make_text(const std::string& text, Vec2 at, float size, Color color, TextAlign align,
                    TextBaseline baseline, bool bold = false, bool vertical = false);
Primitive make_line(std::vector<Vec2> points, Color color, float width, LineStyle style = LineStyle::Solid);
Primitive make_fill(Rect rect, Color color);
Primitive make_stroke(Rect rect, Color color, float width);

// `text` shortened with "..." to fit max_width at `size` (unchanged if it fits).
std::string elide(const std::string& text, float size, float max_width, bool bold = false);
// The size (not below min_size) at which `text` fits max_width.
float fit_size(const std::string& text, float size, float min_size, float max_width, bool bold = false);

// The horizontal extent [x0, x1] of a text primitive (vertical text: its vertical extent).
Rect text_bounds(const Primitive& text);

bool overlaps(const Rect& a, const Rect& b, float margin = 0);

// Where one panel's legend goes, decided before the plot area is final.
struct LegendSpot {
    enum class Kind { None, Inside, Anchored, Column, Band };
    Kind kind = Kind::None;
    Rect area;  // Column: the column right of the plot; Band: the band above it
    bool collapsed = false;  // no room anywhere for the entries: one "n methods" box inside
    bool short_labels = false;  // Band: each entry shows its series' short name ("YaRN", not "YaRN (s=8, ...)")
};

// True if the panel shows a legend (enabled and with entries).
bool has_legend(const Panel& panel);
// The fewest data points (of the visible series) an inside legend box would cover, over the
// corners it may take; 0: some corner is empty.
// `notes` are identical_series_notes(panel), `data` sample_data(panel, layout) (both computed once).
std::size_t inside_legend_cover(const Panel& panel, const PanelLayout& layout, const Style& style,
                                const std::vector<std::string>& notes, const std::vector<Vec2>& data);
// Width of the legend as a column beside the plot (capped at max_width).
float legend_column_width(const Panel& panel, const Style& style, float max_width, const std::vector<std::string>& notes);
// Height of an "above" legend (wrapping rows of entries) within `width`; 0 if it has no entries.
float legend_band_height(const Panel& panel, float width, const Style& style, const std::vector<std::string>& notes,
                         bool short_labels = false);
// Draws the legend at `spot`, fills layout.legend_* and returns the box it covers inside the plot
// (zero size when it is outside the plot or absent), for labels to avoid.
Rect add_legend(const Panel& panel, int panel_index, PanelLayout& layout, const Theme& theme, const Style& style,
                std::vector<Primitive>& out, const LegendSpot& spot, const std::vector<std::string>& notes,
                const std::vector<Vec2>& data);

// The note for series hidden under an identical later one ("= YaRN"), per series index ("" if none).
std::vector<std::string> identical_series_notes(const Panel& panel);

// A marker symbol of `shape` centred at `at` (radius in px), as primitives (not yet in a panel).
void add_marker_symbol(std::vector<Primitive>& out, MarkerShape shape, Vec2 at, float radius, Color color,
                       float stroke_width);

// Data points (and points along long segments) of the visible series, in px: what labels and the
// legend try not to cover.
std::vector<Vec2> sample_data(const Panel& panel, const PanelLayout& layout);

}  // namespace ropescope::detail
