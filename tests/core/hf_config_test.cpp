// Hugging Face config.json import: every shipped preset, the key rules (aliases, precedence,
// fallbacks) on inline JSON, and errors that name the key instead of crashing.
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ropescope/hf_config.h"
#include "ropescope/rope.h"
#include "test_util.h"

namespace ropescope {
namespace {

using test::Contains;
using test::RelNear;

double get_mscale(double s, double m = 1.0) { return s <= 1.0 ? 1.0 : 0.1 * m * std::log(s) + 1.0; }

struct PresetCase {
    std::string file;
    MethodKind kind;
    int rotary_dim;
    double attention_factor;
    double softmax_multiplier = 1.0;
    double factor = 1.0;
    std::int64_t original = 0;  // expected L; 0: not checked
    double rope_theta = 0;      // 0: not checked
    std::vector<std::string> warning;  // parts of one expected warning; empty: no warnings at all
    std::optional<bool> truncate;      // yarn only
};

// Test names in ctest come from this (instead of a byte dump).
void PrintTo(const PresetCase& c, std::ostream* os) { *os << c.file; }

const std::vector<PresetCase>& preset_cases() {
    const double ds_multiplier = std::pow(get_mscale(40.0, 1.0), 2);
    static const std::vector<PresetCase> cases = {
        {"codellama-7b.json", MethodKind::Default, 128, 1.0, 1.0, 1.0, 16384, 1e6, {}, {}},
        {"deepseek-v2-lite.json", MethodKind::Yarn, 64, 1.0, std::pow(get_mscale(40.0, 0.707), 2), 40.0, 4096, 10000,
         {}, true},
        {"deepseek-v2.json", MethodKind::Yarn, 64, 1.0, ds_multiplier, 40.0, 4096, 10000, {}, true},
        {"deepseek-v3.json", MethodKind::Yarn, 64, 1.0, ds_multiplier, 40.0, 4096, 10000, {}, true},
        {"gpt-oss.json", MethodKind::Yarn, 64, get_mscale(32.0), 1.0, 32.0, 4096, 150000, {}, false},
        {"llama-2-7b.json", MethodKind::Default, 128, 1.0, 1.0, 1.0, 4096, 10000, {}, {}},
        {"llama-3.1-8b.json", MethodKind::Llama3, 128, 1.0, 1.0, 8.0, 8192, 500000, {}, {}},
        {"mistral-7b-v0.1.json", MethodKind::Default, 128, 1.0, 1.0, 1.0, 32768, 10000, {}, {}},
        {"phi-3-mini-128k-instruct.json", MethodKind::LongRope, 96,
         std::sqrt(1.0 + std::log(32.0) / std::log(4096.0)), 1.0, 32.0, 4096, 10000, {}, {}},
        {"phi-3.5-mini-instruct.json", MethodKind::LongRope, 96, std::sqrt(1.0 + std::log(32.0) / std::log(4096.0)),
         1.0, 32.0, 4096, 10000, {}, {}},
        {"qwen2.5-7b-instruct-yarn.json", MethodKind::Yarn, 128, get_mscale(4.0), 1.0, 4.0, 32768, 1e6, {"4.48"},
         true},
        {"yarn-llama-2-7b-128k.json", MethodKind::Yarn, 128, get_mscale(32.0), 1.0, 32.0, 4096, 10000,
         {"rope_scaling.finetuned"}, true},
        {"yi-6b-200k.json", MethodKind::Default, 128, 1.0, 1.0, 1.0, 200000, 5e6, {}, {}},
    };
    return cases;
}

class Preset : public ::testing::TestWithParam<PresetCase> {};

TEST_P(Preset, LoadsWithExpectedRope) {
    const PresetCase& c = GetParam();
    const auto config = load_hf_config(test::preset_path(c.file));
    ASSERT_TRUE(test::IsOk(config));
    EXPECT_FALSE(config->model_name.empty());
    EXPECT_EQ(method_name(kind_of(config->method)), method_name(c.kind));
    EXPECT_EQ(config->setup.rotary_dim(), c.rotary_dim);
    EXPECT_EQ(config->setup.factor, c.factor);
    if (c.original) {
        EXPECT_EQ(config->setup.original_max_position_embeddings, c.original);
    }
    if (c.rope_theta != 0) {
        EXPECT_EQ(config->setup.rope_theta, c.rope_theta);
    }
    if (c.truncate) {
        EXPECT_EQ(std::get<YarnMethod>(config->method).truncate, *c.truncate);
    }
    if (c.warning.empty()) {
        EXPECT_TRUE(config->warnings.empty()) << test::join(config->warnings);
    } else {
        EXPECT_TRUE(test::any_warning_with(config->warnings, c.warning)) << test::join(config->warnings);
    }

    const auto result = compute_rope(config->setup, config->method);
    ASSERT_TRUE(test::IsOk(result));
    EXPECT_EQ(result->rotary_dim, c.rotary_dim);
    EXPECT_EQ(result->num_pairs(), c.rotary_dim / 2);
    EXPECT_TRUE(RelNear(result->attention_factor, c.attention_factor, 1e-14));
    EXPECT_TRUE(RelNear(result->softmax_scale_multiplier, c.softmax_multiplier, 1e-14));
}

INSTANTIATE_TEST_SUITE_P(Shipped, Preset, ::testing::ValuesIn(preset_cases()),
                         [](const ::testing::TestParamInfo<PresetCase>& p) {
                             std::string name = p.param.file.substr(0, p.param.file.size() - 5);
                             for (char& ch : name)
                                 if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                             return name;
                         });

TEST(Presets, EveryShippedPresetIsInTheTable) {
    std::set<std::string> on_disk;
    for (const auto& entry : std::filesystem::directory_iterator(ROPESCOPE_PRESETS_DIR))
        if (entry.path().extension() == ".json") on_disk.insert(entry.path().filename().string());
    std::set<std::string> tested;
    for (const auto& c : preset_cases()) tested.insert(c.file);
    EXPECT_EQ(on_disk, tested);
}

TEST(Presets, DeepSeekV2LiteMultiplierIsThePublishedValue) {
    const auto config = load_hf_config(test::preset_path("deepseek-v2-lite.json"));
    ASSERT_TRUE(test::IsOk(config));
    const auto result = compute_rope(config->setup, config->method);
    ASSERT_TRUE(test::IsOk(result));
    EXPECT_NEAR(result->softmax_scale_multiplier, 1.5896, 5e-5);  // METHODS.md
}

// ---- import rules on inline JSON ------------------------------------------------------------

ModelConfig parse_ok(const std::string& text) {
    auto config = parse_hf_config(text);
    EXPECT_TRUE(test::IsOk(config)) << text;
    return config ? *config : ModelConfig{};
}

// A minimal config around a rope block.
std::string with_rope(const std::string& rope_block, const std::string& extra = "") {
    return R"({"head_dim": 128, "max_position_embeddings": 16384, )" + extra + rope_block + "}";
}

TEST(HfImport, LegacyTypeKeyIsAnAliasOfRopeType) {
    const auto config = parse_ok(with_rope(R"("rope_scaling": {"type": "linear", "factor": 2.0})"));
    EXPECT_EQ(kind_of(config.method), MethodKind::Linear);
    EXPECT_EQ(config.setup.factor, 2.0);
}

// transformers 5.x, RotaryEmbeddingConfigMixin.convert_rope_params_to_dict:
// `self.rope_parameters = rope_scaling or self.rope_parameters`.
TEST(HfImport, RopeScalingWinsOverRopeParametersIn5x) {
    const std::string text = with_rope(
        R"("rope_parameters": {"rope_type": "linear", "factor": 2.0}, "rope_scaling": {"rope_type": "yarn", "factor": 4.0})");
    const auto config = parse_ok(text);
    EXPECT_EQ(kind_of(config.method), MethodKind::Yarn);
    EXPECT_EQ(config.setup.factor, 4.0);
    EXPECT_TRUE(test::any_warning_with(config.warnings, {"reads rope_scaling"})) << test::join(config.warnings);
    // An empty rope_scaling is falsy: rope_parameters is read.
    const auto empty = parse_ok(with_rope(R"("rope_scaling": {}, "rope_parameters": {"rope_type": "linear", "factor": 2.0})"));
    EXPECT_EQ(kind_of(empty.method), MethodKind::Linear);
}

// transformers 4.x reads config.rope_scaling only: rope_parameters is an unknown attribute.
TEST(HfImport, Transformers4IgnoresRopeParameters) {
    const std::string text = with_rope(R"("rope_parameters": {"rope_type": "linear", "factor": 2.0})");
    for (const HfVersion version : {HfVersion::V456, HfVersion::V45x}) {
        auto config = parse_hf_config(text, version);
        ASSERT_TRUE(config.ok()) << config.error().message;
        EXPECT_EQ(kind_of(config->method), MethodKind::Default);
        EXPECT_TRUE(test::any_warning_with(config->version_notes, {"ignores rope_parameters"}));
    }
}

TEST(HfImport, RopeThetaInsideRopeParameters) {
    const auto config =
        parse_ok(with_rope(R"("rope_parameters": {"rope_type": "default", "rope_theta": 500000.0})"));
    EXPECT_EQ(config.setup.rope_theta, 500000.0);
    EXPECT_TRUE(config.warnings.empty()) << test::join(config.warnings);
}

TEST(HfImport, SuIsLongRope) {
    std::string list = "[";
    for (int i = 0; i < 64; ++i) list += (i ? ", " : "") + std::string("1.5");
    list += "]";
    const auto config = parse_ok(with_rope(R"("rope_scaling": {"type": "su", "short_factor": )" + list +
                                           R"(, "long_factor": )" + list + "}"));
    ASSERT_EQ(kind_of(config.method), MethodKind::LongRope);
    EXPECT_EQ(std::get<LongRopeMethod>(config.method).short_factor, std::vector<double>(64, 1.5));
}

std::string ones_list(int n, const char* value = "1.0") {
    std::string list = "[";
    for (int i = 0; i < n; ++i) list += (i ? ", " : "") + std::string(value);
    return list + "]";
}

// LongRoPE with an explicit factor and a top-level original_max_position_embeddings (Phi-3 style).
// 5.x _compute_longrope_parameters: `factor = rope_parameters_dict.get("factor")`, replaced only
// `if factor is None`; attention_factor = sqrt(1 + ln(factor) / ln(original)).
// 4.56 and 4.48-4.55: `if hasattr(config, "original_max_position_embeddings"): factor = max_pos / original`.
TEST(HfImport, LongRopeExplicitFactorIsKeptIn5xAndReplacedIn4x) {
    const std::string block = R"("rope_scaling": {"type": "longrope", "factor": 16.0, "short_factor": )" + ones_list(64) +
                              R"(, "long_factor": )" + ones_list(64) + "}";
    const std::string text = R"({"head_dim": 128, "max_position_embeddings": 131072, "original_max_position_embeddings": 4096, )" +
                             block + "}";
    const auto v5 = parse_ok(text);
    EXPECT_EQ(v5.setup.original_max_position_embeddings, 4096);
    EXPECT_EQ(v5.setup.factor, 16.0);
    auto r5 = compute_rope(v5.setup, v5.method);
    ASSERT_TRUE(r5.ok());
    EXPECT_NEAR(r5->attention_factor, std::sqrt(1 + std::log(16.0) / std::log(4096.0)), 1e-15);  // 1.1547
    EXPECT_NEAR(r5->attention_factor, 1.1547005, 1e-7);
    for (const HfVersion version : {HfVersion::V456, HfVersion::V45x}) {
        auto old = parse_hf_config(text, version);
        ASSERT_TRUE(old.ok()) << old.error().message;
        EXPECT_EQ(old->setup.factor, 32.0);  // 131072 / 4096
        auto r = compute_rope(old->setup, old->method);
        ASSERT_TRUE(r.ok());
        EXPECT_NEAR(r->attention_factor, std::sqrt(1 + std::log(32.0) / std::log(4096.0)), 1e-15);  // 1.1902
        EXPECT_NEAR(r->attention_factor, 1.1902380, 1e-7);
    }
}

// 5.x standardize_rope_params: for llama3, yarn and longrope a top-level
// original_max_position_embeddings overrides the block's. 4.56 reads the block's (yarn), and for
// longrope never reads the block's (`else: original_max_position_embeddings = max_position_embeddings`).
TEST(HfImport, TopLevelOriginalOverridesTheBlockIn5x) {
    const std::string yarn = R"({"head_dim": 128, "max_position_embeddings": 131072, "original_max_position_embeddings": 8192,
        "rope_scaling": {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 32768}})";
    EXPECT_EQ(parse_ok(yarn).setup.original_max_position_embeddings, 8192);
    auto old = parse_hf_config(yarn, HfVersion::V456);
    ASSERT_TRUE(old.ok());
    EXPECT_EQ(old->setup.original_max_position_embeddings, 32768);
    EXPECT_EQ(old->setup.factor, 4.0);

