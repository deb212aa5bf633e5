// Finding and opening libropescope_model_engine.so (see model_engine_loader.h).
#include "model_engine_loader.h"

#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "ui_wake.h"

namespace ropescope::gui {

namespace {

constexpr const char* kModuleName = "libropescope_model_engine.so";

}  // namespace

std::vector<std::string> model_engine_candidates() {
    namespace fs = std::filesystem;
    std::vector<std::string> out;
    if (const char* env = std::getenv("ROPESCOPE_MODEL_ENGINE"); env && *env) return {env};  // that one only
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const fs::path dir = exe.parent_path();
        out.push_back((dir / kModuleName).string());
        out.push_back((dir / ".." / "lib" / "ropescope" / kModuleName).lexically_normal().string());
#ifdef ROPESCOPE_INSTALL_LIBDIR
        out.push_back((dir / ".." / ROPESCOPE_INSTALL_LIBDIR / "ropescope" / kModuleName).lexically_normal().string());
#endif
    }
#ifdef ROPESCOPE_MODEL_ENGINE_BUILD_PATH
    out.emplace_back(ROPESCOPE_MODEL_ENGINE_BUILD_PATH);
#endif
    // Each place once (with libdir "lib" two of them are the same), in the order above.
    std::vector<std::string> unique;
    for (auto& path : out)
        if (std::find(unique.begin(), unique.end(), path) == unique.end()) unique.push_back(std::move(path));
    return unique;
}

Result<const model::ModelEngine*> open_model_engine(const std::vector<std::string>& candidates) {
    std::error_code ec;
    std::string looked;
    for (const auto& path : candidates) {
        if (!std::filesystem::is_regular_file(path, ec)) {
            looked += (looked.empty() ? "" : ", ") + path;
            continue;
        }
        // RTLD_LOCAL: the module's copies of the core stay its own. Never closed: LibTorch's
        // static destructors and thread pools do not survive an unload.
        void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
            const char* why = dlerror();
            return Error{"model_engine", "model engine " + path + ": cannot load it (" + std::string(why ? why : "unknown error") + ")"};
        }
        using Entry = const model::ModelEngine* (*)();
        auto entry = reinterpret_cast<Entry>(dlsym(handle, ROPESCOPE_MODEL_ENGINE_SYMBOL));
        if (!entry) return Error{"model_engine", "model engine " + path + ": it has no " ROPESCOPE_MODEL_ENGINE_SYMBOL " function"};
        const model::ModelEngine* engine = entry();
        if (!engine || engine->version != model::kModelEngineVersion)
            return Error{"model_engine", "model engine " + path + ": built from another version of RopeScope (engine version " +
                         std::to_string(engine ? engine->version : 0) + ", this program needs " +
                         std::to_string(model::kModelEngineVersion) + "); rebuild it"};
        return engine;
    }
    return Error{"model_engine", "the model engine (" + std::string(kModuleName) +
                 ", LibTorch) was not found; looked in: " + (looked.empty() ? "nowhere" : looked) +
                 ". Build RopeScope with -DROPESCOPE_BUILD_MODEL=ON, or set ROPESCOPE_MODEL_ENGINE to its path."};
}

ModelEngineLoader::~ModelEngineLoader() {
    if (thread_.joinable()) thread_.join();
}

void ModelEngineLoader::Start(std::vector<std::string> candidates) {
    if (started_.exchange(true)) return;
    thread_ = std::thread([this, candidates = std::move(candidates)] {
        const auto start = std::chrono::steady_clock::now();
        auto engine = open_model_engine(candidates);
        load_seconds_.store(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        if (engine) {
            engine_ = *engine;
        } else {
            std::lock_guard<std::mutex> lock(mutex_);
            error_ = engine.error().message;
        }
        done_.store(true);
        wake_ui();
    });
}

void ModelEngineLoader::Wait() {
    Start();
    if (thread_.joinable()) thread_.join();
}

std::string ModelEngineLoader::Error() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return error_;
}

}  // namespace ropescope::gui
