// "What each engine computes": the current setting as transformers (5.x, 4.56-4.57, 4.48-4.55), vLLM
// and llama.cpp would run it, each compared pair by pair with transformers 5.x. Pure (no ImGui), so
// the engines panel only draws rows.
#pragma once

#include <string>
#include <vector>

#include "ropescope/engines.h"
#include "ropescope/hf_config.h"
#include "ropescope/result.h"

namespace ropescope::gui {

struct EngineRow {
    Engine engine = Engine::Hf;
    bool supported = true;            // false: the engine has no such method
    std::string error;                // the engine's setting does not compute (validation error)
    std::string method;               // e.g. "YaRN (s=4, beta 32/1)" as the engine runs it
    std::string runs_as;              // the engine's own formula when `method` only expresses it
    double attention_factor = 1;      // multiplies cos and sin
    double logit_scale = 1;           // attention_factor^2 * softmax-scale multiplier
    int pairs_differing = 0;          // pairs whose theta' differs from transformers' (relative > 1e-12)
    double max_ratio = 1;             // max over pairs of max(r, 1/r), r = theta'_engine / theta'_hf
    bool long_factor = false;         // LongRoPE: runs its long_factor list
    double float32_max_rel_error = 0; // largest |theta'_float32 - theta'| / theta' (as the engine stores it)
    std::vector<std::string> notes;   // what this engine does differently, in plain words
};

// The HF model config the engines read for `setup` + `method`: to_hf_json, read back with the
// HF importer, so the table describes exactly the block the panel offers to copy.
Result<ModelConfig> config_for_setting(const RopeSetup& setup, const Method& method);

// One row per engine (kAllEngines) for `config`; never fails (errors go in rows).
std::vector<EngineRow> compare_engines(const ModelConfig& config, const EngineInputs& inputs = {});

// Text pasted from the clipboard: any format import_setting reads (a config.json, a fragment, a
// bare rope_scaling block, vLLM arguments, llama.cpp flags), over the current setup.
Result<ModelConfig> parse_pasted_config(const std::string& text, const RopeSetup& current_setup);

}  // namespace ropescope::gui
