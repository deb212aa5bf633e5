// The CPU attention kernel: fast path against the scalar double reference, softmax, distance
// invariance, resolution properties, phase precision, cancellation and progress.
#include <atomic>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ropescope/attention.h"
#include "ropescope/decay.h"
#include "ropescope/rope.h"

namespace ropescope {
namespace {

RopeResult rope_for(const RopeSetup& setup, MethodKind kind, std::int64_t n_hat = 0) {
    Method method = default_method(kind);
    if (auto* lr = std::get_if<LongRopeMethod>(&method)) {
        const int pairs = setup.num_pairs();
        for (int i = 0; i < pairs; ++i) {
            const double t = pairs > 1 ? static_cast<double>(i) / (pairs - 1) : 0.0;
            lr->short_factor.push_back(1.0 + 0.5 * t);
            lr->long_factor.push_back(1.0 + (setup.factor - 1.0) * t * t);
        }
        lr->n_hat = n_hat;
    }
    auto result = compute_rope(setup, method);
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
    return std::move(result).value();
}

RopeSetup setup_128(double factor) {
    RopeSetup s;
    s.head_dim = 128;
    s.original_max_position_embeddings = 4096;
    s.factor = factor;
    return s;
}

AttentionResult run_ok(AttentionEngine& engine, const RopeResult& rope, const AttentionOptions& o) {
    auto r = engine.run(rope, o);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? std::move(r).value() : AttentionResult{};
}

// max |fast - reference| / max |reference|, with the logits of both paths on the same query.
struct Comparison {
    double relative_error = 0;
    std::int64_t fast_argmax = 0, reference_argmax = 0;
};
Comparison compare_paths(AttentionEngine& engine, const RopeResult& rope, AttentionOptions o) {
    o.path = KernelPath::Fast;
    const AttentionResult fast = run_ok(engine, rope, o);
    const std::vector<float> f(engine.fast_logits().begin(), engine.fast_logits().end());
    o.path = KernelPath::Reference;
    const AttentionResult ref = run_ok(engine, rope, o);
    const auto r = engine.reference_logits();
    EXPECT_EQ(f.size(), r.size());
    double scale = 0, err = 0;
    for (std::size_t k = 0; k < r.size() && k < f.size(); ++k) {
        scale = std::max(scale, std::fabs(r[k]));
        err = std::max(err, std::fabs(static_cast<double>(f[k]) - r[k]));
    }
    return {scale > 0 ? err / scale : err, fast.metrics.argmax, ref.metrics.argmax};
}

// ---------------------------------------------------------------------------------------------

// Every method, random setups (head_dim, partial rotary, base, factor, contexts), all three content
// models, both instruction sets, key counts that are not multiples of the 128-key blocks.
TEST(AttentionKernel, FastMatchesReferenceForEveryMethod) {
    std::mt19937_64 rng(20240611);
    AttentionEngine engine;
    const int head_dims[] = {64, 96, 128, 80};
    for (const MethodKind kind : kAllMethods) {
        for (int trial = 0; trial < 2; ++trial) {
            RopeSetup s;
            s.head_dim = head_dims[(rng() % 4)];
            s.partial_rotary_factor = s.head_dim == 80 ? 0.5 : 1.0;
            s.rope_theta = std::pow(10.0, 4.0 + static_cast<double>(rng() % 300) / 100.0);
            s.original_max_position_embeddings = 1024 << (rng() % 3);
            s.factor = 2.0 + static_cast<double>(rng() % 14);
            s.seq_len = static_cast<std::int64_t>(s.factor * static_cast<double>(s.original_max_position_embeddings));
            const RopeResult rope = rope_for(s, kind, kind == MethodKind::LongRope ? 1500 : 0);
            for (const ContentModel content : {ContentModel::Identical, ContentModel::Positional, ContentModel::Needle}) {
                AttentionOptions o;
                o.num_keys = 1000 + static_cast<std::int64_t>(rng() % 3000);
                o.first_key = static_cast<std::int64_t>(rng() % 5000);
                o.target_distance = 1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(o.num_keys - 2));
                o.content = content;
                o.seed = rng();
                o.query_scale = 2.0;
                o.isa = trial == 0 ? KernelIsa::Best : KernelIsa::Portable;
                const Comparison c = compare_paths(engine, rope, o);
                SCOPED_TRACE(std::string(method_name(kind)) + " " + std::string(content_model_name(content)) +
                             " head_dim " + std::to_string(s.head_dim) + " keys " + std::to_string(o.num_keys));
                EXPECT_LT(c.relative_error, 1e-4);
                EXPECT_EQ(c.fast_argmax, c.reference_argmax);
            }
        }
    }
}

TEST(AttentionKernel, SoftmaxSumsToOne) {
    const RopeResult rope = rope_for(setup_128(8), MethodKind::Yarn);
    AttentionEngine engine;
    for (const KernelPath path : {KernelPath::Fast, KernelPath::Reference}) {
        for (const ContentModel content : {ContentModel::Identical, ContentModel::Positional, ContentModel::Needle}) {
            AttentionOptions o;
            o.num_keys = 5000;
            o.content = content;
            o.path = path;
            o.keep_logits = true;
            o.query_scale = 3;
            const AttentionResult r = run_ok(engine, rope, o);
            double sum = 0, entropy = 0;
            for (const double x : r.logits) {
                const double w = std::exp(x - r.metrics.log_normalizer);
                sum += w;
                if (w > 0) entropy -= w * std::log(w);
            }
            EXPECT_NEAR(sum, 1.0, path == KernelPath::Fast ? 2e-5 : 1e-12);
            EXPECT_NEAR(r.metrics.entropy, entropy, 1e-4);
            EXPECT_GE(r.metrics.target_weight, 0.0);
            EXPECT_LE(r.metrics.max_weight, 1.0);
        }
    }
}

// Without n_hat, RoPE logits depend on m - n only: shifting the query and all keys changes nothing.
TEST(AttentionKernel, LogitsDependOnlyOnDistanceWithoutNHat) {
    AttentionEngine engine;
    for (const MethodKind kind : kAllMethods) {
        const RopeResult rope = rope_for(setup_128(4), kind);
        AttentionOptions o;
        o.num_keys = 3000;
        o.target_distance = 700;
        o.keep_logits = true;
        const AttentionResult a = run_ok(engine, rope, o);
        o.first_key = 123457;
        const AttentionResult b = run_ok(engine, rope, o);
        double scale = 0, err = 0;
        for (std::size_t k = 0; k < a.logits.size(); ++k) {
            scale = std::max(scale, std::fabs(a.logits[k]));
            err = std::max(err, std::fabs(a.logits[k] - b.logits[k]));
        }
        EXPECT_LT(err / scale, 1e-4) << method_name(kind);
        EXPECT_EQ(a.metrics.argmax_distance, b.metrics.argmax_distance) << method_name(kind);
    }
    // LongRoPE with n_hat: keys below n_hat keep the original frequencies, so the absolute position matters.
    const RopeResult lr = rope_for(setup_128(4), MethodKind::LongRope, 2000);
    AttentionOptions o;
    o.num_keys = 3000;
    o.keep_logits = true;
    o.path = KernelPath::Reference;
    const AttentionResult a = run_ok(engine, lr, o);
    o.first_key = 100000;
    const AttentionResult b = run_ok(engine, lr, o);
    double err = 0;
    for (std::size_t k = 0; k < a.logits.size(); ++k) err = std::max(err, std::fabs(a.logits[k] - b.logits[k]));
    EXPECT_GT(err, 1e-2);
}

// Identical content: the logits are the decay curve, times rotary_dim / sqrt(head_dim).
TEST(AttentionKernel, IdenticalContentIsTheDecayCurve) {
    const RopeResult rope = rope_for(setup_128(8), MethodKind::Yarn);
    AttentionOptions o;
    o.num_keys = 8192;
    o.content = ContentModel::Identical;
    o.keep_logits = true;
    AttentionEngine engine;
    const AttentionResult r = run_ok(engine, rope, o);
    DecayOptions d;
    d.grid = GridKind::Linear;
    d.points = 8192;
    d.max_distance = 8191;
    const DecayCurve curve = decay_curve(rope, d);
    const double factor = 128.0 / std::sqrt(128.0);
    for (const std::int64_t distance : {0, 1, 2, 10, 100, 1000, 8191}) {
        const double logit = r.logits[static_cast<std::size_t>(8191 - distance)];
        std::size_t row = 0;
        while (curve.distance[row] < static_cast<double>(distance)) ++row;
        ASSERT_EQ(curve.distance[row], static_cast<double>(distance));
        EXPECT_NEAR(logit, curve.logit[row] * factor, 1e-4 * factor) << distance;
    }
    EXPECT_EQ(r.metrics.argmax, 8191);  // distance 0
}

// Positional content points exactly at D for plain RoPE within the training context.
TEST(AttentionKernel, PositionalPeakIsAtDistanceDForDefaultWithinL) {
    const RopeResult rope = rope_for(setup_128(1), MethodKind::Default);
    AttentionEngine engine;
    for (const KernelPath path : {KernelPath::Fast, KernelPath::Reference}) {
        for (const std::int64_t d : {1, 2, 7, 100, 1000, 2500, 4095}) {
            AttentionOptions o;
            o.num_keys = 4096;
            o.target_distance = d;
            o.path = path;
            const AttentionResult r = run_ok(engine, rope, o);
            EXPECT_EQ(r.metrics.argmax, 4095 - d) << d;
            EXPECT_EQ(r.metrics.argmax_error, 0);
            EXPECT_EQ(r.metrics.argmax_distance, d);
            EXPECT_LT(r.metrics.side_peak_ratio, 1.0) << d;
            if (d < 4095) EXPECT_GT(r.metrics.adjacent_distinguishability, 0.0) << d;
            else EXPECT_TRUE(std::isnan(r.metrics.adjacent_distinguishability));  // no key at distance D + 1
        }
    }
}

// PI squeezes every frequency by s, so the peak widens ~s-fold; YaRN keeps the fast pairs, so
// the short-range peak stays as sharp as without scaling (docs/resolution.md).
TEST(AttentionKernel, PiWidthGrowsWithFactorWhileYarnKeepsShortRange) {
    AttentionEngine engine;
    AttentionOptions o;
    o.num_keys = 32768;
    o.target_distance = 32;
    o.query_scale = 4;
    auto width = [&](MethodKind kind, double factor) {
        return run_ok(engine, rope_for(setup_128(factor), kind), o).metrics.peak_width;
    };
    const double base = width(MethodKind::Default, 1);
    const double pi2 = width(MethodKind::Linear, 2), pi4 = width(MethodKind::Linear, 4), pi8 = width(MethodKind::Linear, 8);
    const double yarn8 = width(MethodKind::Yarn, 8);
    EXPECT_LT(base, pi2);
    EXPECT_LT(pi2, pi4);
    EXPECT_LT(pi4, pi8);
    EXPECT_GT(pi8, 4.0 * base);  // about s times wider
    EXPECT_LT(yarn8, 1.5 * base);
    EXPECT_LT(yarn8, pi8 / 3.0);
}

// A one-hot softmax: width 1 token, entropy 0, all the weight on the target.
TEST(AttentionKernel, SharpQueryIsOneHot) {
    const RopeResult rope = rope_for(setup_128(1), MethodKind::Default);
    AttentionOptions o;
    o.num_keys = 2048;
    o.target_distance = 300;
    o.query_scale = 200;
    AttentionEngine engine;
    const AttentionResult r = run_ok(engine, rope, o);
    EXPECT_NEAR(r.metrics.target_weight, 1.0, 1e-6);
    EXPECT_NEAR(r.metrics.peak_width, 1.0, 1e-6);
    EXPECT_NEAR(r.metrics.entropy, 0.0, 1e-4);
    EXPECT_LT(r.metrics.side_peak_ratio, 1e-6);
}

// Near 2M tokens a float32 angle m * theta is off by up to m theta 2^-24 (0.06 rad in pair 0):
// the naive fp32 phases lose accuracy, the fast path (exact double anchors, float tables) does not.
TEST(AttentionKernel, NaiveFp32LosesAccuracyAt2MWhileRangeReducedDoesNot) {
    const std::int64_t m = kMaxAttentionKeys - 1;
    const RopeResult rope = rope_for(setup_128(1), MethodKind::Default);
    double worst_angle = 0;
    for (int i = 0; i < rope.num_pairs(); ++i) {
        const float t = static_cast<float>(rope.inv_freq[static_cast<std::size_t>(i)]);
        const double fp32 = static_cast<double>(static_cast<float>(m) * t);
        worst_angle = std::max(worst_angle, std::fabs(fp32 - static_cast<double>(m) * rope.inv_freq[static_cast<std::size_t>(i)]));
    }
    EXPECT_GT(worst_angle, 0.01);  // radians

    AttentionEngine engine;
    AttentionOptions o;
    o.num_keys = 4096;
    o.first_key = m - 4095;
    o.target_distance = 100;
    o.query_scale = 2;
    // Fast path, exact phases: as accurate at 2M as at 0.
    const Comparison fast = compare_paths(engine, rope, o);
    EXPECT_LT(fast.relative_error, 1e-4);
    EXPECT_EQ(fast.fast_argmax, fast.reference_argmax);
    // Naive fp32 phases (the reference computing them as float32 does) against exact phases.
    o.path = KernelPath::Reference;
    o.keep_logits = true;
    const AttentionResult exact = run_ok(engine, rope, o);
    o.precision = PhasePrecision::Fp32;
    const AttentionResult fp32 = run_ok(engine, rope, o);
    double scale = 0, err = 0;
    for (std::size_t k = 0; k < exact.logits.size(); ++k) {
        scale = std::max(scale, std::fabs(exact.logits[k]));
        err = std::max(err, std::fabs(exact.logits[k] - fp32.logits[k]));
    }
    EXPECT_GT(err / scale, 1e-3);
    // The same query at small positions: fp32 phases are nearly exact there.
    o.first_key = 0;
    o.precision = PhasePrecision::Fp64;
    const AttentionResult exact0 = run_ok(engine, rope, o);
    o.precision = PhasePrecision::Fp32;
    const AttentionResult fp32_0 = run_ok(engine, rope, o);
    double err0 = 0;
    for (std::size_t k = 0; k < exact0.logits.size(); ++k)
        err0 = std::max(err0, std::fabs(exact0.logits[k] - fp32_0.logits[k]));
    EXPECT_LT(err0 / scale, 1e-4);
    EXPECT_GT(err, 20 * err0);
}

// bf16 positions near 1M are multiples of 4096: keys that share a rounded position get the same
// phase, so the peak smears over thousands of tokens.
TEST(AttentionKernel, Bf16PositionsSmearThePeakAtLongRange) {
    const RopeResult rope = rope_for(setup_128(1), MethodKind::Default);
    AttentionEngine engine;
    AttentionOptions o;
    o.num_keys = 16384;
    o.first_key = (1 << 20) - 8192;
    o.target_distance = 5000;
    o.query_scale = 4;
    const AttentionResult exact = run_ok(engine, rope, o);
    EXPECT_EQ(exact.metrics.argmax_error, 0);
    o.precision = PhasePrecision::Bf16;
    const AttentionResult bf16 = run_ok(engine, rope, o);
    EXPECT_GT(bf16.metrics.peak_width, 100 * exact.metrics.peak_width);
    EXPECT_LT(bf16.metrics.target_weight, 0.01 * exact.metrics.target_weight);
}

// The rounded-phase modes of the fast path against the reference computing the same phases.
TEST(AttentionKernel, FastPhaseModesMatchReference) {
    AttentionEngine engine;
    const RopeResult rope = rope_for(setup_128(8), MethodKind::Yarn);
    for (const PhasePrecision p : {PhasePrecision::Fp32, PhasePrecision::Bf16, PhasePrecision::Fp16}) {
        for (const ContentModel content : {ContentModel::Positional, ContentModel::Needle}) {
            AttentionOptions o;
            o.num_keys = 3000;
            o.first_key = p == PhasePrecision::Fp16 ? 60000 : 1000000;  // fp16 saturates above 65504
            o.precision = p;
            o.content = content;
            o.query_scale = 2;
            const Comparison c = compare_paths(engine, rope, o);
            // fp32: the fast sin/cos is within 1 ulp of the reference's; bf16/fp16 round those to 8/11
            // bits, so a 1-ulp difference can flip a rounding (one bf16 ulp is 0.4%).
            EXPECT_LT(c.relative_error, p == PhasePrecision::Fp32 ? 1e-4 : 2e-2) << phase_precision_name(p);
        }
    }
}

TEST(AttentionKernel, RoundToPrecision) {
    EXPECT_EQ(round_to_precision(257.0, PhasePrecision::Bf16), 256.0);  // ties to even
    EXPECT_EQ(round_to_precision(259.0, PhasePrecision::Bf16), 260.0);
    EXPECT_EQ(round_to_precision(1048575.0, PhasePrecision::Bf16), 1048576.0);
    EXPECT_EQ(round_to_precision(2049.0, PhasePrecision::Fp16), 2048.0);
    EXPECT_EQ(round_to_precision(65504.0, PhasePrecision::Fp16), 65504.0);
    EXPECT_TRUE(std::isinf(round_to_precision(65520.0, PhasePrecision::Fp16)));
    EXPECT_EQ(round_to_precision(std::ldexp(1.0, -24) * 1.5, PhasePrecision::Fp16), std::ldexp(1.0, -23));  // subnormal
    EXPECT_EQ(round_to_precision(16777217.0, PhasePrecision::Fp32), 16777216.0);
    EXPECT_EQ(round_to_precision(0.1, PhasePrecision::Fp64), 0.1);
}

// The recurrence inside a chunk runs up to 256 blocks of 128 keys from an exact anchor; the
// logit error stays below the documented bound (float32 tables and accumulation, ~1e-5 relative).
TEST(AttentionKernel, RecurrenceDriftIsBounded) {
    AttentionEngine engine;
    const RopeResult rope = rope_for(setup_128(8), MethodKind::Ntk);
    AttentionOptions o;
    o.num_keys = 8 * 32768;  // chunks of 32768 keys: the longest recurrence
    o.first_key = kMaxAttentionKeys - o.num_keys;
    o.content = ContentModel::Identical;
    o.path = KernelPath::Fast;
    run_ok(engine, rope, o);
    const std::vector<float> fast(engine.fast_logits().begin(), engine.fast_logits().end());
    // Reference on the last 2000 keys of the first chunk (the end of its recurrence) and the last keys.
    const RopeSetup s = setup_128(8);
    const double bound = 1e-5 * 2 * s.num_pairs() * rope.logit_scale() / std::sqrt(128.0);
    std::vector<std::int64_t> keys;
    for (std::int64_t k = 32768 - 1000; k < 32768; ++k) keys.push_back(o.first_key + k);
    for (std::int64_t k = o.num_keys - 1000; k < o.num_keys; ++k) keys.push_back(o.first_key + k);
    const std::int64_t query[] = {o.first_key + o.num_keys - 1};
    auto ref = logit_matrix(rope, o, query, keys);
    ASSERT_TRUE(ref.ok());
    double worst = 0;
    for (std::size_t k = 0; k < keys.size(); ++k)
        worst = std::max(worst, std::fabs(static_cast<double>(fast[static_cast<std::size_t>(keys[k] - o.first_key)]) - (*ref)[k]));
    EXPECT_LT(worst, bound);
}

TEST(AttentionKernel, ResultsDoNotDependOnThreads) {
    const RopeResult rope = rope_for(setup_128(8), MethodKind::Llama3);
    AttentionEngine engine;
    AttentionOptions o;
    o.num_keys = 100000;
    o.content = ContentModel::Needle;
    o.keep_logits = true;
    o.threads = 1;
    const AttentionResult one = run_ok(engine, rope, o);
    o.threads = 3;
    const AttentionResult three = run_ok(engine, rope, o);
    EXPECT_EQ(one.logits, three.logits);
    EXPECT_EQ(one.metrics.entropy, three.metrics.entropy);
    EXPECT_EQ(three.threads, 3);
}

// The engine keeps the needle's random draws between runs (per seed and head_dim): a run after
// other seeds, head dims, noise and query scales gives the logits a new engine gives, bit for bit.
TEST(AttentionKernel, NeedleContentKeptBetweenRunsIsTheSameAsFresh) {
    AttentionEngine kept;
    struct Step {
        int head_dim;
        std::uint64_t seed;
        double noise, query_scale;
    };
    const Step steps[] = {{128, 1, 1, 1}, {128, 2, 1, 1}, {64, 2, 1, 1}, {64, 2, 0.5, 3}, {128, 1, 2, 1}, {128, 1, 1, 1}};
    for (const Step& step : steps) {
        RopeSetup s = setup_128(8);
        s.head_dim = step.head_dim;
        const RopeResult rope = rope_for(s, MethodKind::Yarn);
        AttentionOptions o;
        o.num_keys = 5000;
        o.content = ContentModel::Needle;
        o.seed = step.seed;
        o.noise = step.noise;
        o.query_scale = step.query_scale;
        o.keep_logits = true;
        const AttentionResult a = run_ok(kept, rope, o);
        AttentionEngine fresh;
        const AttentionResult b = run_ok(fresh, rope, o);
        SCOPED_TRACE("head_dim " + std::to_string(step.head_dim) + " seed " + std::to_string(step.seed));
        ASSERT_EQ(a.logits.size(), 5000u);
        EXPECT_EQ(a.logits, b.logits);
    }
}

// Needle content: found at short range with little noise, lost in strong noise.
TEST(AttentionKernel, NeedleRetrieval) {
    const RopeResult rope = rope_for(setup_128(1), MethodKind::Default);
    AttentionEngine engine;
    AttentionOptions o;
    o.num_keys = 4096;
    o.content = ContentModel::Needle;
    o.target_distance = 10;
    o.noise = 0.2;
    const AttentionResult easy = run_ok(engine, rope, o);
    EXPECT_EQ(easy.metrics.argmax_error, 0);
    EXPECT_GT(easy.metrics.target_weight, 0.5);
    o.noise = 5;
    const AttentionResult hard = run_ok(engine, rope, o);
    EXPECT_LT(hard.metrics.target_weight, 0.01);
    // Seeds change the distractors.
    o.seed = 7;
    const AttentionResult other = run_ok(engine, rope, o);
    EXPECT_NE(other.metrics.logit_max, hard.metrics.logit_max);
}

TEST(AttentionKernel, CancelStopsTheRun) {
    const RopeResult rope = rope_for(setup_128(8), MethodKind::Yarn);
    AttentionEngine engine;
    AttentionOptions o;
    o.num_keys = 200000;
    o.path = KernelPath::Reference;
    std::atomic<bool> cancel{true};
    RunControl control;
    control.cancel = &cancel;
    auto r = engine.run(rope, o, control);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().field, kCancelledField);
    // Cancelled from the progress callback, part way through.
    cancel = false;
    int calls = 0;
    control.progress = [&](double f) {
        ++calls;
        if (f > 0.2) cancel = true;
    };
    r = engine.run(rope, o, control);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().field, kCancelledField);
    EXPECT_GE(calls, 1);
    // The engine stays usable.
    o.path = KernelPath::Fast;
    cancel = false;
    control.progress = nullptr;
    EXPECT_TRUE(engine.run(rope, o, control).ok());
}

