// The Model tab's pure logic (no ImGui, no GL; unit-tested): its settings (saved as
// view.panels.model) and a worker thread that evaluates, trains, fine-tunes or searches LongRoPE
// factors on the trained model (core/model), publishing a snapshot as it goes (loss per step,
// points evaluated, generations searched) so the panel can draw it live. Cancel stops between
// steps; a cancelled run never replaces the current model.
#pragma once

#include <array>
#include <functional>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "ropescope/longrope_search.h"
#include "ropescope/model/engine.h"
#include "ropescope/model/evaluate.h"
#include "ropescope/model/model.h"
#include "ropescope/model/model_search.h"
#include "ropescope/model/train.h"

namespace ropescope::gui {

// Everything the Model tab lets the user choose (the CLI's flags, same defaults).
struct ModelSettings {
    // Evaluation
    std::array<bool, kAllMethods.size()> methods{};  // by MethodKind index; default: default, linear, ntk, yarn
    int max_multiple = 16;                            // lengths L, 2L, ..., max_multiple L (powers of two)
    double factor = 0;                                // 0: auto (s = max(1, T / L))
    int windows = 0;                                  // 0: automatic
    // Training a new model
    model::ModelShape shape;
    model::TrainRecipe recipe;
    std::string corpus;                               // "": the default corpus (Eigen headers)
    int threads = 0;                                  // 0: every core
    // Fine-tuning
    int finetune_method = static_cast<int>(MethodKind::Linear);
    double finetune_factor = 4;
    int finetune_steps = 100;
    // Search
    double search_factor = 8;
    int search_iterations = 8;
    int search_population = 16;
    bool autostart_eval = false;                      // evaluate when the tab first shows (screenshots, demos)
    ModelSettings();
};

nlohmann::json model_settings_to_json(const ModelSettings& settings);
// Reads what model_settings_to_json wrote; anything missing or unreadable keeps its default and
// out-of-range values are clamped. Never throws.
ModelSettings model_settings_from_json(const nlohmann::json& json);

// The evaluation the settings ask for, for a model trained at `train_context`.
model::EvalOptions eval_options(const ModelSettings& settings, std::int64_t train_context,
                                const std::optional<model::ModelLongRope>& longrope);

enum class ModelJob { None, Eval, Train, Finetune, Search };
const char* model_job_name(ModelJob job);  // "evaluation", "training", ...

// What the worker publishes: a consistent copy of the run so far.
struct ModelSnapshot {
    ModelJob job = ModelJob::None;
    bool running = false;
    bool finished = false;
    bool cancelled = false;
    std::string error;                 // the run refused its input (one line, naming the setting)
    // Training / fine-tuning
    std::vector<double> losses;        // per step so far
    int steps = 0;                     // asked for
    double tokens_per_second = 0;
    double elapsed_seconds = 0;
    // Evaluation (the report once finished; progress while running)
    model::EvalReport report;
    bool has_report = false;
    int points_done = 0, points_total = 0;
    // Search
    SearchResult search;               // the finished search
    int generation = -1, generations = 0;
    double best_perplexity = 0;
    std::uint64_t version = 0;
};

class ModelWorker {
public:
    ModelWorker() = default;
    ModelWorker(const ModelWorker&) = delete;
    ModelWorker& operator=(const ModelWorker&) = delete;
    ~ModelWorker();

    // Each starts a run on the worker thread with `engine`'s functions (linked, or loaded by
    // ModelEngineLoader) and returns false (doing nothing) while one runs. The corpus is read on
    // the worker thread ("" : the model's own, else the default corpus).
    bool StartEval(const model::ModelEngine& engine, const model::Model& model, const std::string& corpus,
                   model::EvalOptions options);
    bool StartTrain(const model::ModelEngine& engine, const std::string& corpus, model::TrainOptions options);
    bool StartFinetune(const model::ModelEngine& engine, const model::Model& model, const std::string& corpus,
                       model::FinetuneOptions options);
    bool StartSearch(const model::ModelEngine& engine, const model::Model& model, const std::string& corpus,
                     model::ModelSearchOptions options);
    void Stop();   // cancel the running job (returns at once)
    void Wait();   // until the running job has ended
    bool Running() const { return running_.load(); }
    std::uint64_t Version() const { return version_.load(); }
    ModelSnapshot Snapshot() const;
    // The model a finished train, finetune or search run produced (once; empty otherwise).
    std::optional<model::Model> TakeModel();

private:
    bool Launch(ModelJob job, std::function<void()> body);
    void Publish(const std::function<void(ModelSnapshot&)>& update);
    void PublishStep(const model::TrainProgress& progress);  // one training step's loss

    mutable std::mutex mutex_;
    ModelSnapshot snapshot_;
    std::optional<model::Model> result_;
    std::thread thread_;
    std::atomic<bool> cancel_{false};
    std::atomic<bool> running_{false};
    std::atomic<std::uint64_t> version_{0};
};

}  // namespace ropescope::gui
