// The legend of a panel: one row per series (line swatch with the series' marker, then the label).
// It goes inside the plot in a corner that hides no data, else in a column right of the plot, or
// in wrapping rows above it; where the viewer dragged it; or collapsed to one "n methods" box.
#include <algorithm>
#include <cmath>

#include "render_internal.h"

namespace ropescope::detail {

namespace {

std::vector<int> legend_rows(const Panel& panel) {
    std::vector<int> rows;
    for (std::size_t i = 0; i < panel.series.size(); ++i)
        if (panel.series[i].in_legend) rows.push_back(static_cast<int>(i));
    return rows;
}

// The short name of a series for notes: its label up to " (" or ":" ("YaRN (s=8, ...)" -> "YaRN").
std::string short_name(const Series& s) {
    const std::size_t cut = std::min(s.label.find(" ("), s.label.find(':'));
    return cut == std::string::npos ? s.label : s.label.substr(0, cut);
}

bool same_data(const Series& a, const Series& b) {
    if (a.x.size() != b.x.size() || a.y.size() != b.y.size() || a.x.empty()) return false;
    const auto close = [](double u, double v) {
        if (std::isnan(u) || std::isnan(v)) return std::isnan(u) && std::isnan(v);
        return u == v || std::abs(u - v) <= 1e-9 * std::max(std::abs(u), std::abs(v));
    };
    for (std::size_t i = 0; i < a.x.size(); ++i)
        if (!close(a.x[i], b.x[i])) return false;
    for (std::size_t i = 0; i < a.y.size(); ++i)
        if (!close(a.y[i], b.y[i])) return false;
    return true;
}

// The label as the legend shows it: with the note of a series hidden under an identical one.
std::string entry_label(const Series& s, const std::string& note) {
    return note.empty() ? s.label : s.label + "  (" + note + ")";
}

// One entry: the series' line swatch and marker, then its label, vertically centred on cy.
void add_entry(const Series& s, const std::string& label, float x, float cy, float font, float swatch,
               float label_max, int panel_index, const Theme& theme, const Style& style, std::vector<Primitive>& out) {
    const Color color = s.visible ? s.color : with_alpha(theme.text_muted, 110);
    const float line = std::min(style.line * s.width_scale, font * 0.3f);
    const std::size_t first = out.size();
    if (s.kind != SeriesKind::Points) out.push_back(make_line({{x, cy}, {x + swatch, cy}}, color, line, s.style));
    const MarkerShape shape = s.marker != MarkerShape::None  ? s.marker
                              : s.kind != SeriesKind::Line ? MarkerShape::Circle
                                                           : MarkerShape::None;
    if (shape != MarkerShape::None)
        add_marker_symbol(out, shape, {x + swatch * 0.5f, cy}, std::max(style.marker_radius * 1.5f, font * 0.26f),
                          color, std::max(style.thin * 1.2f, line * 0.8f));
    out.push_back(make_text(elide(label, font, label_max), {x + swatch + font * 0.5f, cy}, font,
                            s.visible ? theme.text : theme.text_muted, TextAlign::Left, TextBaseline::Middle));
    for (std::size_t k = first; k < out.size(); ++k) out[k].panel_index = panel_index;
}

// The label of a band entry: the series' whole label, or its short name (short_name).
std::string band_label(const Series& s, const std::string& note, bool short_labels) {
    return short_labels ? (note.empty() ? short_name(s) : short_name(s) + "  (" + note + ")") : entry_label(s, note);
}

// Entry rectangles of an "above" legend, relative to the band's top-left corner: left to right,
// wrapping to a new row when the next entry would pass `width`.
std::vector<Rect> band_entries(const Panel& panel, const std::vector<int>& rows,
                               const std::vector<std::string>& notes, float width, float font, bool short_labels) {
    const float swatch = font * 2.0f, row_h = font * 1.4f, spacing = font * 1.2f;
    std::vector<Rect> rects;
    float x = 0, y = 0;
    for (const int i : rows) {
        const std::string label = band_label(panel.series[i], notes[i], short_labels);
        const float w = std::min(width, swatch + font * 0.5f + text_width(label, font));
        if (x > 0 && x + w > width) {
            x = 0;
            y += row_h;
        }
        rects.push_back(Rect{x, y, x + w, y + row_h});
        x += w + spacing;
    }
    return rects;
}

// Size of a boxed legend column at `font`.
struct ColumnSize {
    float font = 0, pad = 0, swatch = 0, row_h = 0, label_max = 0, width = 0, height = 0;
    std::size_t shown = 0;
};

ColumnSize column_size(const Panel& panel, const std::vector<int>& rows, const std::vector<std::string>& notes,
                       float font, float max_width, float max_height) {
    ColumnSize c;
    c.font = font;
    c.pad = font * 0.5f;
    c.swatch = font * 2.0f;
    c.row_h = font * 1.4f;
    float widest = 0;
    for (const int i : rows) widest = std::max(widest, text_width(entry_label(panel.series[i], notes[i]), font));
    const float chrome = c.pad * 2 + c.swatch + font * 0.5f;
    c.label_max = std::max(font * 3, max_width - chrome);
    c.width = std::min(chrome + widest + font * 0.1f, chrome + c.label_max);
    c.shown = std::clamp<std::size_t>(
        static_cast<std::size_t>(std::max(0.0f, (max_height - font * 0.6f) / c.row_h)), 1, rows.size());
    c.height = font * 0.6f + c.row_h * static_cast<float>(c.shown);
    return c;
}

// The text of a collapsed legend.
std::string collapsed_text(const Panel& panel, const std::vector<int>& rows) {
    bool methods = true;
    for (const int i : rows) methods = methods && !panel.series[i].method.empty();
    return "\xE2\x96\xB8 " + std::to_string(rows.size()) + (methods ? " methods" : " series");  // "> 5 methods"
}

// The column's entries drawn in `box` (top-left), filling layout.legend_entries.
void draw_column(const Panel& panel, int panel_index, const std::vector<int>& rows,
                 const std::vector<std::string>& notes, const ColumnSize& c, const Rect& box, bool boxed,
                 PanelLayout& layout, const Theme& theme, const Style& style, std::vector<Primitive>& out) {
    if (boxed) {
        Primitive fill = make_fill(box, with_alpha(theme.plot_background, 235));
        fill.panel_index = panel_index;
        out.push_back(fill);
        Primitive stroke = make_stroke(box, theme.grid, style.thin);
        stroke.panel_index = panel_index;
        out.push_back(stroke);
    }
    for (std::size_t k = 0; k < c.shown; ++k) {
        const bool more = k + 1 == c.shown && c.shown < rows.size();  // the last row says how many are left out
        const float y0 = box.y0 + c.font * 0.3f + c.row_h * static_cast<float>(k);
        const float cy = y0 + c.row_h * 0.5f;
        if (more) {
            Primitive text = make_text("+" + std::to_string(rows.size() - c.shown + 1) + " more",
                                       {box.x0 + c.pad + c.swatch + c.font * 0.5f, cy}, c.font, theme.text,
                                       TextAlign::Left, TextBaseline::Middle);
            text.panel_index = panel_index;
            out.push_back(std::move(text));
            continue;
        }
        const Series& s = panel.series[rows[k]];
        add_entry(s, entry_label(s, notes[rows[k]]), box.x0 + c.pad, cy, c.font, c.swatch, c.label_max, panel_index,
                  theme, style, out);
        layout.legend_entries[k] = Rect{box.x0, y0, box.x1, y0 + c.row_h};
    }
}

// Candidate top-left corners of a w x h box inside the plot, in order of preference.
std::vector<Vec2> inside_corners(const Rect& plot, float w, float h, float inset) {
    const float mid_y = (plot.y0 + plot.y1 - h) * 0.5f, mid_x = (plot.x0 + plot.x1 - w) * 0.5f;
    return {{plot.x1 - inset - w, plot.y0 + inset}, {plot.x0 + inset, plot.y0 + inset},
            {plot.x1 - inset - w, plot.y1 - inset - h}, {plot.x0 + inset, plot.y1 - inset - h},
            {plot.x1 - inset - w, mid_y}, {plot.x0 + inset, mid_y},
            {mid_x, plot.y0 + inset}, {mid_x, plot.y1 - inset - h}};
}

std::size_t covered(const std::vector<Vec2>& data, const Rect& box, float margin) {
    const Rect grown = grow(box, margin);
    return static_cast<std::size_t>(std::count_if(data.begin(), data.end(), [&](Vec2 p) { return grown.contains(p); }));
}

// The least-covering corner for a w x h box; `cover` gets its count.
Rect best_corner(const std::vector<Vec2>& data, const Rect& plot, float w, float h, float inset, float margin,
                 std::size_t* cover) {
    Rect box;
    std::size_t best = static_cast<std::size_t>(-1);
    for (const Vec2 c : inside_corners(plot, w, h, inset)) {
        const Rect candidate{c.x, c.y, c.x + w, c.y + h};
        const std::size_t n = covered(data, candidate, margin);
        // Prefer earlier corners unless a later one hides clearly less.
        if (best == static_cast<std::size_t>(-1) || n + 2 < best || (n == 0 && best > 0)) {
            best = n;
            box = candidate;
        }
    }
    if (cover) *cover = best;
    return box;
}

// The inside column legend at its natural size for this plot (type shrunk to fit, not below the minimum).
ColumnSize inside_size(const Panel& panel, const std::vector<int>& rows, const std::vector<std::string>& notes,
                       const Rect& plot, const Style& style) {
    const float inset = style.gap;
    const float max_width = plot.width() * 0.62f, max_height = plot.height() - 2 * inset;
    float font = style.font;
    ColumnSize c = column_size(panel, rows, notes, font, max_width, max_height);
    while (font * 0.95f >= std::max(style.min_font, style.font * 0.8f) &&
           (c.width >= max_width || c.shown < rows.size())) {
        font *= 0.95f;
        c = column_size(panel, rows, notes, font, max_width, max_height);
    }
    return c;
}

}  // namespace

std::vector<Vec2> sample_data(const Panel& panel, const PanelLayout& layout) {
    std::vector<Vec2> points;
    for (const auto& s : panel.series) {
        if (!s.visible) continue;
        const std::size_t n = std::min(s.x.size(), s.y.size());
        Vec2 prev{};
        bool have_prev = false;
        for (std::size_t i = 0; i < n; ++i) {
            const float px = layout.to_px_x(s.x[i]), py = layout.to_px_y(s.y[i]);
            if (!std::isfinite(px) || !std::isfinite(py) || std::abs(px) > 1e6f || std::abs(py) > 1e6f) {
                have_prev = false;
                continue;
            }
            const Vec2 p{px, py};
            if (have_prev && s.kind != SeriesKind::Points) {
                const float dx = p.x - prev.x, dy = p.y - prev.y;
                const int steps = std::min(200, static_cast<int>(std::sqrt(dx * dx + dy * dy) / 8.0f));
                for (int k = 1; k < steps; ++k) {
                    const float t = static_cast<float>(k) / static_cast<float>(steps);
                    points.push_back(Vec2{prev.x + dx * t, prev.y + dy * t});
                }
            }
            if (layout.plot.contains(p)) points.push_back(p);
            prev = p;
            have_prev = true;
        }
    }
    return points;
}

std::vector<std::string> identical_series_notes(const Panel& panel) {
    std::vector<std::string> notes(panel.series.size());
    for (std::size_t i = 0; i < panel.series.size(); ++i) {
        const Series& a = panel.series[i];
        if (!a.visible || !a.in_legend) continue;
        // Drawn later means drawn on top: the last identical visible series hides this one.
        for (std::size_t j = panel.series.size(); j-- > i + 1;) {
            const Series& b = panel.series[j];
            if (!b.visible || !same_data(a, b)) continue;
            notes[i] = "= " + short_name(b);
            break;
        }
    }
    return notes;
}

bool has_legend(const Panel& panel) { return panel.legend && !legend_rows(panel).empty(); }

std::size_t inside_legend_cover(const Panel& panel, const PanelLayout& layout, const Style& style,
                                const std::vector<std::string>& notes, const std::vector<Vec2>& data) {
    const std::vector<int> rows = legend_rows(panel);
    if (rows.empty()) return 0;
    const ColumnSize c = inside_size(panel, rows, notes, layout.plot, style);
    if (c.shown < rows.size() || c.width > layout.plot.width() - 2 * style.gap) return static_cast<std::size_t>(-1);
    std::size_t cover = 0;
    best_corner(data, layout.plot, c.width, c.height, style.gap, c.font * 0.5f, &cover);
    return cover;
}

float legend_column_width(const Panel& panel, const Style& style, float max_width,
                          const std::vector<std::string>& notes) {
    const std::vector<int> rows = legend_rows(panel);
    if (rows.empty()) return 0;
    return column_size(panel, rows, notes, style.font, max_width, 1e9f).width;
}

float legend_band_height(const Panel& panel, float width, const Style& style, const std::vector<std::string>& notes,
                         bool short_labels) {
    const std::vector<int> rows = legend_rows(panel);
    if (!panel.legend || rows.empty()) return 0;
    return band_entries(panel, rows, notes, width, style.font, short_labels).back().y1 + style.gap;
}

Rect add_legend(const Panel& panel, int panel_index, PanelLayout& layout, const Theme& theme, const Style& style,
                std::vector<Primitive>& out, const LegendSpot& spot, const std::vector<std::string>& notes,
                const std::vector<Vec2>& data) {
    const std::vector<int> rows = legend_rows(panel);
    layout.legend_entries.assign(rows.size(), Rect{});
    layout.legend_series = rows;
    layout.legend_box = Rect{};
    layout.legend_inside = false;
    layout.legend_collapsed = false;
    if (!panel.legend || rows.empty() || spot.kind == LegendSpot::Kind::None) return Rect{};
    const Rect& plot = layout.plot;
    const float inset = style.gap;

    if (panel.legend_collapsed || spot.collapsed) {
        // One small box; hovering it (in the GUI) lists the entries, clicking expands it.
        const float font = style.font;
        const std::string text = collapsed_text(panel, rows);
        const float w = text_width(text, font) + font * 1.2f, h = font * 1.7f;
        if (w > plot.width() - 2 * inset || h > plot.height() - 2 * inset) return Rect{};
        Rect box;
        if (panel.legend_anchor) {
            const float x = plot.x0 + std::clamp(panel.legend_anchor->x, 0.0f, 1.0f) * plot.width();
            const float y = plot.y0 + std::clamp(panel.legend_anchor->y, 0.0f, 1.0f) * plot.height();
            box = Rect{std::clamp(x, plot.x0 + 1, plot.x1 - 1 - w), std::clamp(y, plot.y0 + 1, plot.y1 - 1 - h), 0, 0};
            box.x1 = box.x0 + w;
            box.y1 = box.y0 + h;
        } else {
            box = best_corner(data, plot, w, h, inset, font * 0.3f, nullptr);
        }
        std::vector<Primitive> prims = {make_fill(box, with_alpha(theme.plot_background, 235)),
                                        make_stroke(box, theme.grid, style.thin),
                                        make_text(text, {box.x0 + font * 0.6f, (box.y0 + box.y1) * 0.5f}, font,
                                                  theme.text, TextAlign::Left, TextBaseline::Middle)};
        for (auto& p : prims) {
            p.panel_index = panel_index;
            out.push_back(std::move(p));
        }
        layout.legend_box = box;
        layout.legend_inside = true;
        layout.legend_collapsed = true;
        return box;
    }

    if (spot.kind == LegendSpot::Kind::Band) {
        const float font = style.font;
        const std::vector<Rect> rects = band_entries(panel, rows, notes, spot.area.width(), font, spot.short_labels);
        for (std::size_t k = 0; k < rows.size(); ++k) {
            const Rect r{spot.area.x0 + rects[k].x0, spot.area.y0 + rects[k].y0, spot.area.x0 + rects[k].x1,
                         spot.area.y0 + rects[k].y1};
            const Series& s = panel.series[rows[k]];
            add_entry(s, band_label(s, notes[rows[k]], spot.short_labels), r.x0, (r.y0 + r.y1) * 0.5f, font, font * 2.0f,
                      r.width() - font * 2.5f + 1.0f, panel_index, theme, style, out);  // +1: rounding
            layout.legend_entries[k] = r;
        }
        layout.legend_box = spot.area;
        return Rect{};  // outside the plot: nothing there for labels to avoid
    }

    if (spot.kind == LegendSpot::Kind::Column) {
        const ColumnSize c = column_size(panel, rows, notes, style.font, spot.area.width(), spot.area.height());
        const Rect box{spot.area.x0, spot.area.y0, spot.area.x0 + c.width, spot.area.y0 + c.height};
        draw_column(panel, panel_index, rows, notes, c, box, false, layout, theme, style, out);
        layout.legend_box = box;
        return Rect{};
    }

    // Inside the plot: in the least-covering corner, or where it was dragged.
    const ColumnSize c = inside_size(panel, rows, notes, plot, style);
    // A plot too small for even a shortened legend gets none (its entries stay zero-size).
    if (c.width > plot.width() - 2 * inset || c.height > plot.height() - 2 * inset) return Rect{};
    Rect box;
    if (spot.kind == LegendSpot::Kind::Anchored && panel.legend_anchor) {
        const float x = plot.x0 + std::clamp(panel.legend_anchor->x, 0.0f, 1.0f) * plot.width();
        const float y = plot.y0 + std::clamp(panel.legend_anchor->y, 0.0f, 1.0f) * plot.height();
        box.x0 = std::clamp(x, plot.x0 + 1, plot.x1 - 1 - c.width);
        box.y0 = std::clamp(y, plot.y0 + 1, plot.y1 - 1 - c.height);
        box.x1 = box.x0 + c.width;
        box.y1 = box.y0 + c.height;
    } else {
        box = best_corner(data, plot, c.width, c.height, inset, c.font * 0.5f, nullptr);
    }
    draw_column(panel, panel_index, rows, notes, c, box, true, layout, theme, style, out);
    layout.legend_box = box;
    layout.legend_inside = true;
    return box;
}

}  // namespace ropescope::detail
