// Axes of a panel: grid, frame, tick marks, tick labels (thinned so none collide), axis titles.
#include <algorithm>
#include <cmath>

#include "render_internal.h"

namespace ropescope::detail {

namespace {

// Major ticks that keep a label, after thinning out labels that would collide.
// `extent(i)` is the label's [start, end] along the axis in px; `spacing` the minimum gap.
template <class Extent>
std::vector<bool> thin_labels(const std::vector<Tick>& ticks, AxisScale scale, Extent extent, float spacing) {
    std::vector<int> labelled;
    for (std::size_t i = 0; i < ticks.size(); ++i)
        if (ticks[i].major && !ticks[i].label.empty()) labelled.push_back(static_cast<int>(i));
    const auto fits = [&](const std::vector<int>& chosen) {
        for (std::size_t k = 1; k < chosen.size(); ++k) {
            const auto [a0, a1] = extent(chosen[k - 1]);
            const auto [b0, b1] = extent(chosen[k]);
            if (std::max(a0, b0) < std::min(a1, b1) + spacing) return false;
        }
        return true;
    };
    std::vector<bool> keep(ticks.size(), false);
    if (fits(labelled)) {
        for (const int i : labelled) keep[i] = true;
        return keep;
    }
    // Log axes: drop the 3s, 4s, 6s..9s, then the 2s and 5s, before thinning the decades.
    if (scale == AxisScale::Log) {
        const auto mantissa = [&](int i) {
            const double e = std::floor(std::log10(ticks[i].value) + 1e-9);
            return static_cast<int>(std::lround(ticks[i].value / std::pow(10.0, e)));
        };
        for (const bool decades_only : {false, true}) {
            std::vector<int> subset;
            for (const int i : labelled) {
                const int m = mantissa(i);
                if (m == 1 || (!decades_only && (m == 2 || m == 5))) subset.push_back(i);
            }
            if (subset.size() < 2 || subset.size() == labelled.size()) continue;
            labelled = subset;
            if (fits(labelled)) break;
        }
    }
    for (std::size_t stride = 1; stride <= labelled.size(); ++stride) {
        std::vector<int> chosen;
        for (std::size_t k = 0; k < labelled.size(); k += stride) chosen.push_back(labelled[k]);
        if (fits(chosen) || chosen.size() <= 1) {
            for (const int i : chosen) keep[i] = true;
            return keep;
        }
    }
    return keep;
}

}  // namespace

void add_grid(PanelContext& c, const std::vector<Tick>& xt, const std::vector<Tick>& yt) {
    const PanelLayout& l = c.layout;
    const Rect& plot = l.plot;
    for (const bool major : {false, true}) {
        const Color color = major ? c.theme.grid : c.theme.grid_minor;
        const float width = c.st.thin * (major ? 1.0f : 0.8f);
        for (const auto& t : xt) {
            if (t.major != major || !inside_range(t.value, l.x_min, l.x_max, l.x_scale)) continue;
            const float x = crisp(l.to_px_x(t.value), width);
            c.add(make_line({{x, plot.y0}, {x, plot.y1}}, color, width));
        }
        for (const auto& t : yt) {
            if (t.major != major || !inside_range(t.value, l.y_min, l.y_max, l.y_scale)) continue;
            const float y = crisp(l.to_px_y(t.value), width);
            c.add(make_line({{plot.x0, y}, {plot.x1, y}}, color, width));
        }
    }
}

void add_axes(PanelContext& c, const std::vector<Tick>& xt, const std::vector<Tick>& yt, float y_label_width) {
    const PanelLayout& l = c.layout;
    const Style& st = c.st;
    const Rect& plot = l.plot;
    const Theme& theme = c.theme;
    c.add(make_stroke(Rect{crisp(plot.x0, st.thin), crisp(plot.y0, st.thin), crisp(plot.x1, st.thin),
                           crisp(plot.y1, st.thin)},
                      theme.axis, st.thin));

    // Tick marks, outside the frame.
    for (const auto& t : xt) {
        if (!inside_range(t.value, l.x_min, l.x_max, l.x_scale)) continue;
        const float x = crisp(l.to_px_x(t.value), st.thin);
        c.add(make_line({{x, plot.y1}, {x, plot.y1 + st.tick * (t.major ? 1.0f : 0.55f)}}, theme.axis, st.thin));
    }
    for (const auto& t : yt) {
        if (!inside_range(t.value, l.y_min, l.y_max, l.y_scale)) continue;
        const float y = crisp(l.to_px_y(t.value), st.thin);
        c.add(make_line({{plot.x0 - st.tick * (t.major ? 1.0f : 0.55f), y}, {plot.x0, y}}, theme.axis, st.thin));
    }

    // Tick labels, thinned so none collide (and none leaves the canvas).
    const float label_y = plot.y1 + st.tick + st.gap * 0.5f;
    const auto x_extent = [&](int i) {
        const float x = l.to_px_x(xt[i].value), w = text_width(xt[i].label, st.font);
        return std::pair<float, float>{x - w * 0.5f, x + w * 0.5f};
    };
    const auto x_keep = thin_labels(xt, l.x_scale, x_extent, st.font * 0.8f);
    for (std::size_t i = 0; i < xt.size(); ++i) {
        if (!x_keep[i] || !inside_range(xt[i].value, l.x_min, l.x_max, l.x_scale)) continue;
        const auto [x0, x1] = x_extent(static_cast<int>(i));
        if (x0 < 0 || x1 > c.canvas_width) continue;
        c.add(make_text(xt[i].label, {l.to_px_x(xt[i].value), label_y}, st.font, theme.text, TextAlign::Center,
                        TextBaseline::Top));
    }
    const auto y_extent = [&](int i) {
        const float y = l.to_px_y(yt[i].value);
        return std::pair<float, float>{y - st.font * 0.55f, y + st.font * 0.55f};
    };
    const auto y_keep = thin_labels(yt, l.y_scale, y_extent, st.font * 0.25f);
    for (std::size_t i = 0; i < yt.size(); ++i) {
        if (!y_keep[i] || !inside_range(yt[i].value, l.y_min, l.y_max, l.y_scale)) continue;
        c.add(make_text(yt[i].label, {plot.x0 - st.tick - st.gap * 0.5f, l.to_px_y(yt[i].value)}, st.font,
                        theme.text, TextAlign::Right, TextBaseline::Middle));
    }

    // Axis titles.
    if (!c.panel.x.title.empty()) {
        const float max_w = std::max(plot.width(), st.font * 4);
        const float size = detail::fit_size(c.panel.x.title, st.font, std::max(st.min_font, st.font * 0.75f), max_w);
        c.add(make_text(detail::elide(c.panel.x.title, size, max_w),
                        {(plot.x0 + plot.x1) * 0.5f, label_y + st.font * 1.05f + st.gap * 0.4f}, size, theme.text,
                        TextAlign::Center, TextBaseline::Top));
    }
    if (!c.panel.y.title.empty()) {
        const float max_h = std::max(plot.height(), st.font * 4);
        const float size = detail::fit_size(c.panel.y.title, st.font, std::max(st.min_font, st.font * 0.7f), max_h);
        const float x = plot.x0 - st.tick - st.gap * 0.5f - y_label_width - st.gap * 0.8f - size * 0.5f;
        c.add(make_text(detail::elide(c.panel.y.title, size, max_h), {x, (plot.y0 + plot.y1) * 0.5f}, size,
                        theme.text, TextAlign::Center, TextBaseline::Middle, false, true));
    }
}

// Widest label among the ticks that fall in [lo, hi].
float widest_label(const std::vector<Tick>& ticks, double lo, double hi, float size) {
    float widest = 0;
    for (const auto& t : ticks)
        if (t.major && inside_range(t.value, lo, hi)) widest = std::max(widest, text_width(t.label, size));
    return widest;
}

std::vector<Tick> cell_ticks(const std::vector<std::string>& labels, double lo, double hi) {
    std::vector<Tick> ticks;
    const double step = (hi - lo) / static_cast<double>(labels.size());
    for (std::size_t i = 0; i < labels.size(); ++i)
        ticks.push_back(Tick{lo + (static_cast<double>(i) + 0.5) * step, true, labels[i]});
    return ticks;
}

std::vector<Tick> ticks_in(AxisScale scale, const AxisRange& r, int target) {
    auto ticks = make_ticks(scale, r.min, r.max, target);
    std::erase_if(ticks, [&](const Tick& t) { return !inside_range(t.value, r.min, r.max, scale); });
    return ticks;
}

}  // namespace ropescope::detail
