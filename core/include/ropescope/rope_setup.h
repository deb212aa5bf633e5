// The rotary setup shared by every method: dimensions, base, contexts.
#pragma once

#include <cstdint>

namespace ropescope {

// Largest context length accepted anywhere (positions are exact in double far beyond it,
// but engines index positions with int32).
inline constexpr std::int64_t kMaxContext = std::int64_t{1} << 31;

// What a model's config says about RoPE, independent of the scaling method.
// Field names follow the Hugging Face config keys.
struct RopeSetup {
    int head_dim = 128;                 // per-head dimension (HF: head_dim, or hidden_size / num_attention_heads)
    double partial_rotary_factor = 1.0; // fraction of head_dim that is rotated (HF: partial_rotary_factor)
    int rotary_dim_override = 0;        // if > 0, the rotary dimension itself (DeepSeek MLA: qk_rope_head_dim)
    double rope_theta = 10000.0;        // base b of theta_i = b^(-2i/d)
    std::int64_t original_max_position_embeddings = 4096;  // L: the pre-training context
    double factor = 1.0;                // s = L'/L, the context extension factor
    std::int64_t max_position_embeddings = 0;  // the config's max_position_embeddings; 0 means "equal to L"
    std::int64_t seq_len = 0;           // current sequence length for dynamic methods; 0 means none (HF seq_len=None)

    // d: the number of rotated dimensions (pairs are d/2). HF truncates head_dim * partial to int.
    int rotary_dim() const {
        if (rotary_dim_override > 0) return rotary_dim_override;
        return static_cast<int>(head_dim * partial_rotary_factor);
    }
    int num_pairs() const { return rotary_dim() / 2; }
    // L': the context the setup is meant to serve, max(s * L rounded, max_position_embeddings).
    // Usually s * L; larger when a config serves more than its factor implies (Llama 3.1:
    // factor 8 on 8K, but max_position_embeddings 131072, so its longest wavelengths are
    // stretched past what interpolation covers).
    std::int64_t target_context() const;
    // L' as a real number, max(s * L, max_position_embeddings) before rounding to whole tokens: the
    // length the coverage question is asked at, so that PI (theta / s over s * L tokens) reaches
    // exactly the trained angle at every s.
    double target_length() const;
    // max_position_embeddings with the "0 means L" default resolved.
    std::int64_t effective_max_position_embeddings() const {
        return max_position_embeddings > 0 ? max_position_embeddings : original_max_position_embeddings;
    }
};

}  // namespace ropescope
