// Mathematical properties every method must have, checked across several setups:
// reductions to default RoPE, ramp end points, continuity, equivalences between methods.
#include <cmath>
#include <numbers>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ropescope/rope.h"
#include "test_util.h"

namespace ropescope {
namespace {

using test::AllRelNear;
using test::RelNear;

constexpr double kTwoPi = 2.0 * std::numbers::pi;

RopeResult compute(const RopeSetup& setup, const Method& method) {
    auto result = compute_rope(setup, method);
    EXPECT_TRUE(test::IsOk(result)) << "method " << method_name(kind_of(method));
    return result ? *result : RopeResult{};
}

RopeSetup make_setup(int head_dim, double theta, std::int64_t L, double factor) {
    RopeSetup setup;
    setup.head_dim = head_dim;
    setup.rope_theta = theta;
    setup.original_max_position_embeddings = L;
    setup.factor = factor;
    return setup;
}

// A few representative setups: Llama 2, Llama 3.1, a small-head model with a non-integer factor.
std::vector<RopeSetup> setups(double factor) {
    return {make_setup(128, 10000.0, 4096, factor), make_setup(128, 500000.0, 8192, factor),
            make_setup(64, 1e6, 2048, factor), make_setup(96, 10000.0, 4096, factor)};
}

// Every method, LongRoPE with the given per-pair lists (empty: all ones).
std::vector<Method> all_methods(int pairs, std::vector<double> short_f = {}, std::vector<double> long_f = {}) {
    std::vector<Method> out;
    for (const auto kind : kAllMethods) {
        Method m = default_method(kind);
        if (auto* lr = std::get_if<LongRopeMethod>(&m)) {
            lr->short_factor = short_f.empty() ? std::vector<double>(static_cast<std::size_t>(pairs), 1.0) : short_f;
            lr->long_factor = long_f.empty() ? std::vector<double>(static_cast<std::size_t>(pairs), 1.0) : long_f;
        }
        out.push_back(std::move(m));
    }
    return out;
}

// Non-decreasing LongRoPE factors from 1 to s, as the paper's search constrains them.
std::vector<double> ramp_factors(int pairs, double s) {
    std::vector<double> f;
    for (int i = 0; i < pairs; ++i) f.push_back(1.0 + (s - 1.0) * i / (pairs - 1));
    return f;
}

TEST(Properties, FactorOneReducesEveryMethodToDefault) {
    for (const auto& setup : setups(1.0)) {
        const RopeResult base = compute(setup, DefaultMethod{});
        EXPECT_TRUE(AllRelNear(base.inv_freq, test::base_frequencies(setup.rope_theta, setup.rotary_dim()), 1e-15));
        for (const auto& method : all_methods(setup.num_pairs())) {
            SCOPED_TRACE(std::string(method_name(kind_of(method))) + " d=" + std::to_string(setup.rotary_dim()));
            const RopeResult r = compute(setup, method);
            EXPECT_TRUE(AllRelNear(r.inv_freq, base.inv_freq, 1e-15));
            EXPECT_EQ(r.attention_factor, 1.0);
            EXPECT_EQ(r.logit_scale(), 1.0);
        }
    }
}

TEST(Properties, YarnRampIsExactlyZeroAndOneOutsideTheCorrectionRange) {
    struct Case {
        RopeSetup setup;
        YarnMethod yarn;
    };
    YarnMethod no_truncate;
    no_truncate.truncate = false;
    YarnMethod narrow;
    narrow.beta_fast = 8;
    narrow.beta_slow = 2;
    std::vector<Case> cases;
    for (const auto& setup : setups(8.0)) {
        cases.push_back({setup, YarnMethod{}});
        cases.push_back({setup, no_truncate});
        cases.push_back({setup, narrow});
    }
    cases.push_back({make_setup(64, 150000.0, 4096, 32.0), no_truncate});  // gpt-oss
    for (const auto& c : cases) {
        const RopeResult r = compute(c.setup, c.yarn);
        ASSERT_TRUE(r.yarn.has_value());
        const double low = r.yarn->low;
        const double high = r.yarn->high;
        ASSERT_LT(low, high);
        int below = 0;
        int above = 0;
        for (const auto& p : r.pairs) {
            SCOPED_TRACE("pair " + std::to_string(p.index) + " low " + std::to_string(low) + " high " +
                         std::to_string(high) + " truncate " + std::to_string(c.yarn.truncate));
            if (p.index <= low) {
                ++below;
                EXPECT_EQ(p.ramp, 0.0);
                EXPECT_EQ(p.keep_weight, 1.0);
                EXPECT_EQ(p.inv_freq, p.inv_freq_original);
                EXPECT_EQ(p.band, Band::Kept);
            } else if (p.index >= high) {
                ++above;
                EXPECT_EQ(p.ramp, 1.0);
                EXPECT_EQ(p.keep_weight, 0.0);
                EXPECT_TRUE(RelNear(p.inv_freq, p.inv_freq_original / c.setup.factor, 1e-15));
                EXPECT_EQ(p.band, Band::Interpolated);
            } else {
                EXPECT_GT(p.ramp, 0.0);
                EXPECT_LT(p.ramp, 1.0);
                EXPECT_EQ(p.band, Band::Blended);
            }
        }
        EXPECT_GT(below, 0);  // every case has pairs on both sides, so both branches are tested
        EXPECT_GT(above, 0);
    }
}

// llama3's bands are edges in wavelength at L/high_freq_factor and L/low_freq_factor. Moving an
// edge across a pair's wavelength by a relative 1e-9 must move that pair's frequency by O(1e-9),
// not by a factor of s. (L is an integer in RopeSetup, so the edges are moved through the
// frequency factors instead; that is the same edge L/factor.)
TEST(Properties, Llama3IsContinuousAtBothBandEdges) {
    constexpr double eps = 1e-9;
    for (const auto& setup : {make_setup(128, 500000.0, 8192, 8.0), make_setup(128, 10000.0, 4096, 8.0),
                              make_setup(64, 1e6, 2048, 3.5)}) {
        const RopeResult base = compute(setup, DefaultMethod{});
        const double L = static_cast<double>(setup.original_max_position_embeddings);
        int tested = 0;
        for (const auto& p : base.pairs) {
            const double r = L / p.wavelength_original;  // the edge factor that puts this pair on the edge
            if (r < 1.1 || r > 3.5) continue;            // keep low < high with defaults 1 and 4
            SCOPED_TRACE("pair " + std::to_string(p.index) + " r " + std::to_string(r));
            ++tested;
            // High edge: high_freq_factor = r * (1 -+ eps) moves the pair between kept and blended.
            Llama3Method kept{1.0, r * (1.0 - eps)};
            Llama3Method blended_hi{1.0, r * (1.0 + eps)};
            const PairRow a = compute(setup, kept).pairs[p.index];
            const PairRow b = compute(setup, blended_hi).pairs[p.index];
            EXPECT_EQ(a.band, Band::Kept);
            EXPECT_EQ(b.band, Band::Blended);
            EXPECT_TRUE(RelNear(a.inv_freq, b.inv_freq, 100 * eps));
            // Low edge: low_freq_factor = r * (1 +- eps) moves it between interpolated and blended.
            Llama3Method interpolated{r * (1.0 + eps), 4.0};
            Llama3Method blended_lo{r * (1.0 - eps), 4.0};
            const PairRow c = compute(setup, interpolated).pairs[p.index];
            const PairRow d = compute(setup, blended_lo).pairs[p.index];
            EXPECT_EQ(c.band, Band::Interpolated);
            EXPECT_EQ(d.band, Band::Blended);
            EXPECT_TRUE(RelNear(c.inv_freq, d.inv_freq, 100 * eps));
            EXPECT_TRUE(RelNear(c.inv_freq, p.inv_freq_original / setup.factor, 1e-15));
        }
        EXPECT_GE(tested, 2);
    }
}

TEST(Properties, NtkScalesLowestFrequencyLikePiAndKeepsPairZero) {
    for (const double s : {2.0, 8.0, 3.7, 64.0}) {
        for (const auto& setup : setups(s)) {
            SCOPED_TRACE("s " + std::to_string(s) + " d " + std::to_string(setup.rotary_dim()));
            const RopeResult r = compute(setup, NtkMethod{});
            EXPECT_EQ(r.inv_freq.front(), 1.0);
            EXPECT_TRUE(RelNear(r.inv_freq.back(), r.inv_freq_original.back() / s, 1e-12));
            const double d = setup.rotary_dim();
            EXPECT_TRUE(RelNear(r.effective_theta, setup.rope_theta * std::pow(s, d / (d - 2)), 1e-14));
        }
    }
}

TEST(Properties, DynamicIsDefaultUpToMaxPositionEmbeddingsThenNtk) {
    for (auto setup : setups(8.0)) {
        setup.max_position_embeddings = 3000;  // differs from L on purpose: HF dynamic uses this one
        const RopeResult base = compute(setup, DefaultMethod{});
        for (const std::int64_t len : {std::int64_t{0}, std::int64_t{1}, std::int64_t{1500}, std::int64_t{3000}}) {
            setup.seq_len = len;
            SCOPED_TRACE("seq_len " + std::to_string(len));
            const RopeResult r = compute(setup, DynamicMethod{});
            EXPECT_TRUE(AllRelNear(r.inv_freq, base.inv_freq, 1e-15));
        }
        for (const std::int64_t len : {std::int64_t{3001}, std::int64_t{9000}, std::int64_t{131072}}) {
            setup.seq_len = len;
            SCOPED_TRACE("seq_len " + std::to_string(len));
            const RopeResult r = compute(setup, DynamicMethod{});
            RopeSetup ntk_setup = setup;
            ntk_setup.factor = setup.factor * static_cast<double>(len) / 3000.0 - (setup.factor - 1.0);
            const RopeResult ntk = compute(ntk_setup, NtkMethod{});
            EXPECT_TRUE(AllRelNear(r.inv_freq, ntk.inv_freq, 1e-14));
            EXPECT_TRUE(RelNear(r.effective_theta, ntk.effective_theta, 1e-14));
            EXPECT_LT(r.inv_freq.back(), base.inv_freq.back());
        }
    }
}

TEST(Properties, DynamicYarnIsDefaultUpToLThenYarnWithSeqLenOverL) {
    for (auto setup : setups(1.0)) {
        const std::int64_t L = setup.original_max_position_embeddings;
        const RopeResult base = compute(setup, DefaultMethod{});
        for (const std::int64_t len : {std::int64_t{0}, std::int64_t{1}, L / 2, L}) {
            setup.seq_len = len;
            SCOPED_TRACE("seq_len " + std::to_string(len));
            const RopeResult r = compute(setup, DynamicYarnMethod{});
            EXPECT_TRUE(AllRelNear(r.inv_freq, base.inv_freq, 1e-15));
            EXPECT_EQ(r.attention_factor, 1.0);
            EXPECT_EQ(r.factor, 1.0);
        }
        for (const std::int64_t len : {L + 1, 3 * L, 32 * L + 17}) {
            setup.seq_len = len;
            SCOPED_TRACE("seq_len " + std::to_string(len));
            const RopeResult r = compute(setup, DynamicYarnMethod{});
            RopeSetup yarn_setup = setup;
            yarn_setup.factor = static_cast<double>(len) / static_cast<double>(L);
            const RopeResult yarn = compute(yarn_setup, YarnMethod{});
            EXPECT_TRUE(AllRelNear(r.inv_freq, yarn.inv_freq, 1e-15));
            EXPECT_TRUE(RelNear(r.attention_factor, yarn.attention_factor, 1e-15));
            EXPECT_TRUE(RelNear(r.factor, yarn_setup.factor, 1e-15));
            EXPECT_GT(r.attention_factor, 1.0);
        }
    }
}

TEST(Properties, LongRopeNHatKeepsOriginalAnglesForEarlyPositions) {
    const RopeSetup setup = make_setup(96, 10000.0, 4096, 32.0);
    LongRopeMethod m;
    m.short_factor = ramp_factors(setup.num_pairs(), 4.0);
    m.long_factor = ramp_factors(setup.num_pairs(), 32.0);
    m.n_hat = 100;
    const RopeResult r = compute(setup, m);
    ASSERT_EQ(r.n_hat, 100);
    const std::vector<double> theta = test::base_frequencies(setup.rope_theta, setup.rotary_dim());
    for (const std::int64_t pos : {0, 1, 50, 99, 100, 101, 1000, 131071}) {
        for (int i = 0; i < r.num_pairs(); ++i) {
            const double m_pos = static_cast<double>(pos);
            const double expected = pos < 100 ? m_pos * theta[i] : m_pos * theta[i] / m.short_factor[i];
            EXPECT_TRUE(RelNear(r.angle(pos, i), expected, 1e-14)) << "position " << pos << " pair " << i;
        }
    }
    // The switch at n_hat is visible: pairs with a factor > 1 rotate less from position 100 on.
    EXPECT_LT(r.angle(100, r.num_pairs() - 1), 100.0 * theta.back());
}

// HF: long_factor iff seq_len > L (strictly); seq_len 0 (no sequence) means short.
TEST(Properties, LongRopeSwitchesToLongFactorAboveL) {
    RopeSetup setup = make_setup(96, 10000.0, 4096, 32.0);
    LongRopeMethod m;
    m.short_factor = ramp_factors(setup.num_pairs(), 2.0);
    m.long_factor = ramp_factors(setup.num_pairs(), 32.0);
    for (const std::int64_t len : {std::int64_t{0}, std::int64_t{1}, std::int64_t{4096}, std::int64_t{4097},
                                   std::int64_t{131072}}) {
        setup.seq_len = len;
        const RopeResult r = compute(setup, m);
        const bool expect_long = len > 4096;
        EXPECT_EQ(r.uses_long_factor, expect_long) << "seq_len " << len;
        EXPECT_TRUE(RelNear(r.inv_freq.back(), r.inv_freq_original.back() / (expect_long ? 32.0 : 2.0), 1e-15))
            << "seq_len " << len;
        // The attention factor follows s, not the list in use.
        EXPECT_TRUE(RelNear(r.attention_factor, std::sqrt(1.0 + std::log(32.0) / std::log(4096.0)), 1e-15));
    }
    m.choice = LongRopeFactorChoice::Long;
    setup.seq_len = 0;
    EXPECT_TRUE(compute(setup, m).uses_long_factor);
    m.choice = LongRopeFactorChoice::Short;
    setup.seq_len = 131072;
    EXPECT_FALSE(compute(setup, m).uses_long_factor);
}

// DeepSeek-style yarn: attention_factor = get_mscale(s, mscale) / get_mscale(s, mscale_all_dim) when both
// are set, get_mscale(s) otherwise; the softmax multiplier is get_mscale(s, mscale_all_dim)^2 whenever
// mscale_all_dim is set; an explicit attention_factor wins over both.
TEST(Properties, YarnMscaleRules) {
    const double s = 16.0;
    const auto get_mscale = [&](double m) { return 0.1 * m * std::log(s) + 1.0; };
    const RopeSetup setup = make_setup(64, 10000.0, 4096, s);
    YarnMethod both;
    both.mscale = 1.0;
    both.mscale_all_dim = 0.5;
    RopeResult r = compute(setup, both);
    EXPECT_TRUE(RelNear(r.attention_factor, get_mscale(1.0) / get_mscale(0.5), 1e-15));
    EXPECT_TRUE(RelNear(r.softmax_scale_multiplier, get_mscale(0.5) * get_mscale(0.5), 1e-15));

    YarnMethod all_dim_only;
    all_dim_only.mscale_all_dim = 0.707;
    r = compute(setup, all_dim_only);
    EXPECT_TRUE(RelNear(r.attention_factor, get_mscale(1.0), 1e-15));
    EXPECT_TRUE(RelNear(r.softmax_scale_multiplier, get_mscale(0.707) * get_mscale(0.707), 1e-15));

    YarnMethod mscale_only;
    mscale_only.mscale = 0.707;
    r = compute(setup, mscale_only);
    EXPECT_TRUE(RelNear(r.attention_factor, get_mscale(1.0), 1e-15));
    EXPECT_EQ(r.softmax_scale_multiplier, 1.0);

    YarnMethod explicit_factor = both;
    explicit_factor.attention_factor = 1.25;
    r = compute(setup, explicit_factor);
    EXPECT_EQ(r.attention_factor, 1.25);
    EXPECT_TRUE(RelNear(r.logit_scale(), 1.25 * 1.25 * get_mscale(0.5) * get_mscale(0.5), 1e-15));
}

// With L = 6 both correction dims round to 0, so HF widens the ramp to [0, 0.001]: pair 0 keeps its
// frequency, every other pair is interpolated, and nothing is NaN.
TEST(Properties, YarnDegenerateCorrectionRangeIsWidened) {
    const RopeResult r = compute(make_setup(128, 10000.0, 6, 8.0), YarnMethod{});
    ASSERT_TRUE(r.yarn.has_value());
    EXPECT_EQ(r.yarn->low, 0.0);
    EXPECT_EQ(r.yarn->high, 0.001);
    EXPECT_EQ(r.pairs[0].ramp, 0.0);
    EXPECT_EQ(r.inv_freq[0], 1.0);
    for (int i = 1; i < r.num_pairs(); ++i) {
        EXPECT_EQ(r.pairs[i].ramp, 1.0) << "pair " << i;
        EXPECT_TRUE(RelNear(r.inv_freq[i], r.inv_freq_original[i] / 8.0, 1e-15)) << "pair " << i;
    }
}

// Extreme but valid setups: every method gives finite, positive frequencies and finite scales.
TEST(Properties, ExtremeSetupsStayFinite) {
    std::vector<RopeSetup> extremes = {make_setup(2, 1.0001, 1, 1.0), make_setup(4, 1.0001, 1, 2.0),
                                       make_setup(65536, 1e12, 1, 1000.0), make_setup(128, 10000.0, 6, 8.0),
                                       make_setup(128, 10000.0, 1 << 30, 2.0), make_setup(128, 500000.0, 8192, 0.25)};
    extremes.back().seq_len = kMaxContext;
    for (const auto& setup : extremes) {
        const int n = setup.num_pairs();
        for (const auto& method : all_methods(n, ramp_factors(std::max(n, 2), 3.0), ramp_factors(std::max(n, 2), 9.0))) {
            if (setup.rotary_dim() < 4 && (kind_of(method) == MethodKind::Ntk || kind_of(method) == MethodKind::Dynamic))
                continue;  // rejected by validation (exponent d/(d-2))
            Method m = method;
            if (auto* lr = std::get_if<LongRopeMethod>(&m)) {
                lr->short_factor.resize(static_cast<std::size_t>(n));
                lr->long_factor.resize(static_cast<std::size_t>(n));
                lr->attention_factor = setup.original_max_position_embeddings < 2 ? std::optional<double>(1.0)
                                                                                   : std::nullopt;
            }
            SCOPED_TRACE(std::string(method_name(kind_of(m))) + " d " + std::to_string(setup.rotary_dim()) + " L " +
                         std::to_string(setup.original_max_position_embeddings));
            const RopeResult r = compute(setup, m);
            ASSERT_EQ(r.num_pairs(), n);
            EXPECT_TRUE(std::isfinite(r.attention_factor) && r.attention_factor > 0);
            EXPECT_TRUE(std::isfinite(r.softmax_scale_multiplier));
            for (const auto& p : r.pairs) {
                EXPECT_TRUE(std::isfinite(p.inv_freq) && p.inv_freq > 0) << "pair " << p.index << " " << p.inv_freq;
                EXPECT_TRUE(std::isfinite(p.scale)) << "pair " << p.index;
                EXPECT_FALSE(std::isnan(p.wavelength)) << "pair " << p.index;
            }
        }
    }
}

TEST(Properties, WavelengthIsNonDecreasingInPairIndex) {
    for (const double s : {1.0, 2.5, 8.0, 32.0}) {
        for (auto setup : setups(s)) {
            setup.seq_len = 4 * setup.original_max_position_embeddings;  // exercises the dynamic methods
            const int n = setup.num_pairs();
            for (const auto& method : all_methods(n, ramp_factors(n, std::max(1.0, s / 2)), ramp_factors(n, s))) {
                SCOPED_TRACE(std::string(method_name(kind_of(method))) + " s " + std::to_string(s));
                const RopeResult r = compute(setup, method);
                for (int i = 1; i < r.num_pairs(); ++i)
                    EXPECT_GE(r.pairs[i].wavelength, r.pairs[i - 1].wavelength) << "pair " << i;
            }
        }
    }
}

TEST(Properties, ScaleStaysBetweenOneAndFactor) {
    for (const double s : {1.5, 8.0, 40.0}) {
        for (const auto& setup : setups(s)) {
            for (const Method& method : {Method{LinearMethod{}}, Method{NtkMethod{}}, Method{YarnMethod{}},
                                         Method{NtkByPartsMethod{}}, Method{Llama3Method{}}}) {
                SCOPED_TRACE(std::string(method_name(kind_of(method))) + " s " + std::to_string(s));
                const RopeResult r = compute(setup, method);
                for (const auto& p : r.pairs) {
                    EXPECT_GE(p.scale, 1.0 - 1e-12) << "pair " << p.index;
                    EXPECT_LE(p.scale, s * (1.0 + 1e-12)) << "pair " << p.index;
                }
            }
        }
    }
}

int count_leaving(const RopeResult& r) {
    int n = 0;
    for (const auto& p : r.pairs) n += p.leaves_trained_range ? 1 : 0;
    return n;
}

TEST(Properties, PairsLeavingTheTrainedRange) {
    const RopeSetup setup = make_setup(128, 10000.0, 4096, 8.0);
    EXPECT_EQ(count_leaving(compute(setup, LinearMethod{})), 0);

    const RopeResult def = compute(setup, DefaultMethod{});
    int expected = 0;
    const auto theta = test::base_frequencies(setup.rope_theta, setup.rotary_dim());
    for (int i = 0; i < setup.num_pairs(); ++i) {
        const bool under_one_turn = 4096.0 * theta[i] < kTwoPi;
        expected += under_one_turn ? 1 : 0;
        EXPECT_EQ(def.pairs[i].leaves_trained_range, under_one_turn) << "pair " << i;
    }
    EXPECT_EQ(count_leaving(def), expected);
    EXPECT_GT(expected, 10);  // pairs 46..63 for this setup

    EXPECT_EQ(count_leaving(compute(setup, YarnMethod{})), 0);
}

}  // namespace
}  // namespace ropescope
