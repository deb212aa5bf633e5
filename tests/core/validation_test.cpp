// Parameter validation: each invalid input gives an Error naming the field and the bad value
// (from validate and from compute_rope alike, never an exception); odd but computable input
// gives warnings.
#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ropescope/rope.h"
#include "ropescope/validate.h"
#include "test_util.h"

namespace ropescope {
namespace {

using test::Contains;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

struct Input {
    RopeSetup setup;
    Method method = DefaultMethod{};
};

using Edit = std::function<void(Input&)>;

struct InvalidCase {
    std::string name;
    Edit edit;
    std::string field;                 // Error::field, and named in the message
    std::vector<std::string> in_text;  // further parts the message must contain (the bad value, ...)
};

// Test names in ctest come from this (instead of a byte dump).
void PrintTo(const InvalidCase& c, std::ostream* os) { *os << c.name; }

Edit setup_edit(std::function<void(RopeSetup&)> fn) {
    return [fn](Input& in) { fn(in.setup); };
}

template <class M>
Edit method_edit(std::function<void(M&)> fn) {
    return [fn](Input& in) {
        M m;
        fn(m);
        in.method = m;
    };
}

LongRopeMethod unit_longrope(int pairs) {
    LongRopeMethod m;
    m.short_factor.assign(static_cast<std::size_t>(pairs), 1.0);
    m.long_factor.assign(static_cast<std::size_t>(pairs), 1.0);
    return m;
}

Edit longrope_edit(std::function<void(LongRopeMethod&)> fn) {
    return [fn](Input& in) {
        LongRopeMethod m = unit_longrope(in.setup.num_pairs());
        fn(m);
        in.method = m;
    };
}

const std::vector<InvalidCase>& invalid_cases() {
    static const std::vector<InvalidCase> cases = {
        {"head_dim_odd", setup_edit([](RopeSetup& s) { s.head_dim = 127; }), "head_dim", {"127"}},
        {"head_dim_zero", setup_edit([](RopeSetup& s) { s.head_dim = 0; }), "head_dim", {"head_dim: 0"}},
        {"rotary_dim_odd_from_partial",
         setup_edit([](RopeSetup& s) { s.partial_rotary_factor = 0.5078125; }),  // 128 * 0.5078125 = 65
         "partial_rotary_factor", {"0.5078125", "65 rotated dimensions"}},
        {"rope_theta_one", setup_edit([](RopeSetup& s) { s.rope_theta = 1; }), "rope_theta", {"rope_theta: 1 "}},
        {"rope_theta_huge", setup_edit([](RopeSetup& s) { s.rope_theta = 1e13; }), "rope_theta", {"rope_theta: 10000000000000 is not allowed", "at most 1e12"}},
        {"factor_below_one_token", setup_edit([](RopeSetup& s) { s.factor = 1e-310; }), "factor",
         {"factor: 1e-310 is not allowed", "at least 1/4096 = 0.000244140625"}},
        {"rope_theta_half", setup_edit([](RopeSetup& s) { s.rope_theta = 0.5; }), "rope_theta", {"0.5"}},
        {"factor_zero", setup_edit([](RopeSetup& s) { s.factor = 0; }), "factor", {"factor: 0 "}},
        {"factor_negative", setup_edit([](RopeSetup& s) { s.factor = -2; }), "factor", {"-2"}},
        {"factor_nan", setup_edit([](RopeSetup& s) { s.factor = kNaN; }), "factor", {"nan"}},
        {"factor_inf", setup_edit([](RopeSetup& s) { s.factor = kInf; }), "factor", {"inf"}},
        {"partial_rotary_factor_zero", setup_edit([](RopeSetup& s) { s.partial_rotary_factor = 0; }),
         "partial_rotary_factor", {"partial_rotary_factor: 0 "}},
        {"original_max_zero", setup_edit([](RopeSetup& s) { s.original_max_position_embeddings = 0; }),
         "original_max_position_embeddings", {"original_max_position_embeddings: 0 "}},
        {"original_max_too_large",
         setup_edit([](RopeSetup& s) { s.original_max_position_embeddings = 3000000000; }),
         "original_max_position_embeddings", {"3000000000"}},
        {"target_context_beyond_2_31", setup_edit([](RopeSetup& s) { s.factor = 524288.5; }),  // x 4096 > 2^31
         "factor", {"524288.5", "4096", "2147483648"}},
        {"seq_len_beyond_2_31", setup_edit([](RopeSetup& s) { s.seq_len = kMaxContext + 1; }), "seq_len",
         {"2147483649"}},
        {"max_position_embeddings_negative", setup_edit([](RopeSetup& s) { s.max_position_embeddings = -5; }),
         "max_position_embeddings", {"-5"}},
        {"yarn_beta_fast_nan", method_edit<YarnMethod>([](YarnMethod& m) { m.beta_fast = kNaN; }), "beta_fast",
         {"nan"}},
        {"yarn_beta_slow_zero", method_edit<YarnMethod>([](YarnMethod& m) { m.beta_slow = 0; }), "beta_slow",
         {"beta_slow: 0 "}},
        {"yarn_mscale_negative", method_edit<YarnMethod>([](YarnMethod& m) { m.mscale = -1; }), "mscale", {"-1"}},
        {"yarn_mscale_all_dim_nan", method_edit<YarnMethod>([](YarnMethod& m) { m.mscale_all_dim = kNaN; }),
         "mscale_all_dim", {"nan"}},
        {"yarn_attention_factor_zero", method_edit<YarnMethod>([](YarnMethod& m) { m.attention_factor = 0; }),
         "attention_factor", {"attention_factor: 0 "}},
        {"dynamic_yarn_beta_fast_negative",
         method_edit<DynamicYarnMethod>([](DynamicYarnMethod& m) { m.yarn.beta_fast = -3; }), "beta_fast", {"-3"}},
        {"ntk_by_parts_beta_equal_alpha",
         method_edit<NtkByPartsMethod>([](NtkByPartsMethod& m) { m.alpha = 2; m.beta = 2; }), "beta",
         {"beta: 2 ", "alpha"}},
        {"ntk_by_parts_beta_below_alpha",
         method_edit<NtkByPartsMethod>([](NtkByPartsMethod& m) { m.alpha = 5; m.beta = 1.5; }), "beta",
         {"1.5", "alpha (5)"}},
        {"llama3_high_equals_low",
         method_edit<Llama3Method>([](Llama3Method& m) { m.low_freq_factor = 2; m.high_freq_factor = 2; }),
         "high_freq_factor", {"high_freq_factor: 2 ", "low_freq_factor"}},
        {"llama3_low_zero", method_edit<Llama3Method>([](Llama3Method& m) { m.low_freq_factor = 0; }),
         "low_freq_factor", {"low_freq_factor: 0 "}},
        {"longrope_short_wrong_length", longrope_edit([](LongRopeMethod& m) { m.short_factor.resize(3); }),
         "short_factor", {"3 entries", "rotary_dim/2", "64"}},
        {"longrope_long_wrong_length", longrope_edit([](LongRopeMethod& m) { m.long_factor.resize(65, 1.0); }),
         "long_factor", {"65", "rotary_dim/2", "64"}},
        {"longrope_entry_zero", longrope_edit([](LongRopeMethod& m) { m.short_factor[3] = 0; }), "short_factor[3]",
         {"short_factor[3]: 0 "}},
        {"longrope_entry_nan", longrope_edit([](LongRopeMethod& m) { m.long_factor[10] = kNaN; }),
         "long_factor[10]", {"nan"}},
        {"longrope_attention_factor_negative", longrope_edit([](LongRopeMethod& m) { m.attention_factor = -1; }),
         "attention_factor", {"-1"}},
        {"longrope_n_hat_negative", longrope_edit([](LongRopeMethod& m) { m.n_hat = -1; }), "n_hat",
         {"n_hat: -1 "}},
        {"ntk_head_dim_2", [](Input& in) { in.setup.head_dim = 2; in.method = NtkMethod{}; }, "head_dim",
         {"head_dim: 2 "}},
        {"dynamic_head_dim_2", [](Input& in) { in.setup.head_dim = 2; in.method = DynamicMethod{}; }, "head_dim",
         {"head_dim: 2 "}},
    };
    return cases;
}

class Invalid : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(Invalid, IsAnErrorNamingFieldAndValue) {
    const InvalidCase& c = GetParam();
    Input in;
    in.setup.factor = 8.0;
    c.edit(in);