    const std::string llama3 = R"({"head_dim": 128, "max_position_embeddings": 131072, "original_max_position_embeddings": 4096,
        "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1, "high_freq_factor": 4,
                         "original_max_position_embeddings": 8192}})";
    EXPECT_EQ(parse_ok(llama3).setup.original_max_position_embeddings, 4096);

    const std::string longrope = R"({"head_dim": 128, "max_position_embeddings": 65536,
        "rope_scaling": {"rope_type": "longrope", "original_max_position_embeddings": 4096, "short_factor": )" +
                                 ones_list(64) + R"(, "long_factor": )" + ones_list(64) + "}}";
    const auto v5 = parse_ok(longrope);
    EXPECT_EQ(v5.setup.original_max_position_embeddings, 4096);
    EXPECT_EQ(v5.setup.factor, 16.0);  // no factor: max_pos / original
    auto v456 = parse_hf_config(longrope, HfVersion::V456);
    ASSERT_TRUE(v456.ok());
    EXPECT_EQ(v456->setup.original_max_position_embeddings, 65536);  // the block's value is never read
    EXPECT_TRUE(test::any_warning_with(v456->version_notes, {"ignores rope_scaling.original_max_position_embeddings"}));
}

// Phi3Config declares original_max_position_embeddings = 4096, so a phi3 config without the key still
// overrides the block's in 5.x; and it reads the legacy rope_type "yarn" as longrope.
TEST(HfImport, Phi3ModelTypeRules) {
    const std::string text = R"({"model_type": "phi3", "hidden_size": 3072, "num_attention_heads": 32,
        "max_position_embeddings": 131072,
        "rope_scaling": {"type": "yarn", "original_max_position_embeddings": 8192, "short_factor": )" +
                             ones_list(48) + R"(, "long_factor": )" + ones_list(48) + "}}";
    const auto config = parse_ok(text);
    EXPECT_EQ(kind_of(config.method), MethodKind::LongRope);
    EXPECT_EQ(config.setup.original_max_position_embeddings, 4096);
    EXPECT_EQ(config.setup.factor, 32.0);
}

