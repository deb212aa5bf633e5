// What each inference engine computes from the same config: where transformers versions,
// vLLM and llama.cpp disagree, and how to write a setting in each engine's own format.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ropescope/hf_config.h"
#include "ropescope/methods.h"
#include "ropescope/result.h"
#include "ropescope/rope_setup.h"

namespace ropescope {

enum class Engine {
    Hf,        // transformers >= 4.56 (the reference)
    Hf45x,     // transformers 4.48 - 4.55
    Vllm,      // vLLM
    LlamaCpp,  // llama.cpp (GGUF)
};

std::string_view engine_name(Engine engine);  // "hf", "hf-4.5x", "vllm", "llama.cpp"
std::optional<Engine> engine_from_name(std::string_view name);

// The setup and method an engine effectively runs for a config, with notes on every difference.
struct EngineView {
    Engine engine = Engine::Hf;
    bool supported = true;           // false: the engine cannot express this method at all
    RopeSetup setup;
    Method method;
    std::vector<std::string> notes;  // what this engine does differently, in plain words
};

EngineView engine_view(const ModelConfig& config, Engine engine);

enum class ConvertTarget { Hf, Vllm, LlamaCpp };
std::optional<ConvertTarget> convert_target_from_name(std::string_view name);  // hf, vllm, llama.cpp

// The HF config fragment (rope keys only) that reproduces setup + method when imported:
// head_dim, rope_theta, partial_rotary_factor, max_position_embeddings and rope_scaling.
std::string to_hf_json(const RopeSetup& setup, const Method& method);
// vLLM command-line arguments (--hf-overrides JSON and --max-model-len).
std::string to_vllm_args(const RopeSetup& setup, const Method& method);
// llama.cpp flags, or an error-free explanation starting with "# llama.cpp cannot express"
// when it has no equivalent, followed by what would be needed instead.
std::string to_llamacpp_args(const RopeSetup& setup, const Method& method);

// The magnitude factor ggml's YaRN rope applies on top of --yarn-attn-factor: 1 + 0.1 ln(factor)
// (1 for factor <= 1).
double llamacpp_yarn_mscale(double factor);

// Reads a setting back from any of the three formats above, detected from the text:
// - a Hugging Face config: a whole config.json (it has head_dim, hidden_size, qk_rope_head_dim or
//   model_type), a fragment of one (e.g. {"rope_theta": ..., "rope_scaling": {...}}) laid over
//   `base`, or a bare rope_scaling / rope_parameters block (it has rope_type or type);
// - vLLM arguments: --hf-overrides JSON (a fragment, laid over `base`) and --max-model-len;
// - llama.cpp flags: --rope-scaling, --rope-scale / --rope-freq-scale, --rope-freq-base,
//   --yarn-orig-ctx, --yarn-beta-fast/slow, --yarn-attn-factor, --yarn-ext-factor, --ctx-size.
// `base` supplies what the text does not say (head_dim, rope_theta, L, ...). Lines starting with #
// are comments. Unknown flags are warnings; bad values are errors naming the flag or key.
// Round trip: import_setting(to_X(setup, method), setup) computes the same frequencies, except
// where to_X says the engine cannot express the setting.
Result<ModelConfig> import_setting(std::string_view text, const RopeSetup& base);

}  // namespace ropescope
