// Figures of the attention kernel's results: resolution curves and weight windows.
#include <cmath>
#include <limits>

#include "ropescope/attention.h"
#include "ropescope/color.h"

namespace ropescope {

namespace {

Series series_for(MethodKind kind, const std::string& label, const std::string& quantity) {
    Series s;
    s.label = label.empty() ? std::string(method_label(kind)) : label;
    s.method = std::string(method_name(kind));
    s.quantity = quantity;
    s.color = method_color(kind);
    s.marker = method_marker(kind);
    s.kind = SeriesKind::Both;
    return s;
}

Panel distance_panel(const std::string& title, const std::string& y_title, const std::string& y_unit, AxisScale y_scale) {
    Panel p;
    p.title = title;
    p.x.title = "distance D (tokens)";
    p.x.unit = "tokens";
    p.x.scale = AxisScale::Log;
    p.y.title = y_title;
    p.y.unit = y_unit;
    p.y.scale = y_scale;
    return p;
}

}  // namespace

Figure resolution_figure(const std::vector<ResolutionCurve>& curves, const std::vector<std::string>& labels,
                         const std::string& caption) {
    Figure f;
    f.id = "resolution";
    f.title = "Token-distance resolution";
    f.caption = caption;
    Panel weight = distance_panel("weight on the target", "attention weight", "", AxisScale::Linear);
    Panel width = distance_panel("peak width (FWHM)", "width (tokens)", "tokens", AxisScale::Log);
    Panel adjacent = distance_panel("adjacent-token distinguishability", "(logit(D) - logit(D+1)) / spread", "",
                                    AxisScale::Linear);
    weight.y.min = 0;
    for (std::size_t k = 0; k < curves.size(); ++k) {
        const std::string label = k < labels.size() ? labels[k] : std::string();
        Series w = series_for(curves[k].kind, label, "target_weight");
        Series fw = series_for(curves[k].kind, label, "peak_width");
        Series a = series_for(curves[k].kind, label, "adjacent_distinguishability");
        for (const auto& p : curves[k].points) {
            const double d = static_cast<double>(p.distance);
            w.x.push_back(d);
            w.y.push_back(p.metrics.target_weight);
            fw.x.push_back(d);
            fw.y.push_back(p.metrics.peak_width > 0 ? p.metrics.peak_width : std::numeric_limits<double>::quiet_NaN());
            a.x.push_back(d);
            a.y.push_back(p.metrics.adjacent_distinguishability);
        }
        weight.series.push_back(std::move(w));
        width.series.push_back(std::move(fw));
        adjacent.series.push_back(std::move(a));
    }
    width.legend = false;
    adjacent.legend = false;
    f.panels = {std::move(weight), std::move(width), std::move(adjacent)};
    return f;
}

Figure attention_window_figure(const std::vector<AttentionResult>& results, const std::vector<std::string>& labels,
                               const std::string& caption, WindowAxis axis) {
    const bool relative = axis == WindowAxis::RelativeToTarget;
    Figure f;
    f.id = "attention_window";
    f.title = "Attention weights around the target";
    f.caption = caption;
    Panel p;
    p.title = results.empty() ? "" : "target at distance " + std::to_string(results.front().target_distance);
    p.x.title = relative ? "key position relative to the target (tokens; − = earlier)" : "distance m − n (tokens)";
    p.x.unit = "tokens";
    p.y.title = "softmax weight";
    p.y.min = 0;
    for (std::size_t k = 0; k < results.size(); ++k) {
        const AttentionResult& r = results[k];
        Series s = series_for(r.kind, k < labels.size() ? labels[k] : std::string(), "weight");
        const std::int64_t target = r.query_position - r.target_distance;
        for (std::size_t i = 0; i < r.window_weights.size(); ++i) {
            const std::int64_t key = r.window_first + static_cast<std::int64_t>(i);
            s.x.push_back(static_cast<double>(relative ? key - target : r.query_position - key));
            s.y.push_back(r.window_weights[i]);
        }
        p.series.push_back(std::move(s));
    }
    if (!results.empty()) {
        Marker m;
        m.orientation = Marker::Orientation::Vertical;
        m.value = relative ? 0.0 : static_cast<double>(results.front().target_distance);
        m.label = relative ? "target (D = " + std::to_string(results.front().target_distance) + ")" : "D";
        p.markers.push_back(m);
    }
    f.panels = {std::move(p)};
    return f;
}

}  // namespace ropescope