// rope_theta: 5.x `rope_parameters.setdefault("rope_theta", kwargs.pop("rope_theta", default_theta))`
// keeps the block's; 4.x reads config.rope_theta. partial_rotary_factor: 5.x standardize_rope_params
// writes the top-level attribute over the block's; 4.x reads config.partial_rotary_factor.
TEST(HfImport, RopeThetaAndPartialRotaryFactorAtBothLevels) {
    const std::string text = R"({"head_dim": 128, "max_position_embeddings": 4096, "rope_theta": 10000,
        "partial_rotary_factor": 0.5,
        "rope_scaling": {"rope_type": "linear", "factor": 2.0, "rope_theta": 500000, "partial_rotary_factor": 0.25}})";
    const auto v5 = parse_ok(text);
    EXPECT_EQ(v5.setup.rope_theta, 500000.0);
    EXPECT_EQ(v5.setup.rotary_dim(), 64);  // top level 0.5 wins
    for (const HfVersion version : {HfVersion::V456, HfVersion::V45x}) {
        auto old = parse_hf_config(text, version);
        ASSERT_TRUE(old.ok());
        EXPECT_EQ(old->setup.rope_theta, 10000.0);
        EXPECT_EQ(old->setup.rotary_dim(), 64);
    }
    // Only in the block: 5.x applies it, 4.x does not see it.
    const std::string block_only = R"({"head_dim": 128, "max_position_embeddings": 4096,
        "rope_parameters": {"rope_type": "linear", "factor": 2.0, "partial_rotary_factor": 0.25}})";
    EXPECT_EQ(parse_ok(block_only).setup.rotary_dim(), 32);
    // The rope_theta default is 10000 (RotaryEmbeddingConfigMixin.default_theta).
    EXPECT_EQ(parse_ok(R"({"head_dim": 64, "max_position_embeddings": 2048})").setup.rope_theta, 10000.0);
}

