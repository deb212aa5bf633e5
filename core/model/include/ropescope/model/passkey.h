// The synthetic passkey task (the PI and YaRN papers' retrieval test, here on any filler text):
// a random five-digit key is stated once inside the filler and asked for at the end.
//   "... filler ... The pass key is `71432. Remember it. ... filler ... What is the pass key? The pass key is `71432"
// The backquote right before the key (and only there) lets the model find the key's first digit by a
// one-byte context: "`" followed by a digit is rare in the filler.
// The model is right when it predicts all five digits of the last line (teacher-forced argmax).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace ropescope::model {

inline constexpr int kPasskeyDigits = 5;

struct PasskeySample {
    std::string text;                // exactly the requested number of bytes
    std::string key;                 // the five digits
    std::int64_t needle_begin = 0;   // where the stated key's first digit is
    std::int64_t question_begin = 0; // where the question (" What is the pass key? ...") starts
    std::int64_t answer_begin = 0;   // where the asked-for key's first digit is (text.size() - 5)
    // answer_begin - needle_begin: how far back the model must look.
    std::int64_t distance() const { return answer_begin - needle_begin; }
};

// Bytes the needle and the question take (a sample needs at least their sum plus one).
std::int64_t passkey_overhead();
// Bytes the question and the answer take at the end of a sample.
std::int64_t passkey_question_bytes();

// A sample of `length` bytes: filler taken from `filler` starting at `filler_offset` (wrapping
// around), the needle placed so that it starts at byte `needle_at` (clamped to fit), the key drawn
// from `rng`. `filler` must be non-empty and `length` >= passkey_overhead() + 1.
PasskeySample make_passkey_sample(std::string_view filler, std::size_t filler_offset, std::int64_t length,
                                  std::int64_t needle_at, std::mt19937_64& rng);

}  // namespace ropescope::model