    std::vector<std::string> warnings;
    std::optional<Status> status;
    EXPECT_NO_THROW(status = validate(in.setup, in.method, &warnings));
    ASSERT_TRUE(status.has_value());
    ASSERT_FALSE(status->ok()) << "accepted invalid input " << c.name;
    EXPECT_EQ(status->error().field, c.field);
    EXPECT_TRUE(Contains(status->error().message, c.field));
    for (const auto& part : c.in_text) EXPECT_TRUE(Contains(status->error().message, part));

    std::optional<Result<RopeResult>> result;
    EXPECT_NO_THROW(result = compute_rope(in.setup, in.method));
    ASSERT_TRUE(result.has_value());
    ASSERT_FALSE(result->ok());
    EXPECT_EQ(result->error().message, status->error().message);
}

INSTANTIATE_TEST_SUITE_P(Cases, Invalid, ::testing::ValuesIn(invalid_cases()),
                         [](const ::testing::TestParamInfo<InvalidCase>& p) { return p.param.name; });

// Suspicious but computable input: a result plus an HF-style warning.
struct WarningCase {
    std::string name;
    Edit edit;
    std::vector<std::string> in_warning;
};

void PrintTo(const WarningCase& c, std::ostream* os) { *os << c.name; }

class Warns : public ::testing::TestWithParam<WarningCase> {};

TEST_P(Warns, ComputesAndWarns) {
    Input in;
    in.setup.factor = 8.0;
    GetParam().edit(in);
    std::optional<Result<RopeResult>> result;
    EXPECT_NO_THROW(result = compute_rope(in.setup, in.method));
    ASSERT_TRUE(result.has_value());
    ASSERT_TRUE(test::IsOk(*result));
    EXPECT_TRUE(test::any_warning_with((*result)->warnings, GetParam().in_warning)) << test::join((*result)->warnings);
    for (double f : (*result)->inv_freq) EXPECT_TRUE(std::isfinite(f) && f > 0);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, Warns,
    ::testing::Values(
        WarningCase{"factor_below_one", setup_edit([](RopeSetup& s) { s.factor = 0.5; }), {"factor", "0.5"}},
        WarningCase{"factor_below_one_linear",
                    [](Input& in) { in.setup.factor = 0.25; in.method = LinearMethod{}; }, {"factor", "0.25"}},
        WarningCase{"beta_fast_below_beta_slow",
                    method_edit<YarnMethod>([](YarnMethod& m) { m.beta_fast = 1; m.beta_slow = 32; }),
                    {"beta_fast", "beta_slow"}},
        WarningCase{"beta_fast_equals_beta_slow",
                    method_edit<YarnMethod>([](YarnMethod& m) { m.beta_fast = 4; m.beta_slow = 4; }),
                    {"beta_fast 4", "beta_slow 4"}},
        WarningCase{"llama3_high_below_low",
                    method_edit<Llama3Method>([](Llama3Method& m) { m.low_freq_factor = 4; m.high_freq_factor = 1; }),
                    {"high_freq_factor", "low_freq_factor"}}),
    [](const ::testing::TestParamInfo<WarningCase>& p) { return p.param.name; });

TEST(Validation, OrdinaryInputHasNoWarnings) {
    RopeSetup setup;
    setup.factor = 8.0;
    for (const auto kind : kAllMethods) {
        Method m = default_method(kind);
        if (auto* lr = std::get_if<LongRopeMethod>(&m)) *lr = unit_longrope(setup.num_pairs());
        std::vector<std::string> warnings;
        EXPECT_TRUE(validate(setup, m, &warnings).ok()) << method_name(kind);
        EXPECT_TRUE(warnings.empty()) << method_name(kind) << ": " << test::join(warnings);
    }
}

TEST(Validation, NullWarningSinkIsAccepted) {
    RopeSetup setup;
    setup.factor = 0.5;  // would warn
    EXPECT_TRUE(validate(setup, DefaultMethod{}, nullptr).ok());
}

TEST(Validation, FormatNumber) {
    EXPECT_EQ(format_number(0.5), "0.5");
    EXPECT_EQ(format_number(-2), "-2");
    EXPECT_EQ(format_number(kNaN), "nan");
    EXPECT_EQ(format_number(kInf), "inf");
    EXPECT_EQ(format_number(-kInf), "-inf");
    EXPECT_EQ(std::stod(format_number(0.1 + 0.2)), 0.1 + 0.2);  // round-trips
}

}  // namespace
}  // namespace ropescope
