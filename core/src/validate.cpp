#include "ropescope/validate.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <string>

namespace ropescope {

std::string format_number(double value) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    // Whole numbers print as integers ("1000000", not "1e+06"); both forms round-trip exactly.
    if (value == std::floor(value) && std::abs(value) < 1e15) return std::to_string(static_cast<long long>(value));
    char buffer[64];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
    return std::string(buffer, end);
}

namespace {

constexpr double kNoUpperBound = std::numeric_limits<double>::max();
// Bases in public configs go up to about 1e8; far beyond that NTK's b * s^(d/(d-2)) overflows.
constexpr double kMaxRopeTheta = 1e12;
// Ramp ends are rotations in L: the fastest pair turns L / 2 pi <= 2^31 / 2 pi ~ 3.4e8 times.
constexpr double kMaxRotations = 1e9;

Error field_error(const std::string& field, const std::string& value, const std::string& allowed) {
    return Error{field, field + ": " + value + " is not allowed; " + allowed + "."};
}

// Checks a real parameter is finite and within (lo, hi) / [lo, hi] as requested.
Status check_real(const std::string& field, double value, double lo, bool lo_inclusive, double hi,
                  bool hi_inclusive, const std::string& allowed) {
    const bool in_range = std::isfinite(value) && (lo_inclusive ? value >= lo : value > lo) &&
                          (hi_inclusive ? value <= hi : value < hi);
    if (!in_range) return field_error(field, format_number(value), allowed);
    return Ok{};
}

Status check_context(const std::string& field, std::int64_t value, std::int64_t lo) {
    if (value < lo || value > kMaxContext)
        return field_error(field, std::to_string(value),
                           "it must be a whole number of tokens from " + std::to_string(lo) +
                               " to 2147483648 (2^31)");
    return Ok{};
}

#define ROPESCOPE_TRY(expr)                  \
    do {                                     \
        if (auto status_ = (expr); !status_) \
            return status_;                  \
    } while (false)

Status validate_setup(const RopeSetup& setup, std::vector<std::string>& warnings) {
    if (setup.rotary_dim_override <= 0 && (setup.head_dim <= 0 || setup.head_dim > 65536))
        return field_error("head_dim", std::to_string(setup.head_dim),
                           "it must be an even whole number from 2 to 65536");
    ROPESCOPE_TRY(check_real("partial_rotary_factor", setup.partial_rotary_factor, 0, false, 1, true,
                             "it must be a number in (0, 1]"));
    const int d = setup.rotary_dim();
    const bool head_dim_fine = setup.head_dim >= 2 && setup.head_dim % 2 == 0 && setup.head_dim <= 65536;
    if ((d < 2 || d % 2 != 0) && setup.rotary_dim_override <= 0 && setup.partial_rotary_factor != 1.0 && head_dim_fine)
        return field_error("partial_rotary_factor", format_number(setup.partial_rotary_factor),
                           "head_dim " + std::to_string(setup.head_dim) + " times it gives " + std::to_string(d) +
                               " rotated dimensions; it must give an even number of at least 2");
    if (d < 2 || d % 2 != 0 || d > 65536) {
        const std::string field = setup.rotary_dim_override > 0 ? "qk_rope_head_dim"
                                  : setup.partial_rotary_factor == 1.0 ? "head_dim"
                                                                       : "head_dim * partial_rotary_factor";
        return field_error(field, std::to_string(d),
                           "the rotary dimension must be an even whole number from 2 to 65536 "
                           "(every rotary pair needs two dimensions)");
    }
    ROPESCOPE_TRY(check_real("rope_theta", setup.rope_theta, 1, false, kMaxRopeTheta, true,
                             "it must be a number greater than 1 and at most 1e12"));
    ROPESCOPE_TRY(check_context("original_max_position_embeddings", setup.original_max_position_embeddings, 1));
    ROPESCOPE_TRY(check_real("factor", setup.factor, 0, false, kNoUpperBound, true,
                             "it must be a finite number greater than 0"));
    const double target = setup.factor * static_cast<double>(setup.original_max_position_embeddings);
    // s * L below one token leaves no context at all (and subnormal factors overflow 1/s).
    if (target < 1.0)
        return Error{"factor", "factor: " + format_number(setup.factor) +
                                   " is not allowed; with original_max_position_embeddings " +
                                   std::to_string(setup.original_max_position_embeddings) + " it must be at least 1/" +
                                   std::to_string(setup.original_max_position_embeddings) + " = " +
                                   format_number(1.0 / static_cast<double>(setup.original_max_position_embeddings)) +
                                   " (s * L must be at least one token)."};
    if (target > static_cast<double>(kMaxContext))
        return Error{"factor",
                     "factor: " + format_number(setup.factor) + " with original_max_position_embeddings " +
                         std::to_string(setup.original_max_position_embeddings) + " gives a target context of " +
                         format_number(target) + " tokens; the target context must not exceed 2147483648 (2^31)."};
    if (setup.factor < 1.0)
        warnings.push_back("factor " + format_number(setup.factor) +
                           " is below 1: the context is shrunk, not extended (HF accepts it with a warning).");
    if (setup.max_position_embeddings != 0)
        ROPESCOPE_TRY(check_context("max_position_embeddings", setup.max_position_embeddings, 1));
    if (setup.seq_len != 0) ROPESCOPE_TRY(check_context("seq_len", setup.seq_len, 1));
    return Ok{};
}

Status validate_yarn(const YarnMethod& yarn, std::vector<std::string>& warnings) {
    ROPESCOPE_TRY(check_real("beta_fast", yarn.beta_fast, 0, false, kMaxRotations, true,
                             "it must be a number greater than 0 and at most 1e9 (rotations in L)"));
    ROPESCOPE_TRY(check_real("beta_slow", yarn.beta_slow, 0, false, kMaxRotations, true,
                             "it must be a number greater than 0 and at most 1e9 (rotations in L)"));
    if (yarn.beta_fast <= yarn.beta_slow)
        warnings.push_back("beta_fast " + format_number(yarn.beta_fast) + " is not greater than beta_slow " +
                           format_number(yarn.beta_slow) + ": the ramp runs backwards (HF warns about this).");
    if (yarn.mscale)
        ROPESCOPE_TRY(check_real("mscale", *yarn.mscale, 0, true, 1e6, true,
                                 "it must be a finite number from 0 to 1e6"));
    if (yarn.mscale_all_dim)
        ROPESCOPE_TRY(check_real("mscale_all_dim", *yarn.mscale_all_dim, 0, true, 1e6, true,
                                 "it must be a finite number from 0 to 1e6"));
    if (yarn.attention_factor)
        ROPESCOPE_TRY(check_real("attention_factor", *yarn.attention_factor, 1e-6, true, 1e6, true,
                                 "it must be a number from 1e-6 to 1e6"));
    return Ok{};
}

Status validate_factor_list(const std::string& field, const std::vector<double>& factors, int pairs) {
    if (static_cast<int>(factors.size()) != pairs)
        return Error{field, field + ": has " + std::to_string(factors.size()) +
                                " entries; it must have one per rotary pair, rotary_dim/2 = " +
                                std::to_string(pairs) + "."};
    for (std::size_t i = 0; i < factors.size(); ++i)
        // Bounded away from 0 and infinity so that theta_i / factor stays a finite, normal number.
        ROPESCOPE_TRY(check_real(field + "[" + std::to_string(i) + "]", factors[i], 1e-6, true, 1e6, true,
                                 "every factor must be a number from 1e-6 to 1e6"));
    return Ok{};
}

}  // namespace

