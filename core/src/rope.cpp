// The per-method frequency formulas (see docs/methods.md and the reference sheet).
// Each formula is written in the form Hugging Face transformers uses so that results agree
// to rounding; comments name the HF function it mirrors.
#include "ropescope/rope.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "ropescope/validate.h"

namespace ropescope {

std::int64_t RopeSetup::target_context() const {
    const double target = std::round(factor * static_cast<double>(original_max_position_embeddings));
    return std::max({std::int64_t{1}, static_cast<std::int64_t>(target), max_position_embeddings});
}

double RopeSetup::target_length() const {
    return std::max({1.0, factor * static_cast<double>(original_max_position_embeddings),
                     static_cast<double>(max_position_embeddings)});
}

std::string_view band_name(Band band) {
    switch (band) {
        case Band::Kept: return "kept";
        case Band::Blended: return "blended";
        case Band::Interpolated: return "interpolated";
    }
    return "kept";
}

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kTwoPi = 2.0 * std::numbers::pi;

// theta_i = 1 / base^(2i/d) for i = 0 .. d/2-1 (HF: _compute_default_rope_parameters).
std::vector<double> base_inv_freq(double base, int d) {
    std::vector<double> inv(static_cast<std::size_t>(d / 2));
    for (int i = 0; i < d / 2; ++i) inv[i] = 1.0 / std::pow(base, (2.0 * i) / d);
    return inv;
}

// YaRN's get_mscale: 0.1 * m * ln(s) + 1 for s > 1, else 1.
double yarn_get_mscale(double scale, double m = 1.0) {
    return scale <= 1.0 ? 1.0 : 0.1 * m * std::log(scale) + 1.0;
}

// The per-pair output of one formula before derived quantities are filled in.
struct Frequencies {
    std::vector<double> inv_freq;
    std::vector<double> ramp;         // method's own ramp, NaN if none
    std::vector<double> keep_weight;  // blend weight of the original frequency, NaN if not a blend
    std::vector<Band> band;           // empty: derive from the scale
};

Frequencies no_ramp(std::vector<double> inv) {
    const std::size_t n = inv.size();
    return Frequencies{std::move(inv), std::vector<double>(n, kNaN), std::vector<double>(n, kNaN), {}};
}

// Blend theta' = (1-w) theta/s + w theta with the keep weight w per pair.
double blend(double theta, double scale, double keep) { return (1.0 - keep) * theta / scale + keep * theta; }

// HF: _compute_yarn_parameters (transformers >= 4.56).
Frequencies yarn_frequencies(const RopeSetup& setup, const YarnMethod& yarn, double s,
                             const std::vector<double>& theta, RopeResult& out) {
    const int d = setup.rotary_dim();
    const double base = setup.rope_theta;
    const double L = static_cast<double>(setup.original_max_position_embeddings);
    const auto corr_dim = [&](double rotations) {
        return d * std::log(L / (rotations * kTwoPi)) / (2.0 * std::log(base));
    };
    YarnCorrection corr;
    corr.low_raw = corr_dim(yarn.beta_fast);
    corr.high_raw = corr_dim(yarn.beta_slow);
    double low = yarn.truncate ? std::floor(corr.low_raw) : corr.low_raw;
    double high = yarn.truncate ? std::ceil(corr.high_raw) : corr.high_raw;
    low = std::max(low, 0.0);
    high = std::min(high, static_cast<double>(d - 1));
    if (low == high) high += 0.001;  // HF: avoid a zero-width ramp
    corr.low = low;
    corr.high = high;
    out.yarn = corr;

    Frequencies f;
    const std::size_t n = theta.size();
    f.inv_freq.resize(n);
    f.ramp.resize(n);
    f.keep_weight.resize(n);
    f.band.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double ramp = std::clamp((static_cast<double>(i) - low) / (high - low), 0.0, 1.0);
        f.ramp[i] = ramp;
        f.keep_weight[i] = 1.0 - ramp;  // HF: inv_freq_extrapolation_factor
        f.inv_freq[i] = (theta[i] / s) * ramp + theta[i] * (1.0 - ramp);
        f.band[i] = ramp <= 0.0 ? Band::Kept : ramp >= 1.0 ? Band::Interpolated : Band::Blended;
    }

    if (yarn.attention_factor) {
        out.attention_factor = *yarn.attention_factor;
    } else if (yarn.mscale.value_or(0) != 0 && yarn.mscale_all_dim.value_or(0) != 0) {
        out.attention_factor = yarn_get_mscale(s, *yarn.mscale) / yarn_get_mscale(s, *yarn.mscale_all_dim);
    } else {
        out.attention_factor = yarn_get_mscale(s);
    }
    // DeepSeek V2/V3 multiply their softmax scale by get_mscale(s, mscale_all_dim)^2.
    if (yarn.mscale_all_dim.value_or(0) != 0) {
        const double m = yarn_get_mscale(s, *yarn.mscale_all_dim);
        out.softmax_scale_multiplier = m * m;
    }
    return f;
}

