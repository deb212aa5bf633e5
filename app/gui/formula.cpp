#include "formula.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ropescope::gui {

namespace {

using Kind = FormulaLine::Kind;

void add(std::vector<FormulaLine>& lines, Kind kind, std::string text) { lines.push_back({kind, std::move(text)}); }

std::string ctx(std::int64_t tokens) { return std::to_string(tokens); }

const YarnMethod* yarn_params(const RopeResult& r) {
    if (const auto* y = std::get_if<YarnMethod>(&r.method)) return y;
    if (const auto* dy = std::get_if<DynamicYarnMethod>(&r.method)) return &dy->yarn;
    return nullptr;
}

// The first and last pair matching a predicate, as "pairs a-b" (or "none").
template <class Pred>
std::string span_where(const RopeResult& r, Pred pred) {
    int first = -1, last = -1, count = 0;
    for (const auto& p : r.pairs) {
        if (!pred(p)) continue;
        if (first < 0) first = p.index;
        last = p.index;
        ++count;
    }
    if (count == 0) return "none";
    std::string out = first == last ? "pair " + std::to_string(first)
                                    : "pairs " + std::to_string(first) + "-" + std::to_string(last);
    if (count != last - first + 1) out += " (" + std::to_string(count) + " pairs)";
    return out;
}

void yarn_lines(const RopeResult& r, std::vector<FormulaLine>& lines) {
    const YarnMethod* y = yarn_params(r);
    if (!y || !r.yarn) return;
    const auto& c = *r.yarn;
    add(lines, Kind::Heading, "Correction range (HF: ramp over the pair index)");
    add(lines, Kind::Formula, "corr(β) = d ln(L/(2π β)) / (2 ln b)");
    if (y->truncate) {
        add(lines, Kind::Formula, "low  = floor(corr(" + fmt(y->beta_fast) + ")) = floor(" + fmt(c.low_raw, 4) +
                                      ") = " + fmt(c.low));
        add(lines, Kind::Formula, "high = ceil(corr(" + fmt(y->beta_slow) + ")) = ceil(" + fmt(c.high_raw, 4) +
                                      ") = " + fmt(c.high));
    } else {
        add(lines, Kind::Formula, "low  = corr(" + fmt(y->beta_fast) + ") = " + fmt(c.low_raw, 4) +
                                      (c.low != c.low_raw ? " -> " + fmt(c.low, 4) : ""));
        add(lines, Kind::Formula, "high = corr(" + fmt(y->beta_slow) + ") = " + fmt(c.high_raw, 4) +
                                      (c.high != c.high_raw ? " -> " + fmt(c.high, 4) : ""));
    }
    add(lines, Kind::Formula, "ramp_i = clamp((i - " + fmt(c.low, 4) + ")/(" + fmt(c.high, 4) + " - " + fmt(c.low, 4) +
                                  "), 0, 1)");
    add(lines, Kind::Formula, "θ′ᵢ = ramp θᵢ/s + (1−ramp) θᵢ");
    add(lines, Kind::Note, "kept: " + pair_span(r, Band::Kept) + ";  ramp: " + pair_span(r, Band::Blended) +
                               ";  interpolated (θ/s): " + pair_span(r, Band::Interpolated));
    add(lines, Kind::Heading, "Attention scaling");
    const std::string s = fmt(r.factor);
    if (y->attention_factor) {
        add(lines, Kind::Formula, "attention_factor = " + fmt(r.attention_factor) + " (override)");
    } else if (y->mscale.value_or(0) != 0 && y->mscale_all_dim.value_or(0) != 0) {
        add(lines, Kind::Formula, "mscale(s, m) = 0.1 m ln(s) + 1");
        add(lines, Kind::Formula, "attention_factor = mscale(" + s + ", " + fmt(*y->mscale) + ")");
        add(lines, Kind::Formula, "  / mscale(" + s + ", " + fmt(*y->mscale_all_dim) + ") = " + fmt(r.attention_factor));
    } else if (r.factor > 1) {
        add(lines, Kind::Formula, "attention_factor = 0.1*ln(" + s + ")+1 = " + fmt(r.attention_factor));
    } else {
        add(lines, Kind::Formula, "attention_factor = 1  (s <= 1)");
    }
    add(lines, Kind::Formula, "logits × attention_factor² = " + fmt(r.attention_factor * r.attention_factor));
    if (r.softmax_scale_multiplier != 1.0)
        add(lines, Kind::Formula, "softmax scale x " + fmt(r.softmax_scale_multiplier) + " (DeepSeek mscale_all_dim)");
}

}  // namespace

