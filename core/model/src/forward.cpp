// The forward pass: byte embedding, pre-norm blocks with rotary attention (HF rotate_half layout),
// final norm, tied output layer.
#include <algorithm>

#include "weights.h"

namespace ropescope::model {

namespace {

// Masked logits: finite, so that masked probabilities are exactly 0 and entropies stay finite.
constexpr double kMasked = -1e30;

// Softmax(q k^T * scale) v for queries at positions q0 .. q0 + Tq - 1 against keys 0 .. T-1,
// causal. chunk > 0: blocks of `chunk` queries, each against only the keys it can see. With
// entropy_sum, adds the attention entropy of every query at position >= entropy_from.
at::Tensor causal_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, double scale,
                            std::int64_t q0, std::int64_t chunk, double* entropy_sum, std::int64_t entropy_from) {
    const std::int64_t tq = q.size(2);
    if (chunk <= 0) chunk = tq;
    std::vector<at::Tensor> outs;
    for (std::int64_t a = 0; a < tq; a += chunk) {
        const std::int64_t b = std::min(tq, a + chunk);
        const std::int64_t keys = q0 + b;  // the last query of the block sees keys 0 .. q0 + b - 1
        auto qb = q.narrow(2, a, b - a);
        auto kb = k.narrow(2, 0, keys);
        auto vb = v.narrow(2, 0, keys);
        auto scores = at::matmul(qb, kb.transpose(-2, -1));
        scores.mul_(scale);  // in place: matmul's backward needs its inputs, not its output
        // Query row r (position q0 + a + r) may not see key j > q0 + a + r: only keys in the
        // block's own span [q0 + a, q0 + b) can be in its future, so only they are masked.
        auto mask = at::ones({b - a, b - a}, q.options().dtype(at::kBool)).triu(1);
        scores.narrow(-1, q0 + a, b - a).masked_fill_(mask, kMasked);
        // Entropy only for blocks holding queries at or past entropy_from:
        // H = logsumexp(s) - sum_j p_j s_j (masked scores are finite, their p_j exactly 0).
        const std::int64_t first = std::max<std::int64_t>(0, entropy_from - q0 - a);
        at::Tensor p = at::softmax(scores, -1);
        if (entropy_sum && first < b - a) {
            auto s_rows = scores.narrow(2, first, b - a - first);
            auto p_rows = p.narrow(2, first, b - a - first);
            auto expected = at::matmul(p_rows.unsqueeze(-2), s_rows.unsqueeze(-1)).squeeze(-1).squeeze(-1);
            *entropy_sum += (at::logsumexp(s_rows, -1) - expected).sum().item<double>();
        }
        outs.push_back(at::matmul(p, vb));
    }
    return outs.size() == 1 ? outs.front() : at::cat(outs, 2);
}

}  // namespace

at::Tensor rotate_half(const at::Tensor& x) {
    const std::int64_t h = x.size(-1) / 2;
    return at::cat({-x.narrow(-1, h, h), x.narrow(-1, 0, h)}, -1);
}

at::Tensor forward(const ModelWeights& w, const at::Tensor& tokens, const RopeTables& rope, std::int64_t logits_from,
                   std::int64_t query_chunk, ForwardStats* stats) {
    const auto& s = w.shape;
    const std::int64_t B = tokens.size(0), T = tokens.size(1), d = s.d_model, H = s.heads, hd = s.head_dim();
    const auto cos = rope.cos.narrow(0, 0, T);
    const auto sin = rope.sin.narrow(0, 0, T);
    if (stats) {
        stats->attention_entropy.assign(w.layers.size(), 0.0);
    }
    auto x = at::embedding(w.embed, tokens);
    for (std::size_t li = 0; li < w.layers.size(); ++li) {
        const auto& l = w.layers[li];
        const bool last = li + 1 == w.layers.size();
        auto h = at::layer_norm(x, {d}, l.norm1_weight, l.norm1_bias, 1e-5);
        auto qkv = at::linear(h, l.qkv).view({B, T, 3, H, hd}).permute({2, 0, 3, 1, 4});
        auto q = qkv[0], k = qkv[1], v = qkv[2];
        if (s.smear_keys && T > 1) {
            // k_i + sigmoid(g_h) (k_{i-1} - k_i) per head h; position 0 has no predecessor.
            const auto gate = at::sigmoid(l.smear).view({1, H, 1, 1});
            const auto previous = at::cat({k.narrow(2, 0, 1), k.narrow(2, 0, T - 1)}, 2);
            k = k + gate * (previous - k);
        }
        q = q * cos + rotate_half(q) * sin;
        k = k * cos + rotate_half(k) * sin;
        std::int64_t q0 = 0;
        if (last && logits_from > 0) {
            q0 = logits_from;
            q = q.narrow(2, q0, T - q0);
            x = x.narrow(1, q0, T - q0);
        }
        double entropy = 0;
        auto y = causal_attention(q, k, v, rope.softmax_scale, q0, query_chunk, stats ? &entropy : nullptr,
                                  logits_from);
        if (stats) stats->attention_entropy[li] = entropy / static_cast<double>(B * H * (T - logits_from));
        y = y.transpose(1, 2).reshape({B, T - q0, d});
        x = x + at::linear(y, l.proj);
        auto m = at::layer_norm(x, {d}, l.norm2_weight, l.norm2_bias, 1e-5);
        x = x + at::linear(at::gelu(at::linear(m, l.up, l.up_bias)), l.down, l.down_bias);
    }
    x = at::layer_norm(x, {d}, w.norm_weight, w.norm_bias, 1e-5);
    return at::matmul(x, w.embed.t());
}

}  // namespace ropescope::model
