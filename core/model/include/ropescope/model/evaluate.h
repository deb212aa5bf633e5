// Evaluation of a trained model past its training context, per method: held-out perplexity on the
// last quarter of each window, passkey retrieval with the key near the start of the window, and
// the per-layer attention entropy. Rotary frequencies and attention factors come from the core's
// compute_rope for every method (dynamic methods with seq_len = the evaluated length).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ropescope/methods.h"
#include "ropescope/model/model.h"
#include "ropescope/result.h"

namespace ropescope::model {

// Longest evaluated length accepted, and the largest estimated evaluation memory.
inline constexpr std::int64_t kMaxEvalLength = 65536;
inline constexpr std::size_t kMaxEvalMemoryBytes = std::size_t{4} << 30;
// Estimated peak memory of one evaluation window of `length` tokens.
std::size_t eval_memory_bytes(const ModelShape& shape, std::int64_t length);


struct EvalOptions {
    std::vector<Method> methods;           // empty: default, linear, ntk, yarn
    std::vector<std::int64_t> lengths;     // empty: L, 2L, 4L, 8L, 16L
    std::optional<double> factor;          // unset: auto, s = max(1, T / L) for each length T
    int windows = 0;                       // windows per length; 0: 16 L / T, clamped to [2, 16]
    bool passkey = true;                   // hide a key near the start of every window
    int threads = 0;                       // 0: library default
    const std::atomic<bool>* cancel = nullptr;  // checked before every window
    std::function<void(int done, int total)> progress;  // after every (method, length) point
};

// One method at one length.
struct EvalPoint {
    MethodKind kind = MethodKind::Default;
    std::string method;                  // canonical name
    double factor = 1;                   // s used
    std::int64_t length = 0;             // T
    double perplexity = 0;               // exp(mean NLL per byte) on positions [3T/4, T) of each window
    double passkey_accuracy = 0;         // fraction of windows whose five key digits were all predicted
    std::int64_t passkey_distance = 0;   // mean distance from the stated key to the question
    std::vector<double> passkey_digit_accuracy;  // per answer digit: fraction of windows predicting it
                                                 // (chance is about 0.1: tells whether any copying happens)
    std::vector<double> attention_entropy;  // per layer: mean entropy (nats) of the scored queries' attention
    int windows = 0;
};

struct EvalReport {
    std::int64_t train_context = 0;
    std::vector<EvalPoint> results;      // method-major: every length of methods[0], then methods[1], ...
    double seconds = 0;
    bool cancelled = false;
};

// Checks methods (for this model's rotary setup), lengths, factor, windows and that the held-out
// text is long enough. Fields: method, lengths, factor, windows, threads, corpus.
Status validate_eval(const Model& model, const std::string& heldout, const EvalOptions& options);

// Evaluates every method at every length on `heldout` (deterministic windows spread over it).
Result<EvalReport> evaluate_model(const Model& model, const std::string& heldout, const EvalOptions& options);

// Held-out perplexity of one method at one length (the LongRoPE search's fitness).
Result<double> heldout_perplexity(const Model& model, const std::string& heldout, const Method& method,
                                  double factor, std::int64_t length, int windows);

// The default evaluation methods and lengths for a model.
std::vector<Method> default_eval_methods();
std::vector<std::int64_t> default_eval_lengths(const ModelShape& shape);

}  // namespace ropescope::model
