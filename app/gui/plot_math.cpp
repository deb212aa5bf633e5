#include "plot_math.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ropescope::gui {

namespace {

constexpr double kTiny = 1e-300;
constexpr double kHuge = 1e300;

}  // namespace

double to_axis_space(double value, AxisScale scale) {
    return scale == AxisScale::Log ? std::log10(std::max(value, kTiny)) : value;
}

double from_axis_space(double t, AxisScale scale) { return scale == AxisScale::Log ? std::pow(10.0, t) : t; }

Range sanitize_range(Range range, AxisScale scale) {
    if (!std::isfinite(range.min) || !std::isfinite(range.max)) return Range{scale == AxisScale::Log ? 1.0 : 0.0, 10.0};
    if (range.min > range.max) std::swap(range.min, range.max);
    if (scale == AxisScale::Log) {
        range.min = std::clamp(range.min, kTiny, kHuge);
        range.max = std::clamp(range.max, kTiny, kHuge);
        double lo = std::log10(range.min), hi = std::log10(range.max);
        const double min_span = 1e-9 * std::max(1.0, std::abs(lo));
        if (hi - lo < min_span) {
            const double mid = 0.5 * (lo + hi);
            lo = mid - min_span / 2;
            hi = mid + min_span / 2;
        }
        return Range{std::pow(10.0, lo), std::pow(10.0, hi)};
    }
    range.min = std::clamp(range.min, -kHuge, kHuge);
    range.max = std::clamp(range.max, -kHuge, kHuge);
    const double min_span = 1e-9 * std::max({1e-290, std::abs(range.min), std::abs(range.max)});
    if (range.max - range.min < min_span) {
        const double mid = 0.5 * (range.min + range.max);
        range.min = mid - min_span / 2;
        range.max = mid + min_span / 2;
    }
    return range;
}

Range zoom_range(Range range, AxisScale scale, double anchor, double factor) {
    if (!(factor > 0) || !std::isfinite(factor)) return range;
    const double lo = to_axis_space(range.min, scale);
    const double hi = to_axis_space(range.max, scale);
    const double a = std::clamp(to_axis_space(anchor, scale), std::min(lo, hi), std::max(lo, hi));
    const Range zoomed{from_axis_space(a - (a - lo) * factor, scale), from_axis_space(a + (hi - a) * factor, scale)};
    return sanitize_range(zoomed, scale);
}

double wheel_zoom_factor(float wheel) { return std::pow(0.85, static_cast<double>(wheel)); }

Range pan_range(Range range, AxisScale scale, double pixel_delta, double pixel_span) {
    if (!(pixel_span > 0)) return range;
    const double lo = to_axis_space(range.min, scale);
    const double hi = to_axis_space(range.max, scale);
    const double shift = pixel_delta / pixel_span * (hi - lo);
    return sanitize_range(Range{from_axis_space(lo + shift, scale), from_axis_space(hi + shift, scale)}, scale);
}

std::optional<std::size_t> nearest_index(const std::vector<double>& xs, double x, AxisScale scale) {
    if (xs.empty()) return std::nullopt;
    const double target = to_axis_space(x, scale);
    const auto distance = [&](double v) {
        if (!std::isfinite(v) || (scale == AxisScale::Log && v <= 0)) return std::numeric_limits<double>::infinity();
        return std::abs(to_axis_space(v, scale) - target);
    };
    std::optional<std::size_t> best;
    double best_distance = std::numeric_limits<double>::infinity();
    const auto consider = [&](std::size_t i) {
        const double dist = distance(xs[i]);
        if (dist < best_distance) {
            best_distance = dist;
            best = i;
        }
    };
    const bool finite_sorted = std::all_of(xs.begin(), xs.end(), [](double v) { return std::isfinite(v); }) &&
                               std::is_sorted(xs.begin(), xs.end());
    if (finite_sorted) {
        const auto it = std::lower_bound(xs.begin(), xs.end(), x);
        const auto i = static_cast<std::size_t>(it - xs.begin());
        // Check a few neighbours: on log axes non-positive points are skipped.
        const std::size_t from = i >= 2 ? i - 2 : 0;
        for (std::size_t k = from; k < std::min(xs.size(), i + 2); ++k) consider(k);
        if (!best)
            for (std::size_t k = 0; k < xs.size(); ++k) consider(k);
        return best;
    }
    for (std::size_t k = 0; k < xs.size(); ++k) consider(k);
    return best;
}