// 5.x: Llama's compute_default_rope_parameters uses dim = head_dim (no partial_rotary_factor).
TEST(HfImport, LlamaDefaultRopeRotatesTheWholeHeadIn5x) {
    const std::string text = R"({"model_type": "llama", "head_dim": 128, "max_position_embeddings": 4096,
        "partial_rotary_factor": 0.5})";
    EXPECT_EQ(parse_ok(text).setup.rotary_dim(), 128);
    auto old = parse_hf_config(text, HfVersion::V456);
    ASSERT_TRUE(old.ok());
    EXPECT_EQ(old->setup.rotary_dim(), 64);  // 4.x _compute_default_rope_parameters applies it
}

// 5.x _compute_proportional_rope_parameters: rope_angles = int(partial * head_dim // 2) pairs at
// base ** (arange(0, 2 * rope_angles, 2) / head_dim), divided by factor; the rest are 0 (not rotated).
TEST(HfImport, ProportionalIsLinearOverTheRotatedPairs) {
    const std::string text = R"({"head_dim": 256, "max_position_embeddings": 8192,
        "rope_parameters": {"rope_type": "proportional", "rope_theta": 1000000, "factor": 8.0, "partial_rotary_factor": 0.25}})";
    const auto config = parse_ok(text);
    ASSERT_EQ(kind_of(config.method), MethodKind::Linear);
    ASSERT_EQ(config.setup.rotary_dim(), 64);  // 32 rotated pairs
    auto r = compute_rope(config.setup, config.method);
    ASSERT_TRUE(r.ok());
    for (int i = 0; i < 32; ++i) {
        const double expected = 1.0 / std::pow(1e6, 2.0 * i / 256.0) / 8.0;  // the engine's formula
        EXPECT_NEAR(r->inv_freq[static_cast<std::size_t>(i)], expected, 1e-13 * expected) << i;
    }
    // No such rope_type before 5.x (and 4.x never reads rope_parameters at all).
    std::string in_scaling = text;
    in_scaling.replace(in_scaling.find("rope_parameters"), 15, "rope_scaling");
    auto old = parse_hf_config(in_scaling, HfVersion::V456);
    ASSERT_FALSE(old.ok());
    EXPECT_NE(old.error().message.find("KeyError"), std::string::npos) << old.error().message;
}

