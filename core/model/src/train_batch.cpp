// Training batches: random windows of the training text mixed with passkey samples.
#include "train_batch.h"

#include <algorithm>

#include "ropescope/model/passkey.h"

namespace ropescope::model {

namespace {

// Copies `sample` into `row` at byte `at` and weighs its answer digits' targets.
void put_sample(const PasskeySample& sample, std::int64_t at, std::int64_t* row, float* weights, double answer_weight) {
    for (std::size_t i = 0; i < sample.text.size(); ++i) row[at + static_cast<std::int64_t>(i)] = static_cast<unsigned char>(sample.text[i]);
    // Target t predicts byte t + 1: the answer's digits are targets answer_begin - 1 ...
    for (int i = 0; i < kPasskeyDigits; ++i) weights[at + sample.answer_begin - 1 + i] = static_cast<float>(answer_weight);
}

// Fills `row` (n bytes) with a random printable string repeated; its first copy is not scored.
void put_copy_row(std::int64_t n, std::int64_t* row, float* weights, std::mt19937_64& rng) {
    std::uniform_int_distribution<std::int64_t> period_of(std::min(kCopyMin, n / 2), std::min(kCopyMax, n / 2));
    std::uniform_int_distribution<int> printable(33, 126);
    const std::int64_t period = period_of(rng);
    for (std::int64_t i = 0; i < period; ++i) row[i] = printable(rng);
    for (std::int64_t i = period; i < n; ++i) row[i] = row[i - period];
    // Target t predicts byte t + 1: bytes 1 .. period - 1 are new.
    for (std::int64_t t = 0; t + 1 < period; ++t) weights[t] = 0;
}

}  // namespace

Batch make_batch(const std::string& text, std::int64_t context, int batch, const TrainRecipe& r, std::mt19937_64& rng) {
    // Copy rows become `per_copy` short rows when at least two fit in a row.
    const std::int64_t per_copy = context + 1 >= 2 * kCopyRowBytes ? (context + 1) / kCopyRowBytes : 0;
    Batch out{at::empty({batch, context + 1}, at::kLong), at::ones({batch, context}, at::kFloat),
              at::empty({batch * per_copy, kCopyRowBytes}, at::kLong), at::ones({batch * per_copy, kCopyRowBytes - 1}, at::kFloat)};
    auto* tokens = out.tokens.data_ptr<std::int64_t>();
    auto* weights = out.weights.data_ptr<float>();
    std::int64_t rows = 0, short_rows = 0;
    const std::int64_t span = static_cast<std::int64_t>(text.size()) - (context + 1);
    std::uniform_int_distribution<std::int64_t> start(0, span);
    std::uniform_real_distribution<double> coin(0, 1);
    const std::int64_t overhead = passkey_overhead();
    const std::int64_t needle_room = std::max<std::int64_t>(0, context + 1 - overhead);
    std::uniform_int_distribution<std::int64_t> needle(0, needle_room);
    std::uniform_int_distribution<std::int64_t> short_filler(0, kShortPasskeyFiller);
    for (int b = 0; b < batch; ++b) {
        const std::int64_t s = start(rng);
        std::int64_t* row = tokens + rows * (context + 1);
        float* row_weights = weights + rows * context;
        // (The copy coin is drawn only when copy rows are asked for: older recipes keep their batches.)
        if (r.copy_fraction > 0 && coin(rng) < r.copy_fraction) {
            if (per_copy == 0) {
                put_copy_row(context + 1, row, row_weights, rng);
                ++rows;
            }
            for (std::int64_t k = 0; k < per_copy; ++k, ++short_rows)
                put_copy_row(kCopyRowBytes, out.copy_tokens.data_ptr<std::int64_t>() + short_rows * kCopyRowBytes,
                             out.copy_weights.data_ptr<float>() + short_rows * (kCopyRowBytes - 1), rng);
            continue;
        }
        ++rows;
        if (r.copy_fraction < 1 && coin(rng) < r.passkey_fraction / (1 - r.copy_fraction)) {
            if (coin(rng) < r.short_passkey_fraction) {
                // Several short samples back to back (the last one takes what is left).
                std::int64_t at = 0;
                while (at < context + 1) {
                    const std::int64_t left = context + 1 - at;
                    const std::int64_t len =
                        left < 2 * (overhead + 1) ? left : std::min(overhead + 1 + short_filler(rng), left - (overhead + 1));
                    std::uniform_int_distribution<std::int64_t> where(0, len - overhead);
                    const auto sample = make_passkey_sample(text, static_cast<std::size_t>(s + at), len, where(rng), rng);
                    put_sample(sample, at, row, row_weights, r.answer_weight);
                    at += len;
                }
            } else {
                const auto sample = make_passkey_sample(text, static_cast<std::size_t>(s), context + 1, needle(rng), rng);
                put_sample(sample, 0, row, row_weights, r.answer_weight);
            }
        } else {
            for (std::int64_t i = 0; i <= context; ++i) row[i] = static_cast<unsigned char>(text[s + i]);
        }
    }
    out.tokens = out.tokens.narrow(0, 0, rows);
    out.weights = out.weights.narrow(0, 0, rows);
    out.copy_tokens = out.copy_tokens.narrow(0, 0, short_rows);
    out.copy_weights = out.copy_weights.narrow(0, 0, short_rows);
    return out;
}

}  // namespace ropescope::model