std::string fmt(double value, int digits) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    char buffer[64];
    if (value == std::round(value) && std::abs(value) < 1e15) {
        std::snprintf(buffer, sizeof buffer, "%.0f", value);
        // Large whole numbers in %g form once they pass 7 digits.
        if (std::abs(value) < 1e7) return buffer;
    }
    std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
    return buffer;
}

std::string pair_span(const RopeResult& result, Band band) {
    return span_where(result, [band](const PairRow& p) { return p.band == band; });
}

std::vector<FormulaLine> formula_lines(const RopeResult& r) {
    std::vector<FormulaLine> lines;
    const int d = r.rotary_dim;
    const std::string L = ctx(r.original_context);
    const std::string Lp = ctx(r.target_context);
    const std::string s = fmt(r.factor);
    add(lines, Kind::Formula, "θᵢ = b^(−2i/d)");
    add(lines, Kind::Formula, "b = " + fmt(r.setup.rope_theta) + ", d = " + std::to_string(d) + " (" +
                                  std::to_string(r.num_pairs()) + " pairs), L = " + L);
    switch (r.kind) {
        case MethodKind::Default:
            add(lines, Kind::Formula, "θ′ᵢ = θᵢ");
            add(lines, Kind::Note, "No scaling: positions past L are extrapolated with the trained frequencies.");
            break;
        case MethodKind::Linear:
            add(lines, Kind::Formula, "θ′ᵢ = θᵢ / s = θᵢ / " + s);
            if (!r.pairs.empty())
                add(lines, Kind::Note, "Pair 0 now turns " + fmt(r.pairs.front().inv_freq, 4) + " rad per token (was " +
                                           fmt(r.pairs.front().inv_freq_original, 4) + "): neighbouring tokens are " +
                                           s + "x closer in every pair, so nearby positions blur.");
            break;
        case MethodKind::Ntk:
            add(lines, Kind::Formula, "b′ = b s^(d/(d−2))");
            add(lines, Kind::Formula, "   = " + fmt(r.setup.rope_theta) + " * " + s + "^(" + std::to_string(d) + "/" +
                                          std::to_string(d - 2) + ") = " + fmt(r.effective_theta));
            add(lines, Kind::Formula, "θ′ᵢ = b′^(−2i/d)");
            break;
        case MethodKind::Dynamic: {
            const auto mpe = r.setup.effective_max_position_embeddings();
            const auto len = std::max(r.setup.seq_len, mpe);
            add(lines, Kind::Formula, "len = max(seq_len, max_pos) = " + ctx(len));
            add(lines, Kind::Formula, "b′ = b (s len/max_pos − (s−1))^(d/(d−2))");
            add(lines, Kind::Formula, "   = " + fmt(r.effective_theta));
            add(lines, Kind::Formula, "θ′ᵢ = b′^(−2i/d)");
            if (r.setup.seq_len <= mpe)
                add(lines, Kind::Note, "seq_len <= max_position_embeddings (" + ctx(mpe) + "): no scaling yet.");
            break;
        }
        case MethodKind::NtkByParts: {
            const auto& m = std::get<NtkByPartsMethod>(r.method);
            add(lines, Kind::Formula, "rᵢ = L / λᵢ  (turns in L)");
            add(lines, Kind::Formula, "γ = clamp((r − " + fmt(m.alpha) + ")/(" + fmt(m.beta) + " - " + fmt(m.alpha) +
                                          "), 0, 1)");
            add(lines, Kind::Formula, "θ′ᵢ = (1−γ) θᵢ/s + γ θᵢ");
            add(lines, Kind::Note, "kept (r > β): " + pair_span(r, Band::Kept) + ";  blended: " +
                                       pair_span(r, Band::Blended) + ";  interpolated (r < α): " +
                                       pair_span(r, Band::Interpolated));
            break;
        }
        case MethodKind::Yarn:
            add(lines, Kind::Formula, "s = " + s);
            yarn_lines(r, lines);
            break;
        case MethodKind::DynamicYarn:
            add(lines, Kind::Formula, "s = max(1, seq_len/L) = " + s);
            yarn_lines(r, lines);
            break;
        case MethodKind::Llama3: {
            const auto& m = std::get<Llama3Method>(r.method);
            if (r.llama3_low_freq_wavelen && r.llama3_high_freq_wavelen) {
                add(lines, Kind::Formula, "λ_low  = L/low_freq_factor  = " + fmt(*r.llama3_low_freq_wavelen));
                add(lines, Kind::Formula, "λ_high = L/high_freq_factor = " + fmt(*r.llama3_high_freq_wavelen));
                add(lines, Kind::Note, "λ < " + fmt(*r.llama3_high_freq_wavelen) + ": kept, " + pair_span(r, Band::Kept) +
                                           ";  λ > " + fmt(*r.llama3_low_freq_wavelen) + ": θ/s, " +
                                           pair_span(r, Band::Interpolated) + ";  between: " +
                                           pair_span(r, Band::Blended));
                add(lines, Kind::Formula, "smooth = (L/lambda - " + fmt(m.low_freq_factor) + ")/(" +
                                              fmt(m.high_freq_factor) + " - " + fmt(m.low_freq_factor) + ")");
                add(lines, Kind::Formula, "θ′ = (1−smooth) θ/s + smooth θ");
            }
            break;
        }
        case MethodKind::LongRope: {
            const auto& m = std::get<LongRopeMethod>(r.method);
            const auto& list = r.uses_long_factor ? m.long_factor : m.short_factor;
            const char* which = r.uses_long_factor ? "long_factor" : "short_factor";
            add(lines, Kind::Formula, "θ′ᵢ = θᵢ / λᵢ");
            add(lines, Kind::Formula, std::string("λ = ") + which);
            if (!list.empty()) {
                const auto [lo, hi] = std::minmax_element(list.begin(), list.end());
                add(lines, Kind::Note, std::string(which) + ": " + std::to_string(list.size()) + " values, " + fmt(*lo, 4) +
                                           " .. " + fmt(*hi, 4) + ".");
            }
            add(lines, Kind::Note, m.choice == LongRopeFactorChoice::Auto
                                       ? "HF rule: long_factor iff seq_len (" + ctx(r.setup.seq_len) + ") > L (" + L + ")."
                                       : std::string("Forced to ") + which + ".");
            if (m.attention_factor) {
                add(lines, Kind::Formula, "attention_factor = " + fmt(r.attention_factor) + " (override)");
            } else if (r.factor > 1) {
                add(lines, Kind::Formula, "attention_factor = sqrt(1 + ln(s)/ln(L))");
                add(lines, Kind::Formula, "  = sqrt(1 + ln(" + s + ")/ln(" + L + ")) = " + fmt(r.attention_factor));
            } else {
                add(lines, Kind::Formula, "attention_factor = 1  (s <= 1)");
            }
            if (r.n_hat > 0)
                add(lines, Kind::Note, "n_hat = " + ctx(r.n_hat) + ": positions m < n_hat keep the angle m θᵢ.");
            break;
        }
    }
    if (!r.pairs.empty()) {
        add(lines, Kind::Heading, "Wavelengths and coverage");
        add(lines, Kind::Formula, "λ′ᵢ = 2π/θ′ᵢ = " + fmt(r.pairs.front().wavelength, 4) + " .. " +
                                      fmt(r.pairs.back().wavelength, 4));
        int leaving = 0;
        for (const auto& p : r.pairs) leaving += p.leaves_trained_range ? 1 : 0;
        add(lines, leaving > 0 ? Kind::Warning : Kind::Note,
            "At L′ = " + Lp + ": " + std::to_string(leaving) + " of " + std::to_string(r.num_pairs()) +
                " pairs reach angles never seen in training" +
                (leaving > 0 ? " (" + span_where(r, [](const PairRow& p) { return p.leaves_trained_range; }) + ")."
                             : "."));
    }
    for (const auto& warning : r.warnings) add(lines, Kind::Warning, warning);
    return lines;
}

}  // namespace ropescope::gui
