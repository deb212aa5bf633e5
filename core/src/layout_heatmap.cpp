// Heatmap panels: the colour-mapped grid as an image, and its colour bar.
#include <algorithm>
#include <cmath>
#include <limits>

#include "render_internal.h"

namespace ropescope::detail {

// The colour bar of a heatmap panel: width it needs right of the plot.
float colorbar_width(const Heatmap& map, const Style& st) {
    float widest = 0;
    for (const auto& t : make_ticks(AxisScale::Linear, map.value_min, map.value_max, 4))
        widest = std::max(widest, text_width(t.label, st.font));
    return st.gap * 1.5f + st.font * 0.9f + st.tick + st.gap * 0.5f + widest +
           (map.value_label.empty() ? 0.0f : st.gap + st.font * 1.1f);
}

void add_heatmap(PanelContext& c) {
    const Heatmap& map = *c.panel.heatmap;
    const PanelLayout& l = c.layout;
    if (map.columns <= 0 || map.rows <= 0 ||
        map.values.size() < static_cast<std::size_t>(map.columns) * static_cast<std::size_t>(map.rows))
        return;
    Primitive image;
    image.type = Primitive::Type::Image;
    image.image_width = map.columns;
    image.image_height = map.rows;
    image.pixels.resize(static_cast<std::size_t>(map.columns) * static_cast<std::size_t>(map.rows) * 4);
    for (int row = 0; row < map.rows; ++row) {
        const int out_row = map.rows - 1 - row;  // row 0 is y_min: the bottom of the image
        for (int col = 0; col < map.columns; ++col) {
            const float v = map.values[static_cast<std::size_t>(row) * map.columns + col];
            const Color color = heatmap_color(map, v, c.theme);
            const std::size_t at = (static_cast<std::size_t>(out_row) * map.columns + col) * 4;
            image.pixels[at] = color.r;
            image.pixels[at + 1] = color.g;
            image.pixels[at + 2] = color.b;
            image.pixels[at + 3] = 255;
        }
    }
    image.rect = Rect{l.to_px_x(map.x_min), l.to_px_y(map.y_max), l.to_px_x(map.x_max), l.to_px_y(map.y_min)};
    image.clip = l.plot;
    c.add(std::move(image));
}

void add_colorbar(PanelContext& c) {
    const Heatmap& map = *c.panel.heatmap;
    const Style& st = c.st;
    const Rect& plot = c.layout.plot;
    const Rect bar{plot.x1 + st.gap * 1.5f, plot.y0, plot.x1 + st.gap * 1.5f + st.font * 0.9f, plot.y1};
    Primitive image;
    image.type = Primitive::Type::Image;
    image.image_width = 1;
    image.image_height = 256;
    image.pixels.resize(256 * 4);
    for (int k = 0; k < 256; ++k) {
        const float v = map.value_max - (map.value_max - map.value_min) * static_cast<float>(k) / 255.0f;
        const Color color = heatmap_color(map, v, c.theme);
        image.pixels[k * 4] = color.r;
        image.pixels[k * 4 + 1] = color.g;
        image.pixels[k * 4 + 2] = color.b;
        image.pixels[k * 4 + 3] = 255;
    }
    image.rect = bar;
    c.add(std::move(image));
    c.add(make_stroke(bar, c.theme.axis, st.thin));
    float widest = 0;
    const float range = map.value_max - map.value_min;
    // As many labels as the bar holds a line apart (a short bar in a small cell gets fewer).
    const float label_gap = st.font * 1.15f;
    const int fit = 1 + static_cast<int>(bar.height() / label_gap);
    float last_y = std::numeric_limits<float>::infinity();
    for (const auto& t : make_ticks(AxisScale::Linear, map.value_min, map.value_max, std::clamp(fit, 2, 4))) {
        if (!(range > 0)) break;
        const float y = bar.y1 - static_cast<float>((t.value - map.value_min) / range) * bar.height();
        if (y < bar.y0 - 0.5f || y > bar.y1 + 0.5f) continue;
        if (last_y - y < label_gap) continue;  // ticks run upwards: keep the ones a line apart
        last_y = y;
        const float cy = crisp(y, st.thin);
        c.add(make_line({{bar.x1, cy}, {bar.x1 + st.tick, cy}}, c.theme.axis, st.thin));
        c.add(make_text(t.label, {bar.x1 + st.tick + st.gap * 0.5f, y}, st.font, c.theme.text, TextAlign::Left,
                        TextBaseline::Middle));
        widest = std::max(widest, text_width(t.label, st.font));
    }
    const float label_size = detail::fit_size(map.value_label, st.font, std::max(st.min_font, st.font * 0.7f), bar.height());
    // Shortened to a few letters it says nothing ("l..."): then the bar goes without.
    const bool label_fits = text_width(map.value_label, label_size) <= bar.height() || bar.height() >= st.font * 5;
    if (!map.value_label.empty() && label_fits) {
        const float x = bar.x1 + st.tick + st.gap * 0.5f + widest + st.gap + st.font * 0.5f;
        const float size = label_size;
        c.add(make_text(detail::elide(map.value_label, size, bar.height()), {x, (bar.y0 + bar.y1) * 0.5f}, size,
                        c.theme.text, TextAlign::Center, TextBaseline::Middle, false, true));
    }
}

}  // namespace ropescope::detail
