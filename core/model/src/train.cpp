// The training loop (pre-training and fine-tuning share it): batches of random windows of the
// training text mixed with passkey samples, AdamW, warm-up + cosine schedule, clipping.
#include "ropescope/model/train.h"

#include <chrono>
#include <cmath>
#include <random>

#include <ATen/Parallel.h>
#include <torch/optim/adamw.h>

#include "ropescope/model/passkey.h"
#include "train_batch.h"
#include "ropescope/text_input.h"
#include "ropescope/validate.h"
#include "weights.h"

namespace ropescope::model {

namespace {

constexpr double kPi = 3.141592653589793;

struct LoopConfig {
    std::int64_t context = 0;
    RopeTables rope;
    int steps = 0;
    int batch = 0;
    double learning_rate = 0;
    double warmup_fraction = 0;
    double min_lr_fraction = 0;
    double weight_decay = 0;
    TrainRecipe passkey;  // passkey_fraction, short_passkey_fraction, answer_weight, copy_fraction
    std::uint64_t seed = 0;
    const std::atomic<bool>* cancel = nullptr;
    std::function<void(const TrainProgress&)> progress;
};

// Scales the gradients so that their global L2 norm is at most max_norm (as torch's clip_grad_norm_).
void clip_gradients(const std::vector<at::Tensor>& params, double max_norm) {
    double sq = 0;
    for (const auto& p : params)
        if (p.grad().defined()) sq += p.grad().pow(2).sum().item<double>();
    const double norm = std::sqrt(sq);
    if (norm > max_norm) {
        const double scale = max_norm / (norm + 1e-6);
        for (const auto& p : params)
            if (p.grad().defined()) p.grad().mul_(scale);
    }
}

// Linear warm-up to the peak, then cosine decay to min_fraction of it.
double learning_rate_at(const LoopConfig& c, int step) {
    const int warm = std::max(1, static_cast<int>(std::lround(c.warmup_fraction * c.steps)));
    if (step < warm) return c.learning_rate * (step + 1) / warm;
    const double t = static_cast<double>(step - warm) / std::max(1, c.steps - warm);
    return c.learning_rate * (c.min_lr_fraction + (1 - c.min_lr_fraction) * 0.5 * (1 + std::cos(kPi * t)));
}

// Trains `w` in place (float32, gradients on) for c.steps steps on `text`.
TrainOutcome train_loop(ModelWeights& w, const std::string& text, const LoopConfig& c) {
    std::vector<at::Tensor> params;
    for (auto& [name, t] : w.named()) {
        t->requires_grad_(true);
        params.push_back(*t);
    }
    torch::optim::AdamW optimizer(
        params, torch::optim::AdamWOptions(c.learning_rate).betas({0.9, 0.95}).weight_decay(c.weight_decay));
    std::mt19937_64 rng(c.seed * 0x9E3779B97F4A7C15ULL + 1);
    TrainOutcome out;
    const auto start = std::chrono::steady_clock::now();
    auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
    for (int step = 0; step < c.steps; ++step) {
        if (c.cancel && c.cancel->load()) {
            out.cancelled = true;
            break;
        }
        const double lr = learning_rate_at(c, step);
        for (auto& group : optimizer.param_groups())
            static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
        auto recipe = c.passkey;
        if (step < recipe.copy_warmup_steps) {
            recipe.copy_fraction = 1;
            recipe.passkey_fraction = 0;
        }
        const auto batch = make_batch(text, c.context, c.batch, recipe, rng);
        optimizer.zero_grad();
        // Per-byte losses and weights of the main rows and of the short copy rows, if any.
        std::vector<at::Tensor> losses, loss_weights;
        for (const auto& [tokens, weights] : {std::pair{batch.tokens, batch.weights}, std::pair{batch.copy_tokens, batch.copy_weights}}) {
            if (tokens.size(0) == 0) continue;
            const std::int64_t n = tokens.size(1) - 1;
            const auto logits = forward(w, tokens.narrow(1, 0, n), c.rope);
            losses.push_back(at::cross_entropy_loss(logits.reshape({-1, kVocabSize}), tokens.narrow(1, 1, n).reshape({-1}),
                                                    {}, at::Reduction::None));
            loss_weights.push_back(weights.reshape({-1}));
        }
        const auto per_byte = at::cat(losses);
        // The optimised loss weighs the answer digits; the reported one is the plain mean per scored byte.
        const auto flat_weights = at::cat(loss_weights);
        auto loss = (per_byte * flat_weights).sum() / flat_weights.sum();
        loss.backward();
        clip_gradients(params, 1.0);
        optimizer.step();
        // Bytes with weight 0 (a copy row's unpredictable first copy) are not part of it.
        const auto scored = (flat_weights > 0).to(at::kFloat);
        out.losses.push_back(((per_byte * scored).sum() / scored.sum()).item<double>());
        out.steps_done = step + 1;
        out.seconds = seconds();
        out.tokens_per_second = static_cast<double>(out.steps_done) * c.batch * static_cast<double>(c.context) / std::max(out.seconds, 1e-9);
        if (c.progress)
            c.progress(TrainProgress{out.steps_done, c.steps, out.losses.back(), lr, out.tokens_per_second, out.seconds});
    }
    for (auto& [name, t] : w.named()) t->requires_grad_(false);
    const std::size_t tail = std::min<std::size_t>(10, out.losses.size());
    double sum = 0;
    for (std::size_t i = out.losses.size() - tail; i < out.losses.size(); ++i) sum += out.losses[i];
    out.final_loss = tail > 0 ? sum / static_cast<double>(tail) : 0.0;
    return out;
}

Status check_range(const char* name, double v, double lo, double hi, bool lo_open = false) {
    if (!std::isfinite(v) || v < lo || v > hi || (lo_open && v <= lo))
        return Error{name, std::string(name) + " is " + format_number(v) + "; it must be in " + (lo_open ? "(" : "[") +
                               format_number(lo) + ", " + format_number(hi) + "]."};
    return Ok{};
}

Status check_text(const Corpus& corpus, std::int64_t context) {
    const auto need = static_cast<std::size_t>(2 * (context + 1));
    if (corpus.train.size() < need)
        return Error{"corpus", "corpus: " + corpus.name + " has " + std::to_string(corpus.train.size()) +
                                   " bytes of training text; a context of " + std::to_string(context) +
                                   " needs at least " + std::to_string(need) + "."};
    return Ok{};
}

Status check_memory(const ModelShape& shape, std::int64_t context, int batch) {
    const std::size_t bytes = training_memory_bytes(shape, context, batch);
    if (bytes > kMaxTrainingMemoryBytes)
        return Error{"context", "context is " + std::to_string(context) + " with batch " + std::to_string(batch) +
                                    ": training would need about " + std::to_string(bytes >> 20) + " MiB; at most " +
                                    byte_size_text(kMaxTrainingMemoryBytes) + " is allowed (lower --context or --batch)."};
    return Ok{};
}

}  // namespace

std::size_t training_memory_bytes(const ModelShape& s, std::int64_t context, int batch) {
    const double T = static_cast<double>(context), B = batch, d = s.d_model;
    // Per layer: four T x T attention tensors per head kept for the backward pass, and about
    // (12 + 4 mlp_ratio) activations of width d per token; logits with their gradient.
    const double per_layer = 4.0 * B * s.heads * T * T + B * T * d * (12.0 + 4.0 * s.mlp_ratio);
    const double total = 4.0 * (s.layers * per_layer + 3.0 * B * T * kVocabSize);
    return total > 1e18 ? static_cast<std::size_t>(1e18) : static_cast<std::size_t>(total);
}

Status validate_training(const Corpus& corpus, const TrainOptions& o) {
    if (auto s = validate_shape(o.shape); !s) return s;
    const auto& r = o.recipe;
    if (auto s = check_range("steps", r.steps, 1, 1e7); !s) return s;
    if (auto s = check_range("batch", r.batch, 1, 4096); !s) return s;
    if (auto s = check_range("learning_rate", r.learning_rate, 0, 1, true); !s) return s;
    if (auto s = check_range("warmup_fraction", r.warmup_fraction, 0, 1); !s) return s;
    if (auto s = check_range("min_lr_fraction", r.min_lr_fraction, 0, 1); !s) return s;
    if (auto s = check_range("weight_decay", r.weight_decay, 0, 10); !s) return s;
    if (auto s = check_range("passkey_fraction", r.passkey_fraction, 0, 1); !s) return s;
    if (auto s = check_range("answer_weight", r.answer_weight, 1, 1000); !s) return s;
    if (auto s = check_range("short_passkey_fraction", r.short_passkey_fraction, 0, 1); !s) return s;
    if (auto s = check_range("copy_fraction", r.copy_fraction, 0, 1); !s) return s;
    if (auto s = check_range("copy_warmup_steps", r.copy_warmup_steps, 0, r.steps); !s) return s;
    if (r.copy_fraction + r.passkey_fraction > 1)
        return Error{"copy_fraction", "copy_fraction is " + format_number(r.copy_fraction) + " with passkey_fraction " +
                                          format_number(r.passkey_fraction) + "; together they must be at most 1."};
    if (auto s = check_range("threads", o.threads, 0, 256); !s) return s;
    if (r.passkey_fraction > 0 && o.shape.train_context + 1 < passkey_overhead() + 8)
        return Error{"train_context", "train_context is " + std::to_string(o.shape.train_context) +
                                          "; the passkey task needs at least " + std::to_string(passkey_overhead() + 7) +
                                          " (or passkey_fraction 0)."};
    if (auto s = check_memory(o.shape, o.shape.train_context, r.batch); !s) return s;
    return check_text(corpus, o.shape.train_context);
}

Result<TrainOutcome> train_model(const Corpus& corpus, const TrainOptions& o) {
    if (auto s = validate_training(corpus, o); !s) return s.error();
    set_compute_threads(o.threads);
    auto init = init_model(o.shape, o.recipe.seed);
    if (!init) return init.error();
    auto weights = std::make_shared<ModelWeights>(init->weights()->clone());
    auto rope = rope_tables(o.shape, DefaultMethod{}, 1.0, o.shape.train_context);
    if (!rope) return rope.error();
    LoopConfig c;
    c.context = o.shape.train_context;
    c.rope = *rope;
    c.steps = o.recipe.steps;
    c.batch = o.recipe.batch;
    c.learning_rate = o.recipe.learning_rate;
    c.warmup_fraction = o.recipe.warmup_fraction;
    c.min_lr_fraction = o.recipe.min_lr_fraction;
    c.weight_decay = o.recipe.weight_decay;
    c.passkey = o.recipe;
    c.seed = o.recipe.seed;
    c.cancel = o.cancel;
    c.progress = o.progress;
    TrainOutcome out = train_loop(*weights, corpus.train, c);
    ModelInfo info;
    info.shape = o.shape;
    info.recipe = o.recipe;
    info.corpus = corpus.name;
    info.steps = out.steps_done;
    info.final_loss = out.final_loss;
    info.train_seconds = out.seconds;
    info.threads = o.threads > 0 ? o.threads : at::get_num_threads();
    out.model = Model(std::move(info), std::move(weights));
    return out;
}

Status validate_finetune(const Model& model, const Corpus& corpus, const FinetuneOptions& o) {
    if (model.empty()) return Error{"model", "model: no model loaded."};
    const auto& shape = model.shape();
    if (auto s = check_range("factor", o.factor, 1, 64); !s) return s;
    const std::int64_t context =
        o.context > 0 ? o.context : static_cast<std::int64_t>(std::llround(o.factor * static_cast<double>(shape.train_context)));
    if (auto s = check_range("context", static_cast<double>(context), 8, 65536); !s) return s;
    if (auto s = check_range("steps", o.steps, 1, 1e6); !s) return s;
    if (auto s = check_range("batch", o.batch, 1, 4096); !s) return s;
    if (auto s = check_range("learning_rate", o.learning_rate, 0, 1, true); !s) return s;
    if (auto s = check_range("warmup_fraction", o.warmup_fraction, 0, 1); !s) return s;
    if (auto s = check_range("passkey_fraction", o.passkey_fraction, 0, 1); !s) return s;
    if (auto s = check_range("answer_weight", o.answer_weight, 1, 1000); !s) return s;
    if (auto s = check_range("threads", o.threads, 0, 256); !s) return s;
    if (auto s = check_memory(shape, context, o.batch); !s) return s;
    if (auto t = rope_tables(shape, o.method, o.factor, 8); !t)
        return Error{"method", "method: " + t.error().message};
    return check_text(corpus, context);
}

Result<TrainOutcome> finetune_model(const Model& model, const Corpus& corpus, const FinetuneOptions& o) {
    if (auto s = validate_finetune(model, corpus, o); !s) return s.error();
    set_compute_threads(o.threads);
    const auto& shape = model.shape();
    const std::int64_t context =
        o.context > 0 ? o.context : static_cast<std::int64_t>(std::llround(o.factor * static_cast<double>(shape.train_context)));
    auto rope = rope_tables(shape, o.method, o.factor, context);
    if (!rope) return Error{"method", "method: " + rope.error().message};
    auto weights = std::make_shared<ModelWeights>(model.weights()->clone());
    LoopConfig c;
    c.context = context;
    c.rope = *rope;
    c.steps = o.steps;
    c.batch = o.batch;
    c.learning_rate = o.learning_rate;
    c.warmup_fraction = o.warmup_fraction;
    c.min_lr_fraction = 0.1;
    c.weight_decay = model.info().recipe.weight_decay;
    c.passkey.passkey_fraction = o.passkey_fraction;
    c.passkey.short_passkey_fraction = 0;
    c.passkey.answer_weight = o.answer_weight;
    c.seed = o.seed;
    c.cancel = o.cancel;
    c.progress = o.progress;
    TrainOutcome out = train_loop(*weights, corpus.train, c);
    ModelInfo info = model.info();
    info.finetunes.push_back(
        FinetuneRecord{std::string(method_name(kind_of(o.method))), o.factor, context, out.steps_done, out.final_loss});
    out.model = Model(std::move(info), std::move(weights));
    return out;
}

}  // namespace ropescope::model
