// Pure range and geometry math of the plot widget: zoom, pan, nearest point, dashes.
// No ImGui and no GL here, so it is unit-tested on its own (tests/gui/plot_math_test.cpp).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "ropescope/figure.h"
#include "ropescope/render.h"

namespace ropescope::gui {

// A visible data range [min, max] on one axis.
struct Range {
    double min = 0, max = 1;
    bool operator==(const Range&) const = default;
};

// Maps a data value to the axis' linear space (log10 on log axes) and back.
double to_axis_space(double value, AxisScale scale);
double from_axis_space(double t, AxisScale scale);

// Keeps a range usable: ordered, finite, positive on log axes, not narrower than a
// relative 1e-9 of its magnitude nor wider than 1e-300..1e300.
Range sanitize_range(Range range, AxisScale scale);

// Zooms around `anchor` (a data value, e.g. under the cursor) by `factor` (< 1 zooms in):
// the anchor stays at the same pixel. Log axes zoom in log space.
Range zoom_range(Range range, AxisScale scale, double anchor, double factor);

// Zoom factor for a mouse wheel step (positive wheel zooms in).
double wheel_zoom_factor(float wheel);

// Moves the range by `pixel_delta` pixels of a `pixel_span`-pixel axis (positive moves the
// data towards larger values, as a drag to the left/down does).
Range pan_range(Range range, AxisScale scale, double pixel_delta, double pixel_span);

// Index of the point whose x is nearest to `x` (distance in axis space); NaN points are
// skipped. Uses binary search when xs is sorted ascending. nullopt if there is no finite point.
std::optional<std::size_t> nearest_index(const std::vector<double>& xs, double x, AxisScale scale);

// Splits a polyline into the drawn pieces of a dash pattern (on, off, on, off... in pixels).
// Solid returns the polyline itself. The pattern (the core's dash_pattern, as the SVG and PNG
// writers use) continues across vertices.
std::vector<std::vector<Vec2>> dash_polyline(const std::vector<Vec2>& points, LineStyle style, float line_width);

// Heatmap shader arithmetic (see shaders/heatmap.frag), here so it can be tested on the CPU.
// Splits v into three floats (hi, mid, lo), hi and mid with at most 11 significant bits, with
// hi + mid + lo == v to ~2^-46 relative.
std::array<float, 3> split_for_shader(double v);
// The shader's per-pair data for one frequency theta (rad/token): for f = theta/2pi, the
// splits of f, fract(4096 f) and fract(2^24 f).
std::array<std::array<float, 3>, 3> shader_frequency(double theta);
// cos(m theta) evaluated exactly as the shader does, in float arithmetic.
float shader_cos(const std::array<std::array<float, 3>, 3>& frequency, std::int64_t m);

// True if p is inside r extended by `margin` pixels.
bool inside(const Rect& r, Vec2 p, float margin = 0);

}  // namespace ropescope::gui
