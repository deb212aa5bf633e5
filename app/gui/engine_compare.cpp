#include "engine_compare.h"

#include <algorithm>
#include <cmath>

#include "ropescope/plots.h"
#include "ropescope/rope.h"
#include "ropescope/rope_float32.h"

namespace ropescope::gui {

Result<ModelConfig> config_for_setting(const RopeSetup& setup, const Method& method) {
    return parse_hf_config(to_hf_json(setup, method));
}

std::vector<EngineRow> compare_engines(const ModelConfig& config, const EngineInputs& inputs) {
    const auto reference = compute_rope(config.setup, config.method);
    std::vector<EngineRow> rows;
    for (const Engine engine : kAllEngines) {
        const EngineView view = engine_view(config, engine, inputs);
        EngineRow row;
        row.engine = engine;
        row.supported = view.supported;
        row.notes = view.notes;
        row.runs_as = view.runs_as;
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
        row.float32_max_rel_error = compute_float32(*result).max_rel_error;
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
    return import_setting(text, current_setup);
}

}  // namespace ropescope::gui
