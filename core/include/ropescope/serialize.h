// JSON and CSV views of core results, shared by the CLI, the GUI and the exporters.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "ropescope/decay.h"
#include "ropescope/rope.h"

namespace ropescope {

// The full result: the documented top-level keys (rope_type, rotary_dim, rope_theta,
// original_max_position_embeddings, factor, seq_len, attention_factor, softmax_scale_multiplier,
// inv_freq, wavelength, warnings) plus method details and a per-pair table under "pairs".
nlohmann::json result_to_json(const RopeResult& result);

// The per-pair table as CSV with a header row; numbers in shortest round-trip form.
std::string pairs_to_csv(const RopeResult& result);

// Header names of pairs_to_csv, in order.
const std::vector<std::string>& pair_csv_columns();

}  // namespace ropescope
