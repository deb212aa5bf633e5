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
