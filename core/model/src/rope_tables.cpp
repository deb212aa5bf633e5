// Rotary tables from the core's compute_rope: the model never computes a method's frequencies itself.
#include <cmath>

#include "ropescope/rope.h"
#include "weights.h"

namespace ropescope::model {

Result<RopeTables> rope_tables(const ModelShape& shape, const Method& method, double factor, std::int64_t length,
                               at::ScalarType dtype) {
    RopeSetup setup;
    setup.head_dim = shape.head_dim();
    setup.rope_theta = shape.rope_theta;
    setup.original_max_position_embeddings = shape.train_context;
    setup.factor = factor;
    setup.max_position_embeddings = 0;  // = L: HF's dynamic NTK scales past the training context
    setup.seq_len = length;
    auto rope = compute_rope(setup, method);
    if (!rope) return rope.error();
    const int pairs = rope->num_pairs();
    const int d = shape.head_dim();
    // Angles in double (positions up to 2^31 stay exact), then the table dtype.
    auto angles = at::empty({length, d}, at::kDouble);
    auto* a = angles.data_ptr<double>();
    for (std::int64_t m = 0; m < length; ++m) {
        for (int i = 0; i < pairs; ++i) {
            const double angle = rope->angle(m, i);
            a[m * d + i] = angle;
            a[m * d + i + pairs] = angle;
        }
    }
    RopeTables t;
    t.cos = (angles.cos() * rope->attention_factor).to(dtype);
    t.sin = (angles.sin() * rope->attention_factor).to(dtype);
    t.softmax_scale = rope->softmax_scale_multiplier / std::sqrt(static_cast<double>(d));
    return t;
}

}  // namespace ropescope::model
