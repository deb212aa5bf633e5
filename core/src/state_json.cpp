// state.json: reading and writing the lab state, with errors that name the JSON key.
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ropescope/state.h"
#include "ropescope/text_input.h"
#include "ropescope/validate.h"

namespace ropescope {

namespace {

using nlohmann::json;

json optional_json(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }
json zero_as_null(std::int64_t v) { return v > 0 ? json(v) : json(nullptr); }

const char* choice_name(LongRopeFactorChoice c) {
    switch (c) {
        case LongRopeFactorChoice::Auto: return "auto";
        case LongRopeFactorChoice::Short: return "short";
        case LongRopeFactorChoice::Long: return "long";
    }
    return "auto";
}

void yarn_to_json(const YarnMethod& y, json& j) {
    j["beta_fast"] = y.beta_fast;
    j["beta_slow"] = y.beta_slow;
    j["truncate"] = y.truncate;
    j["mscale"] = optional_json(y.mscale);
    j["mscale_all_dim"] = optional_json(y.mscale_all_dim);
    j["attention_factor"] = optional_json(y.attention_factor);
}

json method_to_json(const MethodSlot& s) {
    json j;
    j["rope_type"] = std::string(method_name(kind_of(s.method)));
    j["enabled"] = s.enabled;
    std::visit(
        [&](const auto& m) {
            using T = std::decay_t<decltype(m)>;
            if constexpr (std::is_same_v<T, NtkByPartsMethod>) {
                j["alpha"] = m.alpha;
                j["beta"] = m.beta;
            } else if constexpr (std::is_same_v<T, YarnMethod>) {
                yarn_to_json(m, j);
            } else if constexpr (std::is_same_v<T, DynamicYarnMethod>) {
                yarn_to_json(m.yarn, j);
            } else if constexpr (std::is_same_v<T, Llama3Method>) {
                j["low_freq_factor"] = m.low_freq_factor;
                j["high_freq_factor"] = m.high_freq_factor;
            } else if constexpr (std::is_same_v<T, LongRopeMethod>) {
                j["short_factor"] = m.short_factor;
                j["long_factor"] = m.long_factor;
                j["attention_factor"] = optional_json(m.attention_factor);
                j["n_hat"] = m.n_hat;
                j["factor_choice"] = choice_name(m.choice);
            }
        },
        s.method);
    return j;
}

// ---------------------------------------------------------------------------------------------
// Reading: each getter leaves the target unchanged when the key is missing (or null, for values
// that are not optional) and records the first type error, named by its JSON path.

std::string describe(const json& v) {
    if (v.is_string()) return "a string";
    if (v.is_boolean()) return "a boolean";
    if (v.is_array()) return "an array";
    if (v.is_object()) return "an object";
    if (v.is_null()) return "null";
    return "a number (" + format_number(v.get<double>()) + ")";
}

std::string join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

class Reader {
public:
    std::optional<Error> error;

    void fail(const std::string& path, const std::string& expected, const json& got) {
        if (!error) error = Error{path, path + ": expected " + expected + ", got " + describe(got) + "."};
    }
    void fail_message(const std::string& path, const std::string& message) {
        if (!error) error = Error{path, path + ": " + message};
    }

    const json* find(const json& object, const char* key) {
        const auto it = object.find(key);
        return it == object.end() ? nullptr : &*it;
    }

