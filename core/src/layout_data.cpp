// The data of a panel: series lines (clipped), dots, highlight rings, marker lines and labels, notes.
#include <algorithm>
#include <cmath>

#include "render_internal.h"

namespace ropescope::detail {

namespace {

// A point in px, in double: data far outside the axes maps to huge coordinates that float
// arithmetic would cancel away while clipping.
struct PointD {
    double x = 0, y = 0;
};

// Liang-Barsky: the part [t0, t1] of segment a->b inside r; false if none.
bool clip_segment(PointD a, PointD b, const Rect& r, double& t0, double& t1) {
    const double dx = b.x - a.x, dy = b.y - a.y;
    const double p[4] = {-dx, dx, -dy, dy};
    const double q[4] = {a.x - r.x0, r.x1 - a.x, a.y - r.y0, r.y1 - a.y};
    t0 = 0;
    t1 = 1;
    for (int k = 0; k < 4; ++k) {
        if (p[k] == 0) {
            if (q[k] < 0) return false;
            continue;
        }
        const double t = q[k] / p[k];
        if (p[k] < 0) t0 = std::max(t0, t);
        else t1 = std::min(t1, t);
        if (t0 > t1) return false;
    }
    return true;
}

// Cuts a polyline to the parts inside r (each a separate run); drops sub-0.2 px steps.
std::vector<std::vector<Vec2>> clip_polyline(const std::vector<PointD>& points, const Rect& r) {
    std::vector<std::vector<Vec2>> runs;
    std::vector<Vec2> current;
    const auto flush = [&] {
        if (current.size() >= 2) runs.push_back(std::move(current));
        current.clear();
    };
    const auto push = [&](double x, double y) {
        const Vec2 p{static_cast<float>(x), static_cast<float>(y)};
        if (!current.empty()) {
            const float dx = p.x - current.back().x, dy = p.y - current.back().y;
            if (dx * dx + dy * dy < 0.04f) {
                if (current.size() >= 2) current.back() = p;  // keep the newest of near-identical points
                return;
            }
        }
        current.push_back(p);
    };
    for (std::size_t i = 1; i < points.size(); ++i) {
        const PointD a = points[i - 1], b = points[i];
        double t0 = 0, t1 = 1;
        if (!clip_segment(a, b, r, t0, t1)) {
            flush();
            continue;
        }
        if (current.empty() || t0 > 0) {
            flush();
            push(a.x + (b.x - a.x) * t0, a.y + (b.y - a.y) * t0);
        }
        push(a.x + (b.x - a.x) * t1, a.y + (b.y - a.y) * t1);
        if (t1 < 1) flush();
    }
    flush();
    return runs;
}

}  // namespace

void add_series(PanelContext& c) {
    const PanelLayout& l = c.layout;
    const Rect clip_area = grow(l.plot, c.st.line * 3);
    const Rect dot_area = grow(l.plot, 0.5f);
    // Symbols along lines: one every `spacing` px of curve, each series starting at its own phase
    // so that identical curves show both symbols in turn.
    const float spacing = c.st.font * 5.5f;
    for (std::size_t si = 0; si < c.panel.series.size(); ++si) {
        const Series& s = c.panel.series[si];
        if (!s.visible) continue;
        const float width = c.st.line * s.width_scale;
        const float symbol_radius = std::max(c.st.marker_radius * 1.45f, width * 1.6f);
        const float symbol_stroke = std::max(c.st.thin * 1.2f, width * 0.75f);
        const auto add_symbol = [&](MarkerShape shape, Vec2 at, float radius) {
            std::vector<Primitive> symbol;
            add_marker_symbol(symbol, shape, at, radius, s.color, symbol_stroke);
            for (auto& p : symbol) {
                p.series_index = static_cast<int>(si);
                c.add(std::move(p));
            }
        };
        const std::size_t n = std::min(s.x.size(), s.y.size());
        std::vector<PointD> px(n);
        std::vector<bool> valid(n);
        for (std::size_t i = 0; i < n; ++i) {
            px[i] = PointD{px_x(l, s.x[i]), px_y(l, s.y[i])};
            valid[i] = std::isfinite(px[i].x) && std::isfinite(px[i].y);
            // Absurdly far points: bounded so that differences of coordinates cannot overflow.
            px[i].x = std::clamp(px[i].x, -1e150, 1e150);
            px[i].y = std::clamp(px[i].y, -1e150, 1e150);
        }
        if (s.kind != SeriesKind::Points) {
            float until_symbol = spacing * (0.25f + std::fmod(static_cast<float>(si) * 0.382f, 1.0f) * 0.75f);
            std::vector<Vec2> symbols;
            // NaN (or a non-positive value on a log axis) ends a run.
            std::vector<PointD> run;
            const auto emit = [&] {
                for (auto& part : clip_polyline(run, clip_area)) {
                    if (s.marker != MarkerShape::None && s.kind == SeriesKind::Line) {
                        for (std::size_t k = 1; k < part.size(); ++k) {
                            const Vec2 a = part[k - 1], b = part[k];
                            const float len = std::sqrt((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y));
                            float at = until_symbol;
                            while (at <= len) {
                                const float t = len > 0 ? at / len : 0.0f;
                                const Vec2 p{a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t};
                                if (dot_area.contains(p)) symbols.push_back(p);
                                at += spacing;
                            }
                            until_symbol = at - len;
                        }
                    }
                    Primitive p = make_line(std::move(part), s.color, width, s.style);
                    p.clip = l.plot;
                    p.series_index = static_cast<int>(si);
                    c.add(std::move(p));
                }
                run.clear();
            };
            for (std::size_t i = 0; i < n; ++i) {
                if (valid[i]) run.push_back(px[i]);
                else emit();
            }
            emit();
            for (const Vec2 at : symbols) add_symbol(s.marker, at, symbol_radius);
        }
        if (s.kind != SeriesKind::Line) {
            const float radius = c.st.marker_radius * (s.kind == SeriesKind::Both ? 1.1f : 1.0f) *
                                 std::max(1.0f, s.width_scale);
            const MarkerShape shape = s.marker == MarkerShape::None ? MarkerShape::Circle : s.marker;
            const float r = std::max(shape == MarkerShape::Circle ? radius : radius * 1.25f, width * 0.9f);
            for (std::size_t i = 0; i < n; ++i) {
                const Vec2 at{static_cast<float>(px[i].x), static_cast<float>(px[i].y)};
                if (!valid[i] || !dot_area.contains(at)) continue;
                add_symbol(shape, at, r);
            }
        }
        for (std::size_t i = 0; i < n && i < s.highlight.size(); ++i) {
            const Vec2 at{static_cast<float>(px[i].x), static_cast<float>(px[i].y)};
            if (!s.highlight[i] || !valid[i] || !dot_area.contains(at)) continue;
            Primitive ring;
            ring.type = Primitive::Type::Circle;
            ring.points = {at};
            ring.radius = std::max(c.st.marker_radius * 2.3f, width * 2.6f);
            ring.color = with_alpha(s.color, 0);
            ring.stroke_color = c.theme.highlight;
            ring.width = std::max(c.st.thin, width * 0.55f);
            ring.series_index = static_cast<int>(si);
            c.add(std::move(ring));
        }
    }
}

namespace {

Color marker_color(const Marker& m, const Theme& theme) { return m.color ? *m.color : theme.marker; }

// Places `text` at the candidate anchor whose box stays inside the plot, clear of other labels and
// of the data (the first such; else the one covering the fewest data points); false if none fits.
bool place_label(PanelContext& c, Primitive text,
                 const std::vector<std::pair<Vec2, std::pair<TextAlign, TextBaseline>>>& candidates) {
    const Rect inner = grow(c.layout.plot, -1.0f);
    std::size_t best_cover = static_cast<std::size_t>(-1);
    Primitive best;
    Rect best_box;
    for (const auto& [at, how] : candidates) {
        text.points = {at};
        text.align = how.first;
        text.baseline = how.second;
        const Rect box = detail::text_bounds(text);
        if (box.x0 < inner.x0 || box.x1 > inner.x1 || box.y0 < inner.y0 || box.y1 > inner.y1) continue;
        bool clear = true;
        for (const auto& r : c.occupied) clear = clear && !detail::overlaps(r, box, 2.0f);
        if (!clear) continue;
        const Rect grown = grow(box, 1.5f);
        const auto cover = static_cast<std::size_t>(
            std::count_if(c.data.begin(), c.data.end(), [&](Vec2 p) { return grown.contains(p); }));
        if (cover < best_cover) {
            best_cover = cover;
            best = text;
            best_box = box;
            if (cover == 0) break;
        }
    }
    if (best_cover == static_cast<std::size_t>(-1)) return false;
    c.occupied.push_back(best_box);
    // A soft backing keeps the label readable where it crosses data or grid lines.
    c.add(make_fill(grow(Rect{best_box.x0, best_box.y0 + best.size * 0.15f, best_box.x1, best_box.y1 - best.size * 0.1f},
                         1.5f),
                    with_alpha(c.theme.plot_background, 200)));
    c.add(std::move(best));
    return true;
}

// Reference lines at the same place (e.g. YaRN's beta_slow and NTK-by-parts' alpha, both at r = 1):
// one label for all of them, "beta_slow / alpha", in the first one's colour.
std::vector<std::pair<const Marker*, std::string>> merged_marker_labels(const Panel& panel) {
    std::vector<std::pair<const Marker*, std::string>> out;
    for (const auto& m : panel.markers) {
        if (m.label.empty()) continue;
        bool merged = false;
        for (auto& [first, label] : out) {
            if (first->orientation != m.orientation) continue;
            const double tolerance = 1e-9 * std::max(std::abs(first->value), std::abs(m.value));
            if (std::abs(first->value - m.value) > tolerance) continue;
            if (label.find(m.label) == std::string::npos) label += " / " + m.label;
            merged = true;
            break;
        }
        if (!merged) out.push_back({&m, m.label});
    }
    return out;
}

}  // namespace

void add_marker_lines(PanelContext& c) {
    const PanelLayout& l = c.layout;
    for (const auto& m : c.panel.markers) {
        const bool vertical = m.orientation == Marker::Orientation::Vertical;
        if (!inside_range(m.value, vertical ? l.x_min : l.y_min, vertical ? l.x_max : l.y_max,
                          vertical ? l.x_scale : l.y_scale))
            continue;
        const float width = c.st.thin * 1.5f;
        Primitive line;
        if (vertical) {
            const float x = crisp(l.to_px_x(m.value), width);
            line = make_line({{x, l.plot.y0}, {x, l.plot.y1}}, marker_color(m, c.theme), width, m.style);
        } else {
            const float y = crisp(l.to_px_y(m.value), width);
            line = make_line({{l.plot.x0, y}, {l.plot.x1, y}}, marker_color(m, c.theme), width, m.style);
        }
        line.clip = l.plot;
        c.add(std::move(line));
    }
}

void add_marker_labels(PanelContext& c) {
    const PanelLayout& l = c.layout;
    const Style& st = c.st;
    using Cand = std::pair<Vec2, std::pair<TextAlign, TextBaseline>>;
    for (const auto& [marker, label] : merged_marker_labels(c.panel)) {
        const Marker& m = *marker;
        const bool vertical = m.orientation == Marker::Orientation::Vertical;
        if (!inside_range(m.value, vertical ? l.x_min : l.y_min, vertical ? l.x_max : l.y_max,
                          vertical ? l.x_scale : l.y_scale))
            continue;
        const Color color = m.color ? *m.color : c.theme.text_muted;
        Primitive text = make_text(label, {}, st.small, color, TextAlign::Left, TextBaseline::Top);
        std::vector<Cand> candidates;
        if (vertical) {
            const float x = l.to_px_x(m.value);
            for (int row = 0; row < 6; ++row) {
                const float y = l.plot.y0 + st.gap * 0.5f + static_cast<float>(row) * st.small * 1.3f;
                candidates.push_back({{x + st.gap * 0.5f, y}, {TextAlign::Left, TextBaseline::Top}});
                candidates.push_back({{x - st.gap * 0.5f, y}, {TextAlign::Right, TextBaseline::Top}});
            }
            for (int row = 0; row < 3; ++row) {
                const float y = l.plot.y1 - st.gap * 0.5f - static_cast<float>(row) * st.small * 1.3f;
                candidates.push_back({{x + st.gap * 0.5f, y}, {TextAlign::Left, TextBaseline::Bottom}});
                candidates.push_back({{x - st.gap * 0.5f, y}, {TextAlign::Right, TextBaseline::Bottom}});
            }
        } else {
            const float y = l.to_px_y(m.value);
            const float right = l.plot.x1 - st.gap, left = l.plot.x0 + st.gap;
            for (const float dy : {-st.gap * 0.4f, st.gap * 0.4f}) {
                const TextBaseline base = dy < 0 ? TextBaseline::Bottom : TextBaseline::Top;
                candidates.push_back({{right, y + dy}, {TextAlign::Right, base}});
                candidates.push_back({{left, y + dy}, {TextAlign::Left, base}});
                for (const float f : {0.5f, 0.25f, 0.75f})
                    candidates.push_back({{left + (right - left) * f, y + dy}, {TextAlign::Center, base}});
            }
        }
        place_label(c, std::move(text), candidates);
    }
}

namespace {

// Text written at (x, y): on a heatmap cell, black or white for contrast with the cell's colour;
// elsewhere the theme's text colour.
Color text_color_at(const PanelContext& c, double x, double y) {
    if (!c.panel.heatmap) return c.theme.text;
    const Heatmap& map = *c.panel.heatmap;
    if (!(map.x_max > map.x_min) || !(map.y_max > map.y_min) || map.columns <= 0 || map.rows <= 0) return c.theme.text;
    const double col = std::floor((x - map.x_min) / (map.x_max - map.x_min) * map.columns);
    const double row = std::floor((y - map.y_min) / (map.y_max - map.y_min) * map.rows);
    if (!(col >= 0 && col < map.columns && row >= 0 && row < map.rows)) return c.theme.text;
    const std::size_t at = static_cast<std::size_t>(row) * static_cast<std::size_t>(map.columns) + static_cast<std::size_t>(col);
    if (at >= map.values.size()) return c.theme.text;
    return text_color_on(heatmap_color(map, map.values[at], c.theme));
}

}  // namespace

void add_annotations(PanelContext& c) {
    const PanelLayout& l = c.layout;
    for (const auto& a : c.panel.annotations) {
        const Vec2 at{l.to_px_x(a.x), l.to_px_y(a.y)};
        if (!std::isfinite(at.x) || !std::isfinite(at.y) || !l.plot.contains(at)) continue;
        if (a.place == AnnotationPlace::Centered) {
            c.add(make_text(a.text, at, c.st.small, text_color_at(c, a.x, a.y), TextAlign::Center, TextBaseline::Middle));
            continue;
        }
        Primitive text = make_text(a.text, {}, c.st.small, c.theme.text_muted, TextAlign::Left, TextBaseline::Bottom);
        const float d = c.st.gap * 0.5f;
        place_label(c, std::move(text),
                    {{{at.x + d, at.y - d}, {TextAlign::Left, TextBaseline::Bottom}},
                     {{at.x - d, at.y - d}, {TextAlign::Right, TextBaseline::Bottom}},
                     {{at.x + d, at.y + d}, {TextAlign::Left, TextBaseline::Top}},
                     {{at.x - d, at.y + d}, {TextAlign::Right, TextBaseline::Top}}});
    }
}

}  // namespace ropescope::detail
