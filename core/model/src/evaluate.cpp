// Perplexity, passkey retrieval and attention entropy per method per length.
#include "ropescope/model/evaluate.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>

#include <c10/core/InferenceMode.h>

#include "ropescope/model/passkey.h"
#include "ropescope/text_input.h"
#include "ropescope/validate.h"
#include "weights.h"

namespace ropescope::model {

namespace {

constexpr std::int64_t kQueryChunk = 512;

int windows_for(const ModelShape& shape, std::int64_t length, int requested) {
    if (requested > 0) return requested;
    const auto w = 16 * shape.train_context / std::max<std::int64_t>(1, length);
    return static_cast<int>(std::clamp<std::int64_t>(w, 4, 32));
}

// Start of window k of n, spread evenly over the held-out text.
std::size_t window_start(std::size_t text, std::int64_t length, int k, int n) {
    const std::size_t room = text - static_cast<std::size_t>(length + 1);
    return room * static_cast<std::size_t>(2 * k + 1) / static_cast<std::size_t>(2 * n);
}

at::Tensor bytes_to_tokens(const std::vector<std::string>& rows, std::int64_t length) {
    auto t = at::empty({static_cast<std::int64_t>(rows.size()), length}, at::kLong);
    auto* p = t.data_ptr<std::int64_t>();
    for (std::size_t r = 0; r < rows.size(); ++r)
        for (std::int64_t i = 0; i < length; ++i) p[static_cast<std::int64_t>(r) * length + i] = static_cast<unsigned char>(rows[r][i]);
    return t;
}

struct PerplexityResult {
    double perplexity = 0;
    std::vector<double> entropy;
};

// Mean NLL on positions [3T/4, T) of `windows` plain text windows, batched in one forward pass.
PerplexityResult perplexity_of(const ModelWeights& w, const std::string& heldout, const RopeTables& rope,
                               std::int64_t T, int windows) {
    std::vector<std::string> rows;
    for (int k = 0; k < windows; ++k)
        rows.push_back(heldout.substr(window_start(heldout.size(), T, k, windows), static_cast<std::size_t>(T + 1)));
    const auto tokens = bytes_to_tokens(rows, T + 1);
    const std::int64_t from = 3 * T / 4;
    ForwardStats stats;
    const auto logits = forward(w, tokens.narrow(1, 0, T), rope, from, kQueryChunk, &stats);
    const auto targets = tokens.narrow(1, from + 1, T - from);
    const double nll =
        at::cross_entropy_loss(logits.reshape({-1, kVocabSize}).to(at::kDouble), targets.reshape({-1})).item<double>();
    return PerplexityResult{std::exp(nll), stats.attention_entropy};
}

// Fraction of `windows` passkey samples whose five digits are all the argmax predictions.
double passkey_accuracy(const ModelWeights& w, const std::string& heldout, const RopeTables& rope, std::int64_t T,
                        int windows, std::int64_t* mean_distance) {
    std::vector<std::string> rows;
    std::int64_t distance = 0;
    for (int k = 0; k < windows; ++k) {
        std::mt19937_64 rng(static_cast<std::uint64_t>(T) * 1000003u + static_cast<std::uint64_t>(k));
        std::uniform_int_distribution<std::int64_t> needle(0, std::max<std::int64_t>(0, T / 16));
        auto sample = make_passkey_sample(heldout, window_start(heldout.size(), T, k, windows), T + 1, needle(rng), rng);
        distance += sample.distance();
        rows.push_back(std::move(sample.text));
    }
    *mean_distance = windows > 0 ? distance / windows : 0;
    const auto tokens = bytes_to_tokens(rows, T + 1);
    const std::int64_t from = T - kPasskeyDigits;  // positions predicting the five answer bytes
    const auto logits = forward(w, tokens.narrow(1, 0, T), rope, from, kQueryChunk);
    const auto predicted = logits.argmax(-1);
    const auto expected = tokens.narrow(1, from + 1, kPasskeyDigits);
    const auto all_right = predicted.eq(expected).all(1);
    return all_right.to(at::kDouble).mean().item<double>();
}

std::int64_t max_length(const std::vector<std::int64_t>& lengths) {
    return lengths.empty() ? 0 : *std::max_element(lengths.begin(), lengths.end());
}

}  // namespace

std::vector<Method> default_eval_methods() { return {DefaultMethod{}, LinearMethod{}, NtkMethod{}, YarnMethod{}}; }

std::vector<std::int64_t> default_eval_lengths(const ModelShape& shape) {
    const auto L = shape.train_context;
    return {L, 2 * L, 4 * L, 8 * L, 16 * L};
}

std::size_t eval_memory_bytes(const ModelShape& s, std::int64_t length) {
    const double T = static_cast<double>(length), d = s.d_model;
    const double windows = std::max<double>(4, 16.0 * static_cast<double>(s.train_context) / T);
    const double chunk = std::min<double>(T, kQueryChunk);
    // Per window: three score blocks per head (scores, log-probabilities, probabilities), the
    // activations of one layer and the logits of the scored quarter; tables and tokens.
    const double per_window = 3.0 * s.heads * chunk * T + T * d * (12.0 + 4.0 * s.mlp_ratio) + T / 4 * kVocabSize * 2;
    const double total = 4.0 * std::min(windows, 32.0) * per_window + 16.0 * T * s.head_dim();
    return total > 1e18 ? static_cast<std::size_t>(1e18) : static_cast<std::size_t>(total);
}

Status validate_eval(const Model& model, const std::string& heldout, const EvalOptions& o) {
    if (model.empty()) return Error{"model", "model: no model loaded."};
    const auto& shape = model.shape();
    const auto lengths = o.lengths.empty() ? default_eval_lengths(shape) : o.lengths;
    for (const auto T : lengths) {
        if (T < 16 || T > kMaxEvalLength)
            return Error{"lengths", "lengths contains " + std::to_string(T) + "; every length must be in [16, " +
                                        std::to_string(kMaxEvalLength) + "]."};
        const auto bytes = eval_memory_bytes(shape, T);
        if (bytes > kMaxEvalMemoryBytes)
            return Error{"lengths", "lengths contains " + std::to_string(T) + ": evaluating it would need about " +
                                        std::to_string(bytes >> 20) + " MiB; at most " +
                                        byte_size_text(kMaxEvalMemoryBytes) + " is allowed."};
        if (o.passkey && T + 1 < passkey_overhead() + 8)
            return Error{"lengths", "lengths contains " + std::to_string(T) + "; the passkey test needs at least " +
                                        std::to_string(passkey_overhead() + 7) + " tokens."};
    }
    if (o.factor && (!std::isfinite(*o.factor) || *o.factor < 1 || *o.factor > 1024))
        return Error{"factor", "factor is " + format_number(*o.factor) + "; it must be in [1, 1024] (or auto)."};
    if (o.windows < 0 || o.windows > 1024)
        return Error{"windows", "windows is " + std::to_string(o.windows) + "; it must be in [0, 1024] (0: automatic)."};
    if (o.threads < 0 || o.threads > 256)
        return Error{"threads", "threads is " + std::to_string(o.threads) + "; it must be in [0, 256]."};
    const auto longest = max_length(lengths);
    if (static_cast<std::int64_t>(heldout.size()) < longest + 2)
        return Error{"corpus", "corpus: the held-out text has " + std::to_string(heldout.size()) +
                                   " bytes; evaluating at length " + std::to_string(longest) + " needs at least " +
                                   std::to_string(longest + 2) + "."};
    const auto methods = o.methods.empty() ? default_eval_methods() : o.methods;
    for (const auto& m : methods) {
        const double s = o.factor ? *o.factor : std::max(1.0, static_cast<double>(longest) / static_cast<double>(shape.train_context));
        if (auto t = rope_tables(shape, m, s, 16); !t)
            return Error{"method", "method " + std::string(method_name(kind_of(m))) + ": " + t.error().message};
    }
    return Ok{};
}

Result<EvalReport> evaluate_model(const Model& model, const std::string& heldout, const EvalOptions& o) {
    if (auto s = validate_eval(model, heldout, o); !s) return s.error();
    c10::InferenceMode guard;
    set_compute_threads(o.threads);
    const auto start = std::chrono::steady_clock::now();
    const auto& shape = model.shape();
    const auto& w = *model.weights();
    const auto methods = o.methods.empty() ? default_eval_methods() : o.methods;
    const auto lengths = o.lengths.empty() ? default_eval_lengths(shape) : o.lengths;
    EvalReport report;
    report.train_context = shape.train_context;
    const int total = static_cast<int>(methods.size() * lengths.size());
    int done = 0;
    for (const auto& method : methods) {
        for (const auto T : lengths) {
            if (o.cancel && o.cancel->load()) {
                report.cancelled = true;
                break;
            }
            const double s = o.factor ? *o.factor : std::max(1.0, static_cast<double>(T) / static_cast<double>(shape.train_context));
            auto rope = rope_tables(shape, method, s, T);
            if (!rope) return Error{"method", "method " + std::string(method_name(kind_of(method))) + ": " + rope.error().message};
            EvalPoint p;
            p.kind = kind_of(method);
            p.method = std::string(method_name(p.kind));
            p.factor = s;
            p.length = T;
            p.windows = windows_for(shape, T, o.windows);
            const auto ppl = perplexity_of(w, heldout, *rope, T, p.windows);
            p.perplexity = ppl.perplexity;
            p.attention_entropy = ppl.entropy;
            if (o.passkey) p.passkey_accuracy = passkey_accuracy(w, heldout, *rope, T, p.windows, &p.passkey_distance);
            report.results.push_back(std::move(p));
            if (o.progress) o.progress(++done, total);
        }
        if (report.cancelled) break;
    }
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return report;
}

Result<double> heldout_perplexity(const Model& model, const std::string& heldout, const Method& method, double factor,
                                  std::int64_t length, int windows) {
    EvalOptions o;
    o.methods = {method};
    o.lengths = {length};
    o.factor = factor;
    o.windows = windows;
    o.passkey = false;
    if (auto s = validate_eval(model, heldout, o); !s) return s.error();
    c10::InferenceMode guard;
    auto rope = rope_tables(model.shape(), method, factor, length);
    if (!rope) return rope.error();
    return perplexity_of(*model.weights(), heldout, *rope, length, windows_for(model.shape(), length, windows)).perplexity;
}

}  // namespace ropescope::model
