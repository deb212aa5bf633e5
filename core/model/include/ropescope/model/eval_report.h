// An evaluation report as JSON: what `model eval --format json` prints, and the cached
// evaluation of the shipped model (assets/model/default.eval.json) that the Model tab shows at
// start-up without recomputing it.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "ropescope/model/evaluate.h"
#include "ropescope/result.h"

namespace ropescope::model {

// {"train_context": L, "results": [{"method", "factor", "length", "perplexity",
// "passkey_accuracy", "passkey_distance", "attention_entropy", "windows"}...], "seconds"}, plus
// "model_checksum" (16 hex digits of the model file's checksum) when `checksum` is not 0.
nlohmann::json eval_report_to_json(const EvalReport& report, std::uint64_t checksum = 0);
// Reads it back (every field checked); `checksum` receives model_checksum (0 if absent).
Result<EvalReport> eval_report_from_json(const nlohmann::json& json, std::uint64_t* checksum = nullptr);

// "0123456789abcdef".
std::string checksum_hex(std::uint64_t checksum);

}  // namespace ropescope::model