Status validate(const RopeSetup& setup, const Method& method, std::vector<std::string>* warnings_out) {
    std::vector<std::string> scratch;
    std::vector<std::string>& warnings = warnings_out ? *warnings_out : scratch;
    ROPESCOPE_TRY(validate_setup(setup, warnings));
    const int d = setup.rotary_dim();

    switch (kind_of(method)) {
        case MethodKind::Ntk:
        case MethodKind::Dynamic:
            // The NTK exponent d/(d-2) needs at least two pairs.
            if (d < 4)
                return field_error("head_dim", std::to_string(d),
                                   "NTK-aware scaling needs a rotary dimension of at least 4 (exponent d/(d-2))");
            break;
        case MethodKind::NtkByParts: {
            const auto& m = std::get<NtkByPartsMethod>(method);
            ROPESCOPE_TRY(check_real("alpha", m.alpha, 0, true, kMaxRotations, true,
                                     "it must be a number from 0 to 1e9 (rotations in L)"));
            if (!std::isfinite(m.beta) || m.beta <= m.alpha || m.beta > kMaxRotations)
                return field_error("beta", format_number(m.beta),
                                   "it must be a number greater than alpha (" + format_number(m.alpha) +
                                       ") and at most 1e9 (rotations in L)");
            break;
        }
        case MethodKind::Yarn:
            ROPESCOPE_TRY(validate_yarn(std::get<YarnMethod>(method), warnings));
            break;
        case MethodKind::DynamicYarn:
            ROPESCOPE_TRY(validate_yarn(std::get<DynamicYarnMethod>(method).yarn, warnings));
            break;
        case MethodKind::Llama3: {
            const auto& m = std::get<Llama3Method>(method);
            ROPESCOPE_TRY(check_real("low_freq_factor", m.low_freq_factor, 0, false, 1e6, true,
                                     "it must be a number greater than 0 and at most 1e6"));
            ROPESCOPE_TRY(check_real("high_freq_factor", m.high_freq_factor, 0, false, 1e6, true,
                                     "it must be a number greater than 0 and at most 1e6"));
            if (m.high_freq_factor == m.low_freq_factor)
                return field_error("high_freq_factor", format_number(m.high_freq_factor),
                                   "it must differ from low_freq_factor (the smoothing divides by their difference)");
            if (m.high_freq_factor < m.low_freq_factor)
                warnings.push_back("high_freq_factor " + format_number(m.high_freq_factor) +
                                   " is below low_freq_factor " + format_number(m.low_freq_factor) +
                                   ": the smoothed band is empty (HF warns about this).");
            break;
        }
        case MethodKind::LongRope: {
            const auto& m = std::get<LongRopeMethod>(method);
            ROPESCOPE_TRY(validate_factor_list("short_factor", m.short_factor, d / 2));
            ROPESCOPE_TRY(validate_factor_list("long_factor", m.long_factor, d / 2));
            if (m.attention_factor)
                ROPESCOPE_TRY(check_real("attention_factor", *m.attention_factor, 1e-6, true, 1e6, true,
                                         "it must be a number from 1e-6 to 1e6"));
            if (!m.attention_factor && setup.factor > 1.0 && setup.original_max_position_embeddings < 2)
                return field_error("original_max_position_embeddings",
                                   std::to_string(setup.original_max_position_embeddings),
                                   "LongRoPE's attention factor sqrt(1 + ln s / ln L) needs L >= 2 "
                                   "(or an explicit attention_factor)");
            if (m.n_hat < 0 || m.n_hat > kMaxContext)
                return field_error("n_hat", std::to_string(m.n_hat),
                                   "it must be a whole number of positions from 0 to 2147483648 (2^31)");
            break;
        }
        case MethodKind::Default:
        case MethodKind::Linear:
            break;
    }
    return Ok{};
}

}  // namespace ropescope
