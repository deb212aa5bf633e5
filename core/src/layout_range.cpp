// Automatic axis ranges: fit the data and markers, pad a little, snap to round numbers.
#include <algorithm>
#include <cmath>
#include <limits>

#include "render_internal.h"

namespace ropescope::detail {

namespace {

constexpr double kPadFraction = 0.04;

struct Extent {
    double lo = std::numeric_limits<double>::infinity();
    double hi = -std::numeric_limits<double>::infinity();
    void add(double v, AxisScale scale) {
        if (!std::isfinite(v) || (scale == AxisScale::Log && v <= 0)) return;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    bool empty() const { return !(lo <= hi); }
};

// Rounds v down (or up) to one significant digit: 4.53 -> 4, 670000 -> 700000.
double snap_one_digit(double v, bool up) {
    const double unit = std::pow(10.0, std::floor(std::log10(v)));
    const double m = up ? std::ceil(v / unit - 1e-9) : std::floor(v / unit + 1e-9);
    return std::max(m, 1.0) * unit;
}

bool valid_bound(const std::optional<double>& v, AxisScale scale) {
    return v && std::isfinite(*v) && (scale == AxisScale::Linear || *v > 0);
}

}  // namespace

AxisRange fit_axis(const Panel& panel, bool x_axis) {
    const Axis& axis = x_axis ? panel.x : panel.y;
    const AxisScale scale = axis.scale;
    const bool has_min = valid_bound(axis.min, scale), has_max = valid_bound(axis.max, scale);
    if (has_min && has_max && *axis.min < *axis.max) return {*axis.min, *axis.max};

    Extent data;
    bool any_visible = false;
    for (const auto& s : panel.series) any_visible = any_visible || s.visible;
    for (const auto& s : panel.series) {
        if (any_visible && !s.visible) continue;
        for (const double v : x_axis ? s.x : s.y) data.add(v, scale);
    }
    const auto wanted = x_axis ? Marker::Orientation::Vertical : Marker::Orientation::Horizontal;
    for (const auto& m : panel.markers)
        if (m.orientation == wanted) data.add(m.value, scale);

    bool exact = false;  // a heatmap fills the plot edge to edge: no padding
    if (panel.heatmap) {
        data.add(x_axis ? panel.heatmap->x_min : panel.heatmap->y_min, scale);
        data.add(x_axis ? panel.heatmap->x_max : panel.heatmap->y_max, scale);
        exact = true;
    }
    if (has_min) data.add(*axis.min, scale);
    if (has_max) data.add(*axis.max, scale);
    if (data.empty()) {
        data.lo = scale == AxisScale::Log ? 1 : 0;
        data.hi = scale == AxisScale::Log ? 10 : 1;
    }

    // Keep the span itself finite (data near +-1.8e308 would overflow hi - lo).
    data.lo = std::max(data.lo, -1e307);
    data.hi = std::min(data.hi, 1e307);
    AxisRange r{data.lo, data.hi};
    if (scale == AxisScale::Log) {
        if (r.min == r.max) {
            r.min /= 2;
            r.max *= 2;
        } else if (!exact) {
            const double pad = (std::log10(r.max) - std::log10(r.min)) * kPadFraction;
            r.min = snap_one_digit(std::pow(10.0, std::log10(r.min) - pad), false);
            r.max = snap_one_digit(std::pow(10.0, std::log10(r.max) + pad), true);
        }
    } else {
        if (r.min == r.max) {
            const double half = r.min == 0 ? 1.0 : std::abs(r.min) * 0.1;
            r.min -= half;
            r.max += half;
        } else if (!exact) {
            const double span = r.max - r.min;
            const double unit = std::pow(10.0, std::floor(std::log10(span))) / 20.0;
            r.min = std::floor((r.min - span * kPadFraction) / unit) * unit;
            r.max = std::ceil((r.max + span * kPadFraction) / unit) * unit;
        }
    }
    if (has_min) r.min = *axis.min;
    if (has_max) r.max = *axis.max;
    const auto usable = [&](const AxisRange& x) {
        return std::isfinite(x.min) && std::isfinite(x.max) && x.min < x.max &&
               (scale == AxisScale::Linear || x.min > 0);
    };
    if (!usable(r)) {
        // An explicit bound on the wrong side of the data: keep it and open the other end.
        if (has_min)
            r = scale == AxisScale::Log ? AxisRange{*axis.min, *axis.min * 10} : AxisRange{*axis.min, *axis.min + 1};
        else if (has_max)
            r = scale == AxisScale::Log ? AxisRange{*axis.max / 10, *axis.max} : AxisRange{*axis.max - 1, *axis.max};
    }
    if (!usable(r)) r = scale == AxisScale::Log ? AxisRange{1, 10} : AxisRange{0, 1};
    return r;
}

}  // namespace ropescope::detail
