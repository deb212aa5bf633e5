// Engine differences, as documented in docs/models.md. Sources: transformers'
// modeling_rope_utils.py history, vLLM's rotary_embedding module, llama.cpp's rope flags.
#include "ropescope/engines.h"

#include <cmath>

#include <nlohmann/json.hpp>

#include "ropescope/rope.h"
#include "ropescope/validate.h"

namespace ropescope {

std::string_view engine_name(Engine engine) {
    switch (engine) {
        case Engine::Hf: return "hf";
        case Engine::Hf45x: return "hf-4.5x";
        case Engine::Vllm: return "vllm";
        case Engine::LlamaCpp: return "llama.cpp";
    }
    return "hf";
}

std::optional<Engine> engine_from_name(std::string_view name) {
    for (const Engine e : {Engine::Hf, Engine::Hf45x, Engine::Vllm, Engine::LlamaCpp})
        if (engine_name(e) == name) return e;
    if (name == "transformers") return Engine::Hf;
    if (name == "llamacpp" || name == "llama-cpp") return Engine::LlamaCpp;
    return std::nullopt;
}

std::optional<ConvertTarget> convert_target_from_name(std::string_view name) {
    if (name == "hf" || name == "transformers") return ConvertTarget::Hf;
    if (name == "vllm") return ConvertTarget::Vllm;
    if (name == "llama.cpp" || name == "llamacpp" || name == "llama-cpp") return ConvertTarget::LlamaCpp;
    return std::nullopt;
}

namespace {

// LongRoPE in vLLM and llama.cpp: long factors iff the configured context exceeds L.
void longrope_by_configured_context(EngineView& view) {
    auto& m = std::get<LongRopeMethod>(view.method);
    const bool long_ctx = view.setup.effective_max_position_embeddings() > view.setup.original_max_position_embeddings;
    m.choice = long_ctx ? LongRopeFactorChoice::Long : LongRopeFactorChoice::Short;
    view.notes.push_back(std::string("LongRoPE factors chosen by the configured context (") +
                         std::to_string(view.setup.effective_max_position_embeddings()) + " tokens): always " +
                         (long_ctx ? "long_factor" : "short_factor") +
                         ", where transformers switches from short to long once the sequence exceeds " +
                         std::to_string(view.setup.original_max_position_embeddings) + " tokens.");
}

}  // namespace

EngineView engine_view(const ModelConfig& config, Engine engine) {
    EngineView view;
    view.engine = engine;
    view.setup = config.setup;
    view.method = config.method;
    const MethodKind kind = kind_of(config.method);
    const auto mpe = static_cast<double>(config.setup.effective_max_position_embeddings());

    switch (engine) {
        case Engine::Hf: break;
        case Engine::Hf45x:
            if ((kind == MethodKind::Yarn || kind == MethodKind::DynamicYarn) &&
                config.rope_block_original_max_position_embeddings > 0) {
                const double implied = mpe / static_cast<double>(config.rope_block_original_max_position_embeddings);
                if (implied != view.setup.factor) {
                    view.notes.push_back("transformers 4.48-4.55 replaces factor " + format_number(view.setup.factor) +
                                         " by max_position_embeddings / original_max_position_embeddings = " +
                                         format_number(implied) +
                                         (implied == 1.0 ? ": YaRN is switched off." : "."));
                    view.setup.factor = implied;
                }
            }
            break;
        case Engine::Vllm:
            if (kind == MethodKind::Dynamic) {
                // vLLM precomputes one base for its whole cache: seq_len = max_position_embeddings * factor.
                view.setup.seq_len = static_cast<std::int64_t>(std::llround(mpe * view.setup.factor));
                view.notes.push_back("vLLM's dynamic NTK is static: the base is computed once for " +
                                     std::to_string(view.setup.seq_len) +
                                     " tokens (max_position_embeddings x factor), whatever the sequence length.");
            }
            if (kind == MethodKind::LongRope) longrope_by_configured_context(view);
            break;
        case Engine::LlamaCpp:
            switch (kind) {
                case MethodKind::Dynamic:
                case MethodKind::DynamicYarn:
                case MethodKind::NtkByParts:
                    view.supported = false;
                    view.notes.push_back("llama.cpp has no " + std::string(method_name(kind)) +
                                         " scaling; see 'convert --to llama.cpp' for the closest setting.");
                    break;
                case MethodKind::Yarn: {
                    auto& yarn = std::get<YarnMethod>(view.method);
                    if (!yarn.truncate) {
                        yarn.truncate = true;
                        view.notes.push_back("llama.cpp always rounds the YaRN correction dims (no truncate=false).");
                    }
                    view.notes.push_back("llama.cpp computes the correction dims in float32 (differences of order 1e-6).");
                    break;
                }
                case MethodKind::LongRope: longrope_by_configured_context(view); break;
                case MethodKind::Llama3:
                    view.notes.push_back("llama.cpp bakes the llama3 frequency factors into the GGUF (rope_freqs) at "
                                         "conversion; the values match transformers.");
                    break;
                default: break;
            }
            break;
    }
    return view;
}

namespace {

using nlohmann::json;

json yarn_keys(const YarnMethod& y) {
    json j = {{"beta_fast", y.beta_fast}, {"beta_slow", y.beta_slow}};
    if (!y.truncate) j["truncate"] = false;
    if (y.mscale) j["mscale"] = *y.mscale;
    if (y.mscale_all_dim) j["mscale_all_dim"] = *y.mscale_all_dim;
    if (y.attention_factor) j["attention_factor"] = *y.attention_factor;
    return j;
}

// The rope_scaling block (null for default) plus the top-level keys it relies on.
json hf_fragment(const RopeSetup& setup, const Method& method) {
    json out;
    if (setup.rotary_dim_override > 0) out["qk_rope_head_dim"] = setup.rotary_dim_override;
    else out["head_dim"] = setup.head_dim;
    if (setup.partial_rotary_factor != 1.0) out["partial_rotary_factor"] = setup.partial_rotary_factor;
    out["rope_theta"] = setup.rope_theta;
    const MethodKind kind = kind_of(method);
    const std::int64_t L = setup.original_max_position_embeddings;
    // HF's linear, ntk-style and dynamic blocks take no original_max_position_embeddings key:
    // for them the top-level max_position_embeddings carries L (dynamic: the config's own value).
    const bool carries_original = kind != MethodKind::Default && kind != MethodKind::Linear &&
                                  kind != MethodKind::Ntk && kind != MethodKind::Dynamic;
    out["max_position_embeddings"] = kind == MethodKind::Dynamic ? setup.effective_max_position_embeddings()
                                     : carries_original          ? setup.target_context()
                                                                 : L;
    if (kind == MethodKind::Default) {
        out["rope_scaling"] = nullptr;
        return out;
    }
    json rope = {{"rope_type", std::string(method_name(kind))}};
    rope["factor"] = setup.factor;
    if (carries_original) rope["original_max_position_embeddings"] = L;
    switch (kind) {
        case MethodKind::NtkByParts: {
            const auto& m = std::get<NtkByPartsMethod>(method);
            rope["alpha"] = m.alpha;
            rope["beta"] = m.beta;
            break;
        }
        case MethodKind::Yarn: rope.update(yarn_keys(std::get<YarnMethod>(method))); break;
        case MethodKind::DynamicYarn: rope.update(yarn_keys(std::get<DynamicYarnMethod>(method).yarn)); break;
        case MethodKind::Llama3: {
            const auto& m = std::get<Llama3Method>(method);
            rope["low_freq_factor"] = m.low_freq_factor;
            rope["high_freq_factor"] = m.high_freq_factor;
            break;
        }
        case MethodKind::LongRope: {
            const auto& m = std::get<LongRopeMethod>(method);
            rope["short_factor"] = m.short_factor;
            rope["long_factor"] = m.long_factor;
            if (m.attention_factor) rope["attention_factor"] = *m.attention_factor;
            if (m.n_hat > 0) rope["n_hat"] = m.n_hat;
            break;
        }
        default: break;
    }
    out["rope_scaling"] = rope;
    return out;
}

std::string num(double value) { return format_number(value); }

}  // namespace

double llamacpp_yarn_mscale(double factor) { return factor > 1 ? 1.0 + 0.1 * std::log(factor) : 1.0; }

namespace {

}  // namespace

std::string to_hf_json(const RopeSetup& setup, const Method& method) {
    return hf_fragment(setup, method).dump(2) + "\n";
}

std::string to_vllm_args(const RopeSetup& setup, const Method& method) {
    json overrides = hf_fragment(setup, method);
    overrides.erase("head_dim");
    overrides.erase("qk_rope_head_dim");
    const MethodKind kind = kind_of(method);
    std::string out = "--hf-overrides '" + overrides.dump() + "' --max-model-len " +
                      std::to_string(setup.target_context()) + "\n";
    if (kind == MethodKind::Ntk || kind == MethodKind::NtkByParts || kind == MethodKind::DynamicYarn)
        out += "# vLLM has no '" + std::string(method_name(kind)) +
               "' rope_type; it rejects this block. Closest: rope_type yarn with the same factor.\n";
    if (kind == MethodKind::Dynamic)
        out += "# vLLM computes dynamic NTK once for max_position_embeddings x factor tokens (static).\n";
    return out;
}

std::string to_llamacpp_args(const RopeSetup& setup, const Method& method) {
    const MethodKind kind = kind_of(method);
    const std::string base = "--rope-freq-base " + num(setup.rope_theta);
    const std::string ctx = " --ctx-size " + std::to_string(setup.target_context());
    switch (kind) {
        case MethodKind::Default: return "--rope-scaling none " + base + ctx + "\n";
        case MethodKind::Linear: return "--rope-scaling linear --rope-scale " + num(setup.factor) + " " + base + ctx + "\n";
        case MethodKind::Ntk: {
            auto result = compute_rope(setup, method);
            const double effective = result ? result->effective_theta : setup.rope_theta;
            return "--rope-scaling none --rope-freq-base " + num(effective) + ctx +
                   "\n# NTK-aware scaling in llama.cpp: set the enlarged base b*s^(d/(d-2)) by hand, as above.\n";
        }
        case MethodKind::Yarn: {
            const auto& y = std::get<YarnMethod>(method);
            std::string out = "--rope-scaling yarn --rope-scale " + num(setup.factor) + " " + base +
                              " --yarn-orig-ctx " + std::to_string(setup.original_max_position_embeddings) +
                              " --yarn-ext-factor 1 --yarn-beta-fast " + num(y.beta_fast) + " --yarn-beta-slow " +
                              num(y.beta_slow);
            auto result = compute_rope(setup, method);
            // ggml's rope multiplies --yarn-attn-factor by its own 1 + 0.1 ln(s) (when ext_factor != 0),
            // so a different HF attention factor A is written as A / (1 + 0.1 ln s).
            if (result && (y.attention_factor || y.mscale))
                out += " --yarn-attn-factor " + num(result->attention_factor / llamacpp_yarn_mscale(setup.factor));
            out += ctx + "\n";
            if (!y.truncate) out += "# llama.cpp always rounds the correction dims: truncate=false is not expressible.\n";
            if (y.mscale_all_dim)
                out += "# DeepSeek's softmax-scale multiplier is applied by llama.cpp's deepseek2 graph from GGUF "
                       "metadata, not by a flag.\n";
            return out;
        }
        case MethodKind::Dynamic:
        case MethodKind::DynamicYarn:
            return "# llama.cpp cannot express " + std::string(method_name(kind)) +
                   " scaling: it has no dynamic (per-length) RoPE.\n# Closest static setting for the target context: " +
                   (kind == MethodKind::Dynamic ? "NTK-aware via --rope-freq-base (see --method ntk)"
                                                : "--rope-scaling yarn --rope-scale " + num(setup.factor)) +
                   ".\n";
        case MethodKind::NtkByParts:
            return "# llama.cpp cannot express ntk_by_parts (its ramp is linear in r; llama.cpp's YaRN ramp is linear "
                   "in the pair index).\n# Closest: --rope-scaling yarn --rope-scale " + num(setup.factor) + " " + base +
                   " --yarn-orig-ctx " + std::to_string(setup.original_max_position_embeddings) + "\n";
        case MethodKind::Llama3:
        case MethodKind::LongRope:
            return "# llama.cpp reads " + std::string(method_name(kind)) +
                   " frequency factors from the GGUF (rope_freqs), written by convert_hf_to_gguf.py from "
                   "config.json;\n# no flag sets them. Run with: " + base + ctx + "\n";
    }
    return "";
}

}  // namespace ropescope
