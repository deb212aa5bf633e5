// Shape checks and parameter counts (no LibTorch: the model file reader uses them too).
#include <cmath>
#include <string>

#include "ropescope/model/model.h"
#include "ropescope/model/model_file.h"
#include "ropescope/validate.h"

namespace ropescope::model {

Status validate_shape(const ModelShape& s) {
    auto range = [](const char* name, long long v, long long lo, long long hi) -> Status {
        if (v < lo || v > hi)
            return Error{name, std::string(name) + " is " + std::to_string(v) + "; it must be in [" +
                                   std::to_string(lo) + ", " + std::to_string(hi) + "]."};
        return Ok{};
    };
    if (auto r = range("layers", s.layers, 1, kMaxLayers); !r) return r;
    if (auto r = range("d_model", s.d_model, 8, kMaxDModel); !r) return r;
    if (auto r = range("heads", s.heads, 1, kMaxHeads); !r) return r;
    if (s.d_model % s.heads != 0 || s.head_dim() % 2 != 0)
        return Error{"heads", "heads is " + std::to_string(s.heads) + " with d_model " + std::to_string(s.d_model) +
                                  "; d_model / heads (the head dimension) must be a whole, even number."};
    if (auto r = range("mlp_ratio", s.mlp_ratio, 1, kMaxMlpRatio); !r) return r;
    if (auto r = range("train_context", s.train_context, 8, kMaxTrainContext); !r) return r;
    if (!std::isfinite(s.rope_theta) || s.rope_theta <= 1 || s.rope_theta > 1e9)
        return Error{"rope_theta", "rope_theta is " + format_number(s.rope_theta) + "; it must be in (1, 1e9]."};
    return Ok{};
}

std::int64_t parameter_count(const ModelShape& shape) {
    std::int64_t n = 0;
    for (const auto& [name, dims] : expected_tensors(shape)) {
        std::int64_t k = 1;
        for (const auto v : dims) k *= v;
        n += k;
    }
    return n;
}

}  // namespace ropescope::model
