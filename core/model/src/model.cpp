// Model handle, shape checks, where the shipped model lives, thread settings.
#include "ropescope/model/model.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>

#include <ATen/Parallel.h>

#include "ropescope/validate.h"
#include "weights.h"

// OpenBLAS's own thread count (weak: absent when the reference BLAS is the one in use).
extern "C" void openblas_set_num_threads(int) __attribute__((weak));

namespace ropescope::model {

Model::Model() = default;

Model::Model(ModelInfo info, std::shared_ptr<const ModelWeights> weights)
    : info_(std::move(info)), weights_(std::move(weights)) {}

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

std::string default_model_path() {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (const char* env = std::getenv("ROPESCOPE_MODEL"); env && *env) return env;
    const fs::path source = fs::path(ROPESCOPE_ASSETS_DIR) / "model" / "default.rsmodel";
    if (fs::is_regular_file(source, ec)) return source.string();
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const fs::path installed = exe.parent_path() / ".." / "share" / "ropescope" / "model" / "default.rsmodel";
        if (fs::is_regular_file(installed, ec)) return fs::weakly_canonical(installed, ec).string();
    }
    for (const char* dir : {"/usr/local/share/ropescope/model", "/usr/share/ropescope/model"}) {
        const fs::path p = fs::path(dir) / "default.rsmodel";
        if (fs::is_regular_file(p, ec)) return p.string();
    }
    return "";
}

void set_compute_threads(int threads) {
    if (threads <= 0) return;
    at::set_num_threads(threads);
    if (openblas_set_num_threads) openblas_set_num_threads(threads);
}

}  // namespace ropescope::model
