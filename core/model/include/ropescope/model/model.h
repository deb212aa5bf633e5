// A small trained RoPE transformer (decoder-only, byte vocabulary) that every method of the core
// can be applied to: its shape, how it was trained, and a handle on its weights. The weights live
// behind an opaque pointer, so code that includes this header (the CLI, the GUI) never sees
// LibTorch; only core/model/src does. See docs/model.md.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ropescope/result.h"

namespace ropescope::model {

// Bytes are tokens: 256 symbols, no tokenizer to ship or trust.
inline constexpr int kVocabSize = 256;

// The transformer's shape. Every field is a CLI flag (model train) and a GUI control.
struct ModelShape {
    int layers = 2;                     // transformer blocks
    int d_model = 128;                  // residual width
    int heads = 4;                      // attention heads (head_dim = d_model / heads, all rotated)
    int mlp_ratio = 4;                  // MLP hidden width = mlp_ratio * d_model
    std::int64_t train_context = 256;   // L: the context the model is trained on
    double rope_theta = 10000;          // RoPE base b
    // Smeared keys (Olsson et al. 2022, "In-context learning and induction heads"): every head's
    // key at position i, before rotation, is mixed with the key at i - 1 by a learned gate, so one
    // attention layer can find "the byte after an earlier copy of this byte" (the copying that
    // passkey retrieval needs) instead of waiting for two layers to compose. Queries, values and
    // the rotation are untouched: every method still applies to the same q.k angles.
    bool smear_keys = false;
    int head_dim() const { return heads > 0 ? d_model / heads : 0; }
};

// Largest shapes accepted (a model file claiming more is refused before anything is allocated).
inline constexpr int kMaxLayers = 32;
inline constexpr int kMaxDModel = 1024;
inline constexpr int kMaxHeads = 64;
inline constexpr int kMaxMlpRatio = 8;
inline constexpr std::int64_t kMaxTrainContext = 16384;

// Checks every field; errors name the field ("layers", "d_model", ...), the value and the range.
Status validate_shape(const ModelShape& shape);
// Number of trainable parameters (embeddings tied with the output layer).
std::int64_t parameter_count(const ModelShape& shape);

// How a model was trained (recorded in its file, so a model says how to remake it).
struct TrainRecipe {
    int steps = 320;                  // optimizer steps
    int batch = 16;                   // sequences per step, each train_context + 1 bytes
    double learning_rate = 3e-3;      // AdamW peak learning rate
    double warmup_fraction = 0.05;    // linear warm-up over this fraction of the steps
    double min_lr_fraction = 0.1;     // cosine decay ends at this fraction of the peak
    double weight_decay = 0.1;        // AdamW decoupled weight decay
    double passkey_fraction = 0.25;   // fraction of each batch that is a passkey sample
    double answer_weight = 1;         // loss weight of a passkey sample's answer digits (other bytes: 1)
    double short_passkey_fraction = 0;  // share of passkey rows packed with short samples (<= 48 filler bytes)
    double copy_fraction = 0;         // share of each batch that is a random string repeated (induction rows)
    int copy_warmup_steps = 0;        // the first steps are copy rows only (a curriculum: copying first)
    std::uint64_t seed = 1;           // weights, batches and passkeys all follow from it
};

// One fine-tuning run applied to a model (the PI/YaRN papers' recipe: a few hundred steps at the
// extended context under one method).
struct FinetuneRecord {
    std::string method;              // canonical method name
    double factor = 1;               // s
    std::int64_t context = 0;        // the extended context trained on
    int steps = 0;
    double final_loss = 0;
};

// Per-pair factors found by the LongRoPE search with this model's perplexity as fitness.
struct ModelLongRope {
    double factor = 1;                   // s the search ran at (target length s * L)
    std::vector<double> long_factor;     // one per rotary pair
    std::int64_t n_hat = 0;
    double perplexity = 0;               // held-out perplexity at s * L with these factors
};

// What a model file says about the model besides its weights.
struct ModelInfo {
    ModelShape shape;
    TrainRecipe recipe;
    std::string corpus;              // where the training text came from (a path, as given)
    std::int64_t steps = 0;          // steps trained (pre-training only)
    double final_loss = 0;           // mean training loss over the last steps, nats per byte
    double train_seconds = 0;        // wall time of the training run
    int threads = 0;                 // threads it was trained with
    std::vector<FinetuneRecord> finetunes;
    std::optional<ModelLongRope> longrope;
    std::uint64_t checksum = 0;      // the checksum of the file it was loaded from (0: not loaded)
};

struct ModelWeights;  // LibTorch tensors; defined in core/model/src/weights.h

// A trained model: its description and its weights. Cheap to copy (the weights are shared and
// never modified in place: fine-tuning returns a new Model).
class Model {
public:
    Model();
    Model(ModelInfo info, std::shared_ptr<const ModelWeights> weights);
    const ModelInfo& info() const { return info_; }
    ModelInfo& mutable_info() { return info_; }
    const ModelShape& shape() const { return info_.shape; }
    bool empty() const { return !weights_; }
    const std::shared_ptr<const ModelWeights>& weights() const { return weights_; }

private:
    ModelInfo info_;
    std::shared_ptr<const ModelWeights> weights_;
};

// A freshly initialised model of `shape` (seeded: the same seed gives the same weights).
Result<Model> init_model(const ModelShape& shape, std::uint64_t seed);

// The shipped model: $ROPESCOPE_MODEL if set, else assets/model/default.rsmodel in the source
// tree, else <prefix>/share/ropescope/model/default.rsmodel next to the installed executable.
// Returns the first path that exists ("" if none).
std::string default_model_path();

// Sets LibTorch's intra-op threads (and OpenBLAS's, when it is the BLAS in use) for the calling
// thread's work. 0 keeps the library default.
void set_compute_threads(int threads);

}  // namespace ropescope::model
