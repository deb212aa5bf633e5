// The model's tensors and the forward pass (internal to ropescope_model: the only code that sees
// LibTorch). Parameters are plain named tensors in one fixed order, so the optimizer, the model
// file and the tests all walk the same list.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <ATen/ATen.h>

#include "ropescope/methods.h"
#include "ropescope/model/model.h"
#include "ropescope/model/model_file.h"
#include "ropescope/result.h"

namespace ropescope::model {

// One transformer block: pre-norm attention and pre-norm GELU MLP, both residual.
struct LayerWeights {
    at::Tensor norm1_weight, norm1_bias;  // [d]
    at::Tensor qkv;                       // [3d, d]: q, k, v projections (no bias)
    at::Tensor smear;                     // [heads]: key smear gate logits (only with smear_keys)
    at::Tensor proj;                      // [d, d]: attention output (no bias)
    at::Tensor norm2_weight, norm2_bias;  // [d]
    at::Tensor up, up_bias;               // [r d, d], [r d]
    at::Tensor down, down_bias;           // [d, r d], [d]
};

struct ModelWeights {
    ModelShape shape;
    at::Tensor embed;                     // [256, d], tied with the output layer
    std::vector<LayerWeights> layers;
    at::Tensor norm_weight, norm_bias;    // final norm, [d]

    // Every parameter with its file name ("embed", "layers.0.qkv", ..., "norm.bias"), in file order.
    std::vector<std::pair<std::string, at::Tensor*>> named();
    std::vector<std::pair<std::string, const at::Tensor*>> named() const;
    // A deep copy (new storage), optionally converted to another dtype.
    ModelWeights clone(at::ScalarType dtype = at::kFloat) const;
};


// Rotary tables for positions 0..length-1 of one method: cos and sin of m * theta'_i laid out as
// HF's rotate_half expects ([length, head_dim], pair i in columns i and i + head_dim/2), with the
// method's attention factor folded in (it multiplies cos and sin), and the softmax scale
// (DeepSeek's multiplier / sqrt(head_dim)).
struct RopeTables {
    at::Tensor cos, sin;
    double softmax_scale = 1;
};

// Asks the core (compute_rope) for the method's frequencies on this model's setup: head_dim,
// rope_theta, L = train_context, factor s, seq_len = length (dynamic methods, LongRoPE's switch);
// LongRoPE's n_hat rule included. Angles in double, tables in `dtype`.
Result<RopeTables> rope_tables(const ModelShape& shape, const Method& method, double factor,
                               std::int64_t length, at::ScalarType dtype = at::kFloat);

// What the forward pass can also measure.
struct ForwardStats {
    std::vector<double> attention_entropy;  // per layer: mean entropy (nats) of the attention of the
                                            // queries at positions >= logits_from
};

// Logits [B, T - logits_from, 256] for tokens [B, T] (int64). Only positions >= logits_from are
// computed in the last layer (evaluation scores the end of a window). query_chunk > 0 computes
// attention in blocks of that many queries against the keys they can see (evaluation memory and
// causal work halved); 0 is one block with a mask (training). Autograd flows unless disabled by
// the caller.
at::Tensor forward(const ModelWeights& weights, const at::Tensor& tokens, const RopeTables& rope,
                   std::int64_t logits_from = 0, std::int64_t query_chunk = 0, ForwardStats* stats = nullptr);

// HF's rotate_half: (x1, x2) -> (-x2, x1) on the last dimension's halves.
at::Tensor rotate_half(const at::Tensor& x);

}  // namespace ropescope::model
