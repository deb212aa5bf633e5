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
    Hf,        // transformers 5.x (the reference)
    Hf456,     // transformers 4.56 - 4.57
    Hf45x,     // transformers 4.48 - 4.55
    Vllm,      // vLLM
    LlamaCpp,  // llama.cpp (GGUF)
};

inline constexpr Engine kAllEngines[] = {Engine::Hf, Engine::Hf456, Engine::Hf45x, Engine::Vllm, Engine::LlamaCpp};

std::string_view engine_name(Engine engine);   // "hf", "hf-4.56", "hf-4.5x", "vllm", "llama.cpp"
std::string_view engine_title(Engine engine);  // "transformers 5.x", "vLLM", ...
std::optional<Engine> engine_from_name(std::string_view name);
// "hf, hf-4.56, hf-4.5x, vllm or llama.cpp", for messages.
std::string engine_names_list();

// What an engine view needs beyond the config: how the engine is launched.
struct EngineInputs {
    // vLLM's --max-model-len (it picks Phi-3 LongRoPE's factor list and the dynamic NTK base);
    // 0: the target context L' (what to_vllm_args writes).
    std::int64_t max_model_len = 0;
};

// The setup and method an engine effectively runs for a config, with notes on every difference.
struct EngineView {
    Engine engine = Engine::Hf;
    bool supported = true;           // false: the engine cannot run this setting at all
    RopeSetup setup;
    Method method;
    // How the engine's own formula is expressed in RopeScope's methods when it has no exact
    // counterpart (e.g. vLLM's ntk as per-pair factors); empty when `method` is the engine's.
    std::string runs_as;
    std::vector<std::string> notes;  // what this engine does differently, in plain words, with its source
};

// The setting `engine` effectively runs for `config` (read with transformers 5.x rules).
EngineView engine_view(const ModelConfig& config, Engine engine, const EngineInputs& inputs = {});

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
// The cos/sin multiplier llama.cpp runs for YaRN at `factor`: llama_context recomputes
// yarn_attn_factor whenever YaRN is on (ignoring --yarn-attn-factor), then multiplies it by the GGUF's
// {arch}.rope.scaling.attn_factor (`gguf_attn_factor`, 1 when absent), and ggml multiplies by
// 1 + 0.1 ln(factor). `mscale_all_dim` > 0 (the GGUF's rope.scaling.yarn_log_multiplier) takes
// DeepSeek's ratio path; `deepseek` selects its mscale special case.
double llamacpp_yarn_attention(double factor, double gguf_attn_factor, double mscale_all_dim, bool deepseek);

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
