// The frequencies as the engines store them: transformers computes inv_freq in float32 (torch
// tensors), so a tensor printed from a model differs from the exact value by float32 rounding.
#pragma once

#include <vector>

#include "ropescope/rope.h"

namespace ropescope {

// One method's inv_freq computed step by step in float32, as transformers 5.x's code path does.
struct Float32Frequencies {
    std::vector<float> inv_freq;   // theta'_i in float32, pair 0 first
    float attention_factor = 1;    // the attention factor as the float32 cos/sin multiply sees it
    double max_rel_error = 0;      // max over pairs of |inv_freq32 - inv_freq| / inv_freq (exact, double)
};

// Recomputes `exact` (a result of compute_rope) in float32: the base ** (arange / dim) power, the
// ramp and the blend each rounded as torch rounds them (modeling_rope_utils.py; RopeScope's own
// methods ntk, ntk_by_parts and dynamic_yarn in the same steps as their transformers relatives).
Float32Frequencies compute_float32(const RopeResult& exact);

// `exact` with its frequencies (and everything derived from them per pair) replaced by `f32`'s.
RopeResult with_float32(const RopeResult& exact, const Float32Frequencies& f32);

}  // namespace ropescope