// NTK-aware base change: b' = b * ratio^(d/(d-2)).
std::vector<double> ntk_inv_freq(double base, double ratio, int d, RopeResult& out) {
    out.effective_theta = base * std::pow(ratio, static_cast<double>(d) / (d - 2));
    return base_inv_freq(out.effective_theta, d);
}

Frequencies method_frequencies(const RopeSetup& setup, const Method& method, const std::vector<double>& theta,
                               RopeResult& out) {
    const int d = setup.rotary_dim();
    const double s = setup.factor;
    const double L = static_cast<double>(setup.original_max_position_embeddings);
    const std::size_t n = theta.size();

    switch (kind_of(method)) {
        case MethodKind::Default: {
            Frequencies f = no_ramp(theta);
            f.keep_weight.assign(n, 1.0);
            return f;
        }
        case MethodKind::Linear: {  // HF: _compute_linear_scaling_rope_parameters
            std::vector<double> inv(n);
            for (std::size_t i = 0; i < n; ++i) inv[i] = theta[i] / s;
            Frequencies f = no_ramp(std::move(inv));
            f.keep_weight.assign(n, 0.0);
            return f;
        }
        case MethodKind::Ntk:
            return no_ramp(ntk_inv_freq(setup.rope_theta, s, d, out));
        case MethodKind::Dynamic: {  // HF: _compute_dynamic_ntk_parameters
            const double mpe = static_cast<double>(setup.effective_max_position_embeddings());
            const double len = std::max(static_cast<double>(setup.seq_len), mpe);
            return no_ramp(ntk_inv_freq(setup.rope_theta, s * len / mpe - (s - 1.0), d, out));
        }
        case MethodKind::NtkByParts: {  // YaRN paper, eq. for h(theta_d) with gamma(r)
            const auto& m = std::get<NtkByPartsMethod>(method);
            Frequencies f;
            f.inv_freq.resize(n);
            f.ramp.resize(n);
            f.band.resize(n);
            for (std::size_t i = 0; i < n; ++i) {
                const double r = L * theta[i] / kTwoPi;
                const double gamma = std::clamp((r - m.alpha) / (m.beta - m.alpha), 0.0, 1.0);
                f.ramp[i] = gamma;
                f.inv_freq[i] = blend(theta[i], s, gamma);
                f.band[i] = gamma >= 1.0 ? Band::Kept : gamma <= 0.0 ? Band::Interpolated : Band::Blended;
            }
            f.keep_weight = f.ramp;
            return f;
        }
        case MethodKind::Yarn:
            return yarn_frequencies(setup, std::get<YarnMethod>(method), s, theta, out);
        case MethodKind::DynamicYarn: {
            const double s_now = std::max(1.0, static_cast<double>(setup.seq_len) / L);
            out.factor = s_now;
            return yarn_frequencies(setup, std::get<DynamicYarnMethod>(method).yarn, s_now, theta, out);
        }
        case MethodKind::Llama3: {  // HF: _compute_llama3_parameters
            const auto& m = std::get<Llama3Method>(method);
            const double low_wl = L / m.low_freq_factor;
            const double high_wl = L / m.high_freq_factor;
            out.llama3_low_freq_wavelen = low_wl;
            out.llama3_high_freq_wavelen = high_wl;
            Frequencies f;
            f.inv_freq.resize(n);
            f.ramp.resize(n);
            f.keep_weight.resize(n);
            f.band.resize(n);
            for (std::size_t i = 0; i < n; ++i) {
                const double wavelen = kTwoPi / theta[i];
                const double smooth = (L / wavelen - m.low_freq_factor) / (m.high_freq_factor - m.low_freq_factor);
                f.ramp[i] = std::clamp(smooth, 0.0, 1.0);
                if (wavelen < high_wl) {
                    f.inv_freq[i] = theta[i];
                    f.keep_weight[i] = 1.0;
                    f.band[i] = Band::Kept;
                } else if (wavelen > low_wl) {
                    f.inv_freq[i] = theta[i] / s;
                    f.keep_weight[i] = 0.0;
                    f.band[i] = Band::Interpolated;
                } else {
                    f.inv_freq[i] = blend(theta[i], s, smooth);
                    f.keep_weight[i] = smooth;
                    f.band[i] = Band::Blended;
                }
            }
            return f;
        }
        case MethodKind::LongRope: {  // HF: _compute_longrope_parameters
            const auto& m = std::get<LongRopeMethod>(method);
            out.uses_long_factor = m.choice == LongRopeFactorChoice::Long ||
                                   (m.choice == LongRopeFactorChoice::Auto &&
                                    setup.seq_len > setup.original_max_position_embeddings);
            const auto& ext = out.uses_long_factor ? m.long_factor : m.short_factor;
            std::vector<double> inv(n);
            for (std::size_t i = 0; i < n; ++i) inv[i] = 1.0 / (ext[i] * std::pow(setup.rope_theta, (2.0 * static_cast<double>(i)) / d));
            if (m.attention_factor)
                out.attention_factor = *m.attention_factor;
            else
                out.attention_factor = s <= 1.0 ? 1.0 : std::sqrt(1.0 + std::log(s) / std::log(L));
            out.n_hat = m.n_hat;
            return no_ramp(std::move(inv));
        }
    }
    return no_ramp(theta);
}

