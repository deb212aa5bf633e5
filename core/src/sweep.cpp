// Parameter sweeps for animations: parsing "factor=1:32:log", stepping, applying a value to a
// lab state, and one set of axes for all frames.
#include "ropescope/sweep.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

#include "ropescope/validate.h"

namespace ropescope {

namespace {

struct ParameterInfo {
    const char* name;
    const char* symbol;  // for the frame stamp
    double min, max;     // the allowed range of a sweep end
    bool integer;
};

constexpr ParameterInfo kParameters[] = {
    {"factor", "s", 0.01, 1e6, false},
    {"rope_theta", "rope_theta", 1.0, 1e12, false},
    {"original_context", "L", 16, 1 << 24, true},
    {"seq_len", "seq_len", 1, 1LL << 31, true},
    {"beta_fast", "\u03b2_fast", 0.01, 1e4, false},
    {"beta_slow", "\u03b2_slow", 0.001, 1e4, false},
    {"alpha", "\u03b1", 0.001, 1e4, false},
    {"beta", "\u03b2", 0.001, 1e4, false},
    {"low_freq_factor", "low_freq_factor", 0.01, 1e3, false},
    {"high_freq_factor", "high_freq_factor", 0.01, 1e3, false},
    {"partial_rotary_factor", "partial_rotary_factor", 0.01, 1, false},
};

const ParameterInfo* find_parameter(std::string_view name) {
    for (const auto& p : kParameters)
        if (name == p.name) return &p;
    return nullptr;
}

std::string parameter_list() {
    std::string list;
    for (const auto& p : kParameters) list += (list.empty() ? "" : ", ") + std::string(p.name);
    return list;
}

bool parse_double(std::string_view text, double& out) {
    if (text.empty()) return false;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size() && std::isfinite(out);
}

Error sweep_error(const std::string& message) { return Error{"animate", "--animate: " + message}; }

// Extends [lo, hi] by the values of `v` usable on `scale`.
void extend(double& lo, double& hi, const std::vector<double>& v, AxisScale scale) {
    for (const double x : v) {
        if (!std::isfinite(x) || (scale == AxisScale::Log && x <= 0)) continue;
        lo = std::min(lo, x);
        hi = std::max(hi, x);
    }
}

}  // namespace

const std::vector<std::string>& sweep_parameters() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const auto& p : kParameters) out.emplace_back(p.name);
        return out;
    }();
    return names;
}

Result<Sweep> parse_sweep(std::string_view spec, int frames) {
    const std::string text(spec);
    if (frames < 2 || frames > 1000)
        return Error{"frames", "--frames: " + std::to_string(frames) + " is out of range; use 2 to 1000 frames."};
    const auto eq = spec.find('=');
    if (eq == std::string_view::npos)
        return sweep_error("\"" + text + "\" is not PARAM=FROM:TO[:log|:lin] (e.g. factor=1:32:log).");
    Sweep sweep;
    sweep.frames = frames;
    sweep.parameter = std::string(spec.substr(0, eq));
    const ParameterInfo* info = find_parameter(sweep.parameter);
    if (!info)
        return sweep_error("\"" + sweep.parameter + "\" is not a parameter that can be swept; use one of " +
                           parameter_list() + ".");
    std::vector<std::string_view> parts;
    std::string_view rest = spec.substr(eq + 1);
    for (std::size_t at; (at = rest.find(':')) != std::string_view::npos; rest = rest.substr(at + 1))
        parts.push_back(rest.substr(0, at));
    parts.push_back(rest);
    if (parts.size() < 2 || parts.size() > 3)
        return sweep_error("\"" + text + "\" is not PARAM=FROM:TO[:log|:lin] (e.g. factor=1:32:log).");
    if (!parse_double(parts[0], sweep.from) || !parse_double(parts[1], sweep.to))
        return sweep_error("\"" + std::string(spec.substr(eq + 1)) + "\": FROM and TO must be finite numbers.");
    for (const double v : {sweep.from, sweep.to})
        if (v < info->min || v > info->max)
            return sweep_error(sweep.parameter + " = " + format_number(v) + " is out of range; use " +
                               format_number(info->min) + " to " + format_number(info->max) + ".");
    if (sweep.from == sweep.to) return sweep_error("FROM and TO are both " + format_number(sweep.from) + "; nothing moves.");
    if (parts.size() == 3) {
        if (parts[2] == "log") sweep.log = true;
        else if (parts[2] != "lin")
            return sweep_error("\"" + std::string(parts[2]) + "\" is not a step; use log (geometric) or lin (even).");
    }
    return sweep;
}

