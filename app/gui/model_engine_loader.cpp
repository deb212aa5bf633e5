// Finding and opening libropescope_model_engine.so (see model_engine_loader.h).
#include "model_engine_loader.h"

#include <dlfcn.h>

#include <chrono>
#include <filesystem>

#include "ropescope/module_path.h"
#include "ui_wake.h"

namespace ropescope::gui {

namespace {

constexpr const char* kModuleName = "libropescope_model_engine.so";

}  // namespace

std::vector<std::string> model_engine_candidates() {
    ModuleSearch search;
    search.file_name = kModuleName;
    search.env_var = "ROPESCOPE_MODEL_ENGINE";
#ifdef ROPESCOPE_INSTALL_LIBDIR
    search.install_libdir = ROPESCOPE_INSTALL_LIBDIR;
#endif
#ifdef ROPESCOPE_MODEL_ENGINE_BUILD_PATH
    search.build_path = ROPESCOPE_MODEL_ENGINE_BUILD_PATH;
#endif
    return module_candidates(search);
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
