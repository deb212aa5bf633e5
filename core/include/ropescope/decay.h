// Attention-score decay with distance, and the RoFormer upper bound.
#pragma once

#include <cstdint>
#include <vector>

#include "ropescope/rope.h"

namespace ropescope {

enum class GridKind { Log, Linear };

// Integer token distances from 0 to max_distance: Log gives 0 then ~points log-spaced values from 1
// (duplicates after rounding removed), Linear gives points evenly spaced values. Always includes
// 0 and max_distance.
std::vector<double> distance_grid(GridKind kind, int points, std::int64_t max_distance);

struct DecayOptions {
    GridKind grid = GridKind::Log;
    int points = 256;
    std::int64_t max_distance = 0;        // 0: the method's target context L'
    bool apply_attention_factor = true;   // multiply by attention_factor^2 (and the softmax multiplier)
};

struct DecayCurve {
    std::vector<double> distance;  // tokens
    // Logit between identical query and key vectors of all-ones content at this distance,
    // normalized by head size: mean_i cos(distance * theta'_i), times the logit scale if applied.
    std::vector<double> logit;
    // RoFormer's long-term-decay curve ("relative upper bound", its Fig. 2): sum_j |S_j| with
    // S_j = sum_{k<j} e^{i distance theta'_k}, normalized to 1 at distance 0; times the logit scale
    // if applied. RoFormer bounds |q.k| by max_i |h_{i+1}-h_i| * sum_j |S_j| for content h, so this
    // curve shows how that bound decays with distance. It is NOT an upper bound on `logit` above
    // (all-ones content makes the content factor vanish), and the two may cross.
    std::vector<double> bound;
};

DecayCurve decay_curve(const RopeResult& result, const DecayOptions& options);

}  // namespace ropescope
