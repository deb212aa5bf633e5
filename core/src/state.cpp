// The lab state: defaults, config import, LongRoPE list seeding, and computing every enabled method.
#include "ropescope/state.h"

#include <algorithm>

#include "ropescope/validate.h"

namespace ropescope {

MethodSlot& slot(LabState& state, MethodKind kind) { return state.methods[static_cast<std::size_t>(kind)]; }

const MethodSlot& slot(const LabState& state, MethodKind kind) {
    return state.methods[static_cast<std::size_t>(kind)];
}

LabState default_lab_state() {
    LabState state;
    state.setup.head_dim = 128;
    state.setup.rope_theta = 10000.0;
    state.setup.original_max_position_embeddings = 4096;
    state.setup.factor = 8.0;
    state.setup.seq_len = state.setup.target_context();
    for (const MethodKind kind : kAllMethods) slot(state, kind).method = default_method(kind);
    for (const MethodKind kind :
         {MethodKind::Default, MethodKind::Linear, MethodKind::Ntk, MethodKind::Yarn, MethodKind::Llama3})
        slot(state, kind).enabled = true;
    fit_longrope_lists(state);
    return state;
}

void apply_config(LabState& state, const std::string& model_name, const RopeSetup& setup, const Method& method) {
    state.model_name = model_name;
    state.setup = setup;
    MethodSlot& s = slot(state, kind_of(method));
    s.method = method;
    s.enabled = true;
}

std::string fit_longrope_lists(LabState& state) {
    Method& method = slot(state, MethodKind::LongRope).method;
    if (kind_of(method) != MethodKind::LongRope) method = LongRopeMethod{};
    auto& m = std::get<LongRopeMethod>(method);
    const int pairs = state.setup.num_pairs();
    if (pairs <= 0 || pairs > 65536) return "";
    const auto n = static_cast<std::size_t>(pairs);
    const bool short_ok = m.short_factor.size() == n, long_ok = m.long_factor.size() == n;
    if (short_ok && long_ok) return "";

    std::string note = "longrope: ";
    if (!short_ok) {
        m.short_factor.assign(n, 1.0);
        note += "short_factor set to 1 for all " + std::to_string(pairs) + " pairs";
    }
    if (!long_ok) {
        // One of the LongRoPE search's initial candidates: YaRN's per-pair scale theta/theta' at s.
        m.long_factor.assign(n, std::max(state.setup.factor, 1.0));
        auto yarn = compute_rope(state.setup, YarnMethod{});
        std::string source =
            "s = " + format_number(state.setup.factor) + " for every pair (YaRN could not be computed)";
        if (yarn && yarn->pairs.size() == n) {
            for (std::size_t i = 0; i < n; ++i) m.long_factor[i] = yarn->pairs[i].scale;
            source = "YaRN's per-pair scale at s = " + format_number(state.setup.factor);
        }
        note += std::string(short_ok ? "" : "; ") + "long_factor seeded with " + source;
    }
    return note + " (the lists did not match the " + std::to_string(pairs) + " rotary pairs).";
}

std::vector<PlotEntry> compute_entries(const LabState& state, std::vector<std::string>* errors) {
    LabState fitted = state;
    fit_longrope_lists(fitted);
    std::vector<PlotEntry> entries;
    // An invalid setup fails every method the same way: say it once.
    if (auto status = validate(fitted.setup, DefaultMethod{}, nullptr); !status) {
        if (errors) errors->push_back(status.error().message);
        return entries;
    }
    for (const MethodKind kind : kAllMethods) {
        const MethodSlot& s = slot(fitted, kind);
        if (!s.enabled) continue;
        auto result = compute_rope(fitted.setup, s.method);
        if (!result) {
            if (errors) errors->push_back(std::string(method_name(kind)) + ": " + result.error().message);
            continue;
        }
        PlotEntry entry;
        entry.result = std::move(result).value();
        entries.push_back(std::move(entry));
    }
    return entries;
}

}  // namespace ropescope
