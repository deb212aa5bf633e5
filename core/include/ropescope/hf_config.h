// Import of Hugging Face config.json files (and bare rope_scaling / rope_parameters objects).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ropescope/methods.h"
#include "ropescope/result.h"
#include "ropescope/rope_setup.h"

namespace ropescope {

struct ModelConfig {
    std::string model_name;             // "_model" if present, else empty
    std::string description;            // "_description" if present (RopeScope presets), else empty
    RopeSetup setup;
    Method method;
    std::vector<std::string> warnings;  // unknown keys, odd values (HF warns, we list)
    // original_max_position_embeddings as written inside the rope block (engines differ on it).
    std::int64_t rope_block_original_max_position_embeddings = 0;
};

// Parses a full config.json text. Errors name the JSON key (e.g. "rope_scaling.factor").
Result<ModelConfig> parse_hf_config(std::string_view json_text);
// Reads and parses a file; errors also name the path.
Result<ModelConfig> load_hf_config(const std::string& path);

}  // namespace ropescope