TEST(AttentionKernel, ProgressIsMonotoneAndEndsAtOne) {
    const RopeResult rope = rope_for(setup_128(8), MethodKind::Yarn);
    AttentionEngine engine;
    ResolutionOptions ro;
    ro.points = 6;
    ro.max_distance = 20000;
    std::vector<double> seen;
    RunControl control;
    control.progress = [&](double f) { seen.push_back(f); };
    auto curve = resolution_curve(engine, rope, ro, control);
    ASSERT_TRUE(curve.ok());
    ASSERT_FALSE(seen.empty());
    for (std::size_t k = 1; k < seen.size(); ++k) EXPECT_GE(seen[k], seen[k - 1]);
    EXPECT_DOUBLE_EQ(seen.back(), 1.0);
}

TEST(AttentionKernel, ResolutionCurve) {
    const RopeResult rope = rope_for(setup_128(1), MethodKind::Default);
    AttentionEngine engine;
    ResolutionOptions ro;
    ro.points = 10;
    ro.attention.query_scale = 4;
    auto curve = resolution_curve(engine, rope, ro);
    ASSERT_TRUE(curve.ok());
    EXPECT_EQ(curve->num_keys, 4097);
    EXPECT_EQ(curve->points.front().distance, 1);
    EXPECT_EQ(curve->points.back().distance, 4096);
    for (std::size_t k = 1; k < curve->points.size(); ++k) EXPECT_GT(curve->points[k].distance, curve->points[k - 1].distance);
    for (const auto& p : curve->points) EXPECT_EQ(p.metrics.argmax_error, 0) << p.distance;
    EXPECT_EQ(resolution_distances(10, 4096).size(), curve->points.size());
}

