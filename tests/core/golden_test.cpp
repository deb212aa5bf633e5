// Every case of tests/data/golden.json (float64 reference values, HF transformers >= 4.56
// semantics) against compute_rope. Each case's params build a RopeSetup and Method; every
// reference key present in the case is then checked, and unknown keys fail the test so that
// new golden data cannot go unchecked.
#include <functional>
#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ropescope/hf_config.h"
#include "ropescope/rope.h"
#include "test_util.h"

namespace ropescope {
namespace {

using nlohmann::json;
using test::AllRelNear;
using test::RelNear;

constexpr double kRtol = 1e-12;

const json& golden_cases() {
    static const json golden = test::load_json_file(std::string(ROPESCOPE_TEST_DATA_DIR) + "/golden.json");
    return golden.at("cases");
}

struct Built {
    RopeSetup setup;
    Method method;
};

std::int64_t int_or(const json& params, const char* key, std::int64_t fallback) {
    return params.contains(key) && !params[key].is_null() ? params[key].get<std::int64_t>() : fallback;
}

RopeSetup setup_from_params(const json& p) {
    RopeSetup setup;
    setup.head_dim = p.at("head_dim").get<int>();
    setup.rope_theta = p.at("rope_theta").get<double>();
    setup.factor = p.value("factor", 1.0);
    setup.original_max_position_embeddings = int_or(p, "original_max_position_embeddings", 4096);
    setup.max_position_embeddings = int_or(p, "max_position_embeddings", 0);
    setup.seq_len = int_or(p, "seq_len", 0);
    return setup;
}

Result<Built> yarn_case(const json& p) {
    YarnMethod yarn;
    yarn.beta_fast = p.value("beta_fast", 32.0);
    yarn.beta_slow = p.value("beta_slow", 1.0);
    yarn.truncate = p.value("truncate", true);
    if (p.contains("mscale")) yarn.mscale = p["mscale"].get<double>();
    if (p.contains("mscale_all_dim")) yarn.mscale_all_dim = p["mscale_all_dim"].get<double>();
    return Built{setup_from_params(p), yarn};
}

Result<Built> llama3_case(const json& p) {
    Llama3Method m;
    m.low_freq_factor = p.at("low_freq_factor").get<double>();
    m.high_freq_factor = p.at("high_freq_factor").get<double>();
    return Built{setup_from_params(p), m};
}

// The Phi-3 factor lists come from the shipped preset, through the config importer.
Result<Built> phi3_case(const json& p) {
    auto config = load_hf_config(test::preset_path("phi-3-mini-128k-instruct.json"));
    if (!config) return config.error();
    Built built{config->setup, config->method};
    built.setup.seq_len = int_or(p, "seq_len", 0);
    return built;
}

template <class M>
std::function<Result<Built>(const json&)> plain() {
    return [](const json& p) -> Result<Built> { return Built{setup_from_params(p), M{}}; };
}

const std::map<std::string, std::function<Result<Built>(const json&)>>& builders() {
    static const std::map<std::string, std::function<Result<Built>(const json&)>> table = {
        {"default", plain<DefaultMethod>()},
        {"linear", plain<LinearMethod>()},
        {"ntk_aware_static", plain<NtkMethod>()},
        {"dynamic_seq32768", plain<DynamicMethod>()},
        {"yarn", yarn_case},
        {"yarn_truncate_false", yarn_case},
        {"yarn_mscale_1_mscale_all_dim_1", yarn_case},
        {"llama3", llama3_case},
        {"longrope_phi3_mini_128k_short", phi3_case},
        {"longrope_phi3_mini_128k_long", phi3_case},
    };
    return table;
}

Band band_from_golden(const std::string& name) {
    if (name == "high(unchanged)") return Band::Kept;
    if (name == "medium(smoothed)") return Band::Blended;
    if (name == "low(divided by factor)") return Band::Interpolated;
    ADD_FAILURE() << "unknown golden band name " << name;
    return Band::Kept;
}

std::vector<std::string> builder_names() {
    std::vector<std::string> names;
    for (const auto& [name, build] : builders()) names.push_back(name);
    return names;
}

TEST(Golden, EveryGoldenCaseHasABuilder) {
    std::set<std::string> golden_names;
    for (const auto& [name, value] : golden_cases().items()) golden_names.insert(name);
    const auto names = builder_names();
    EXPECT_EQ(golden_names, std::set<std::string>(names.begin(), names.end()));
}

class GoldenCase : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenCase, MatchesReference) {
    const json& g = golden_cases().at(GetParam());
    auto built = builders().at(GetParam())(g.at("params"));
    ASSERT_TRUE(test::IsOk(built));
    const auto result = compute_rope(built->setup, built->method);
    ASSERT_TRUE(test::IsOk(result));
    const RopeResult& r = *result;

