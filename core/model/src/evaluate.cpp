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

constexpr std::int64_t kQueryChunk = 256;

int windows_for(const ModelShape& shape, std::int64_t length, int requested) {
    if (requested > 0) return requested;
    const auto w = 16 * shape.train_context / std::max<std::int64_t>(1, length);
    return static_cast<int>(std::clamp<std::int64_t>(w, 2, 16));
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

struct WindowsResult {
    double perplexity = 0;
    double passkey_accuracy = 0;
    std::int64_t passkey_distance = 0;
    std::vector<double> digit_accuracy;
    std::vector<double> entropy;
};

// Windows evaluated in one batched forward pass: as many as fit this much estimated memory.
constexpr std::size_t kBatchMemoryBytes = std::size_t{512} << 20;

// The windows of one (method, length) point, in batches of windows (one forward pass each).
// Perplexity is the mean NLL on positions [3T/4, T) of plain-text windows. With `passkey`, every
// window also hides a key near its start and asks for it at the end: when the question fits in the
// last eighth (T >= 8 times its length), in the same window, with the question itself left out of
// the perplexity; otherwise in a separate window whose last layer only computes the five answer
// positions.
WindowsResult run_windows(const ModelWeights& w, const std::string& heldout, const RopeTables& rope,
                          std::int64_t T, int windows, bool passkey) {
    WindowsResult out;
    const std::int64_t from = 3 * T / 4;
    const bool combined = passkey && T >= 8 * passkey_question_bytes();
    const int group = static_cast<int>(std::clamp<std::size_t>(kBatchMemoryBytes / std::max<std::size_t>(1, eval_memory_bytes(w.shape, T)), 1, 64));
    double nll_sum = 0;
    std::int64_t nll_count = 0;
    int right = 0;
    std::vector<int> digit_right(kPasskeyDigits, 0);
    std::int64_t distance = 0;
    out.entropy.assign(w.layers.size(), 0.0);
    // logits [n, k, 256] whose last five rows predict the answer digits of texts[r] (T + 1 bytes).
    auto count_right = [&](const at::Tensor& logits, const std::vector<std::string>& texts) {
        const auto predicted = logits.narrow(1, logits.size(1) - kPasskeyDigits, kPasskeyDigits).argmax(-1).contiguous();
        const auto* pr = predicted.data_ptr<std::int64_t>();
        for (std::size_t r = 0; r < texts.size(); ++r) {
            bool all = true;
            for (int i = 0; i < kPasskeyDigits; ++i) {
                const bool ok = pr[static_cast<std::int64_t>(r) * kPasskeyDigits + i] ==
                                static_cast<unsigned char>(texts[r][static_cast<std::size_t>(T + 1 - kPasskeyDigits + i)]);
                digit_right[static_cast<std::size_t>(i)] += ok;
                all = all && ok;
            }
            right += all;
        }
    };
    for (int k0 = 0; k0 < windows; k0 += group) {
        const int n = std::min(group, windows - k0);
        std::vector<std::string> texts, samples;
        std::vector<std::int64_t> score_ends;  // per window: positions [from, score_end) are scored
        for (int k = k0; k < k0 + n; ++k) {
            const std::size_t start = window_start(heldout.size(), T, k, windows);
            std::mt19937_64 rng(static_cast<std::uint64_t>(T) * 1000003u + static_cast<std::uint64_t>(k));
            std::uniform_int_distribution<std::int64_t> needle(0, std::max<std::int64_t>(0, T / 16));
            PasskeySample sample;
            if (passkey) {
                sample = make_passkey_sample(heldout, start, T + 1, needle(rng), rng);
                distance += sample.distance();
            }
            if (combined) {
                texts.push_back(sample.text);
                score_ends.push_back(sample.question_begin - 1);  // the position predicting the question's first byte
            } else {
                texts.push_back(heldout.substr(start, static_cast<std::size_t>(T + 1)));
                score_ends.push_back(T);
                if (passkey) samples.push_back(sample.text);
            }
        }
        const auto tokens = bytes_to_tokens(texts, T + 1);
        ForwardStats stats;
        const auto logits = forward(w, tokens.narrow(1, 0, T), rope, from, kQueryChunk, &stats);
        for (int r = 0; r < n; ++r) {
            const std::int64_t count = score_ends[static_cast<std::size_t>(r)] - from;
            const auto scored = logits[r].narrow(0, 0, count).to(at::kDouble);
            const auto targets = tokens[r].narrow(0, from + 1, count);
            nll_sum += at::cross_entropy_loss(scored, targets, {}, at::Reduction::Sum).item<double>();
            nll_count += count;
        }
        // The forward pass averages the entropy over the batch; weigh it by the windows it holds.
        for (std::size_t l = 0; l < stats.attention_entropy.size(); ++l) out.entropy[l] += stats.attention_entropy[l] * n;
        if (combined) count_right(logits, texts);
        if (!samples.empty()) {
            const auto pk = bytes_to_tokens(samples, T + 1);
            count_right(forward(w, pk.narrow(1, 0, T), rope, T - kPasskeyDigits, kQueryChunk), samples);
        }
    }
    out.perplexity = std::exp(nll_sum / static_cast<double>(std::max<std::int64_t>(1, nll_count)));
    for (auto& e : out.entropy) e /= windows;
    if (passkey) {
        out.passkey_accuracy = static_cast<double>(right) / windows;
        out.passkey_distance = distance / windows;
        for (const int d : digit_right) out.digit_accuracy.push_back(static_cast<double>(d) / windows);
    }
    return out;
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
    const double chunk = std::min<double>(T, kQueryChunk);
    // One window at a time: a few score blocks per head (scores, probabilities, the attention
    // output), every layer's activations, the rotary tables and the scored quarter's logits.
    const double bytes = 4.0 * (4.0 * s.heads * chunk * T + T * d * (12.0 + 4.0 * s.mlp_ratio) * 2 +
                                4.0 * T * s.head_dim() + T / 4 * kVocabSize * 3);
    return bytes > 1e18 ? static_cast<std::size_t>(1e18) : static_cast<std::size_t>(bytes);
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
    struct Measured {
        std::int64_t length;
        int windows;
        RopeTables rope;
        WindowsResult result;
    };
    std::vector<Measured> measured;
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
            // Methods whose tables are identical at this length (every method at s = 1) share
            // one measurement.
            const WindowsResult* same = nullptr;
            for (const auto& m : measured)
                if (m.length == T && m.windows == p.windows && m.rope.softmax_scale == rope->softmax_scale &&
                    at::equal(m.rope.cos, rope->cos) && at::equal(m.rope.sin, rope->sin))
                    same = &m.result;
            if (!same) measured.push_back({T, p.windows, *rope, run_windows(w, heldout, *rope, T, p.windows, o.passkey)});
            const auto& r = same ? *same : measured.back().result;
            p.perplexity = r.perplexity;
            p.attention_entropy = r.entropy;
            p.passkey_accuracy = r.passkey_accuracy;
            p.passkey_distance = r.passkey_distance;
            p.passkey_digit_accuracy = r.digit_accuracy;
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
    return run_windows(*model.weights(), heldout, *rope, length, windows_for(model.shape(), length, windows), false)
        .perplexity;
}

}  // namespace ropescope::model