// 5.x _compute_yarn_parameters: `if factor is None: factor = max_position_embeddings / original`.
TEST(HfImport, YarnNullFactorIsTheRatioIn5x) {
    const auto config = parse_ok(R"({"head_dim": 128, "max_position_embeddings": 65536,
        "rope_scaling": {"rope_type": "yarn", "factor": null, "original_max_position_embeddings": 4096}})");
    EXPECT_EQ(config.setup.factor, 16.0);
}

TEST(HfImport, QkRopeHeadDimIsTheRotaryDim) {
    const auto config = parse_ok(R"({"head_dim": 192, "qk_rope_head_dim": 64, "max_position_embeddings": 4096})");
    EXPECT_EQ(config.setup.rotary_dim(), 64);
}

TEST(HfImport, HeadDimFallsBackToHiddenSizeOverHeads) {
    EXPECT_EQ(parse_ok(R"({"hidden_size": 3072, "num_attention_heads": 32, "max_position_embeddings": 4096})")
                  .setup.rotary_dim(),
              96);
    // An explicit head_dim wins over the quotient (Gemma-style configs).
    EXPECT_EQ(parse_ok(R"({"head_dim": 256, "hidden_size": 3072, "num_attention_heads": 16,
                           "max_position_embeddings": 4096})")
                  .setup.rotary_dim(),
              256);
}