bool depends_on_length(const Method& method) {
    switch (kind_of(method)) {
        case MethodKind::Dynamic:
        case MethodKind::DynamicYarn: return true;
        case MethodKind::LongRope: return std::get<LongRopeMethod>(method).choice == LongRopeFactorChoice::Auto;
        default: return false;
    }
}

Band band_from_scale(double scale, double s) {
    constexpr double tol = 1e-12;
    if (std::abs(scale - 1.0) <= tol) return Band::Kept;
    if (std::abs(scale - s) <= tol * s) return Band::Interpolated;
    return Band::Blended;
}

}  // namespace

Result<RopeResult> compute_rope(const RopeSetup& setup, const Method& method) {
    RopeResult out;
    if (auto status = validate(setup, method, &out.warnings); !status) return status.error();

    const int d = setup.rotary_dim();
    out.kind = kind_of(method);
    out.method = method;
    out.setup = setup;
    out.rotary_dim = d;
    out.factor = setup.factor;
    out.effective_theta = setup.rope_theta;
    out.original_context = setup.original_max_position_embeddings;
    out.target_context = setup.target_context();
    out.inv_freq_original = base_inv_freq(setup.rope_theta, d);

    Frequencies f = method_frequencies(setup, method, out.inv_freq_original, out);
    out.inv_freq = std::move(f.inv_freq);

    // Coverage asks: once the sequence reaches L', which angles does each pair see? Methods that
    // depend on the current length (dynamic NTK, dynamic YaRN, LongRoPE's automatic switch) are
    // evaluated at seq_len = L' for that question; static methods have one set of frequencies.
    std::vector<double> at_target = out.inv_freq;
    if (depends_on_length(method) && setup.seq_len != out.target_context) {
        RopeSetup at_length = setup;
        at_length.seq_len = out.target_context;
        RopeResult scratch;
        at_target = method_frequencies(at_length, method, out.inv_freq_original, scratch).inv_freq;
    }

    const double L = static_cast<double>(out.original_context);
    const double s = out.factor;
    const int pairs = d / 2;
    out.pairs.resize(static_cast<std::size_t>(pairs));
    for (int i = 0; i < pairs; ++i) {
        PairRow& row = out.pairs[i];
        row.index = i;
        row.inv_freq_original = out.inv_freq_original[i];
        row.inv_freq = out.inv_freq[i];
        row.scale = row.inv_freq_original / row.inv_freq;
        row.wavelength_original = kTwoPi / row.inv_freq_original;
        row.wavelength = kTwoPi / row.inv_freq;
        row.rotations = L / row.wavelength_original;
        row.ramp = f.ramp[i];
        if (!std::isnan(f.keep_weight[i]))
            row.keep_weight = f.keep_weight[i];
        else if (s == 1.0)
            row.keep_weight = kNaN;
        else  // theta'/theta = (1-w)/s + w  =>  w = (theta'/theta - 1/s) / (1 - 1/s)
            row.keep_weight = (1.0 / row.scale - 1.0 / s) / (1.0 - 1.0 / s);
        row.band = f.band.empty() ? band_from_scale(row.scale, s) : f.band[i];
        row.max_angle_trained = L * row.inv_freq_original;
        // At L' = s * L unrounded: rounding L' to whole tokens made PI's interpolated pairs exceed the
        // trained angle by up to 0.5 / (s L) at some factors (s = 3.3: 18 pairs "out of range").
        row.max_angle_target = setup.target_length() *
                               (out.target_context < out.n_hat ? row.inv_freq_original : at_target[i]);
        row.leaves_trained_range =
            row.max_angle_trained < kTwoPi && row.max_angle_target > row.max_angle_trained * (1.0 + 1e-9);
    }
    return out;
}

}  // namespace ropescope
