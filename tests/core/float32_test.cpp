// The float32 path: inv_freq as transformers stores it. Two kinds of checks: (1) the values torch
// 1.13 (Debian's python3-torch) printed for transformers 5.x's own lines on five presets, within one
// float32 ulp; (2) the float32 steps written out here, each with the line of modeling_rope_utils.py
// it mirrors, equal to compute_float32 exactly.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <numbers>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ropescope/hf_config.h"
#include "ropescope/rope.h"
#include "ropescope/rope_float32.h"

namespace ropescope {
namespace {

RopeResult preset_result(const std::string& name, std::int64_t seq_len = 0) {
    auto config = load_hf_config(std::string(ROPESCOPE_PRESETS_DIR) + "/" + name + ".json");
    EXPECT_TRUE(config.ok()) << name;
    if (seq_len > 0) config->setup.seq_len = seq_len;
    auto result = compute_rope(config->setup, config->method);
    EXPECT_TRUE(result.ok()) << name;
    return result.value();
}

std::int32_t float_bits(float x) {
    std::int32_t bits;
    std::memcpy(&bits, &x, sizeof bits);
    return bits;
}

// Distance in float32 ulps (both values positive).
int ulps(float a, float b) { return std::abs(float_bits(a) - float_bits(b)); }

struct TorchValue {
    int pair;
    double value;  // a float32 printed by torch, as a hex double
};

void expect_torch(const std::string& what, const Float32Frequencies& f32, const std::vector<TorchValue>& torch) {
    for (const auto& t : torch)
        EXPECT_LE(ulps(f32.inv_freq[static_cast<std::size_t>(t.pair)], static_cast<float>(t.value)), 1)
            << what << " pair " << t.pair << ": " << f32.inv_freq[static_cast<std::size_t>(t.pair)] << " vs torch "
            << t.value;
}

// Values from: inv_freq = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.int64).to(dtype=torch.float) / dim))
// and the llama3 / yarn / longrope lines after it, run with torch 1.13 on the presets' parameters.
TEST(Float32, MatchesTorchWithinOneUlp) {
    expect_torch("llama-2-7b", compute_float32(preset_result("llama-2-7b")),
                 {{1, 0x1.bb5fae0000000p-1}, {16, 0x1.99999a0000000p-4}, {32, 0x1.47ae140000000p-7},
                  {48, 0x1.0624de0000000p-10}, {63, 0x1.e459c40000000p-14}});
    expect_torch("llama-3.1-8b", compute_float32(preset_result("llama-3.1-8b")),
                 {{1, 0x1.a115820000000p-1}, {16, 0x1.3411900000000p-5}, {32, 0x1.132ba40000000p-11},
                  {48, 0x1.be21880000000p-18}, {63, 0x1.4985fe0000000p-22}});
    expect_torch("qwen2.5 yarn", compute_float32(preset_result("qwen2.5-7b-instruct-yarn")),
                 {{1, 0x1.9c975a0000000p-1}, {16, 0x1.030dc60000000p-5}, {32, 0x1.3c1d640000000p-11},
                  {48, 0x1.0945640000000p-17}, {63, 0x1.4d1c980000000p-22}});
    expect_torch("gpt-oss (truncate false)", compute_float32(preset_result("gpt-oss")),
                 {{1, 0x1.60ca6a0000000p-1}, {8, 0x1.a043280000000p-5}, {16, 0x1.dea8780000000p-12},
                  {24, 0x1.1325180000000p-18}, {31, 0x1.44a5a60000000p-22}});
    expect_torch("phi-3 long factors", compute_float32(preset_result("phi-3-mini-128k-instruct", 8192)),
                 {{1, 0x1.7953de0000000p-1}, {12, 0x1.49fd6c0000000p-7}, {24, 0x1.86d2780000000p-13},
                  {36, 0x1.06cfce0000000p-16}, {47, 0x1.f630200000000p-20}});
}

// _compute_yarn_parameters, step by step in float32 (Qwen2.5: base 1e6, d 128, factor 4, L 32768).
TEST(Float32, YarnStepsWrittenOut) {
    const RopeResult exact = preset_result("qwen2.5-7b-instruct-yarn");
    const Float32Frequencies f32 = compute_float32(exact);
    const double base = 1e6, factor = 4;
    const int dim = 128;
    // find_correction_range (Python floats): low = floor(corr_dim(32)), high = ceil(corr_dim(1))
    const auto corr_dim = [&](double rot) { return dim * std::log(32768.0 / (rot * 2 * std::numbers::pi)) / (2 * std::log(base)); };
    const double low = std::max(std::floor(corr_dim(32)), 0.0), high = std::min(std::ceil(corr_dim(1)), dim - 1.0);
    for (int i = 0; i < dim / 2; ++i) {
        // pos_freqs = base ** (torch.arange(0, dim, 2).to(dtype=torch.float) / dim)
        const float pos_freqs = std::pow(static_cast<float>(base), static_cast<float>(2 * i) / static_cast<float>(dim));
        const float inv_freq_extrapolation = 1.0f / pos_freqs;                                  // 1.0 / pos_freqs
        const float inv_freq_interpolation = 1.0f / (static_cast<float>(factor) * pos_freqs);   // 1.0 / (factor * pos_freqs)
        // linear_func = (torch.arange(dim, dtype=torch.float32) - min) / (max - min); clamp(linear_func, 0, 1)
        const float ramp = std::clamp((static_cast<float>(i) - static_cast<float>(low)) / static_cast<float>(high - low), 0.0f, 1.0f);
        const float extrapolation_factor = 1.0f - ramp;  // 1 - linear_ramp_factor(low, high, dim // 2)
        // inv_freq = inv_freq_interpolation * (1 - factor) + inv_freq_extrapolation * factor
        const float inv = inv_freq_interpolation * (1.0f - extrapolation_factor) + inv_freq_extrapolation * extrapolation_factor;
        EXPECT_EQ(f32.inv_freq[static_cast<std::size_t>(i)], inv) << i;
    }
    EXPECT_EQ(f32.attention_factor, static_cast<float>(0.1 * std::log(4.0) + 1.0));
}

// _compute_llama3_parameters in float32 (Llama 3.1: base 5e5, factor 8, low 1, high 4, L 8192).
TEST(Float32, Llama3StepsWrittenOut) {
    const Float32Frequencies f32 = compute_float32(preset_result("llama-3.1-8b"));
    const float factor = 8, low = 1, high = 4, old_context_len = 8192;
    for (int i = 0; i < 64; ++i) {
        // inv_freq = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.int64).to(dtype=torch.float) / dim))
        const float inv_freq = 1.0f / std::pow(500000.0f, static_cast<float>(2 * i) / 128.0f);
        const float wavelen = static_cast<float>(2 * std::numbers::pi) / inv_freq;  // wavelen = 2 * math.pi / inv_freq
        // inv_freq_llama = torch.where(wavelen > low_freq_wavelen, inv_freq / factor, inv_freq)
        const float llama = wavelen > old_context_len / low ? inv_freq / factor : inv_freq;
        // smooth_factor = (old_context_len / wavelen - low_freq_factor) / (high_freq_factor - low_freq_factor)
        const float smooth = (old_context_len / wavelen - low) / (high - low);
        // smoothed_inv_freq = (1 - smooth_factor) * inv_freq_llama / factor + smooth_factor * inv_freq_llama
        const float smoothed = (1 - smooth) * llama / factor + smooth * llama;
        const bool medium = !(wavelen < old_context_len / high) && !(wavelen > old_context_len / low);
        EXPECT_EQ(f32.inv_freq[static_cast<std::size_t>(i)], medium ? smoothed : llama) << i;
    }
}

// The float32-vs-exact difference is a few ulps for every method and never zero on a real config.
TEST(Float32, MaxRelativeErrorIsAFewUlps) {
    for (const auto& entry : std::filesystem::directory_iterator(ROPESCOPE_PRESETS_DIR)) {
        const std::string name = entry.path().stem().string();
        const Float32Frequencies f32 = compute_float32(preset_result(name));
        EXPECT_GT(f32.max_rel_error, 0) << name;
        EXPECT_LT(f32.max_rel_error, 8 * 6e-8) << name;  // float32 epsilon 1.19e-7: at most ~4 epsilons
    }
}

TEST(Float32, WithFloat32ReplacesTheFrequencies) {
    const RopeResult exact = preset_result("llama-2-7b");
    const Float32Frequencies f32 = compute_float32(exact);
    const RopeResult r = with_float32(exact, f32);
    for (std::size_t i = 0; i < r.pairs.size(); ++i) {
        EXPECT_EQ(r.inv_freq[i], static_cast<double>(f32.inv_freq[i]));
        EXPECT_EQ(r.pairs[i].inv_freq, static_cast<double>(f32.inv_freq[i]));
        EXPECT_EQ(r.pairs[i].wavelength, 2 * std::numbers::pi / static_cast<double>(f32.inv_freq[i]));
    }
}

}  // namespace
}  // namespace ropescope