    std::set<std::string> checked = {"params"};
    const auto check = [&](const char* key, const std::function<void(const json&)>& fn) {
        if (!g.contains(key)) return;
        checked.insert(key);
        SCOPED_TRACE(key);
        fn(g[key]);
    };
    const auto check_number = [&](const char* key, double actual) {
        check(key, [&](const json& v) { EXPECT_TRUE(RelNear(actual, v.get<double>(), kRtol)); });
    };
    const auto check_pairs = [&](const char* key, double PairRow::*field) {
        check(key, [&](const json& v) { EXPECT_TRUE(AllRelNear(test::pair_field(r, field), test::to_doubles(v), kRtol)); });
    };

    check("inv_freq", [&](const json& v) { EXPECT_TRUE(AllRelNear(r.inv_freq, test::to_doubles(v), kRtol)); });
    check_pairs("wavelength_tokens", &PairRow::wavelength);
    check_number("attention_factor", r.attention_factor);
    check_number("effective_base", r.effective_theta);
    check_number("deepseek_softmax_scale_multiplier", r.softmax_scale_multiplier);
    if (!g.contains("deepseek_softmax_scale_multiplier")) {
        EXPECT_EQ(r.softmax_scale_multiplier, 1.0);
    }

    const bool yarn = g.contains("correction_dim_beta_fast_raw");
    ASSERT_EQ(r.yarn.has_value(), yarn);
    if (yarn) {
        check_number("correction_dim_beta_fast_raw", r.yarn->low_raw);
        check_number("correction_dim_beta_slow_raw", r.yarn->high_raw);
        check_number("low", r.yarn->low);
        check_number("high", r.yarn->high);
    }
    check_pairs("ramp", &PairRow::ramp);
    check_pairs("inv_freq_extrapolation_factor", &PairRow::keep_weight);

    if (g.contains("low_freq_wavelen")) {
        ASSERT_TRUE(r.llama3_low_freq_wavelen && r.llama3_high_freq_wavelen);
        check_number("low_freq_wavelen", *r.llama3_low_freq_wavelen);
        check_number("high_freq_wavelen", *r.llama3_high_freq_wavelen);
    }
    check("band", [&](const json& v) {
        ASSERT_EQ(v.size(), r.pairs.size());
        for (std::size_t i = 0; i < r.pairs.size(); ++i)
            EXPECT_EQ(band_name(r.pairs[i].band), band_name(band_from_golden(v[i].get<std::string>()))) << "pair " << i;
    });
    check_number("factor_used_for_attention", r.factor);
    check("uses", [&](const json& v) { EXPECT_EQ(r.uses_long_factor, v.get<std::string>() == "long_factor"); });

    for (const auto& [key, value] : g.items())
        EXPECT_TRUE(checked.count(key)) << "golden key '" << key << "' is not checked by this test";
}

INSTANTIATE_TEST_SUITE_P(AllCases, GoldenCase, ::testing::ValuesIn(builder_names()),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

// The Phi-3 preset must describe the same setup as the golden params it stands in for.
TEST(Golden, Phi3PresetMatchesGoldenParams) {
    const json& p = golden_cases().at("longrope_phi3_mini_128k_short").at("params");
    auto built = phi3_case(p);
    ASSERT_TRUE(test::IsOk(built));
    EXPECT_EQ(built->setup.rotary_dim(), p.at("head_dim").get<int>());
    EXPECT_EQ(built->setup.rope_theta, p.at("rope_theta").get<double>());
    EXPECT_EQ(built->setup.original_max_position_embeddings, p.at("original_max_position_embeddings").get<std::int64_t>());
    EXPECT_EQ(built->setup.max_position_embeddings, p.at("max_position_embeddings").get<std::int64_t>());
    EXPECT_EQ(built->setup.factor, 32.0);
    EXPECT_EQ(kind_of(built->method), MethodKind::LongRope);
}

}  // namespace
}  // namespace ropescope
