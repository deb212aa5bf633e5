// The trained-model operations that run LibTorch, as one table of functions. A program that links
// ropescope_model gets them from linked_model_engine(); the GUI instead loads them from the module
// libropescope_model_engine.so after its first frame (app/gui/model_engine_loader.h), because
// LibTorch and its ~200 shared libraries take about a second to load and the window should not
// wait for that. Everything a caller passes or gets back is plain C++ (model.h keeps the tensors
// behind an opaque, shared handle), so nothing here needs LibTorch's headers.
#pragma once

#include <string>

#include "ropescope/model/checkpoint.h"
#include "ropescope/model/corpus.h"
#include "ropescope/model/evaluate.h"
#include "ropescope/model/model.h"
#include "ropescope/model/model_search.h"
#include "ropescope/model/train.h"
#include "ropescope/result.h"

namespace ropescope::model {

// Bumped whenever the table or any type it passes changes, so a stale module is refused.
inline constexpr int kModelEngineVersion = 2;  // 2: TrainRecipe with copy rows and smeared keys

struct ModelEngine {
    int version = kModelEngineVersion;
    Result<Model> (*load_model)(const std::string& path) = nullptr;
    Status (*save_model)(const Model& model, const std::string& path) = nullptr;
    Result<EvalReport> (*evaluate_model)(const Model& model, const std::string& heldout,
                                         const EvalOptions& options) = nullptr;
    Result<TrainOutcome> (*train_model)(const Corpus& corpus, const TrainOptions& options) = nullptr;
    Result<TrainOutcome> (*finetune_model)(const Model& model, const Corpus& corpus,
                                           const FinetuneOptions& options) = nullptr;
    Result<ModelSearchResult> (*search_factors_on_model)(const Model& model, const std::string& heldout,
                                                         const ModelSearchOptions& options) = nullptr;
};

// The functions of this build (ropescope_model), for code that links LibTorch anyway.
const ModelEngine& linked_model_engine();

}  // namespace ropescope::model

// The module's one exported symbol: returns linked_model_engine() of the module's own copy.
#define ROPESCOPE_MODEL_ENGINE_SYMBOL "ropescope_model_engine"
extern "C" const ropescope::model::ModelEngine* ropescope_model_engine();
