// Loads the trained-model engine (libropescope_model_engine.so: LibTorch and the model code, see
// ropescope/model/engine.h) on a thread of its own, so the window opens without waiting for
// LibTorch's ~200 shared libraries (about a second here). The Model tab shows what it can
// without it (the model file's description and its cached evaluation) and enables its buttons
// when Engine() is ready. No ImGui, no GL.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ropescope/model/engine.h"
#include "ropescope/result.h"

namespace ropescope::gui {

// Where the module is looked for: $ROPESCOPE_MODEL_ENGINE only, when it is set; else beside the
// executable, <exe>/../lib/ropescope/ and <exe>/../<libdir>/ropescope/ (an install), then the
// path this build wrote it to (the build tree).
std::vector<std::string> model_engine_candidates();

// Opens the first candidate that exists and returns its engine. Errors name the file and what
// dlopen said, or every place looked in when none exists.
Result<const model::ModelEngine*> open_model_engine(const std::vector<std::string>& candidates);

class ModelEngineLoader {
public:
    ModelEngineLoader() = default;
    ModelEngineLoader(const ModelEngineLoader&) = delete;
    ModelEngineLoader& operator=(const ModelEngineLoader&) = delete;
    ~ModelEngineLoader();  // waits for a load in progress; the module stays loaded until exit

    // Starts loading on a thread (the first call only; later calls do nothing).
    void Start(std::vector<std::string> candidates = model_engine_candidates());
    // Until loading has ended (starts it first if nobody has).
    void Wait();
    bool Started() const { return started_.load(); }
    bool Loading() const { return started_.load() && !done_.load(); }
    // The engine once loaded; nullptr while loading, before Start, or after a failure (Error()).
    const model::ModelEngine* Engine() const { return done_.load() ? engine_ : nullptr; }
    std::string Error() const;
    double LoadSeconds() const { return load_seconds_.load(); }  // wall time of the load (0 before)

private:
    std::thread thread_;
    std::atomic<bool> started_{false}, done_{false};
    std::atomic<double> load_seconds_{0};
    const model::ModelEngine* engine_ = nullptr;  // written before done_ is set
    mutable std::mutex mutex_;
    std::string error_;
};

}  // namespace ropescope::gui