std::vector<std::vector<Vec2>> dash_polyline(const std::vector<Vec2>& points, LineStyle style, float line_width) {
    std::vector<std::vector<Vec2>> pieces;
    const std::vector<float> pattern = ropescope::dash_pattern(style, line_width);
    if (pattern.empty()) {
        if (points.size() >= 2) pieces.push_back(points);
        return pieces;
    }
    std::size_t phase = 0;                // index into pattern; even = drawn
    float left = pattern[0];              // length left in the current phase
    std::vector<Vec2> current;
    for (std::size_t i = 0; i + 1 < points.size(); ++i) {
        Vec2 a = points[i];
        const Vec2 b = points[i + 1];
        float dx = b.x - a.x, dy = b.y - a.y;
        float length = std::sqrt(dx * dx + dy * dy);
        if (!(length > 0) || !std::isfinite(length)) continue;
        dx /= length;
        dy /= length;
        while (length > 0) {
            const float step = std::min(left, length);
            const Vec2 end{a.x + dx * step, a.y + dy * step};
            if (phase % 2 == 0) {
                if (current.empty()) current.push_back(a);
                current.push_back(end);
            }
            a = end;
            length -= step;
            left -= step;
            if (left <= 1e-4f) {
                if (phase % 2 == 0 && current.size() >= 2) pieces.push_back(std::move(current));
                current.clear();
                phase = (phase + 1) % pattern.size();
                left = pattern[phase];
            }
        }
    }
    if (current.size() >= 2) pieces.push_back(std::move(current));
    return pieces;
}

std::array<float, 3> split_for_shader(double v) {
    // Rounds to 11 significant bits.
    const auto round11 = [](double x) {
        if (x == 0 || !std::isfinite(x)) return 0.0;
        int exponent = 0;
        const double mantissa = std::frexp(x, &exponent);  // x = mantissa * 2^exponent, |mantissa| in [0.5, 1)
        return std::ldexp(std::round(std::ldexp(mantissa, 11)), exponent - 11);
    };
    const double hi = round11(v);
    const double mid = round11(v - hi);
    return {static_cast<float>(hi), static_cast<float>(mid), static_cast<float>(v - hi - mid)};
}

std::array<std::array<float, 3>, 3> shader_frequency(double theta) {
    const double f = theta / (2.0 * 3.14159265358979323846);
    const auto frac = [](double x) { return x - std::floor(x); };
    return {split_for_shader(f), split_for_shader(frac(4096.0 * f)), split_for_shader(frac(16777216.0 * f))};
}

float shader_cos(const std::array<std::array<float, 3>, 3>& frequency, std::int64_t m) {
    const auto fract = [](float x) { return x - std::floor(x); };
    const auto part = [&](float digit, const std::array<float, 3>& v) {
        return fract(digit * v[0]) + fract(digit * v[1]) + digit * v[2];
    };
    const float a = static_cast<float>(m / 16777216);
    const float b = static_cast<float>((m / 4096) % 4096);
    const float c = static_cast<float>(m % 4096);
    const float turns = fract(part(c, frequency[0]) + part(b, frequency[1]) + part(a, frequency[2]));
    return std::cos(6.2831853f * turns);
}

bool inside(const Rect& r, Vec2 p, float margin) {
    return p.x >= r.x0 - margin && p.x <= r.x1 + margin && p.y >= r.y0 - margin && p.y <= r.y1 + margin;
}

}  // namespace ropescope::gui