TEST(HfImport, PartialRotaryFactor) {
    const auto top = parse_ok(R"({"head_dim": 128, "partial_rotary_factor": 0.5, "max_position_embeddings": 4096})");
    EXPECT_EQ(top.setup.rotary_dim(), 64);
    const auto inside = parse_ok(with_rope(R"("rope_parameters": {"rope_type": "default", "partial_rotary_factor": 0.25})"));
    EXPECT_EQ(inside.setup.rotary_dim(), 32);
}

TEST(HfImport, NullOrEmptyRopeBlockIsDefault) {
    EXPECT_EQ(kind_of(parse_ok(with_rope(R"("rope_scaling": null)")).method), MethodKind::Default);
    EXPECT_EQ(kind_of(parse_ok(with_rope(R"("rope_scaling": {})")).method), MethodKind::Default);
}

TEST(HfImport, YarnZeroBetasTakeTheDefaults) {
    const auto config =
        parse_ok(with_rope(R"("rope_scaling": {"rope_type": "yarn", "factor": 4.0, "beta_fast": 0, "beta_slow": null})"));
    const auto& yarn = std::get<YarnMethod>(config.method);
    EXPECT_EQ(yarn.beta_fast, 32.0);
    EXPECT_EQ(yarn.beta_slow, 1.0);
}

TEST(HfImport, UnknownRopeKeysAreListedInAWarning) {
    const auto config =
        parse_ok(with_rope(R"("rope_scaling": {"rope_type": "linear", "factor": 2.0, "foo": 1, "bar_baz": true})"));
    EXPECT_TRUE(test::any_warning_with(config.warnings, {"rope_scaling.foo", "rope_scaling.bar_baz"}))
        << test::join(config.warnings);
}

// ---- errors -------------------------------------------------------------------------------

struct ErrorCase {
    std::string name;
    std::string json;
    std::vector<std::string> in_message;
};

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

class ImportError : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ImportError, NamesTheProblem) {
    std::optional<Result<ModelConfig>> config;
    EXPECT_NO_THROW(config = parse_hf_config(GetParam().json));
    ASSERT_TRUE(config.has_value());
    ASSERT_FALSE(config->ok()) << "accepted " << GetParam().json.substr(0, 200);
    for (const auto& part : GetParam().in_message) EXPECT_TRUE(Contains(config->error().message, part));
}

std::string wrong_length_longrope() {
    return with_rope(R"("rope_scaling": {"type": "longrope", "short_factor": [1, 1, 1], "long_factor": [1, 1, 1]})");
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ImportError,
    ::testing::Values(
        ErrorCase{"malformed_json", "{\n  \"head_dim\": 128,\n  \"max_position_embeddings\": ,\n}",
                  {"not valid JSON", "line 3"}},
        ErrorCase{"factor_is_a_string", with_rope(R"("rope_scaling": {"rope_type": "linear", "factor": "8"})"),
                  {"rope_scaling.factor", "expected a number"}},
        ErrorCase{"linear_missing_factor", with_rope(R"("rope_scaling": {"rope_type": "linear"})"),
                  {"rope_scaling.factor", "missing"}},
        ErrorCase{"yarn_missing_factor", with_rope(R"("rope_scaling": {"rope_type": "yarn", "beta_fast": 32})"),
                  {"rope_scaling.factor", "missing"}},
        ErrorCase{"llama3_missing_factor",
                  with_rope(R"("rope_scaling": {"rope_type": "llama3", "low_freq_factor": 1, "high_freq_factor": 4,
                                "original_max_position_embeddings": 8192})"),
                  {"rope_scaling.factor", "missing"}},
        ErrorCase{"llama3_missing_high_freq_factor",
                  with_rope(R"("rope_scaling": {"rope_type": "llama3", "factor": 8, "low_freq_factor": 1,
                                "original_max_position_embeddings": 8192})"),
                  {"rope_scaling.high_freq_factor", "missing"}},
        ErrorCase{"unknown_rope_type", with_rope(R"("rope_scaling": {"rope_type": "bogus_rope", "factor": 2})"),
                  {"bogus_rope", "linear", "yarn", "llama3", "longrope"}},
        ErrorCase{"missing_rope_type", with_rope(R"("rope_scaling": {"factor": 2})"), {"rope_scaling.rope_type"}},
        ErrorCase{"longrope_list_wrong_length", wrong_length_longrope(), {"rope_scaling.short_factor", "3", "64"}},
        ErrorCase{"truncate_is_a_number", with_rope(R"("rope_parameters": {"rope_type": "yarn", "factor": 4, "truncate": 1})"),
                  {"rope_parameters.truncate", "true or false"}},
        ErrorCase{"factor_zero", with_rope(R"("rope_scaling": {"rope_type": "linear", "factor": 0})"),
                  {"rope_scaling.factor", "0"}},
        ErrorCase{"list_entry_not_a_number",
                  with_rope(R"("rope_scaling": {"type": "longrope", "short_factor": [1, "x"], "long_factor": [1, 1]})"),
                  {"rope_scaling.short_factor[1]", "expected a number"}},
        ErrorCase{"rope_block_not_an_object", with_rope(R"("rope_scaling": "yarn")"), {"rope_scaling", "an object"}},
        ErrorCase{"deep_nesting", std::string(10000, '['), {"nesting"}},
        ErrorCase{"deep_nesting_in_a_value", R"({"head_dim": 128, "x": )" + std::string(10000, '{'), {"nesting"}},
        ErrorCase{"array_at_top_level", R"([{"head_dim": 128}])", {"an object", "array"}},
        ErrorCase{"empty_text", "", {"not valid JSON"}},
        ErrorCase{"missing_max_position_embeddings", R"({"head_dim": 128})", {"max_position_embeddings"}},
        ErrorCase{"missing_head_dim", R"({"max_position_embeddings": 4096})", {"head_dim", "hidden_size"}},
        ErrorCase{"head_dim_odd", R"({"head_dim": 127, "max_position_embeddings": 4096})", {"head_dim", "127"}},
        ErrorCase{"head_dim_fractional", R"({"head_dim": 127.5, "max_position_embeddings": 4096})",
                  {"head_dim", "127.5"}}),
    [](const ::testing::TestParamInfo<ErrorCase>& p) { return p.param.name; });

