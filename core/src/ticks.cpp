// Axis ticks: 1-2-5 steps on linear axes, decades (with 2..9 minors) on log axes.
#include "ropescope/ticks.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace ropescope {

namespace {

// Upper bound on ticks of one kind: protects against absurd ranges.
constexpr int kMaxTicks = 2000;

// How a whole axis writes its numbers, chosen from its largest magnitude so labels agree.
enum class Regime { Plain, Kilo, Mega, Scientific };

Regime regime_for(double magnitude) {
    if (magnitude >= 1e9) return Regime::Scientific;
    if (magnitude >= 1e6) return Regime::Mega;
    if (magnitude >= 1e4) return Regime::Kilo;
    if (magnitude > 0 && magnitude < 1e-4) return Regime::Scientific;
    return Regime::Plain;
}

// Shortest decimal form (up to 15 significant digits) that reads back as `value` to 1e-13:
// plain for 1e-4 <= |value| < 1e15 ("0.0005", "120000"), else mantissa and exponent written
// without padding or '+' ("2.5e-7", "1e18").
std::string compact(double value) {
    if (value == 0) return "0";
    char buffer[64];
    const double magnitude = std::abs(value);
    const bool plain = magnitude >= 1e-4 && magnitude < 1e15;
    const int exponent = static_cast<int>(std::floor(std::log10(magnitude)));
    for (int digits = 1; digits <= 15; ++digits) {
        if (plain) {
            const int decimals = std::max(0, digits - 1 - exponent);
            std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
        } else {
            std::snprintf(buffer, sizeof buffer, "%.*e", digits - 1, value);
        }
        const double back = std::strtod(buffer, nullptr);
        if (std::abs(back - value) <= magnitude * 1e-13) break;
    }
    std::string text = buffer;
    const auto e = text.find('e');
    std::string mantissa = text.substr(0, e);
    if (mantissa.find('.') != std::string::npos) {
        while (mantissa.back() == '0') mantissa.pop_back();
        if (mantissa.back() == '.') mantissa.pop_back();
    }
    if (e == std::string::npos) return mantissa == "-0" ? "0" : mantissa;
    std::string exponent_text = text.substr(e + 1);
    bool negative = false;
    if (!exponent_text.empty() && (exponent_text[0] == '+' || exponent_text[0] == '-')) {
        negative = exponent_text[0] == '-';
        exponent_text.erase(0, 1);
    }
    exponent_text.erase(0, std::min(exponent_text.find_first_not_of('0'), exponent_text.size() - 1));
    return mantissa + "e" + (negative ? "-" : "") + exponent_text;
}

std::string format_in(double value, Regime regime) {
    if (value == 0) return "0";
    switch (regime) {
        case Regime::Plain: return compact(value);
        case Regime::Kilo: return compact(value / 1e3) + "k";
        case Regime::Mega: return compact(value / 1e6) + "M";
        case Regime::Scientific: {
            // Always mantissa-e-exponent, e.g. 1e9, 2.5e-7.
            const double exponent = std::floor(std::log10(std::abs(value)));
            double mantissa = value / std::pow(10.0, exponent);
            mantissa = std::round(mantissa * 1e12) / 1e12;
            return compact(mantissa) + "e" + std::to_string(static_cast<int>(exponent));
        }
    }
    return compact(value);
}

// m x 10^p computed so that decimal values come out exactly as written (0.3, not 0.30000000000000004).
double decimal(double mantissa, int power) {
    if (power >= 0) return mantissa * std::pow(10.0, power);
    return mantissa / std::pow(10.0, -power);
}

// Log-axis label of m x 10^e (m a whole number 1..9): 0.05, 200, 1k, 5M, 1e-3, 2e9.
std::string log_label(int mantissa, int exponent) {
    const double value = decimal(mantissa, exponent);
    if (exponent >= -2 && exponent <= 2) return compact(value);
    if (exponent >= 3 && exponent <= 5) return compact(decimal(mantissa, exponent - 3)) + "k";
    if (exponent >= 6 && exponent <= 8) return compact(decimal(mantissa, exponent - 6)) + "M";
    return std::to_string(mantissa) + "e" + std::to_string(exponent);
}

std::vector<Tick> linear_ticks(double lo, double hi, int target) {
    std::vector<Tick> ticks;
    const double span = hi - lo;
    if (!(span > 0) || !std::isfinite(span)) return ticks;
    const double raw = span / std::max(target, 1);
    int power = static_cast<int>(std::floor(std::log10(raw)));
    const double norm = raw / std::pow(10.0, power);
    int mantissa = 1;
    if (norm >= 7.0) {
        mantissa = 1;
        ++power;
    } else if (norm >= 3.0) {
        mantissa = 5;
    } else if (norm >= 1.5) {
        mantissa = 2;
    }
    double step = decimal(mantissa, power);
    if (!(step > 0) || !std::isfinite(step)) return ticks;
    double first = std::ceil(lo / step - 1e-9);
    double last = std::floor(hi / step + 1e-9);
    // Rounding the step up can leave a single tick in the range: take the next smaller step.
    for (int guard = 0; last - first < 1 && guard < 4; ++guard) {
        if (mantissa == 1) {
            mantissa = 5;
            --power;
        } else {
            mantissa = mantissa == 5 ? 2 : 1;
        }
        step = decimal(mantissa, power);
        first = std::ceil(lo / step - 1e-9);
        last = std::floor(hi / step + 1e-9);
    }
    if (!(last - first < kMaxTicks)) return ticks;
    if (std::abs(first) > 1e15 || std::abs(last) > 1e15) {
        // The range is below the resolution of doubles at this magnitude: label its ends.
        ticks.push_back(Tick{lo, true, tick_label(lo)});
        ticks.push_back(Tick{hi, true, tick_label(hi)});
        return ticks;
    }
    double largest = 0;
    for (double k = first; k <= last; k += 1) largest = std::max(largest, std::abs(k * step));
    const Regime regime = regime_for(largest);
    for (double k = first; k <= last; k += 1) {
        double value = decimal(k * mantissa, power);
        if (value == 0) value = 0;  // no "-0"
        ticks.push_back(Tick{value, true, format_in(value, regime)});
    }
    return ticks;
}

std::vector<Tick> log_ticks(double lo, double hi, int target) {
    std::vector<Tick> ticks;
    const double llo = std::log10(lo), lhi = std::log10(hi);
    const double decades = lhi - llo;
    if (!(decades > 0) || !std::isfinite(decades)) return ticks;
    const int e_first = static_cast<int>(std::floor(llo));
    const int e_last = static_cast<int>(std::ceil(lhi));
    const auto inside = [&](double v) { return v >= lo * (1 - 1e-12) && v <= hi * (1 + 1e-12); };

    // Wide ranges: a labelled decade every `every` decades, the decades between as minor ticks.
    const int every = std::max(1, static_cast<int>(std::ceil(decades / std::max(target, 1))));
    int majors = 0;
    for (int e = e_first; e <= e_last; ++e)
        if (inside(decimal(1, e)) && e % every == 0) ++majors;

    if (majors >= 3) {
        const bool sub_decade_minors = every == 1 && decades <= 10;
        for (int e = e_first; e <= e_last; ++e) {
            const double v = decimal(1, e);
            if (inside(v)) {
                const bool major = e % every == 0;
                ticks.push_back(Tick{v, major, major ? log_label(1, e) : ""});
            }
            if (sub_decade_minors)
                for (int m = 2; m <= 9; ++m)
                    if (inside(decimal(m, e))) ticks.push_back(Tick{decimal(m, e), false, ""});
        }
        return ticks;
    }
    // A decade or two: label 1, 2 and 5 (every mantissa 1..9 within about one decade, or if
    // 1, 2 and 5 are still too few).
    for (const bool every_digit : {decades < 1.2, true}) {
        ticks.clear();
        int labelled = 0;
        for (int e = e_first; e <= e_last; ++e)
            for (int m = 1; m <= 9; ++m) {
                const double v = decimal(m, e);
                if (!inside(v)) continue;
                const bool major = every_digit || m == 1 || m == 2 || m == 5;
                labelled += major;
                ticks.push_back(Tick{v, major, major ? log_label(m, e) : ""});
            }
        if (labelled >= 3) return ticks;
    }
    // Well under a decade: linear steps inside the range read best.
    return linear_ticks(lo, hi, target);
}

}  // namespace

std::vector<Tick> make_ticks(AxisScale scale, double min, double max, int target) {
    if (!std::isfinite(min) || !std::isfinite(max)) return {};
    if (min > max) std::swap(min, max);
    target = std::clamp(target, 1, 50);
    if (scale == AxisScale::Log) {
        if (!(max > 0)) return {};
        if (!(min > 0)) min = max * 1e-3;
        if (min == max) {
            min /= 2;
            max *= 2;
        }
        return log_ticks(min, max, target);
    }
    if (min == max) {
        const double half = min == 0 ? 1.0 : std::abs(min) * 0.1;
        min -= half;
        max += half;
    }
    return linear_ticks(min, max, target);
}

std::string tick_label(double value) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    return format_in(value, regime_for(std::abs(value)));
}

}  // namespace ropescope