    void number(const json& o, const char* key, const std::string& path, double& out) {
        const json* v = find(o, key);
        if (!v || v->is_null()) return;
        if (!v->is_number()) return fail(join(path, key), "a number", *v);
        out = v->get<double>();
    }
    void optional_number(const json& o, const char* key, const std::string& path, std::optional<double>& out) {
        const json* v = find(o, key);
        if (!v) return;
        if (v->is_null()) {
            out.reset();
            return;
        }
        if (!v->is_number()) return fail(join(path, key), "a number or null", *v);
        out = v->get<double>();
    }
    template <class Int>
    void integer(const json& o, const char* key, const std::string& path, Int& out, bool null_is_zero = false) {
        const json* v = find(o, key);
        if (!v) return;
        if (v->is_null()) {
            if (null_is_zero) out = 0;
            return;
        }
        const double d = v->is_number() ? v->get<double>() : 0.5;
        if (!v->is_number() || d != std::floor(d) || std::abs(d) > 9.0e15)
            return fail(join(path, key), "a whole number", *v);
        if (d < static_cast<double>(std::numeric_limits<Int>::min()) ||
            d > static_cast<double>(std::numeric_limits<Int>::max()))
            return fail_message(join(path, key), format_number(d) + " is out of range.");
        out = static_cast<Int>(d);
    }
    // A whole number that must lie in [lo, hi]: the same limits as the CLI flag or GUI control.
    template <class Int>
    void integer_in(const json& o, const char* key, const std::string& path, Int& out, std::int64_t lo,
                    std::int64_t hi) {
        Int value = out;
        const bool had_error = error.has_value();
        integer(o, key, path, value);
        if (error && !had_error) return;
        if (static_cast<std::int64_t>(value) < lo || static_cast<std::int64_t>(value) > hi)
            return fail_message(join(path, key), std::to_string(value) + " is out of range; use " + std::to_string(lo) +
                                                     " to " + std::to_string(hi) + ".");
        out = value;
    }
    void boolean(const json& o, const char* key, const std::string& path, bool& out) {
        const json* v = find(o, key);
        if (!v || v->is_null()) return;
        if (!v->is_boolean()) return fail(join(path, key), "true or false", *v);
        out = v->get<bool>();
    }
    void string(const json& o, const char* key, const std::string& path, std::string& out) {
        const json* v = find(o, key);
        if (!v || v->is_null()) return;
        if (!v->is_string()) return fail(join(path, key), "a string", *v);
        out = v->get<std::string>();
    }
    void number_list(const json& o, const char* key, const std::string& path, std::vector<double>& out) {
        const json* v = find(o, key);
        if (!v || v->is_null()) return;
        if (!v->is_array()) return fail(join(path, key), "an array of numbers", *v);
        std::vector<double> values;
        for (std::size_t i = 0; i < v->size(); ++i) {
            const json& item = (*v)[i];
            if (!item.is_number())
                return fail(join(path, key) + "[" + std::to_string(i) + "]", "a number", item);
            values.push_back(item.get<double>());
        }
        out = std::move(values);
    }
    // The object at `key`, or null if missing; a non-object is an error.
    const json* object(const json& o, const char* key, const std::string& path) {
        const json* v = find(o, key);
        if (!v || v->is_null()) return nullptr;
        if (!v->is_object()) {
            fail(path.empty() ? key : join(path, key), "an object", *v);
            return nullptr;
        }
        return v;
    }
};

void read_yarn(Reader& r, const json& o, const std::string& path, YarnMethod& y) {
    r.number(o, "beta_fast", path, y.beta_fast);
    r.number(o, "beta_slow", path, y.beta_slow);
    r.boolean(o, "truncate", path, y.truncate);
    r.optional_number(o, "mscale", path, y.mscale);
    r.optional_number(o, "mscale_all_dim", path, y.mscale_all_dim);
    r.optional_number(o, "attention_factor", path, y.attention_factor);
}

void read_method(Reader& r, const json& o, const std::string& path, MethodSlot& s) {
    r.boolean(o, "enabled", path, s.enabled);
    std::visit(
        [&](auto& m) {
            using T = std::decay_t<decltype(m)>;
            if constexpr (std::is_same_v<T, NtkByPartsMethod>) {
                r.number(o, "alpha", path, m.alpha);
                r.number(o, "beta", path, m.beta);
            } else if constexpr (std::is_same_v<T, YarnMethod>) {
                read_yarn(r, o, path, m);
            } else if constexpr (std::is_same_v<T, DynamicYarnMethod>) {
                read_yarn(r, o, path, m.yarn);
            } else if constexpr (std::is_same_v<T, Llama3Method>) {
                r.number(o, "low_freq_factor", path, m.low_freq_factor);
                r.number(o, "high_freq_factor", path, m.high_freq_factor);
            } else if constexpr (std::is_same_v<T, LongRopeMethod>) {
                r.number_list(o, "short_factor", path, m.short_factor);
                r.number_list(o, "long_factor", path, m.long_factor);
                r.optional_number(o, "attention_factor", path, m.attention_factor);
                r.integer(o, "n_hat", path, m.n_hat, true);
                std::string choice = choice_name(m.choice);
                r.string(o, "factor_choice", path, choice);
                if (choice == "auto") m.choice = LongRopeFactorChoice::Auto;
                else if (choice == "short") m.choice = LongRopeFactorChoice::Short;
                else if (choice == "long") m.choice = LongRopeFactorChoice::Long;
                else
                    r.fail_message(path + ".factor_choice",
                                   "\"" + choice + "\" is not allowed; use auto, short or long.");
            }
        },
        s.method);
}

void read_methods(Reader& r, const json& methods, LabState& state) {
    for (const auto& [key, value] : methods.items()) {
        const std::string path = "methods." + key;
        const auto kind = method_from_name(key);
        if (!kind) {
            r.fail_message(path, "\"" + key + "\" is not a known method; use one of " + method_names_list() + ".");
            return;
        }
        if (!value.is_object()) return r.fail(path, "an object", value);
        for (const char* type_key : {"rope_type", "type"}) {
            std::string type;
            r.string(value, type_key, path, type);
            if (!type.empty() && method_from_name(type) != kind)
                return r.fail_message(path + "." + type_key, "\"" + type + "\" does not match the method key \"" +
                                                                 key + "\".");
        }
        MethodSlot& s = slot(state, *kind);
        if (kind_of(s.method) != *kind) s.method = default_method(*kind);
        read_method(r, value, path, s);
        if (r.error) return;
    }
}

}  // namespace

nlohmann::json state_to_json(const LabState& state) {
    json j;
    j["version"] = kStateVersion;
    j["model_name"] = state.model_name;
    const RopeSetup& s = state.setup;
    j["setup"] = {{"head_dim", s.head_dim},
                  {"partial_rotary_factor", s.partial_rotary_factor},
                  {"qk_rope_head_dim", zero_as_null(s.rotary_dim_override)},
                  {"rope_theta", s.rope_theta},
                  {"original_max_position_embeddings", s.original_max_position_embeddings},
                  {"factor", s.factor},
                  {"max_position_embeddings", zero_as_null(s.max_position_embeddings)},
                  {"seq_len", zero_as_null(s.seq_len)}};
    json methods = json::object();
    for (const MethodKind kind : kAllMethods)
        methods[std::string(method_name(kind))] = method_to_json(slot(state, kind));
    j["methods"] = methods;
    const PlotOptions& p = state.plot;
    j["plot"] = {{"decay_logit", p.decay_logit},
                 {"decay_bound", p.decay_bound},
                 {"decay_attention_factor", p.decay_attention_factor},
                 {"decay_grid", p.decay_grid == GridKind::Log ? "log" : "linear"},
                 {"decay_points", p.decay_points},
                 {"heatmap_method", p.heatmap_method},
                 {"heatmap_compare", p.heatmap_compare},
                 {"heatmap_positions", p.heatmap_positions},
                 {"heatmap_columns", p.heatmap_columns}};
    return j;
}

Result<LabState> state_from_json(const nlohmann::json& j) {
    if (!j.is_object()) {
        Reader r;
        r.fail("state", "a JSON object", j);
        return *r.error;
    }
    Reader r;
    if (const auto it = j.find("version"); it != j.end()) {
        if (!it->is_number_integer() && !it->is_number_unsigned()) {
            r.fail("version", "a whole number", *it);
            return *r.error;
        }
        // Compared as written (dump): 2^64-1 must not read as -1, nor 2^32+1 as 1.
        if (!(it->is_number_integer() && it->get<std::int64_t>() == kStateVersion) &&
            !(it->is_number_unsigned() && it->get<std::uint64_t>() == static_cast<std::uint64_t>(kStateVersion)))
            return Error{"version", "version: " + it->dump() + " is not supported; this RopeScope reads state version " +
                                        std::to_string(kStateVersion) + "."};
    }
    LabState state = default_lab_state();
    r.string(j, "model_name", "", state.model_name);
    if (const json* setup = r.object(j, "setup", "")) {
        RopeSetup& s = state.setup;
        r.integer(*setup, "head_dim", "setup", s.head_dim);
        r.number(*setup, "partial_rotary_factor", "setup", s.partial_rotary_factor);
        r.integer(*setup, "qk_rope_head_dim", "setup", s.rotary_dim_override, true);
        r.number(*setup, "rope_theta", "setup", s.rope_theta);
        r.integer(*setup, "original_max_position_embeddings", "setup", s.original_max_position_embeddings);
        r.number(*setup, "factor", "setup", s.factor);
        r.integer(*setup, "max_position_embeddings", "setup", s.max_position_embeddings, true);
        r.integer(*setup, "seq_len", "setup", s.seq_len, true);
    }
    if (const json* methods = r.object(j, "methods", "")) read_methods(r, *methods, state);
    if (const json* plot = r.object(j, "plot", "")) {
        PlotOptions& p = state.plot;
        r.boolean(*plot, "decay_logit", "plot", p.decay_logit);
        r.boolean(*plot, "decay_bound", "plot", p.decay_bound);
        r.boolean(*plot, "decay_attention_factor", "plot", p.decay_attention_factor);
        std::string grid = p.decay_grid == GridKind::Log ? "log" : "linear";
        r.string(*plot, "decay_grid", "plot", grid);
        if (grid == "log") p.decay_grid = GridKind::Log;
        else if (grid == "linear") p.decay_grid = GridKind::Linear;
        else r.fail_message("plot.decay_grid", "\"" + grid + "\" is not allowed; use log or linear.");
        // The limits of `decay --points` and of the GUI's controls.
        r.integer_in(*plot, "decay_points", "plot", p.decay_points, kMinDecayPoints, kMaxDecayPoints);
        const auto last_method = static_cast<std::int64_t>(kAllMethods.size()) - 1;
        r.integer_in(*plot, "heatmap_method", "plot", p.heatmap_method, 0, last_method);
        r.integer_in(*plot, "heatmap_compare", "plot", p.heatmap_compare, -1, last_method);
        r.integer_in(*plot, "heatmap_positions", "plot", p.heatmap_positions, 2, kMaxContext);
        r.integer_in(*plot, "heatmap_columns", "plot", p.heatmap_columns, 2, kMaxHeatmapColumns);
    }
    if (r.error) return *r.error;
    return state;
}

Result<LabState> load_state_file(const std::string& path) {
    auto text = read_text_file(path, kMaxStateBytes, "a RopeScope state file (state.json)");
    if (!text) return text.error();
    auto parsed = parse_json_text(*text, "state");
    if (!parsed) return Error{path, path + ": " + parsed.error().message};
    const json& j = *parsed;
    auto state = state_from_json(j);
    if (!state) return Error{state.error().field, path + ": " + state.error().message};
    return state;
}

}  // namespace ropescope