TEST(HfImport, BracketsInsideStringsDoNotCountAsNesting) {
    const auto config = parse_ok(R"({"_model": ")" + std::string(1000, '[') +
                                 R"(", "head_dim": 128, "max_position_embeddings": 4096})");
    EXPECT_EQ(config.setup.rotary_dim(), 128);
}

TEST(HfImport, EscapedQuotesDoNotEndAString) {
    const auto config = parse_ok(R"({"_model": "a\"b\\)" + std::string(1000, '[') +
                                 R"(", "head_dim": 64, "max_position_embeddings": 4096})");
    EXPECT_EQ(config.setup.rotary_dim(), 64);
    EXPECT_EQ(config.model_name.substr(0, 5), "a\"b\\[");
}

TEST(HfLoad, MissingFileNamesThePath) {
    const std::string path = "/nonexistent/ropescope/config.json";
    const auto config = load_hf_config(path);
    ASSERT_FALSE(config.ok());
    EXPECT_TRUE(Contains(config.error().message, path));
}

TEST(HfLoad, DirectoryIsAnErrorNamingThePath) {
    const std::string path = ROPESCOPE_PRESETS_DIR;
    std::optional<Result<ModelConfig>> config;
    EXPECT_NO_THROW(config = load_hf_config(path));
    ASSERT_TRUE(config.has_value());
    ASSERT_FALSE(config->ok());
    EXPECT_TRUE(Contains(config->error().message, path));
}

TEST(HfLoad, ParseErrorsFromAFileNameThePath) {
    const auto dir = std::filesystem::temp_directory_path() / "ropescope_hf_config_test";
    std::filesystem::create_directories(dir);
    const auto path = (dir / "broken.json").string();
    {
        std::ofstream out(path);
        out << "{\"head_dim\": 128,\n\"max_position_embeddings\": 4096,\n\"rope_scaling\": {\"type\": \"linear\",}}";
    }
    const auto config = load_hf_config(path);
    ASSERT_FALSE(config.ok());
    EXPECT_TRUE(Contains(config.error().message, path));
    EXPECT_TRUE(Contains(config.error().message, "not valid JSON"));
    EXPECT_TRUE(Contains(config.error().message, "line 3"));
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ropescope
