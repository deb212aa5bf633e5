// Shared helpers for the core tests: tolerant comparisons that name the failing index,
// Result<T> unwrapping, golden.json and preset access.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ropescope/hf_config.h"
#include "ropescope/result.h"
#include "ropescope/rope.h"

namespace ropescope::test {

// |a - b| <= rtol * max(|a|, |b|); equal values (including both zero) always pass.
inline bool rel_near(double actual, double expected, double rtol) {
    if (actual == expected) return true;
    return std::abs(actual - expected) <= rtol * std::max(std::abs(actual), std::abs(expected));
}

inline ::testing::AssertionResult RelNear(double actual, double expected, double rtol) {
    if (rel_near(actual, expected, rtol)) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << std::setprecision(17) << "got " << actual << ", expected " << expected
                                         << " (relative difference "
                                         << std::abs(actual - expected) / std::abs(expected) << ", allowed " << rtol
                                         << ")";
}

// Element-wise relative comparison; the failure names the first bad index and how many differ.
inline ::testing::AssertionResult AllRelNear(const std::vector<double>& actual, const std::vector<double>& expected,
                                             double rtol) {
    if (actual.size() != expected.size())
        return ::testing::AssertionFailure() << "size " << actual.size() << ", expected " << expected.size();
    std::size_t bad = 0;
    std::size_t first = 0;
    for (std::size_t i = 0; i < actual.size(); ++i) {
        if (!rel_near(actual[i], expected[i], rtol)) {
            if (bad++ == 0) first = i;
        }
    }
    if (bad == 0) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << std::setprecision(17) << bad << " of " << actual.size()
                                         << " elements differ; first at index " << first << ": got " << actual[first]
                                         << ", expected " << expected[first] << " (rtol " << rtol << ")";
}

template <class T>
::testing::AssertionResult IsOk(const Result<T>& result) {
    if (result.ok()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "error [" << result.error().field << "]: " << result.error().message;
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

inline ::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
    if (contains(text, part)) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "\"" << text << "\" does not contain \"" << part << "\"";
}

// True if any warning contains every one of `parts`.
inline bool any_warning_with(const std::vector<std::string>& warnings, const std::vector<std::string>& parts) {
    return std::any_of(warnings.begin(), warnings.end(), [&](const std::string& w) {
        return std::all_of(parts.begin(), parts.end(), [&](const std::string& p) { return contains(w, p); });
    });
}

inline std::string join(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& line : lines) out += line + "\n";
    return out;
}

inline std::vector<double> pair_field(const RopeResult& r, double PairRow::*field) {
    std::vector<double> out;
    for (const auto& p : r.pairs) out.push_back(p.*field);
    return out;
}

// theta_i = b^(-2i/d), computed independently of the core.
inline std::vector<double> base_frequencies(double base, int d) {
    std::vector<double> out;
    for (int i = 0; i < d / 2; ++i) out.push_back(std::pow(base, -2.0 * i / d));
    return out;
}

inline nlohmann::json load_json_file(const std::string& path) {
    std::ifstream file(path);
    std::stringstream text;
    text << file.rdbuf();
    return nlohmann::json::parse(text.str());
}

inline std::vector<double> to_doubles(const nlohmann::json& array) { return array.get<std::vector<double>>(); }

inline std::string preset_path(const std::string& name) { return std::string(ROPESCOPE_PRESETS_DIR) + "/" + name; }

}  // namespace ropescope::test
