#include "rotated_keys_peer.h"

#include <cmath>

namespace ropescope::bench {

void rotated_keys_attention(const RopeResult& rope, const AttentionInputs& in, std::int64_t first_key,
                            std::int64_t num_keys, RotatedKeysPeer& peer) {
    const Eigen::Index n = num_keys, pairs = rope.num_pairs();
    const Eigen::Index dim = static_cast<Eigen::Index>(in.query.size());
    // Angles n * theta_i (LongRoPE: original frequencies below n_hat), then cos and sin.
    Eigen::ArrayXf positions = Eigen::ArrayXf::LinSpaced(n, static_cast<float>(first_key),
                                                         static_cast<float>(first_key + num_keys - 1));
    Eigen::ArrayXf freq(pairs), freq_original(pairs);
    for (Eigen::Index i = 0; i < pairs; ++i) {
        freq[i] = static_cast<float>(rope.inv_freq[static_cast<std::size_t>(i)]);
        freq_original[i] = static_cast<float>(rope.inv_freq_original[static_cast<std::size_t>(i)]);
    }
    peer.angle.resize(n, pairs);
    peer.angle = (positions.matrix() * freq.matrix().transpose()).array();
    if (rope.n_hat > first_key)
        for (Eigen::Index k = 0; k < n && first_key + k < rope.n_hat; ++k)
            peer.angle.row(k) = positions[k] * freq_original.transpose();
    peer.cos = peer.angle.cos();
    peer.sin = peer.angle.sin();
    // The rotated keys, rotate_half layout: (x_i, x_{i+P}) -> (x_i c - x_{i+P} s, x_{i+P} c + x_i s).
    peer.keys.resize(n, dim);
    std::vector<Eigen::RowVectorXf> contents;
    for (const auto& key : in.keys) contents.push_back(Eigen::Map<const Eigen::RowVectorXd>(key.data(), dim).cast<float>());
    for (Eigen::Index k = 0; k < n; ++k) {
        const Eigen::RowVectorXf& x = contents[static_cast<std::size_t>(in.key_row(first_key + k))];
        const auto c = peer.cos.row(k), s = peer.sin.row(k);
        peer.keys.row(k).head(pairs) = x.head(pairs).array() * c - x.segment(pairs, pairs).array() * s;
        peer.keys.row(k).segment(pairs, pairs) = x.segment(pairs, pairs).array() * c + x.head(pairs).array() * s;
        peer.keys.row(k).tail(dim - 2 * pairs) = x.tail(dim - 2 * pairs);
    }
    // The rotated query (in double: one vector).
    Eigen::VectorXf q(dim);
    for (Eigen::Index j = 0; j < dim; ++j) q[j] = static_cast<float>(in.query[static_cast<std::size_t>(j)]);
    for (Eigen::Index i = 0; i < pairs; ++i) {
        const double a = rope.angle(in.query_position, static_cast<int>(i));
        const double x = in.query[static_cast<std::size_t>(i)], y = in.query[static_cast<std::size_t>(i + pairs)];
        q[i] = static_cast<float>(x * std::cos(a) - y * std::sin(a));
        q[i + pairs] = static_cast<float>(y * std::cos(a) + x * std::sin(a));
    }
    peer.logits.noalias() = (peer.keys * q) * static_cast<float>(in.scale);
    Eigen::Index arg = 0;
    const float max = peer.logits.maxCoeff(&arg);
    peer.argmax = first_key + arg;
    peer.log_normalizer = max + std::log(static_cast<double>((peer.logits.array() - max).exp().sum()));
}

}  // namespace ropescope::bench
