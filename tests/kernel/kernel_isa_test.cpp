// Every build of the fast kernels (AVX-512, AVX2+FMA, portable), forced one at a time, against
// the scalar double reference on the same inputs: every method, content model and phase format,
// key counts that are not multiples of the blocks, positions past 2^24 (fp32's rounded-position
// kernel). A build this CPU cannot run is skipped, saying so.
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ropescope/attention.h"
#include "ropescope/rope.h"

namespace ropescope {
namespace {

RopeResult rope_of(const RopeSetup& setup, MethodKind kind) {
    Method method = default_method(kind);
    if (auto* lr = std::get_if<LongRopeMethod>(&method)) {
        const int pairs = setup.num_pairs();
        for (int i = 0; i < pairs; ++i) {
            const double t = pairs > 1 ? static_cast<double>(i) / (pairs - 1) : 0.0;
            lr->short_factor.push_back(1.0 + 0.5 * t);
            lr->long_factor.push_back(1.0 + (setup.factor - 1.0) * t * t);
        }
        lr->n_hat = 1500;
    }
    auto result = compute_rope(setup, method);
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
    return std::move(result).value();
}

struct PathError {
    double relative = 0;  // max |fast - reference| / max |reference|
    bool same_argmax = false;
    std::string isa;
};

PathError compare(AttentionEngine& engine, const RopeResult& rope, AttentionOptions o) {
    o.path = KernelPath::Fast;
    auto fast = engine.run(rope, o);
    EXPECT_TRUE(fast.ok()) << (fast.ok() ? "" : fast.error().message);
    if (!fast.ok()) return {1, false, ""};
    const std::vector<float> f(engine.fast_logits().begin(), engine.fast_logits().end());
    o.path = KernelPath::Reference;
    auto ref = engine.run(rope, o);
    EXPECT_TRUE(ref.ok());
    if (!ref.ok()) return {1, false, ""};
    const auto r = engine.reference_logits();
    double scale = 0, err = 0;
    for (std::size_t k = 0; k < r.size() && k < f.size(); ++k) {
        scale = std::max(scale, std::fabs(r[k]));
        err = std::max(err, std::fabs(static_cast<double>(f[k]) - r[k]));
    }
    return {scale > 0 ? err / scale : err, fast->metrics.argmax == ref->metrics.argmax, fast->isa};
}

class KernelIsaTest : public ::testing::TestWithParam<KernelIsa> {
protected:
    void SetUp() override {
        if (!kernel_isa_supported(GetParam()))
            GTEST_SKIP() << "this CPU cannot run the " << (GetParam() == KernelIsa::Avx512 ? "AVX-512" : "AVX2+FMA")
                         << " build of the kernels (or it was not compiled: not x86-64, or ROPESCOPE_RUNTIME_AVX2=OFF)";
    }
};

TEST_P(KernelIsaTest, EveryMethodContentAndPhaseFormatMatchesTheReference) {
    std::mt19937_64 rng(20261202 + static_cast<int>(GetParam()));
    AttentionEngine engine;
    const int head_dims[] = {64, 96, 128, 80, 256};
    for (const MethodKind kind : kAllMethods) {
        RopeSetup s;
        s.head_dim = head_dims[rng() % 5];
        s.partial_rotary_factor = s.head_dim == 80 ? 0.5 : 1.0;
        s.rope_theta = std::pow(10.0, 4.0 + static_cast<double>(rng() % 300) / 100.0);
        s.original_max_position_embeddings = 1024 << (rng() % 3);
        s.factor = 2.0 + static_cast<double>(rng() % 14);
        s.seq_len = static_cast<std::int64_t>(s.factor * static_cast<double>(s.original_max_position_embeddings));
        const RopeResult rope = rope_of(s, kind);
        for (const ContentModel content : {ContentModel::Identical, ContentModel::Positional, ContentModel::Needle}) {
            for (const PhasePrecision precision :
                 {PhasePrecision::Fp64, PhasePrecision::Fp32, PhasePrecision::Bf16, PhasePrecision::Fp16}) {
                AttentionOptions o;
                o.num_keys = 1000 + static_cast<std::int64_t>(rng() % 5000);
                o.first_key = static_cast<std::int64_t>(rng() % 5000);
                o.target_distance = 1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(o.num_keys - 2));
                o.content = content;
                o.precision = precision;
                o.seed = rng();
                o.query_scale = 2.0;
                o.isa = GetParam();
                const PathError e = compare(engine, rope, o);
                SCOPED_TRACE(std::string(method_name(kind)) + " " + std::string(content_model_name(content)) + " " +
                             std::string(phase_precision_name(precision)) + " head_dim " + std::to_string(s.head_dim) +
                             " keys " + std::to_string(o.num_keys) + " first " + std::to_string(o.first_key));
                EXPECT_EQ(e.isa, kernel_isa_name(GetParam()));
                // fp64/fp32: float arithmetic against double (measured: below 1e-6). bf16/fp16 round
                // cos and sin to 8/11 bits; a last-bit difference in the fast sin/cos can flip one
                // rounding (a bf16 ulp is 0.4%).
                const bool coarse = precision == PhasePrecision::Bf16 || precision == PhasePrecision::Fp16;
                EXPECT_LT(e.relative, coarse ? 2e-2 : 1e-4);
                if (!coarse) {
                    EXPECT_TRUE(e.same_argmax);
                }
            }
        }
    }
}

TEST_P(KernelIsaTest, LongRunsAndLatePositionsMatchTheReference) {
    AttentionEngine engine;
    RopeSetup s;
    s.head_dim = 128;
    s.original_max_position_embeddings = 4096;
    s.factor = 8;
    const RopeResult rope = rope_of(s, MethodKind::Yarn);
    struct Case {
        ContentModel content;
        PhasePrecision precision;
        std::int64_t first_key, num_keys;
    };
    // 131,075 keys: several chunks and 1024-key superblocks with a partial one at the end; fp32
    // from 2^24 on rounds positions (the per-distinct-position kernel), below it the corrected one.
    const Case cases[] = {{ContentModel::Needle, PhasePrecision::Fp64, 0, 131075},
                          {ContentModel::Positional, PhasePrecision::Fp64, 1900000, 131075},
                          {ContentModel::Needle, PhasePrecision::Fp32, 900000, 131075},
                          // every correction level of the corrected GEMM kernel (|d| up to 2^-4)
                          {ContentModel::Positional, PhasePrecision::Fp32, 1900000, 131075},
                          {ContentModel::Identical, PhasePrecision::Fp32, 0, 40000},
                          {ContentModel::Identical, PhasePrecision::Fp32, 16777216 - 3000, 7000},
                          {ContentModel::Needle, PhasePrecision::Fp32, 40000000, 7000}};
    for (const Case& c : cases) {
        AttentionOptions o;
        o.content = c.content;
        o.precision = c.precision;
        o.first_key = c.first_key;
        o.num_keys = c.num_keys;
        o.target_distance = 77;
        o.query_scale = 3;
        o.isa = GetParam();
        const PathError e = compare(engine, rope, o);
        SCOPED_TRACE(std::string(content_model_name(c.content)) + " " + std::string(phase_precision_name(c.precision)) +
                     " first " + std::to_string(c.first_key));
        // Float rounding gives a few 1e-7 here (also near 2M); 2e-6 is far below the 1e-4 of the
        // issue, so an anchor, table or fp32 correction that is off by more than rounding fails.
        EXPECT_LT(e.relative, 2e-6);
        EXPECT_TRUE(e.same_argmax);
    }
}

// fp32 phases of one fast pair (2/3 rad per token: not a power of two, so n theta is rarely exact
// in float) where the angle's rounding error d is largest: up to 2^-4 rad below position 2^21,
// 2^-1 below 2^24. The corrected kernel's series for e^{i d} must be exact to float precision
// there, so the logits match the reference as closely as exact phases do (measured: 2.2e-7 and
// 1.7e-7; a series two terms short near 2^21 gives 1.2e-5, one term short 2.9e-7: that last one
// hides in the float rounding, whose size it has by design).
TEST_P(KernelIsaTest, Fp32CorrectionIsExactForAFastPairUpTo2To24) {
    AttentionEngine engine;
    RopeSetup s;
    s.head_dim = 2;  // one pair
    s.factor = 1.5;  // PI: theta_0 = 1 / 1.5
    const RopeResult rope = rope_of(s, MethodKind::Linear);
    for (const std::int64_t last : {std::int64_t{1} << 21, std::int64_t{1} << 24}) {
        AttentionOptions o;
        o.content = ContentModel::Identical;
        o.precision = PhasePrecision::Fp32;
        o.num_keys = 20000;
        o.first_key = last - o.num_keys;
        o.target_distance = 5;
        o.isa = GetParam();
        const PathError e = compare(engine, rope, o);
        SCOPED_TRACE("last position " + std::to_string(last));
        EXPECT_LT(e.relative, 5e-7);
    }
}

// fp32 phases of one pair whose frequency has few significant bits: theta = 1 - 2^-s (s bits;
// 1/2 for s = 1). Below position 2^(24 - s) every fp32 angle n theta is exact, so the pair needs
// no correction (level 0); from 2^(24 - s) on, n theta can need 25 bits and rounds by up to
// 2^-s rad. The keys end just below 2^b for b = 24 - s (exact) and for b = 25 - s (the first
// positions where some angles are not): an exactness limit one bit too generous skips the
// correction there and misses by about 2^-s of the logit (2.4e-4 at s = 12, 0.25 at s = 2).
TEST_P(KernelIsaTest, Fp32PairsWithExactAnglesMatchTheReference) {
    AttentionEngine engine;
    for (int s = 1; s <= 12; ++s) {
        RopeSetup setup;
        setup.head_dim = 2;  // one pair, theta_0 = 1 / factor
        const double significand = s == 1 ? 1.0 : static_cast<double>((1 << s) - 1);
        setup.factor = static_cast<double>(1 << s) / significand;  // PI: theta_0 = significand / 2^s
        const RopeResult rope = rope_of(setup, MethodKind::Linear);
        ASSERT_EQ(static_cast<float>(rope.inv_freq[0]), static_cast<float>(significand / (1 << s)));
        for (const int b : {24 - s, 25 - s}) {
            for (const ContentModel content : {ContentModel::Identical, ContentModel::Needle}) {
                AttentionOptions o;
                o.content = content;
                o.precision = PhasePrecision::Fp32;
                o.num_keys = 3000;
                o.first_key = (std::int64_t{1} << b) - o.num_keys;  // the last key at 2^b - 1
                o.target_distance = 777;
                o.query_scale = 2;
                o.isa = GetParam();
                const PathError e = compare(engine, rope, o);
                SCOPED_TRACE("s " + std::to_string(s) + " positions below 2^" + std::to_string(b) + " " +
                             std::string(content_model_name(content)));
                EXPECT_EQ(e.isa, kernel_isa_name(GetParam()));
                // As exact as exact phases (float rounding: a few 1e-7).
                EXPECT_LT(e.relative, 1e-6);
                // One pair of identical content peaks every 2 pi / theta keys, with near ties.
                if (content == ContentModel::Needle) {
                    EXPECT_TRUE(e.same_argmax);
                }
            }
        }
    }
}

// The needle at fp32 phases corrects each vector of pairs (16 on AVX-512, 8 on AVX2, 4 portable) at
// the level of its fastest pair, and for rows of up to 4 vectors whose levels do not increase
// (frequencies that fall with the pair index) the levels are compiled into the kernel; other rows
// use the kernel that reads them at run time. Both, at every level: head_dim 64 and 128 with
// YaRN (4 vectors on AVX-512 at 128 and on AVX2 at 64: constant levels; 8 on AVX2 at 128: run
// time), and a LongRoPE whose first pairs turn slowest (levels that rise: run time). The keys end
// below 2^20, 2^22 and 2^24, so the fastest vector's level goes from 3 to 4.
TEST_P(KernelIsaTest, Fp32NeedleAtEveryCorrectionLevelMatchesTheReference) {
    AttentionEngine engine;
    for (const int head_dim : {64, 128}) {
        for (const bool rising : {false, true}) {
            RopeSetup s;
            s.head_dim = head_dim;
            s.original_max_position_embeddings = 4096;
            s.factor = 8;
            Method method = default_method(rising ? MethodKind::LongRope : MethodKind::Yarn);
            if (auto* lr = std::get_if<LongRopeMethod>(&method)) {
                // The first 16 pairs 4096 times slower than the rest: the first vector's level is
                // below the next one's.
                lr->choice = LongRopeFactorChoice::Long;
                for (int i = 0; i < head_dim / 2; ++i) {
                    lr->short_factor.push_back(1.0);
                    lr->long_factor.push_back(i < 16 ? 4096.0 : 1.0);
                }
            }
            auto rope = compute_rope(s, method);
            ASSERT_TRUE(rope.ok()) << rope.error().message;
            for (const int b : {20, 22, 24}) {
                AttentionOptions o;
                o.content = ContentModel::Needle;
                o.precision = PhasePrecision::Fp32;
                o.num_keys = 9000;
                o.first_key = (std::int64_t{1} << b) - o.num_keys;
                o.target_distance = 333;
                o.query_scale = 3;
                o.isa = GetParam();
                const PathError e = compare(engine, *rope, o);
                SCOPED_TRACE("head_dim " + std::to_string(head_dim) + (rising ? " LongRoPE, rising levels" : " YaRN") +
                             ", positions below 2^" + std::to_string(b));
                EXPECT_EQ(e.isa, kernel_isa_name(GetParam()));
                // As exact as exact phases (float rounding: a few 1e-7); one level too low on
                // any vector misses by far more.
                EXPECT_LT(e.relative, 1e-6);
                EXPECT_TRUE(e.same_argmax);
            }
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Builds, KernelIsaTest,
                         ::testing::Values(KernelIsa::Avx512, KernelIsa::Avx2, KernelIsa::Portable),
                         [](const ::testing::TestParamInfo<KernelIsa>& p) {
                             return p.param == KernelIsa::Avx512 ? std::string("avx512")
                                    : p.param == KernelIsa::Avx2 ? std::string("avx2")
                                                                 : std::string("portable");
                         });

TEST(KernelIsa, NamesAndForcingAnUnsupportedBuild) {
    EXPECT_EQ(kernel_isa_from_name("avx512"), KernelIsa::Avx512);
    EXPECT_EQ(kernel_isa_from_name("portable"), KernelIsa::Portable);
    EXPECT_FALSE(kernel_isa_from_name("avx9").has_value());
    EXPECT_TRUE(kernel_isa_supported(KernelIsa::Best));
    EXPECT_TRUE(kernel_isa_supported(KernelIsa::Portable));
    // Best is the widest build the CPU runs.
    if (kernel_isa_supported(KernelIsa::Avx512)) {
        EXPECT_EQ(kernel_isa_name(KernelIsa::Best), "avx512");
    } else if (kernel_isa_supported(KernelIsa::Avx2)) {
        EXPECT_EQ(kernel_isa_name(KernelIsa::Best), "avx2+fma");
    }
    for (const KernelIsa isa : {KernelIsa::Avx512, KernelIsa::Avx2}) {
        if (kernel_isa_supported(isa)) continue;
        RopeSetup s;
        auto rope = compute_rope(s, default_method(MethodKind::Default));
        ASSERT_TRUE(rope.ok());
        AttentionOptions o;
        o.isa = isa;
        auto r = compute_attention(*rope, o);
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().field, "isa");
        EXPECT_NE(r.error().message.find("not supported by this CPU"), std::string::npos);
    }
}

}  // namespace
}  // namespace ropescope
