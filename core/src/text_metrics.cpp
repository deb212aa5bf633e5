// Text measurement with built-in DejaVu Sans metrics (the font every exporter asks for).
#include <cstddef>

#include "ropescope/render.h"

namespace ropescope {

namespace {

#include "dejavu_metrics.inc"

// Average advance of lowercase letters and digits, for characters outside ASCII.
constexpr float kAverageAdvance = 0.60f;
constexpr float kAverageBoldAdvance = 0.68f;

}  // namespace

float text_width(const std::string& text, float size, bool bold) {
    const float* table = bold ? kDejaVuSansBoldAdvance : kDejaVuSansAdvance;
    float em = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 32 && c <= 126) {
            em += table[c - 32];
        } else if (c >= 0xC0 || c < 0x80) {
            // A UTF-8 lead byte (continuation bytes 0x80..0xBF add nothing) or a control character.
            if (c >= 0xC0) em += bold ? kAverageBoldAdvance : kAverageAdvance;
        }
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
