// inv_freq in float32, following transformers 5.x's torch code step by step. Every torch op on a
// float32 tensor rounds to float32; Python scalars (base, factor, low, high) are computed in double
// and rounded to float32 when they meet a tensor. The comments quote the line each step mirrors.
#include "ropescope/rope_float32.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace ropescope {

namespace {

// torch.arange(0, dim, 2, dtype=torch.int64).to(dtype=torch.float) / dim
float exponent(int i, int d) { return static_cast<float>(2 * i) / static_cast<float>(d); }

// base ** exponent: a Python float raised to a float32 tensor (the base is rounded to float32).
float power(double base, int i, int d) { return std::pow(static_cast<float>(base), exponent(i, d)); }

// inv_freq = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.int64).to(dtype=torch.float) / dim))
std::vector<float> default_inv_freq(double base, int d) {
    std::vector<float> inv(static_cast<std::size_t>(d / 2));
    for (int i = 0; i < d / 2; ++i) inv[static_cast<std::size_t>(i)] = 1.0f / power(base, i, d);
    return inv;
}

const YarnMethod& yarn_of(const RopeResult& r) {
    return r.kind == MethodKind::Yarn ? std::get<YarnMethod>(r.method) : std::get<DynamicYarnMethod>(r.method).yarn;
}

std::vector<float> frequencies32(const RopeResult& r) {
    const int d = r.rotary_dim;
    const std::size_t n = static_cast<std::size_t>(d / 2);
    const double base = r.setup.rope_theta;
    const double s = r.factor;
    switch (r.kind) {
        case MethodKind::Default: return default_inv_freq(base, d);
        case MethodKind::Linear: {
            std::vector<float> inv = default_inv_freq(base, d);
            for (float& x : inv) x /= static_cast<float>(s);  // inv_freq /= factor
            return inv;
        }
        case MethodKind::Ntk:
        case MethodKind::Dynamic:
            // base = base * (...) ** (dim / (dim - 2)) in Python (double), then the default formula.
            return default_inv_freq(r.effective_theta, d);
        case MethodKind::Llama3: {
            const auto& m = std::get<Llama3Method>(r.method);
            const double old_context_len = static_cast<double>(r.original_context);
            const double low_freq_wavelen = old_context_len / m.low_freq_factor;    // Python floats
            const double high_freq_wavelen = old_context_len / m.high_freq_factor;
            const std::vector<float> inv_freq = default_inv_freq(base, d);
            std::vector<float> out(n);
            for (std::size_t i = 0; i < n; ++i) {
                // wavelen = 2 * math.pi / inv_freq
                const float wavelen = static_cast<float>(2.0 * std::numbers::pi) / inv_freq[i];
                // inv_freq_llama = torch.where(wavelen > low_freq_wavelen, inv_freq / factor, inv_freq)
                const float llama = wavelen > static_cast<float>(low_freq_wavelen) ? inv_freq[i] / static_cast<float>(s)
                                                                                    : inv_freq[i];
                // smooth_factor = (old_context_len / wavelen - low_freq_factor) / (high_freq_factor - low_freq_factor)
                const float smooth = (static_cast<float>(old_context_len) / wavelen - static_cast<float>(m.low_freq_factor)) /
                                     static_cast<float>(m.high_freq_factor - m.low_freq_factor);
                // smoothed_inv_freq = (1 - smooth_factor) * inv_freq_llama / factor + smooth_factor * inv_freq_llama
                const float smoothed = (1.0f - smooth) * llama / static_cast<float>(s) + smooth * llama;
                // is_medium_freq = ~(wavelen < high_freq_wavelen) * ~(wavelen > low_freq_wavelen)
                const bool medium = !(wavelen < static_cast<float>(high_freq_wavelen)) &&
                                    !(wavelen > static_cast<float>(low_freq_wavelen));
                out[i] = medium ? smoothed : llama;
            }
            return out;
        }
        case MethodKind::Yarn:
        case MethodKind::DynamicYarn: {
            (void)yarn_of(r);
            const double low = r.yarn->low, high = r.yarn->high;  // Python numbers (the + 0.001 included)
            std::vector<float> out(n);
            for (std::size_t i = 0; i < n; ++i) {
                // pos_freqs = base ** (torch.arange(0, dim, 2).to(dtype=torch.float) / dim)
                const float pos_freqs = power(base, static_cast<int>(i), d);
                const float extrapolation = 1.0f / pos_freqs;                            // 1.0 / pos_freqs
                const float interpolation = 1.0f / (static_cast<float>(s) * pos_freqs);  // 1.0 / (factor * pos_freqs)
                // linear_func = (torch.arange(dim, dtype=torch.float32) - min) / (max - min); clamp(0, 1)
                const float linear = (static_cast<float>(i) - static_cast<float>(low)) / static_cast<float>(high - low);
                const float ramp = std::clamp(linear, 0.0f, 1.0f);
                const float extrapolation_factor = 1.0f - ramp;  // 1 - linear_ramp_factor(low, high, dim // 2)
                // inv_freq_interpolation * (1 - factor) + inv_freq_extrapolation * factor
                out[i] = interpolation * (1.0f - extrapolation_factor) + extrapolation * extrapolation_factor;
            }
            return out;
        }
        case MethodKind::LongRope: {
            const auto& m = std::get<LongRopeMethod>(r.method);
            const auto& ext = r.uses_long_factor ? m.long_factor : m.short_factor;
            std::vector<float> out(n);
            for (std::size_t i = 0; i < n; ++i) {
                // ext_factors = torch.tensor(long_factor or short_factor, dtype=torch.float32)
                // inv_freq = 1.0 / (ext_factors * base**inv_freq_shape)
                out[i] = 1.0f / (static_cast<float>(ext[i]) * power(base, static_cast<int>(i), d));
            }
            return out;
        }
        case MethodKind::NtkByParts: {
            const std::vector<float> inv_freq = default_inv_freq(base, d);
            std::vector<float> out(n);
            for (std::size_t i = 0; i < n; ++i) {
                // RopeScope's own: (1 - gamma) * theta / s + gamma * theta, as llama3's smoothed blend.
                const float gamma = static_cast<float>(r.pairs[i].ramp);
                out[i] = (1.0f - gamma) * inv_freq[i] / static_cast<float>(s) + gamma * inv_freq[i];
            }
            return out;
        }
    }
    return default_inv_freq(base, d);
}

}  // namespace

Float32Frequencies compute_float32(const RopeResult& exact) {
    Float32Frequencies out;
    out.inv_freq = frequencies32(exact);
    out.attention_factor = static_cast<float>(exact.attention_factor);  // cos * attention_scaling on float32
    for (std::size_t i = 0; i < out.inv_freq.size() && i < exact.inv_freq.size(); ++i) {
        const double error = std::abs(static_cast<double>(out.inv_freq[i]) - exact.inv_freq[i]) / exact.inv_freq[i];
        out.max_rel_error = std::max(out.max_rel_error, error);
    }
    return out;
}

RopeResult with_float32(const RopeResult& exact, const Float32Frequencies& f32) {
    RopeResult r = exact;
    constexpr double kTwoPi = 2.0 * std::numbers::pi;
    for (std::size_t i = 0; i < r.pairs.size() && i < f32.inv_freq.size(); ++i) {
        const double inv = f32.inv_freq[i];
        r.inv_freq[i] = inv;
        PairRow& row = r.pairs[i];
        row.inv_freq = inv;
        row.scale = row.inv_freq_original / inv;
        row.wavelength = kTwoPi / inv;
    }
    r.attention_factor = f32.attention_factor;
    return r;
}

}  // namespace ropescope
