// Training batches (internal to ropescope_model): random windows of the training text mixed with
// passkey samples, and the loss weight of every target.
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include <ATen/ATen.h>

#include "ropescope/model/model.h"

namespace ropescope::model {

// Filler bytes of a short passkey sample: at most this many (a curriculum: nearby keys are easy to
// find, so the copying circuit forms before it has to reach across the whole context).
inline constexpr std::int64_t kShortPasskeyFiller = 48;

// A copy row is a random string of printable bytes, kCopyMin to kCopyMax long (at most half the
// row), repeated to the end of the row: every byte after the first copy is predictable only by
// looking back one period, the dense signal that forms induction (copying) heads. The first copy is
// not scored. Copying is learned far sooner in short rows (fewer keys to tell apart while
// attention is still diffuse), so when the context allows, a copy row's bytes are spent on
// independent short rows of kCopyRowBytes instead (a separate forward pass).
inline constexpr std::int64_t kCopyMin = 4;
inline constexpr std::int64_t kCopyMax = 32;
inline constexpr std::int64_t kCopyRowBytes = 65;

// One batch of training rows: bytes [batch, context + 1] (text windows and passkey samples) and
// the loss weight of every target [batch, context] (target t predicts byte t + 1): 1, and
// answer_weight on the targets that are a passkey sample's answer digits (a handful of bytes per
// sample otherwise barely moves the loss), 0 on the unpredictable first copy of a copy row.
struct Batch {
    at::Tensor tokens;       // [rows, context + 1]
    at::Tensor weights;      // [rows, context]
    at::Tensor copy_tokens;  // [short rows, kCopyRowBytes] (0 rows without copy rows)
    at::Tensor copy_weights; // [short rows, kCopyRowBytes - 1]
};

// Draws one batch from `text` (at least context + 1 bytes) with the recipe's passkey shares.
Batch make_batch(const std::string& text, std::int64_t context, int batch, const TrainRecipe& recipe, std::mt19937_64& rng);

}  // namespace ropescope::model