TEST(AttentionKernel, LogitMatrixMatchesTheReferencePath) {
    const RopeResult rope = rope_for(setup_128(4), MethodKind::LongRope, 1000);
    AttentionEngine engine;
    AttentionOptions o;
    o.num_keys = 2000;
    o.path = KernelPath::Reference;
    o.content = ContentModel::Needle;
    o.keep_logits = true;
    const AttentionResult r = run_ok(engine, rope, o);
    const std::int64_t q[] = {1999};
    const std::int64_t keys[] = {0, 999, 1000, 1500, 1999};
    auto mat = logit_matrix(rope, o, q, keys);
    ASSERT_TRUE(mat.ok());
    for (std::size_t k = 0; k < 5; ++k) EXPECT_DOUBLE_EQ((*mat)[k], r.logits[static_cast<std::size_t>(keys[k])]);
}

TEST(AttentionKernel, InvalidOptionsNameTheField) {
    const RopeResult rope = rope_for(setup_128(1), MethodKind::Default);
    AttentionEngine engine;
    auto expect_field = [&](AttentionOptions o, const std::string& field) {
        auto r = engine.run(rope, o);
        ASSERT_FALSE(r.ok()) << field;
        EXPECT_EQ(r.error().field, field);
        EXPECT_NE(r.error().message.find(field), std::string::npos) << r.error().message;
    };
    AttentionOptions o;
    o.num_keys = 0;
    expect_field(o, "num_keys");
    o = {};
    o.num_keys = kMaxAttentionKeys + 1;
    expect_field(o, "num_keys");
    o = {};
    o.target_distance = 5000;
    expect_field(o, "target_distance");
    o = {};
    o.noise = -1;
    expect_field(o, "noise");
    o = {};
    o.query_scale = 0;
    expect_field(o, "query_scale");
    o = {};
    o.threads = 1000;
    expect_field(o, "threads");
    o = {};
    o.first_key = -3;
    expect_field(o, "first_key");
}

}  // namespace
}  // namespace ropescope
