// The legend of a panel: one row per series (swatch + label), in the corner that hides the least
// data; or, placed above, entries side by side in wrapping rows between the title and the plot.
#include <algorithm>
#include <cmath>

#include "render_internal.h"

namespace ropescope::detail {

namespace {

// Data points (and points along long segments) of the visible series, in px.
std::vector<Vec2> sample_data(const Panel& panel, const PanelLayout& layout) {
    std::vector<Vec2> points;
    for (const auto& s : panel.series) {
        if (!s.visible) continue;
        const std::size_t n = std::min(s.x.size(), s.y.size());
        Vec2 prev{};
        bool have_prev = false;
        for (std::size_t i = 0; i < n; ++i) {
            const float px = layout.to_px_x(s.x[i]), py = layout.to_px_y(s.y[i]);
            if (!std::isfinite(px) || !std::isfinite(py)) {
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
            points.push_back(p);
            prev = p;
            have_prev = true;
        }
    }
    return points;
}

std::vector<int> legend_rows(const Panel& panel) {
    std::vector<int> rows;
    for (std::size_t i = 0; i < panel.series.size(); ++i)
        if (panel.series[i].in_legend) rows.push_back(static_cast<int>(i));
    return rows;
}

// One entry: the series' line and/or dot swatch, then its label, vertically centred on cy.
void add_entry(const Series& s, float x, float cy, float font, float swatch, float label_max, int panel_index,
               const Theme& theme, const Style& style, std::vector<Primitive>& out) {
    const Color color = s.visible ? s.color : with_alpha(theme.text_muted, 110);
    const float line = std::min(style.line * s.width_scale, font * 0.3f);
    if (s.kind != SeriesKind::Points) {
        Primitive p = make_line({{x, cy}, {x + swatch, cy}}, color, line, s.style);
        p.panel_index = panel_index;
        out.push_back(std::move(p));
    }
    if (s.kind != SeriesKind::Line) {
        Primitive dot;
        dot.type = Primitive::Type::Circle;
        dot.points = {{x + swatch * 0.5f, cy}};
        dot.radius = std::max(style.marker_radius * 1.2f, line);
        dot.color = color;
        dot.width = 0;
        dot.panel_index = panel_index;
        out.push_back(std::move(dot));
    }
    Primitive text = make_text(elide(s.label, font, label_max), {x + swatch + font * 0.5f, cy}, font,
                               s.visible ? theme.text : theme.text_muted, TextAlign::Left, TextBaseline::Middle);
    text.panel_index = panel_index;
    out.push_back(std::move(text));
}

// Entry rectangles of an "above" legend, relative to the band's top-left corner: left to right,
// wrapping to a new row when the next entry would pass `width`.
std::vector<Rect> band_entries(const Panel& panel, const std::vector<int>& rows, float width, float font) {
    const float swatch = font * 2.0f, row_h = font * 1.4f, spacing = font * 1.2f;
    std::vector<Rect> rects;
    float x = 0, y = 0;
    for (const int i : rows) {
        const float w = std::min(width, swatch + font * 0.5f + text_width(panel.series[i].label, font));
        if (x > 0 && x + w > width) {
            x = 0;
            y += row_h;
        }
        rects.push_back(Rect{x, y, x + w, y + row_h});
        x += w + spacing;
    }
    return rects;
}

}  // namespace

float legend_band_height(const Panel& panel, float width, const Style& style) {
    const std::vector<int> rows = legend_rows(panel);
    if (!panel.legend || rows.empty()) return 0;
    return band_entries(panel, rows, width, style.font).back().y1 + style.gap;
}

Rect add_legend(const Panel& panel, int panel_index, PanelLayout& layout, const Theme& theme, const Style& style,
                std::vector<Primitive>& out, const Rect* band) {
    const std::vector<int> rows = legend_rows(panel);
    layout.legend_entries.assign(rows.size(), Rect{});
    layout.legend_series = rows;
    if (!panel.legend || rows.empty()) return Rect{};

    if (band) {
        const float font = style.font;
        const std::vector<Rect> rects = band_entries(panel, rows, band->width(), font);
        for (std::size_t k = 0; k < rows.size(); ++k) {
            const Rect r{band->x0 + rects[k].x0, band->y0 + rects[k].y0, band->x0 + rects[k].x1, band->y0 + rects[k].y1};
            add_entry(panel.series[rows[k]], r.x0, (r.y0 + r.y1) * 0.5f, font, font * 2.0f,
                      r.width() - font * 2.5f + 1.0f, panel_index, theme, style, out);  // +1: rounding
            layout.legend_entries[k] = r;
        }
        return Rect{};  // outside the plot: nothing there for labels to avoid
    }

    const Rect& plot = layout.plot;
    const float inset = style.gap;
    // Shrink the type (to 70%) if the legend would cover too much of the plot.
    float font = style.font;
    float widest = 0;
    for (const int i : rows) widest = std::max(widest, text_width(panel.series[i].label, 1.0f));
    const float max_width = plot.width() * 0.62f;
    const float max_height = plot.height() - 2 * inset;
    const auto box_width = [&](float f) { return f * (0.6f + 2.0f + 0.5f + 0.6f) + widest * f; };
    const auto row_height = [](float f) { return f * 1.4f; };
    const auto box_height = [&](float f) { return f * 0.6f + row_height(f) * static_cast<float>(rows.size()); };
    while (font > style.font * 0.7f && (box_width(font) > max_width || box_height(font) > max_height)) font *= 0.95f;

    const float pad = font * 0.5f;
    const float swatch = font * 2.0f;
    const float row_h = row_height(font);
    const float label_max = std::max(font * 3, max_width - (pad * 2 + swatch + font * 0.5f));
    const float width = std::min(box_width(font), pad * 2 + swatch + font * 0.5f + label_max);
    const std::size_t shown = std::clamp<std::size_t>(
        static_cast<std::size_t>(std::max(0.0f, (max_height - font * 0.6f) / row_h)), 1, rows.size());
    const float height = font * 0.6f + row_h * static_cast<float>(shown);
    // A plot too small for even a shortened legend gets none (its entries stay zero-size).
    if (width > plot.width() - 2 * inset || height > plot.height() - 2 * inset) return Rect{};

    // Corners in order of preference; pick the one over the fewest data points.
    const std::vector<Vec2> data = sample_data(panel, layout);
    const float mid_y = (plot.y0 + plot.y1 - height) * 0.5f, mid_x = (plot.x0 + plot.x1 - width) * 0.5f;
    const Vec2 corners[] = {{plot.x1 - inset - width, plot.y0 + inset},
                            {plot.x0 + inset, plot.y0 + inset},
                            {plot.x1 - inset - width, plot.y1 - inset - height},
                            {plot.x0 + inset, plot.y1 - inset - height},
                            {plot.x1 - inset - width, mid_y},
                            {plot.x0 + inset, mid_y},
                            {mid_x, plot.y0 + inset},
                            {mid_x, plot.y1 - inset - height}};
    Rect box;
    std::size_t best = static_cast<std::size_t>(-1);
    for (const Vec2 c : corners) {
        const Rect candidate{c.x, c.y, c.x + width, c.y + height};
        const Rect grown{candidate.x0 - font * 0.5f, candidate.y0 - font * 0.5f, candidate.x1 + font * 0.5f,
                         candidate.y1 + font * 0.5f};
        const auto covered = static_cast<std::size_t>(
            std::count_if(data.begin(), data.end(), [&](Vec2 p) { return grown.contains(p); }));
        // Prefer earlier corners unless a later one hides clearly less.
        if (best == static_cast<std::size_t>(-1) || covered + 2 < best) {
            best = covered;
            box = candidate;
        }
    }

    out.push_back(make_fill(box, with_alpha(theme.plot_background, 225)));
    out.push_back(make_stroke(box, theme.grid, style.thin));
    for (std::size_t k = 0; k < shown; ++k) {
        const bool more = k + 1 == shown && shown < rows.size();  // the last row says how many are left out
        const float y0 = box.y0 + font * 0.3f + row_h * static_cast<float>(k);
        const float cy = y0 + row_h * 0.5f;
        if (more) {
            Primitive text = make_text("+" + std::to_string(rows.size() - shown + 1) + " more",
                                       {box.x0 + pad + swatch + font * 0.5f, cy}, font, theme.text,
                                       TextAlign::Left, TextBaseline::Middle);
            text.panel_index = panel_index;
            out.push_back(std::move(text));
            continue;
        }
        add_entry(panel.series[rows[k]], box.x0 + pad, cy, font, swatch, label_max, panel_index, theme, style, out);
        layout.legend_entries[k] = Rect{box.x0, y0, box.x1, y0 + row_h};
    }
    return box;
}

}  // namespace ropescope::detail
