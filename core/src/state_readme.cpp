// README.md for an "export all" folder: what was plotted and how to regenerate it.
#include "ropescope/state.h"
#include "ropescope/validate.h"

namespace ropescope {

namespace {

// A parameter value as README text; long lists are summarized.
std::string value_text(const nlohmann::json& v) {
    if (v.is_null()) return "unset";
    if (v.is_array()) {
        if (v.size() <= 4) return v.dump();
        double lo = 0, hi = 0;
        for (std::size_t i = 0; i < v.size(); ++i) {
            const double x = v[i].is_number() ? v[i].get<double>() : 0.0;
            lo = i == 0 ? x : std::min(lo, x);
            hi = i == 0 ? x : std::max(hi, x);
        }
        return std::to_string(v.size()) + " values from " + format_number(lo) + " to " + format_number(hi) +
               " (see state.json)";
    }
    if (v.is_number()) return format_number(v.get<double>());
    if (v.is_string()) return v.get<std::string>();
    return v.dump();
}

}  // namespace

std::string state_readme(const LabState& state, const std::vector<ReadmeFile>& files, const std::string& command) {
    const RopeSetup& s = state.setup;
    std::string text = "# RopeScope figures\n\n";
    if (!state.model_name.empty()) text += "Model: " + state.model_name + "\n\n";
    text += "Every figure in this folder was computed from `state.json` (written next to it).\n\n";
    text += "## Rotary setup\n\n| parameter | value |\n|---|---|\n";
    text += "| head_dim | " + std::to_string(s.head_dim) + " |\n";
    text += "| partial_rotary_factor | " + format_number(s.partial_rotary_factor) + " |\n";
    if (s.rotary_dim_override > 0) text += "| qk_rope_head_dim | " + std::to_string(s.rotary_dim_override) + " |\n";
    text += "| rotary dimension d | " + std::to_string(s.rotary_dim()) + " |\n";
    text += "| rope_theta | " + format_number(s.rope_theta) + " |\n";
    text += "| original_max_position_embeddings (L) | " + std::to_string(s.original_max_position_embeddings) + " |\n";
    text += "| factor (s) | " + format_number(s.factor) + " |\n";
    text += "| target context L' = s * L | " + std::to_string(s.target_context()) + " |\n";
    text += "| max_position_embeddings | " + std::to_string(s.effective_max_position_embeddings()) + " |\n";
    text += "| seq_len | " + (s.seq_len > 0 ? std::to_string(s.seq_len) : std::string("none")) + " |\n\n";

    text += "## Methods\n\n";
    const nlohmann::json methods = state_to_json(state)["methods"];
    for (const MethodKind kind : kAllMethods) {
        if (!slot(state, kind).enabled) continue;
        const std::string name(method_name(kind));
        text += "- **" + std::string(method_label(kind)) + "** (`" + name + "`)";
        std::string params;
        for (const auto& [key, value] : methods[name].items()) {
            if (key == "rope_type" || key == "enabled") continue;
            params += (params.empty() ? "" : ", ") + key + " = " + value_text(value);
        }
        text += params.empty() ? "\n" : ": " + params + "\n";
    }
    std::vector<std::string> errors;
    compute_entries(state, &errors);
    for (const auto& e : errors) text += "- not plotted: " + e + "\n";

    text += "\n## Files\n\n";
    for (const auto& f : files)
        text += "- `" + f.name + "`" + (f.description.empty() ? "" : ": " + f.description) + "\n";
    text += "\n## Regenerate\n\nFrom this folder:\n\n    " + command + "\n";
    return text;
}

}  // namespace ropescope
