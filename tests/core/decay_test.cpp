// Distance grids and the attention-decay curves (mean cos and the RoFormer bound).
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "ropescope/decay.h"
#include "ropescope/rope.h"
#include "test_util.h"

namespace ropescope {
namespace {

RopeResult compute(const RopeSetup& setup, const Method& method) {
    auto result = compute_rope(setup, method);
    EXPECT_TRUE(test::IsOk(result));
    return result ? *result : RopeResult{};
}

RopeSetup setup_with_factor(double factor) {
    RopeSetup setup;  // head_dim 128, theta 10000, L 4096
    setup.factor = factor;
    return setup;
}

// Results with logit scales 1, (0.1 ln 8 + 1)^2 and a DeepSeek softmax multiplier.
std::vector<RopeResult> sample_results() {
    YarnMethod deepseek;
    deepseek.mscale = 1.0;
    deepseek.mscale_all_dim = 1.0;
    const RopeSetup setup = setup_with_factor(8.0);
    return {compute(setup, DefaultMethod{}), compute(setup, LinearMethod{}), compute(setup, NtkMethod{}),
            compute(setup, YarnMethod{}), compute(setup, deepseek), compute(setup, Llama3Method{})};
}

TEST(DistanceGrid, StartsAtZeroEndsAtMaxStrictlyIncreasingIntegers) {
    const std::vector<std::pair<int, std::int64_t>> cases = {
        {256, 32768}, {2, 1}, {2, 10}, {3, 2}, {1000, 10}, {10, 1000000}, {100000, kMaxContext}, {64, 4097}};
    for (const GridKind kind : {GridKind::Log, GridKind::Linear}) {
        for (const auto& [points, max] : cases) {
            SCOPED_TRACE(std::string(kind == GridKind::Log ? "log" : "linear") + " points " + std::to_string(points) +
                         " max " + std::to_string(max));
            const auto grid = distance_grid(kind, points, max);
            ASSERT_GE(grid.size(), 2u);
            EXPECT_EQ(grid.front(), 0.0);
            EXPECT_EQ(grid.back(), static_cast<double>(max));
            EXPECT_LE(grid.size(), static_cast<std::size_t>(points) + 1);
            for (std::size_t k = 0; k < grid.size(); ++k) {
                EXPECT_EQ(grid[k], std::floor(grid[k])) << "index " << k;
                if (k > 0) {
                    EXPECT_GT(grid[k], grid[k - 1]) << "index " << k;
                }
            }
            // Evenly spaced points at least one token apart are all distinct.
            if (kind == GridKind::Linear && max >= points - 1) {
                EXPECT_EQ(grid.size(), static_cast<std::size_t>(points));
            }
        }
    }
}

TEST(DistanceGrid, LogGridIsDenseNearZero) {
    const auto grid = distance_grid(GridKind::Log, 256, 131072);
    ASSERT_GT(grid.size(), 10u);
    for (int k = 0; k <= 5; ++k) EXPECT_EQ(grid[static_cast<std::size_t>(k)], k);  // 0, 1, 2, ...
}

TEST(Decay, DistanceZeroIsTheLogitScaleAndBoundIsOne) {
    for (const auto& r : sample_results()) {
        SCOPED_TRACE(std::string(method_name(r.kind)));
        DecayOptions options;
        const DecayCurve scaled = decay_curve(r, options);
        ASSERT_FALSE(scaled.distance.empty());
        EXPECT_EQ(scaled.distance.front(), 0.0);
        EXPECT_DOUBLE_EQ(scaled.logit.front(), r.logit_scale());
        EXPECT_DOUBLE_EQ(scaled.bound.front(), r.logit_scale());
        options.apply_attention_factor = false;
        const DecayCurve raw = decay_curve(r, options);
        EXPECT_DOUBLE_EQ(raw.logit.front(), 1.0);
        EXPECT_DOUBLE_EQ(raw.bound.front(), 1.0);
    }
    // The sample really contains non-trivial scales.
    const auto results = sample_results();
    EXPECT_TRUE(test::RelNear(results[3].logit_scale(), std::pow(0.1 * std::log(8.0) + 1.0, 2), 1e-14));
    EXPECT_TRUE(test::RelNear(results[4].logit_scale(), std::pow(0.1 * std::log(8.0) + 1.0, 2), 1e-14));
}

TEST(Decay, CurvesHaveOneValuePerDistanceAndEndAtTheTargetContext) {
    for (const auto& r : sample_results()) {
        const DecayCurve c = decay_curve(r, DecayOptions{});
        EXPECT_EQ(c.logit.size(), c.distance.size());
        EXPECT_EQ(c.bound.size(), c.distance.size());
        EXPECT_EQ(c.distance.back(), static_cast<double>(r.target_context));
        DecayOptions options;
        options.max_distance = 1000;
        EXPECT_EQ(decay_curve(r, options).distance.back(), 1000.0);
    }
}

// Note: the normalized RoFormer bound is NOT an upper bound on |logit| for the all-ones content
// (already at distance 2 for default RoPE, d = 128: logit 0.8966 > bound 0.8910). The bound
// applies to the Abel-summed form with content differences; what holds for these curves is
// |logit| <= scale and 0 <= bound <= scale (triangle inequality, |S_j| <= j).
TEST(Decay, CurvesStayWithinTheLogitScale) {
    for (const auto& r : sample_results()) {
        SCOPED_TRACE(std::string(method_name(r.kind)));
        DecayOptions options;
        options.points = 512;
        const DecayCurve c = decay_curve(r, options);
        const double scale = r.logit_scale();
        for (std::size_t k = 0; k < c.distance.size(); ++k) {
            EXPECT_LE(std::abs(c.logit[k]), scale * (1 + 1e-12)) << "distance " << c.distance[k];
            EXPECT_GE(c.bound[k], 0.0) << "distance " << c.distance[k];
            EXPECT_LE(c.bound[k], scale * (1 + 1e-12)) << "distance " << c.distance[k];
        }
        // Far away the curves have decayed well below their value at distance 0.
        EXPECT_LT(c.bound.back(), 0.5 * scale);
    }
}

TEST(Decay, DefaultMatchesDirectMeanCos) {
    RopeSetup setup = setup_with_factor(8.0);
    const RopeResult r = compute(setup, DefaultMethod{});
    const auto theta = test::base_frequencies(setup.rope_theta, setup.rotary_dim());
    DecayOptions options;
    options.grid = GridKind::Linear;
    options.points = 9;
    options.max_distance = 32768;  // 0, 4096, 8192, ...
    const DecayCurve c = decay_curve(r, options);
    ASSERT_EQ(c.distance.size(), 9u);
    for (std::size_t k = 0; k < c.distance.size(); ++k) {
        EXPECT_EQ(c.distance[k], 4096.0 * static_cast<double>(k));
        double sum = 0;
        for (double t : theta) sum += std::cos(c.distance[k] * t);
        EXPECT_NEAR(c.logit[k], sum / static_cast<double>(theta.size()), 1e-10) << "distance " << c.distance[k];
    }
    // A few small distances on the log grid as well.
    const DecayCurve log_curve = decay_curve(r, DecayOptions{});
    for (std::size_t k = 1; k < 6; ++k) {
        double sum = 0;
        for (double t : theta) sum += std::cos(log_curve.distance[k] * t);
        EXPECT_NEAR(log_curve.logit[k], sum / static_cast<double>(theta.size()), 1e-12);
    }
}

// PI divides every frequency by s, so its curve at distance s*x is default's at x.
TEST(Decay, PiIsDefaultStretchedBySOverDistance) {
    for (const double s : {4.0, 8.0, 32.0}) {
        SCOPED_TRACE("s " + std::to_string(s));
        const RopeSetup setup = setup_with_factor(s);
        DecayOptions options;
        options.grid = GridKind::Linear;
        options.points = 257;
        options.max_distance = 4096;
        const DecayCurve def = decay_curve(compute(setup, DefaultMethod{}), options);
        options.max_distance = static_cast<std::int64_t>(4096 * s);
        const DecayCurve pi = decay_curve(compute(setup, LinearMethod{}), options);
        ASSERT_EQ(def.distance.size(), pi.distance.size());
        for (std::size_t k = 0; k < def.distance.size(); ++k) {
            ASSERT_EQ(pi.distance[k], s * def.distance[k]) << "index " << k;
            EXPECT_NEAR(pi.logit[k], def.logit[k], 1e-12) << "distance " << def.distance[k];
            EXPECT_NEAR(pi.bound[k], def.bound[k], 1e-12) << "distance " << def.distance[k];
        }
    }
}

}  // namespace
}  // namespace ropescope
