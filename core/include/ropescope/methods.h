// The context-extension methods, each a value type holding its own parameters
// (HF config key names and defaults). The shared factor and contexts live in RopeSetup.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ropescope {

enum class MethodKind { Default, Linear, Ntk, Dynamic, NtkByParts, Yarn, DynamicYarn, Llama3, LongRope };

inline constexpr std::array<MethodKind, 9> kAllMethods = {
    MethodKind::Default, MethodKind::Linear,      MethodKind::Ntk,
    MethodKind::Dynamic, MethodKind::NtkByParts,  MethodKind::Yarn,
    MethodKind::DynamicYarn, MethodKind::Llama3,  MethodKind::LongRope};

// Canonical name: HF rope_type where one exists, else "ntk", "ntk_by_parts", "dynamic_yarn".
std::string_view method_name(MethodKind kind);
// Human label for legends, e.g. "YaRN", "Position Interpolation".
std::string_view method_label(MethodKind kind);
// Parses a canonical name or an alias (pi, su, none, ntk_aware, ...). Case-insensitive.
std::optional<MethodKind> method_from_name(std::string_view name);
// Comma-separated list of accepted names, for error messages.
std::string method_names_list();

// No scaling: theta'_i = theta_i (plain extrapolation past L).
struct DefaultMethod {};
// Position Interpolation: theta'_i = theta_i / s.
struct LinearMethod {};
// Static NTK-aware: base b' = b * s^(d/(d-2)).
struct NtkMethod {};
// HF Dynamic NTK: NTK-aware with s recomputed from seq_len against max_position_embeddings.
struct DynamicMethod {};

// NTK-by-parts in the YaRN paper's form: ramp gamma(r) linear in r = L/lambda.
struct NtkByPartsMethod {
    double alpha = 1.0;   // below alpha rotations in L: fully interpolated
    double beta = 32.0;   // above beta rotations in L: kept
};

// YaRN as Hugging Face computes it (ramp linear in the pair index).
struct YarnMethod {
    double beta_fast = 32.0;                  // HF: beta_fast (null/0 -> 32)
    double beta_slow = 1.0;                   // HF: beta_slow (null/0 -> 1)
    bool truncate = true;                     // HF: truncate (floor/ceil the correction dims)
    std::optional<double> mscale;             // HF: mscale (DeepSeek)
    std::optional<double> mscale_all_dim;     // HF: mscale_all_dim (DeepSeek)
    std::optional<double> attention_factor;   // HF: attention_factor (explicit override)
};

// YaRN with s = max(1, seq_len / L) recomputed for the current length.
struct DynamicYarnMethod {
    YarnMethod yarn;
};

// Llama 3.1 scaling: NTK-by-parts in wavelength bands.
struct Llama3Method {
    double low_freq_factor = 1.0;   // HF: low_freq_factor
    double high_freq_factor = 4.0;  // HF: high_freq_factor
};

// Which LongRoPE factor list to use.
enum class LongRopeFactorChoice { Auto, Short, Long };

// LongRoPE / Phi-3 "su": explicit per-pair rescale factors.
struct LongRopeMethod {
    std::vector<double> short_factor;        // HF: short_factor, length d/2
    std::vector<double> long_factor;         // HF: long_factor, length d/2
    std::optional<double> attention_factor;  // HF: attention_factor (explicit override)
    std::int64_t n_hat = 0;                  // paper: first n_hat positions keep the original angle
    LongRopeFactorChoice choice = LongRopeFactorChoice::Auto;  // Auto: HF rule (long iff seq_len > L)
};

using Method = std::variant<DefaultMethod, LinearMethod, NtkMethod, DynamicMethod, NtkByPartsMethod,
                            YarnMethod, DynamicYarnMethod, Llama3Method, LongRopeMethod>;

MethodKind kind_of(const Method& method);
// A method of the given kind with HF defaults (LongRoPE lists empty: fill them for setup.num_pairs()).
Method default_method(MethodKind kind);

}  // namespace ropescope