double sweep_value(const Sweep& sweep, int frame) {
    const double t = sweep.frames > 1 ? static_cast<double>(std::clamp(frame, 0, sweep.frames - 1)) / (sweep.frames - 1) : 0;
    double v = sweep.log && sweep.from > 0 && sweep.to > 0 ? sweep.from * std::pow(sweep.to / sweep.from, t)
                                                            : sweep.from + (sweep.to - sweep.from) * t;
    if (frame >= sweep.frames - 1) v = sweep.to;
    const ParameterInfo* info = find_parameter(sweep.parameter);
    if (info && info->integer) v = std::round(v);
    return v;
}

Result<LabState> apply_sweep_value(const LabState& base, const std::string& parameter, double value) {
    LabState state = base;
    RopeSetup& s = state.setup;
    const auto method_off = [&](MethodKind kind) {
        return sweep_error(parameter + " belongs to " + std::string(method_label(kind)) +
                           ", which is not enabled; enable it (--method " + std::string(method_name(kind)) + ").");
    };
    if (parameter == "factor") {
        s.factor = value;
    } else if (parameter == "rope_theta") {
        s.rope_theta = value;
    } else if (parameter == "original_context") {
        s.original_max_position_embeddings = static_cast<std::int64_t>(value);
    } else if (parameter == "seq_len") {
        s.seq_len = static_cast<std::int64_t>(value);
    } else if (parameter == "partial_rotary_factor") {
        s.partial_rotary_factor = value;
    } else if (parameter == "beta_fast" || parameter == "beta_slow") {
        // YaRN and dynamic YaRN share these; whichever are enabled follow.
        bool any = false;
        for (const MethodKind kind : {MethodKind::Yarn, MethodKind::DynamicYarn}) {
            MethodSlot& m = slot(state, kind);
            if (!m.enabled) continue;
            YarnMethod& y = kind == MethodKind::Yarn ? std::get<YarnMethod>(m.method)
                                                     : std::get<DynamicYarnMethod>(m.method).yarn;
            (parameter == "beta_fast" ? y.beta_fast : y.beta_slow) = value;
            any = true;
        }
        if (!any) return method_off(MethodKind::Yarn);
    } else if (parameter == "alpha" || parameter == "beta") {
        MethodSlot& m = slot(state, MethodKind::NtkByParts);
        if (!m.enabled) return method_off(MethodKind::NtkByParts);
        auto& p = std::get<NtkByPartsMethod>(m.method);
        (parameter == "alpha" ? p.alpha : p.beta) = value;
    } else if (parameter == "low_freq_factor" || parameter == "high_freq_factor") {
        MethodSlot& m = slot(state, MethodKind::Llama3);
        if (!m.enabled) return method_off(MethodKind::Llama3);
        auto& p = std::get<Llama3Method>(m.method);
        (parameter == "low_freq_factor" ? p.low_freq_factor : p.high_freq_factor) = value;
    } else {
        return sweep_error("\"" + parameter + "\" is not a parameter that can be swept; use one of " +
                           parameter_list() + ".");
    }
    return state;
}

std::string sweep_stamp(const std::string& parameter, double value) {
    const ParameterInfo* info = find_parameter(parameter);
    char number[64];
    if (info && info->integer) std::snprintf(number, sizeof number, "%.0f", value);
    else std::snprintf(number, sizeof number, std::abs(value) >= 1e5 ? "%.3g" : "%.3g", value);
    return std::string(info ? info->symbol : parameter.c_str()) + " = " + number;
}

void share_frame_axes(std::vector<Figure>& frames) {
    if (frames.empty()) return;
    const std::size_t panels = frames.front().panels.size();
    for (std::size_t p = 0; p < panels; ++p) {
        for (const bool x_axis : {true, false}) {
            const Axis& first = x_axis ? frames.front().panels[p].x : frames.front().panels[p].y;
            if (first.min && first.max) continue;  // the figure fixes this axis itself
            double lo = std::numeric_limits<double>::infinity(), hi = -lo;
            for (const Figure& f : frames) {
                if (p >= f.panels.size()) continue;
                const Panel& panel = f.panels[p];
                const Axis& axis = x_axis ? panel.x : panel.y;
                for (const auto& s : panel.series) extend(lo, hi, x_axis ? s.x : s.y, axis.scale);
                for (const auto& m : panel.markers)
                    if ((m.orientation == Marker::Orientation::Vertical) == x_axis) extend(lo, hi, {m.value}, axis.scale);
            }
            if (!(lo < hi)) continue;
            // A small margin, as the automatic ranges have (in log space on a log axis).
            const bool log = first.scale == AxisScale::Log;
            const double pad = log ? std::pow(hi / lo, 0.04) : (hi - lo) * 0.04;
            const double a = log ? lo / pad : lo - pad, b = log ? hi * pad : hi + pad;
            for (Figure& f : frames) {
                if (p >= f.panels.size()) continue;
                Axis& axis = x_axis ? f.panels[p].x : f.panels[p].y;
                if (!axis.min) axis.min = a;
                if (!axis.max) axis.max = b;
            }
        }
    }
}

}  // namespace ropescope
