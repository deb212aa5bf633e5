// layout_figure: a Figure at a pixel size -> drawing primitives (shared by the GUI and every exporter).
#include "ropescope/render.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "render_internal.h"

namespace ropescope {

using detail::AxisRange;
using detail::Style;

// ---------------------------------------------------------------------------------------------
// PanelLayout transforms

namespace {

double to_axis(double v, AxisScale scale) {
    if (scale == AxisScale::Linear) return v;
    return v > 0 ? std::log10(v) : std::numeric_limits<double>::quiet_NaN();
}

double from_axis(double t, AxisScale scale) { return scale == AxisScale::Linear ? t : std::pow(10.0, t); }

}  // namespace

namespace detail {

double axis_fraction(double v, double lo, double hi, AxisScale scale) {
    const double a = to_axis(lo, scale), b = to_axis(hi, scale);
    if (!(b != a)) return 0;
    return (to_axis(v, scale) - a) / (b - a);
}

double px_x(const PanelLayout& l, double x) {
    return l.plot.x0 + axis_fraction(x, l.x_min, l.x_max, l.x_scale) * l.plot.width();
}

double px_y(const PanelLayout& l, double y) {
    return l.plot.y1 - axis_fraction(y, l.y_min, l.y_max, l.y_scale) * l.plot.height();
}

bool inside_range(double v, double lo, double hi, AxisScale scale) {
    if (scale == AxisScale::Log) {
        if (!(v > 0) || !(lo > 0) || !(hi > 0)) return false;
        v = std::log10(v);
        lo = std::log10(lo);
        hi = std::log10(hi);
    }
    const double eps = (hi - lo) * 1e-9;
    return v >= lo - eps && v <= hi + eps;
}

float crisp(float v, float width) {
    const auto w = static_cast<int>(std::lround(width));
    return (w % 2 == 1) ? std::floor(v) + 0.5f : std::round(v);
}

Rect grow(const Rect& r, float by) { return Rect{r.x0 - by, r.y0 - by, r.x1 + by, r.y1 + by}; }

Color with_alpha(Color c, std::uint8_t a) {
    c.a = a;
    return c;
}

}  // namespace detail

float PanelLayout::to_px_x(double x) const { return static_cast<float>(detail::px_x(*this, x)); }

float PanelLayout::to_px_y(double y) const { return static_cast<float>(detail::px_y(*this, y)); }

double PanelLayout::from_px_x(float px) const {
    const double t = plot.width() > 0 ? (px - plot.x0) / plot.width() : 0.0;
    const double a = to_axis(x_min, x_scale), b = to_axis(x_max, x_scale);
    return from_axis(a + t * (b - a), x_scale);
}

double PanelLayout::from_px_y(float py) const {
    const double t = plot.height() > 0 ? (plot.y1 - py) / plot.height() : 0.0;
    const double a = to_axis(y_min, y_scale), b = to_axis(y_max, y_scale);
    return from_axis(a + t * (b - a), y_scale);
}

// ---------------------------------------------------------------------------------------------
// Layout of panels and of the figure

namespace {

using namespace detail;

// Words of `text` in lines no wider than max_width (at most max_lines; the last one elided).
std::vector<std::string> wrap(const std::string& text, float size, float max_width, std::size_t max_lines,
                              bool bold = false) {
    std::vector<std::string> lines;
    std::string line;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find(' ', start);
        if (end == std::string::npos) end = text.size();
        const std::string word = text.substr(start, end - start);
        start = end + 1;
        if (word.empty()) continue;
        const std::string candidate = line.empty() ? word : line + " " + word;
        if (line.empty() || text_width(candidate, size, bold) <= max_width) {
            line = candidate;
        } else {
            lines.push_back(line);
            line = word;
        }
    }
    if (!line.empty()) lines.push_back(line);
    if (lines.size() > max_lines) {
        std::string rest;
        for (std::size_t k = max_lines - 1; k < lines.size(); ++k) rest += (rest.empty() ? "" : " ") + lines[k];
        lines.resize(max_lines - 1);
        lines.push_back(rest);
    }
    for (auto& l : lines) l = detail::elide(l, size, max_width, bold);
    return lines;
}

// The plot area of a panel and its ticks, for a legend band of band_h above the plot and a column
// of reserve_right px beside it.
struct PlotArea {
    Rect plot;
    std::vector<Tick> xt, yt;
    float y_label_width = 0;
};

PlotArea plot_area(const Panel& panel, Rect frame, const Style& st, AxisScale x_scale, AxisScale y_scale,
                   const AxisRange& rx, const AxisRange& ry, float title_h, float band_h, float reserve_right) {
    PlotArea a;
    const float top = std::min(frame.y0 + title_h + band_h, frame.y1 - 2.0f);  // tiny canvases: squeeze, never overflow
    const float below = st.tick + st.gap * 0.5f + st.font * 1.05f +
                        (panel.x.title.empty() ? 0.0f : st.gap * 0.4f + st.font * 1.2f);
    const float bottom = std::clamp(frame.y1 - below, top + 1.0f, frame.y1);

    const int y_target = std::clamp(static_cast<int>((bottom - top) / (st.font * 4.0f)), 2, 8);
    const Heatmap* map = panel.heatmap ? &*panel.heatmap : nullptr;
    const bool named_rows = map && map->rows > 0 && map->row_labels.size() == static_cast<std::size_t>(map->rows);
    const bool named_columns =
        map && map->columns > 0 && map->column_labels.size() == static_cast<std::size_t>(map->columns);
    a.yt = named_rows ? cell_ticks(map->row_labels, map->y_min, map->y_max) : ticks_in(y_scale, ry, y_target);
    a.y_label_width = widest_label(a.yt, ry.min, ry.max, st.font);
    const float left_margin = (panel.y.title.empty() ? 0.0f : st.font * 1.15f + st.gap * 0.8f) + a.y_label_width +
                              st.gap * 0.5f + st.tick;
    float right_margin = st.pad + reserve_right;
    if (panel.heatmap) right_margin += colorbar_width(*panel.heatmap, st);
    const float left = std::min(frame.x0 + left_margin, frame.x1 - 2.0f);
    const float x_target_width = std::max(1.0f, frame.x1 - right_margin - left);
    const int x_target = std::clamp(static_cast<int>(x_target_width / (st.font * 7.0f)), 2, 8);
    a.xt = named_columns ? cell_ticks(map->column_labels, map->x_min, map->x_max) : ticks_in(x_scale, rx, x_target);
    // The last x label is centred on its tick: leave room for its right half.
    for (const auto& t : a.xt) {
        if (!t.major || t.label.empty()) continue;
        const double f = axis_fraction(t.value, rx.min, rx.max, x_scale);
        const float overhang = text_width(t.label, st.font) * 0.5f - static_cast<float>(1.0 - f) * x_target_width;
        if (!panel.heatmap) right_margin = std::max(right_margin, overhang + 2.0f);
    }
    const float right = std::clamp(frame.x1 - right_margin, left + 1.0f, frame.x1);
    a.plot = Rect{left, top, right, bottom};
    return a;
}

void layout_panel(const Panel& panel, int index, Rect frame, const Theme& theme, const Style& st, Canvas& canvas) {
    PanelContext c{panel, index, theme, st, canvas.width, canvas.height, canvas.primitives, {}, {}, {}};
    PanelLayout& l = c.layout;
    l.frame = frame;
    l.x_scale = panel.x.scale;
    l.y_scale = panel.y.scale;
    const AxisRange rx = detail::fit_axis(panel, true), ry = detail::fit_axis(panel, false);
    l.x_min = rx.min;
    l.x_max = rx.max;
    l.y_min = ry.min;
    l.y_max = ry.max;

    // Vertical budget: panel title, (legend band), plot, tick labels, x title.
    const float title_h = panel.title.empty() ? st.font * 0.7f : st.title * 1.45f;
    const Rect band_frame{frame.x0 + st.pad, frame.y0 + title_h, frame.x1 - st.pad, frame.y0 + title_h};
    LegendSpot spot;
    float band_h = 0, reserve = 0, column = 0;
    const bool legend = detail::has_legend(panel);
    const std::vector<std::string> notes = legend ? detail::identical_series_notes(panel) : std::vector<std::string>{};
    const auto use_band = [&](bool short_labels) {
        band_h = detail::legend_band_height(panel, band_frame.width(), st, notes, short_labels);
        spot.kind = band_h > 0 ? LegendSpot::Kind::Band : LegendSpot::Kind::None;
        spot.area = Rect{band_frame.x0, band_frame.y0, band_frame.x1, band_frame.y0 + band_h};
        spot.short_labels = short_labels;
    };
    PlotArea area = plot_area(panel, frame, st, l.x_scale, l.y_scale, rx, ry, title_h, 0, 0);
    l.plot = area.plot;
    c.data = detail::sample_data(panel, l);
    if (legend && panel.legend_collapsed) {
        spot.kind = LegendSpot::Kind::Inside;
    } else if (legend && panel.legend_anchor) {
        spot.kind = LegendSpot::Kind::Anchored;
    } else if (legend) {
        LegendPlacement placement = panel.legend_placement;
        if (placement == LegendPlacement::Auto)
            placement = detail::inside_legend_cover(panel, l, st, notes, c.data) == 0 ? LegendPlacement::Inside
                                                                                      : LegendPlacement::Right;
        if (placement == LegendPlacement::Right) {
            // Beside the plot if the plot keeps most of the panel's width, else above it.
            column = detail::legend_column_width(panel, st, frame.width() * 0.4f, notes);
            if (area.plot.width() - column - st.gap >= frame.width() * 0.5f) {
                reserve = column + st.gap;
                spot.kind = LegendSpot::Kind::Column;
            } else {
                placement = LegendPlacement::Above;
            }
        }
        if (placement == LegendPlacement::Above) {
            // A band that would take more than a third of the panel or of the plot's height, or
            // leave the plot less than 132 px tall (at canvas scale 1), squashes it (at 1280x800 a
            // three-row band left the default tab's plots 45 px of data, a short one 72): the
            // entries then show only the methods' short names, and if even that band is too tall
            // the legend collapses into one box inside (the GUI lists the entries on hover, and
            // the control panel shows each method's colour and symbol). A standalone figure (a
            // projector's, without the control panel) keeps a short band up to half the plot.
            const auto too_tall = [&](bool short_labels) {
                if (short_labels && theme.standalone) return band_h > area.plot.height() * 0.5f;
                return band_h > frame.height() * 0.34f || band_h > area.plot.height() / 3.0f ||
                       area.plot.height() - band_h < 132.0f * st.scale;
            };
            use_band(false);
            if (panel.legend_placement == LegendPlacement::Auto && too_tall(false)) {
                use_band(true);
                if (too_tall(true)) {
                    band_h = 0;
                    spot = LegendSpot{LegendSpot::Kind::Inside, Rect{}, true};
                }
            }
        }
        if (placement == LegendPlacement::Inside) spot.kind = LegendSpot::Kind::Inside;
    }
    if (band_h > 0 || reserve > 0) {
        area = plot_area(panel, frame, st, l.x_scale, l.y_scale, rx, ry, title_h, band_h, reserve);
        l.plot = area.plot;
        c.data = detail::sample_data(panel, l);
    }
    if (spot.kind == LegendSpot::Kind::Column)
        spot.area = Rect{l.plot.x1 + st.gap, l.plot.y0, std::min(frame.x1, l.plot.x1 + st.gap + column), l.plot.y1};

    // Drawing order: background, heatmap, grid, reference lines, data, labels, legend, frame.
    if (theme.plot_background != theme.background) c.add(make_fill(l.plot, theme.plot_background));
    if (panel.heatmap) add_heatmap(c);
    else add_grid(c, area.xt, area.yt);
    add_marker_lines(c);
    add_series(c);
    const Rect box = detail::add_legend(panel, index, l, theme, st, canvas.primitives, spot, notes, c.data);
    if (box.width() > 0) c.occupied.push_back(box);
    add_marker_labels(c);
    add_annotations(c);
    add_axes(c, area.xt, area.yt, area.y_label_width);
    if (panel.heatmap) add_colorbar(c);
    if (!panel.title.empty()) {
        const float max_w = std::max(frame.width() - st.pad, st.font * 4);
        const float size = detail::fit_size(panel.title, st.title, std::max(st.min_font, st.title * 0.7f), max_w);
        const float centre =
            std::clamp((l.plot.x0 + l.plot.x1) * 0.5f, frame.x0 + max_w * 0.5f, frame.x1 - max_w * 0.5f);
        c.add(make_text(detail::elide(panel.title, size, max_w), {centre, frame.y0 + st.title * 0.25f}, size,
                        theme.text, TextAlign::Center, TextBaseline::Top));
    }
    canvas.panels.push_back(std::move(l));
}

Style make_style(const Theme& theme, float width, float height, std::size_t panels, float scale) {
    // Type follows the canvas: down to 60% on small canvases so the plot keeps most of the space
    // (never below the theme's minimum), up to 2.5x on canvases beyond 1920x1200 (per unit of
    // scale) so a 4K slide stays readable; the theme's text_scale multiplies all of it.
    const float panel_width = width / static_cast<float>(std::max<std::size_t>(panels, 1));
    const float shrink = std::min(panel_width / (560.0f * scale), height / (380.0f * scale));
    const float grow = std::min(width / (1920.0f * scale), height / (1200.0f * scale));
    const float fit = shrink < 1.0f ? std::max(shrink, 0.6f) : std::clamp(grow, 1.0f, 2.5f);
    const float line_fit = fit < 1.0f ? std::sqrt(fit) : fit;
    const float text = std::isfinite(theme.text_scale) ? std::clamp(theme.text_scale, 0.5f, 4.0f) : 1.0f;
    Style st;
    st.scale = scale;
    st.min_font = std::max(1.0f, theme.min_font_size) * scale * text;
    st.font = std::max(st.min_font, theme.font_size * scale * fit * text);
    st.small = std::max(st.min_font, st.font * 0.88f);
    st.title = std::max(st.font * 1.1f, theme.title_size * scale * fit * text);
    st.figure_title = st.title * 1.12f;
    st.line = theme.line_width * scale * line_fit;
    st.thin = std::max(0.5f, scale * (fit > 1.0f ? fit : 1.0f));
    st.tick = st.font * 0.35f;
    st.pad = st.font * 0.9f;
    st.gap = st.font * 0.45f;
    st.marker_radius = theme.marker_radius * scale * fit;
    return st;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

Canvas layout_figure(const Figure& figure, const Theme& theme, float width, float height, float scale) {
    Canvas canvas;
    canvas.width = width;
    canvas.height = height;
    if (!(width > 0) || !(height > 0) || !std::isfinite(width) || !std::isfinite(height)) return canvas;
    if (!(scale > 0) || !std::isfinite(scale)) scale = 1;
    Style st = make_style(theme, width, height, figure.panels.size(), scale);
    canvas.primitives.push_back(make_fill(Rect{0, 0, width, height}, theme.background));

    float top = st.pad * 0.8f;
    // The stamp (an animation frame's swept value) in the top-right corner; the title avoids it.
    float stamp_w = 0;
    if (!figure.stamp.empty()) {
        const float size = st.figure_title * 1.15f;
        const std::string stamp = detail::elide(figure.stamp, size, width * 0.4f, true);
        stamp_w = text_width(stamp, size, true) + st.pad;
        canvas.primitives.push_back(make_text(stamp, {width - st.pad, top}, size, theme.text, TextAlign::Right,
                                              TextBaseline::Top, true));
    }
    if (!figure.title.empty()) {
        // Shrunk a little to fit one line; a title that would need more goes on two lines (a
        // narrow plot on a projector keeps a readable title rather than a tiny or cut one).
        const float max_w = width - 2 * st.pad - 2 * stamp_w;
        const float smallest_one_line = std::max(st.min_font, st.figure_title * 0.7f);
        float size = detail::fit_size(figure.title, st.figure_title, smallest_one_line, max_w, true);
        std::vector<std::string> lines{figure.title};
        if (text_width(figure.title, size, true) > max_w * 1.001f) {
            // The largest size (from a little below the full one, which two lines would make loud, down
            // to the one-line minimum) at which two lines hold it unshortened.
            for (size = st.figure_title * 0.85f; size > smallest_one_line; size *= 0.95f) {
                const auto two = wrap(figure.title, size, max_w, 3, true);
                if (two.size() <= 2 && two.front() + (two.size() > 1 ? " " + two.back() : "") == figure.title) break;
            }
            size = std::max(size, smallest_one_line);
            lines = wrap(figure.title, size, max_w, 2, true);
        }
        const float line_h = size * 1.2f;
        for (std::size_t k = 0; k < lines.size(); ++k)
            canvas.primitives.push_back(make_text(lines[k], {width * 0.5f, top + line_h * static_cast<float>(k)}, size,
                                                  theme.text, TextAlign::Center, TextBaseline::Top, true));
        top += size * 1.45f + line_h * static_cast<float>(lines.size() - 1);
        st.title = std::max(st.min_font, std::min(st.title, size * 0.92f));  // panel titles never outshout the figure's
    } else if (stamp_w > 0) {
        top += st.figure_title * 1.15f * 1.45f;
    }
    // The one-sentence summary under the title, where the canvas has room for it (not in small grid cells).
    if (!figure.summary.empty() && height >= 400.0f * scale) {
        const auto lines = wrap(figure.summary, st.font, width - 2 * st.pad, 3);
        const float line_h = st.font * 1.3f;
        for (std::size_t k = 0; k < lines.size(); ++k)
            canvas.primitives.push_back(make_text(lines[k], {width * 0.5f, top + line_h * static_cast<float>(k)},
                                                  st.font, theme.text, TextAlign::Center, TextBaseline::Top));
        top += line_h * static_cast<float>(lines.size()) + st.gap * 0.5f;
    }
    float bottom = height - st.pad * 0.8f;
    if (!figure.caption.empty()) {
        // A small canvas (a grid cell on a projector) keeps its height for the plot: one line, shortened.
        const std::size_t max_lines = height < 320.0f * scale ? 1 : 3;
        const auto lines = wrap(figure.caption, st.small, width - 2 * st.pad, max_lines);
        const float line_h = st.small * 1.3f;
        bottom -= line_h * static_cast<float>(lines.size());
        for (std::size_t k = 0; k < lines.size(); ++k)
            canvas.primitives.push_back(make_text(lines[k], {st.pad, bottom + line_h * (static_cast<float>(k) + 0.5f)},
                                                  st.small, theme.text_muted, TextAlign::Left, TextBaseline::Middle));
        bottom -= st.gap;
    }
    const std::size_t n = figure.panels.size();
    const float area_x0 = st.pad * 0.6f, area_x1 = width - st.pad * 0.6f;
    const float panel_w = (area_x1 - area_x0) / static_cast<float>(std::max<std::size_t>(n, 1));
    for (std::size_t p = 0; p < n; ++p) {
        const float x0 = area_x0 + panel_w * static_cast<float>(p);
        const Rect frame{x0, top, x0 + panel_w, std::max(top + 1.0f, bottom)};
        layout_panel(figure.panels[p], static_cast<int>(p), frame, theme, st, canvas);
    }
    return canvas;
}

}  // namespace ropescope
