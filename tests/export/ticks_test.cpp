// Axis ticks: 1-2-5 steps, log decades, labels, and ranges that used to break tick generators.
#include <cmath>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "ropescope/ticks.h"

namespace ropescope {
namespace {

std::vector<Tick> majors(const std::vector<Tick>& ticks) {
    std::vector<Tick> out;
    for (const auto& t : ticks)
        if (t.major) out.push_back(t);
    return out;
}

std::vector<std::string> labels(const std::vector<Tick>& ticks) {
    std::vector<std::string> out;
    for (const auto& t : ticks)
        if (t.major) out.push_back(t.label);
    return out;
}

TEST(Ticks, LinearUnitRange) {
    const auto ticks = make_ticks(AxisScale::Linear, 0, 1, 5);
    EXPECT_EQ(labels(ticks), (std::vector<std::string>{"0", "0.2", "0.4", "0.6", "0.8", "1"}));
    for (const auto& t : ticks) EXPECT_TRUE(t.major);
}

TEST(Ticks, LinearValuesAreExactDecimals) {
    // 0.1 * 3 is 0.30000000000000004 in binary; the tick must be the double nearest 0.3.
    const auto ticks = make_ticks(AxisScale::Linear, 0, 1, 10);
    ASSERT_GE(ticks.size(), 4u);
    EXPECT_EQ(ticks[3].value, 0.3);
    EXPECT_EQ(ticks[3].label, "0.3");
}

TEST(Ticks, OneTwoFiveStepsOnRandomRanges) {
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> exponent(-15, 15), unit(0, 1);
    for (int trial = 0; trial < 2000; ++trial) {
        const double scale = std::pow(10.0, exponent(rng));
        const double lo = (unit(rng) - 0.5) * scale * 10, hi = lo + scale * (0.05 + unit(rng) * 20);
        const int target = 2 + trial % 9;
        const auto ticks = majors(make_ticks(AxisScale::Linear, lo, hi, target));
        ASSERT_GE(ticks.size(), 2u) << "range [" << lo << ", " << hi << "]";
        ASSERT_LE(ticks.size(), static_cast<std::size_t>(target * 3 + 2)) << "range [" << lo << ", " << hi << "]";
        const double step = ticks[1].value - ticks[0].value;
        const double mantissa = step / std::pow(10.0, std::floor(std::log10(step) + 1e-9));
        EXPECT_TRUE(std::abs(mantissa - 1) < 1e-6 || std::abs(mantissa - 2) < 1e-6 || std::abs(mantissa - 5) < 1e-6)
            << "step " << step;
        std::set<std::string> seen;
        for (std::size_t k = 0; k < ticks.size(); ++k) {
            EXPECT_GE(ticks[k].value, lo - std::abs(step) * 1e-6);
            EXPECT_LE(ticks[k].value, hi + std::abs(step) * 1e-6);
            if (k > 0) { EXPECT_NEAR(ticks[k].value - ticks[k - 1].value, step, std::abs(step) * 1e-6); }
            EXPECT_TRUE(seen.insert(ticks[k].label).second) << "duplicate label " << ticks[k].label;
            EXPECT_EQ(ticks[k].label.find("e+"), std::string::npos) << ticks[k].label;
        }
    }
}

TEST(Ticks, TinyRange) {
    const auto lin = majors(make_ticks(AxisScale::Linear, 1e-12, 3e-12, 5));
    ASSERT_GE(lin.size(), 3u);
    EXPECT_EQ(lin.front().label, "1e-12");
    EXPECT_EQ(lin.back().label, "3e-12");
    const auto log = majors(make_ticks(AxisScale::Log, 1e-12, 3e-12, 5));
    ASSERT_GE(log.size(), 2u);
    std::set<std::string> distinct;
    for (const auto& t : log) distinct.insert(t.label);
    EXPECT_EQ(distinct.size(), log.size());
}

TEST(Ticks, HugeRange) {
    const auto lin = majors(make_ticks(AxisScale::Linear, 1, 2e9, 5));
    ASSERT_GE(lin.size(), 3u);
    EXPECT_EQ(lin.back().label, "2e9");
    const auto log = make_ticks(AxisScale::Log, 1, 2e9, 6);
    const auto log_majors = majors(log);
    ASSERT_GE(log_majors.size(), 3u);
    ASSERT_LE(log_majors.size(), 8u);
    EXPECT_EQ(log_majors.front().label, "1");
    // The decades left unlabelled are still there as minor ticks.
    EXPECT_GT(log.size(), log_majors.size());
}

TEST(Ticks, LogDecadesWithMinors) {
    const auto ticks = make_ticks(AxisScale::Log, 1, 1e6, 8);
    EXPECT_EQ(labels(ticks), (std::vector<std::string>{"1", "10", "100", "1k", "10k", "100k", "1M"}));
    int minors = 0;
    for (const auto& t : ticks) {
        if (t.major) continue;
        ++minors;
        EXPECT_TRUE(t.label.empty());
        const double m = t.value / std::pow(10.0, std::floor(std::log10(t.value) + 1e-12));
        EXPECT_NEAR(m, std::round(m), 1e-9);
    }
    EXPECT_EQ(minors, 6 * 8);
}

TEST(Ticks, LogSmallValuesUseExponents) {
    EXPECT_EQ(labels(make_ticks(AxisScale::Log, 1e-6, 1, 8)),
              (std::vector<std::string>{"1e-6", "1e-5", "1e-4", "1e-3", "0.01", "0.1", "1"}));
}

TEST(Ticks, LogWithinOneDecadeLabelsDigits) {
    const auto ticks = labels(make_ticks(AxisScale::Log, 0.9, 9, 6));
    EXPECT_EQ(ticks, (std::vector<std::string>{"0.9", "1", "2", "3", "4", "5", "6", "7", "8", "9"}));
}

TEST(Ticks, ReversedAndDegenerateRanges) {
    const auto forward = make_ticks(AxisScale::Linear, 0, 10, 5);
    const auto reversed = make_ticks(AxisScale::Linear, 10, 0, 5);
    ASSERT_EQ(forward.size(), reversed.size());
    for (std::size_t k = 0; k < forward.size(); ++k) EXPECT_EQ(forward[k].value, reversed[k].value);
    for (const double v : {0.0, 5.0, -3e-9, 1e300}) {
        const auto ticks = make_ticks(AxisScale::Linear, v, v, 5);
        ASSERT_FALSE(ticks.empty()) << v;
        for (const auto& t : ticks) EXPECT_TRUE(std::isfinite(t.value));
    }
    EXPECT_FALSE(make_ticks(AxisScale::Log, 7, 7, 5).empty());
}

TEST(Ticks, HostileRangesTerminate) {
    const double nan = std::nan("");
    const double inf = INFINITY;
    EXPECT_TRUE(make_ticks(AxisScale::Linear, nan, 1, 5).empty());
    EXPECT_TRUE(make_ticks(AxisScale::Linear, 0, inf, 5).empty());
    EXPECT_TRUE(make_ticks(AxisScale::Log, -5, -1, 5).empty());
    EXPECT_LE(make_ticks(AxisScale::Linear, -1e308, 1e308, 5).size(), 20u);
    EXPECT_LE(make_ticks(AxisScale::Linear, 1e20, 1e20 + 16384, 5).size(), 20u);
    EXPECT_LE(make_ticks(AxisScale::Log, 1e-300, 1e300, 6).size(), 700u);
    EXPECT_FALSE(make_ticks(AxisScale::Log, 0, 100, 5).empty());  // non-positive min: clamped
    EXPECT_FALSE(make_ticks(AxisScale::Linear, 0, 1, 0).empty());  // silly target
}

TEST(Ticks, Labels) {
    EXPECT_EQ(tick_label(0), "0");
    EXPECT_EQ(tick_label(-0.0), "0");
    EXPECT_EQ(tick_label(0.001), "0.001");
    EXPECT_EQ(tick_label(0.5), "0.5");
    EXPECT_EQ(tick_label(12), "12");
    EXPECT_EQ(tick_label(4096), "4096");
    EXPECT_EQ(tick_label(32768), "32.768k");
    EXPECT_EQ(tick_label(1e6), "1M");
    EXPECT_EQ(tick_label(2.5e-7), "2.5e-7");
    EXPECT_EQ(tick_label(2e9), "2e9");
    EXPECT_EQ(tick_label(0.1 + 0.2), "0.3");
    EXPECT_EQ(tick_label(-1.5), "-1.5");
}

}  // namespace
}  // namespace ropescope
