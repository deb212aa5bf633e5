#include "ropescope/decay.h"

#include <algorithm>
#include <cmath>

namespace ropescope {

std::vector<double> distance_grid(GridKind kind, int points, std::int64_t max_distance) {
    points = std::max(points, 2);
    max_distance = std::max<std::int64_t>(max_distance, 1);
    const double top = static_cast<double>(max_distance);
    std::vector<double> grid;
    grid.reserve(static_cast<std::size_t>(points) + 1);
    grid.push_back(0.0);
    for (int k = 0; k < points; ++k) {
        const double t = static_cast<double>(k) / (points - 1);
        const double x = kind == GridKind::Log ? std::pow(top, t) : top * t;
        const double rounded = std::round(x);
        if (rounded > grid.back()) grid.push_back(rounded);
    }
    if (grid.back() != top) grid.push_back(top);
    return grid;
}

DecayCurve decay_curve(const RopeResult& result, const DecayOptions& options) {
    const std::int64_t max_distance = options.max_distance > 0 ? options.max_distance : result.target_context;
    DecayCurve curve;
    curve.distance = distance_grid(options.grid, options.points, max_distance);
    const double scale = options.apply_attention_factor ? result.logit_scale() : 1.0;
    const int pairs = result.num_pairs();
    // Sum_{j=1..P} |S_j| at distance 0 is 1 + 2 + ... + P.
    const double bound_norm = 0.5 * pairs * (pairs + 1.0);

    curve.logit.reserve(curve.distance.size());
    curve.bound.reserve(curve.distance.size());
    for (const double distance : curve.distance) {
        double cos_sum = 0;
        double bound_sum = 0;
        double partial_re = 0, partial_im = 0;  // S_j
        for (int i = 0; i < pairs; ++i) {
            const double phase = distance * result.inv_freq[i];
            const double c = std::cos(phase);
            cos_sum += c;
            partial_re += c;
            partial_im += std::sin(phase);
            // |S_j| <= j <= 64: no overflow for hypot to guard against, and sqrt is several times
            // cheaper (this loop is most of a slider drag's figure time).
            bound_sum += std::sqrt(partial_re * partial_re + partial_im * partial_im);
        }
        curve.logit.push_back(scale * cos_sum / pairs);
        curve.bound.push_back(scale * bound_sum / bound_norm);
    }
    return curve;
}

}  // namespace ropescope
