// The model handle and where the shipped model lives: plain C++, no LibTorch (the GUI links this
// before it has loaded the model engine; see engine.h).
#include "ropescope/model/model.h"

#include <cstdlib>
#include <filesystem>

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

}  // namespace ropescope::model
