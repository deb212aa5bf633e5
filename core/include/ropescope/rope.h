// Per-method RoPE frequencies and everything derived from them, per rotary pair.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ropescope/methods.h"
#include "ropescope/result.h"
#include "ropescope/rope_setup.h"

namespace ropescope {

// How a pair's frequency relates to the original one.
enum class Band {
    Kept,          // theta' == theta: extrapolated, as in pre-training
    Blended,       // between theta and theta/s (ramp region, or a non-uniform rescale)
    Interpolated,  // theta' == theta/s: positions squeezed as in PI
};
std::string_view band_name(Band band);  // "kept", "blended", "interpolated"

// One rotary pair i (pair 0 rotates fastest).
struct PairRow {
    int index = 0;
    double inv_freq_original = 0;   // theta_i = b^(-2i/d), rad/token
    double inv_freq = 0;            // theta'_i after scaling
    double scale = 1;               // theta_i / theta'_i (1 = kept, s = interpolated)
    double wavelength_original = 0; // 2 pi / theta_i, tokens
    double wavelength = 0;          // 2 pi / theta'_i, tokens
    double rotations = 0;           // r = L / wavelength_original: full turns seen in training
    // The method's own ramp, NaN if it has none:
    //   ntk_by_parts: gamma(r) (1 = kept, 0 = interpolated);
    //   yarn, dynamic_yarn: HF linear ramp over the pair index (0 = kept, 1 = interpolated);
    //   llama3: the smooth factor clamped to [0,1] (1 = kept, 0 = interpolated).
    double ramp = 0;
    // Weight of the original frequency in theta' = (1-w) theta/s + w theta, in [0,1] for the
    // blending methods; for NTK, dynamic and LongRoPE the equivalent weight implied by the scale
    // (may leave [0,1]); NaN when s == 1.
    double keep_weight = 0;
    Band band = Band::Kept;
    double max_angle_trained = 0;   // L * theta_i: angle accumulated over the training context, rad
    // L' * theta'_i: angle accumulated over the target context (L' = max(s L, max_position_embeddings),
    // not rounded to whole tokens), rad. For methods that depend on
    // the current length (dynamic, dynamic_yarn, LongRoPE with the automatic switch) theta' is the
    // frequency they use once the sequence reaches L', whatever seq_len the rest of the row shows.
    double max_angle_target = 0;
    // True if the pair never completed a full turn in training (max_angle_trained < 2 pi) and at L'
    // it reaches angles beyond those seen in training: out-of-distribution rotations.
    bool leaves_trained_range = false;
};

// YaRN's correction range over the pair index, before and after HF's rounding.
struct YarnCorrection {
    double low_raw = 0;   // corr_dim(beta_fast)
    double high_raw = 0;  // corr_dim(beta_slow)
    double low = 0;       // after truncate/clamp: ramp starts
    double high = 0;      // after truncate/clamp: ramp ends
};

// Everything the core knows about one method on one setup.
struct RopeResult {
    MethodKind kind = MethodKind::Default;
    Method method;                        // the method and parameters it was computed for
    RopeSetup setup;                      // the setup it was computed for
    int rotary_dim = 0;                   // d
    double factor = 1;                    // s in effect (dynamic_yarn: seq_len / L at the current length)
    double effective_theta = 0;           // base after NTK-style rescaling (== rope_theta otherwise)
    std::int64_t original_context = 0;    // L
    std::int64_t target_context = 0;      // L'
    double attention_factor = 1;          // multiplies cos and sin: logits scale by its square
    double softmax_scale_multiplier = 1;  // DeepSeek: get_mscale(s, mscale_all_dim)^2, else 1
    std::int64_t n_hat = 0;               // LongRoPE: positions < n_hat keep the original angle
    bool uses_long_factor = false;        // LongRoPE: long_factor chosen
    std::optional<YarnCorrection> yarn;   // yarn, dynamic_yarn
    std::optional<double> llama3_low_freq_wavelen;   // llama3: L / low_freq_factor
    std::optional<double> llama3_high_freq_wavelen;  // llama3: L / high_freq_factor
    std::vector<double> inv_freq;           // theta'_i, pair 0 first
    std::vector<double> inv_freq_original;  // theta_i
    std::vector<PairRow> pairs;
    std::vector<std::string> warnings;      // HF-style warnings: suspicious but computable input

    // Rotation angle of absolute position m in pair i (LongRoPE's n_hat rule included).
    double angle(std::int64_t position, int pair) const {
        const double freq = position < n_hat ? inv_freq_original[pair] : inv_freq[pair];
        return static_cast<double>(position) * freq;
    }
    int num_pairs() const { return static_cast<int>(inv_freq.size()); }
    // attention_factor^2 * softmax_scale_multiplier: the total multiplier on q.k logits.
    double logit_scale() const { return attention_factor * attention_factor * softmax_scale_multiplier; }
};

// Validates setup and method together, then computes the result. Never throws.
Result<RopeResult> compute_rope(const RopeSetup& setup, const Method& method);

}  // namespace ropescope
