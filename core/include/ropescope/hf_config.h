// Import of Hugging Face config.json files (and bare rope_scaling / rope_parameters objects), with the
// rules of the transformers version that reads them (docs/models.md lists each rule and its source).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ropescope/methods.h"
#include "ropescope/result.h"
#include "ropescope/rope_setup.h"

namespace ropescope {

// Which transformers line's reading rules to follow.
enum class HfVersion {
    V5,    // transformers 5.x: RotaryEmbeddingConfigMixin (convert_rope_params_to_dict, standardize_rope_params)
    V456,  // transformers 4.56-4.57: config.rope_scaling only, truncate, explicit YaRN factor kept
    V45x,  // transformers 4.48-4.55: YaRN factor := max_position_embeddings / original, no truncate
};

struct ModelConfig {
    std::string model_name;             // "_model" if present, else empty
    std::string description;            // "_description" if present (RopeScope presets), else empty
    RopeSetup setup;
    Method method;
    std::vector<std::string> warnings;  // unknown keys, odd values (HF warns, we list)
    // original_max_position_embeddings as written inside the rope block (engines differ on it).
    std::int64_t rope_block_original_max_position_embeddings = 0;
    std::string model_type;             // "model_type" if present (transformers' rules differ per model)
    // The JSON text this config was read from, so that engine views can read it again with another
    // version's rules; empty for settings that did not come from a config.json.
    std::string source_json;
    // How this version's rules read the file differently from the other versions, in plain words
    // (also listed in warnings); the engine views show them.
    std::vector<std::string> version_notes;
    bool yarn_beta_zero = false;        // beta_fast or beta_slow written as 0 (transformers: the default)
};

// Parses a full config.json text with `version`'s rules. Errors name the JSON key
// (e.g. "rope_scaling.factor").
Result<ModelConfig> parse_hf_config(std::string_view json_text, HfVersion version = HfVersion::V5);
// Reads and parses a file; errors also name the path.
Result<ModelConfig> load_hf_config(const std::string& path);

}  // namespace ropescope
