#include "engine_compare.h"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "ropescope/plots.h"
#include "ropescope/rope.h"

namespace ropescope::gui {

Result<ModelConfig> config_for_setting(const RopeSetup& setup, const Method& method) {
    return parse_hf_config(to_hf_json(setup, method));
}

std::vector<EngineRow> compare_engines(const ModelConfig& config) {
    const auto reference = compute_rope(config.setup, config.method);
    std::vector<EngineRow> rows;
    for (const Engine engine : {Engine::Hf, Engine::Hf45x, Engine::Vllm, Engine::LlamaCpp}) {
        const EngineView view = engine_view(config, engine);
        EngineRow row;
        row.engine = engine;
        row.supported = view.supported;
        row.notes = view.notes;
        if (!view.supported) {
            rows.push_back(std::move(row));
            continue;
        }
        const auto result = compute_rope(view.setup, view.method);
        if (!result) {
            row.error = result.error().message;
            rows.push_back(std::move(row));
            continue;
        }
        row.method = legend_label(*result);
        row.attention_factor = result->attention_factor;
        row.logit_scale = result->logit_scale();
        row.long_factor = result->uses_long_factor;
        if (reference && reference->inv_freq.size() == result->inv_freq.size()) {
            for (std::size_t i = 0; i < result->inv_freq.size(); ++i) {
                const double ratio = result->inv_freq[i] / reference->inv_freq[i];
                if (std::abs(ratio - 1.0) > 1e-12) ++row.pairs_differing;
                row.max_ratio = std::max({row.max_ratio, ratio, 1.0 / ratio});
            }
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

Result<ModelConfig> parse_pasted_config(const std::string& text, const RopeSetup& current_setup) {
    const auto pasted = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (pasted.is_discarded())
        return Error{"clipboard", "the clipboard does not hold valid JSON (expected a config.json or a rope_scaling "
                                  "block)."};
    if (!pasted.is_object())
        return Error{"clipboard", "the clipboard holds JSON " + std::string(pasted.type_name()) +
                                      ", expected an object (a config.json or a rope_scaling block)."};
    if (pasted.contains("head_dim") || pasted.contains("hidden_size") || pasted.contains("model_type") ||
        pasted.contains("qk_rope_head_dim"))
        return parse_hf_config(text);  // a full config: its own head dims, no mixing with ours

    // The current setting without scaling, as an HF config, under what was pasted.
    auto merged = nlohmann::json::parse(to_hf_json(current_setup, DefaultMethod{}));
    merged.erase("rope_scaling");
    merged["max_position_embeddings"] = current_setup.original_max_position_embeddings;
    if (pasted.contains("rope_type") || pasted.contains("type")) {
        merged["rope_scaling"] = pasted;  // a bare block
    } else {
        for (const auto& [key, value] : pasted.items()) merged[key] = value;
    }
    return parse_hf_config(merged.dump());
}

}  // namespace ropescope::gui
