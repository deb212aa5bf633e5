// The peer a C++ user would write with Eigen: rotate every key (cos and sin of every angle,
// float), keep the rotated keys as an N x head_dim matrix, one matrix-vector product with the
// rotated query, then a softmax. Single-threaded, as Eigen's matrix-vector product is.
// RopeScope's own code on the packaged Eigen (Debian libeigen3-dev, find_package(Eigen3)).
#pragma once

#include <Eigen/Dense>

#include "ropescope/attention.h"

namespace ropescope::bench {

// Buffers reused between runs (the timing covers the arithmetic, not the allocation).
struct RotatedKeysPeer {
    Eigen::Array<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> angle, cos, sin;
    Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> keys;  // rotated, N x head_dim
    Eigen::VectorXf logits;
    double log_normalizer = 0;
    std::int64_t argmax = 0;
};

// Computes the logits and softmax of one query as the kernel defines them (docs/resolution.md).
void rotated_keys_attention(const RopeResult& rope, const AttentionInputs& inputs, std::int64_t first_key,
                            std::int64_t num_keys, RotatedKeysPeer& peer);

}  // namespace ropescope::bench
