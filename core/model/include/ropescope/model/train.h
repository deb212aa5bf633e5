// Training and fine-tuning on CPU with LibTorch: AdamW, linear warm-up then cosine decay,
// gradient clipping at norm 1, seeded and reproducible (same seed and threads, same losses),
// progress after every step, cancellable between steps.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "ropescope/methods.h"
#include "ropescope/model/corpus.h"
#include "ropescope/model/model.h"
#include "ropescope/result.h"

namespace ropescope::model {

// What a run reports after every step (on the calling thread).
struct TrainProgress {
    int step = 0;                  // steps done
    int steps = 0;                 // steps asked for
    double loss = 0;               // this step's training loss (nats per byte)
    double learning_rate = 0;      // this step's learning rate
    double tokens_per_second = 0;  // since the start of the run
    double elapsed_seconds = 0;
};

// How a run ended. A cancelled run keeps the model as it was after the last full step.
struct TrainOutcome {
    Model model;
    std::vector<double> losses;    // one per step done
    int steps_done = 0;
    double final_loss = 0;         // mean of the last min(10, steps_done) losses
    double tokens_per_second = 0;  // training tokens (batch * context per step) per wall second
    double seconds = 0;
    bool cancelled = false;
};

// The largest estimated training memory accepted (activations kept for the backward pass).
inline constexpr std::size_t kMaxTrainingMemoryBytes = std::size_t{8} << 30;
// Estimated peak memory of one training step at `context` with `batch` sequences.
std::size_t training_memory_bytes(const ModelShape& shape, std::int64_t context, int batch);

struct TrainOptions {
    ModelShape shape;
    TrainRecipe recipe;
    int threads = 0;                                        // 0: the library default (all cores)
    const std::atomic<bool>* cancel = nullptr;              // checked before every step
    std::function<void(const TrainProgress&)> progress;     // after every step
};

// Checks shape, recipe, memory and that the corpus has enough training text. Errors name the
// field (the CLI maps it to its flag): layers, d_model, heads, mlp_ratio, train_context,
// rope_theta, steps, batch, learning_rate, warmup_fraction, weight_decay, passkey_fraction,
// answer_weight, threads, corpus.
Status validate_training(const Corpus& corpus, const TrainOptions& options);

// Trains a new model from scratch on corpus.train (plain RoPE at train_context).
Result<TrainOutcome> train_model(const Corpus& corpus, const TrainOptions& options);

struct FinetuneOptions {
    Method method = LinearMethod{};        // the method the model is fine-tuned under
    double factor = 4;                     // s
    std::int64_t context = 0;              // 0: s * L
    int steps = 100;
    int batch = 4;
    double learning_rate = 1e-3;
    double warmup_fraction = 0.05;
    double passkey_fraction = 0.25;
    double answer_weight = 1;              // loss weight of the passkey answer digits
    std::uint64_t seed = 1;
    int threads = 0;
    const std::atomic<bool>* cancel = nullptr;
    std::function<void(const TrainProgress&)> progress;
};

// Checks the options against the model (fields: method, factor, context, steps, batch,
// learning_rate, warmup_fraction, passkey_fraction, answer_weight, threads, corpus).
Status validate_finetune(const Model& model, const Corpus& corpus, const FinetuneOptions& options);

// Continues training a copy of `model` at the extended context with the method's frequencies and
// attention factor (computed by the core for that context). The result records the run in
// info().finetunes.
Result<TrainOutcome> finetune_model(const Model& model, const Corpus& corpus, const FinetuneOptions& options);

}  // namespace ropescope::model
