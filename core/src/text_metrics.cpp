// Text measurement with built-in DejaVu Sans metrics (the font every exporter asks for).
#include <algorithm>
#include <cstddef>
#include <iterator>

#include "ropescope/render.h"

namespace ropescope {

namespace {

#include "dejavu_metrics.inc"

// Average advance of lowercase letters and digits, for characters without built-in metrics.
constexpr float kAverageAdvance = 0.60f;
constexpr float kAverageBoldAdvance = 0.68f;

// Decodes the UTF-8 sequence at text[i] (advancing i); invalid bytes decode as U+FFFD.
char32_t next_codepoint(const std::string& text, std::size_t& i) {
    const auto c = static_cast<unsigned char>(text[i++]);
    if (c < 0x80) return c;
    const int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : -1;
    if (extra < 0) return 0xFFFD;
    char32_t cp = c & (0x3F >> extra);
    for (int k = 0; k < extra; ++k) {
        if (i >= text.size() || (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) return 0xFFFD;
        cp = (cp << 6) | (static_cast<unsigned char>(text[i++]) & 0x3F);
    }
    return cp;
}

float extra_advance(char32_t cp, bool bold) {
    const auto* end = std::end(kDejaVuExtraAdvance);
    const auto* it = std::lower_bound(std::begin(kDejaVuExtraAdvance), end, cp,
                                      [](const ExtraAdvance& e, char32_t v) { return e.codepoint < v; });
    if (it != end && it->codepoint == cp) return bold ? it->bold : it->regular;
    return bold ? kAverageBoldAdvance : kAverageAdvance;
}

}  // namespace

float text_width(const std::string& text, float size, bool bold) {
    const float* table = bold ? kDejaVuSansBoldAdvance : kDejaVuSansAdvance;
    float em = 0;
    for (std::size_t i = 0; i < text.size();) {
        const char32_t c = next_codepoint(text, i);
        if (c >= 32 && c <= 126) em += table[c - 32];
        else if (c >= 0xA0) em += extra_advance(c, bold);
        // Control characters add nothing.
    }
    return em * size;
}

float baseline_offset(TextBaseline baseline, float size) {
    // DejaVu Sans: cap height 0.73 em, descender 0.236 em.
    switch (baseline) {
        case TextBaseline::Top: return 0.76f * size;
        case TextBaseline::Middle: return 0.37f * size;
        case TextBaseline::Bottom: return -0.24f * size;
    }
    return 0;
}

}  // namespace ropescope
