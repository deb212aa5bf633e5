// The passkey sample builder (pure text, no tensors).
#include "ropescope/model/passkey.h"

#include <algorithm>

namespace ropescope::model {

namespace {

constexpr std::string_view kNeedleBefore = " The pass key is `";
constexpr std::string_view kNeedleAfter = ". Remember it. ";
constexpr std::string_view kQuestion = " What is the pass key? The pass key is `";

}  // namespace

std::int64_t passkey_overhead() {
    return static_cast<std::int64_t>(kNeedleBefore.size() + kNeedleAfter.size() + kQuestion.size()) +
           2 * kPasskeyDigits;
}

std::int64_t passkey_question_bytes() { return static_cast<std::int64_t>(kQuestion.size()) + kPasskeyDigits; }

PasskeySample make_passkey_sample(std::string_view filler, std::size_t filler_offset, std::int64_t length,
                                  std::int64_t needle_at, std::mt19937_64& rng) {
    PasskeySample s;
    std::uniform_int_distribution<int> digit(0, 9);
    for (int i = 0; i < kPasskeyDigits; ++i) s.key.push_back(static_cast<char>('0' + digit(rng)));
    const std::string needle = std::string(kNeedleBefore) + s.key + std::string(kNeedleAfter);
    const std::string question = std::string(kQuestion) + s.key;
    const auto n = static_cast<std::int64_t>(needle.size());
    const auto q = static_cast<std::int64_t>(question.size());
    const std::int64_t filler_bytes = std::max<std::int64_t>(0, length - n - q);
    needle_at = std::clamp<std::int64_t>(needle_at, 0, filler_bytes);
    std::size_t pos = filler.empty() ? 0 : filler_offset % filler.size();
    auto take = [&](std::int64_t count) {
        for (std::int64_t i = 0; i < count && !filler.empty(); ++i) {
            s.text.push_back(filler[pos]);
            pos = pos + 1 == filler.size() ? 0 : pos + 1;
        }
    };
    s.text.reserve(static_cast<std::size_t>(length));
    take(needle_at);
    s.needle_begin = static_cast<std::int64_t>(s.text.size() + kNeedleBefore.size());
    s.text += needle;
    take(filler_bytes - needle_at);
    s.text += question;
    if (static_cast<std::int64_t>(s.text.size()) > length) s.text.erase(0, s.text.size() - static_cast<std::size_t>(length));
    s.answer_begin = static_cast<std::int64_t>(s.text.size()) - kPasskeyDigits;
    s.question_begin = static_cast<std::int64_t>(s.text.size()) - q;
    return s;
}

}  // namespace ropescope::model
