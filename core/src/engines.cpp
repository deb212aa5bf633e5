// Engine differences, as documented in docs/models.md (which names the file and commit each rule was
// read from): transformers' modeling_rope_utils.py per version, vLLM's rotary_embedding package,
// llama.cpp's llama-context.cpp and ggml's rope.
#include "ropescope/engines.h"

#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "ropescope/rope.h"
#include "ropescope/validate.h"

namespace ropescope {

std::string_view engine_name(Engine engine) {
    switch (engine) {
        case Engine::Hf: return "hf";
        case Engine::Hf456: return "hf-4.56";
        case Engine::Hf45x: return "hf-4.5x";
        case Engine::Vllm: return "vllm";
        case Engine::LlamaCpp: return "llama.cpp";
    }
    return "hf";
}

std::string_view engine_title(Engine engine) {
    switch (engine) {
        case Engine::Hf: return "transformers 5.x";
        case Engine::Hf456: return "transformers 4.56-4.57";
        case Engine::Hf45x: return "transformers 4.48-4.55";
        case Engine::Vllm: return "vLLM";
        case Engine::LlamaCpp: return "llama.cpp";
    }
    return "";
}

std::optional<Engine> engine_from_name(std::string_view name) {
    for (const Engine e : kAllEngines)
        if (engine_name(e) == name) return e;
    if (name == "transformers" || name == "hf-5") return Engine::Hf;
    if (name == "hf-4.57") return Engine::Hf456;
    if (name == "llamacpp" || name == "llama-cpp") return Engine::LlamaCpp;
    return std::nullopt;
}

std::string engine_names_list() { return "hf, hf-4.56, hf-4.5x, vllm or llama.cpp"; }

std::optional<ConvertTarget> convert_target_from_name(std::string_view name) {
    if (name == "hf" || name == "transformers") return ConvertTarget::Hf;
    if (name == "vllm") return ConvertTarget::Vllm;
    if (name == "llama.cpp" || name == "llamacpp" || name == "llama-cpp") return ConvertTarget::LlamaCpp;
    return std::nullopt;
}

double llamacpp_yarn_attention(double factor, double gguf_attn_factor, double mscale_all_dim, bool deepseek) {
    // llama-context.cpp (llama_context::llama_context), when yarn_ext_factor != 0:
    //   get_mscale(scale, m) = scale <= 1 ? 1 : 0.1 m ln(scale) + 1
    //   rope_yarn_log_mul != 0: mscale = 1 (deepseek2 with mscale_all_dim != 1: mscale = mscale_all_dim),
    //                           yarn_attn_factor = get_mscale(f, mscale) / get_mscale(f, mscale_all_dim)
    //   else                    yarn_attn_factor = get_mscale(f, 1)
    //   yarn_attn_factor *= 1 / (1 + 0.1 ln f)      (cancels ggml's factor below)
    //   yarn_attn_factor *= hparams.rope_attn_factor (GGUF {arch}.rope.scaling.attn_factor)
    // ggml-cpu/ops.cpp rope_yarn, ext_factor != 0: mscale *= 1 + 0.1 ln(1 / freq_scale) = 1 + 0.1 ln f.
    const auto get_mscale = [](double scale, double m) { return scale <= 1 ? 1.0 : 0.1 * m * std::log(scale) + 1.0; };
    double attn = get_mscale(factor, 1.0);
    if (mscale_all_dim > 0) {
        const double mscale = deepseek && mscale_all_dim != 1.0 ? mscale_all_dim : 1.0;
        attn = get_mscale(factor, mscale) / get_mscale(factor, mscale_all_dim);
    }
    const double ggml = 1.0 + 0.1 * std::log(factor);
    return attn / ggml * gguf_attn_factor * ggml;
}

namespace {

// A computed value in a note: six significant digits ("1.13863").
std::string approx(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6g", value);
    return buffer;
}

bool is_deepseek(const ModelConfig& config) {
    return config.setup.rotary_dim_override > 0 || config.model_type.rfind("deepseek", 0) == 0;
}

// An engine formula RopeScope has no method for, as explicit per-pair factors theta_i / theta'_i
// (a LongRoPE block with one list, an explicit attention factor and no length switch).
Method explicit_factors(const RopeSetup& setup, const std::vector<double>& inv_freq, double attention_factor) {
    LongRopeMethod m;
    const int d = setup.rotary_dim();
    for (int i = 0; i < d / 2; ++i) {
        const double theta = 1.0 / std::pow(setup.rope_theta, (2.0 * i) / d);
        m.short_factor.push_back(theta / inv_freq[static_cast<std::size_t>(i)]);
    }
    m.long_factor = m.short_factor;
    m.attention_factor = attention_factor;
    m.choice = LongRopeFactorChoice::Short;
    return m;
}

// NTK-aware frequencies for a base ratio: b' = b * ratio^(d/(d-2)).
std::vector<double> ntk_frequencies(const RopeSetup& setup, double ratio) {
    const int d = setup.rotary_dim();
    const double base = setup.rope_theta * std::pow(ratio, static_cast<double>(d) / (d - 2));
    std::vector<double> inv;
    for (int i = 0; i < d / 2; ++i) inv.push_back(1.0 / std::pow(base, (2.0 * i) / d));
    return inv;
}

// Methods RopeScope computes that transformers has no rope_type for.
void note_missing_in_transformers(EngineView& view, MethodKind kind) {
    if (kind != MethodKind::Ntk && kind != MethodKind::NtkByParts && kind != MethodKind::DynamicYarn) return;
    view.supported = false;
    view.notes.push_back(std::string(engine_title(view.engine)) + " has no rope_type \"" +
                         std::string(method_name(kind)) +
                         "\" (ROPE_INIT_FUNCTIONS in modeling_rope_utils.py raises KeyError); RopeScope's numbers for it "
                         "are its own formula (docs/methods.md).");
}

// transformers 4.56-4.57 and 4.48-4.55: the config's text read again with that version's rules while
// the setting is still the one read from it, else the current setting written as a config.
EngineView legacy_hf_view(const ModelConfig& config, Engine engine) {
    const HfVersion version = engine == Engine::Hf456 ? HfVersion::V456 : HfVersion::V45x;
    bool as_loaded = false;
    if (!config.source_json.empty()) {
        auto again = parse_hf_config(config.source_json, HfVersion::V5);
        as_loaded = again && to_hf_json(again->setup, again->method) == to_hf_json(config.setup, config.method);
    }
    EngineView view;
    view.engine = engine;
    view.setup = config.setup;
    view.method = config.method;
    auto read = parse_hf_config(as_loaded ? config.source_json : to_hf_json(config.setup, config.method), version);
    if (!read) {
        view.supported = false;
        view.notes.push_back(std::string(engine_title(engine)) + " cannot read this config: " + read.error().message);
        return view;
    }
    view.setup = read->setup;
    view.setup.seq_len = config.setup.seq_len;
    view.method = read->method;
    view.notes = read->version_notes;
    return view;
}

// LongRoPE in llama.cpp: long factors iff the configured context exceeds L (llama-model.cpp picks
// rope_long when n_ctx_per_seq > n_ctx_orig_yarn).
void longrope_by_configured_context(EngineView& view) {
    auto& m = std::get<LongRopeMethod>(view.method);
    const bool long_ctx = view.setup.effective_max_position_embeddings() > view.setup.original_max_position_embeddings;
    m.choice = long_ctx ? LongRopeFactorChoice::Long : LongRopeFactorChoice::Short;
    view.notes.push_back(std::string("LongRoPE factors chosen by the configured context (") +
                         std::to_string(view.setup.effective_max_position_embeddings()) + " tokens): always " +
                         (long_ctx ? "long_factor" : "short_factor") +
                         ", where transformers switches from short to long once the sequence exceeds " +
                         std::to_string(view.setup.original_max_position_embeddings) + " tokens (llama-model.cpp).");
}

void vllm_view(const ModelConfig& config, const EngineInputs& inputs, EngineView& view) {
    const MethodKind kind = kind_of(config.method);
    RopeSetup& setup = view.setup;
    const double s = setup.factor;
    const auto mpe = static_cast<double>(setup.effective_max_position_embeddings());
    const std::int64_t max_model_len = inputs.max_model_len > 0 ? inputs.max_model_len : setup.target_context();
    const int d = setup.rotary_dim();
    switch (kind) {
        case MethodKind::Ntk: {
            // rotary_embedding/ntk_scaling_rope.py, NTKScalingRotaryEmbedding._compute_inv_freq (mixed_b None):
            //   base = self.base * scaling_factor;  inv_freq = base^(-2i/d) / scaling_factor^(2/d)
            std::vector<double> inv;
            for (int i = 0; i < d / 2; ++i)
                inv.push_back(1.0 / std::pow(setup.rope_theta * s, (2.0 * i) / d) / std::pow(s, 2.0 / d));
            view.method = explicit_factors(setup, inv, 1.0);
            view.runs_as = "vLLM ntk: (b s)^(-2i/d) / s^(2/d)";
            view.notes.push_back("vLLM's rope_type \"ntk\" (NTKScalingRotaryEmbedding, rotary_embedding/ntk_scaling_rope.py) "
                                 "multiplies the base by s and divides every frequency by s^(2/d): pair i runs "
                                 "theta_i / s^((2i+2)/d) where RopeScope's NTK-aware runs theta_i / s^(2i/(d-2)) "
                                 "(pair 0: " + approx(1.0 / std::pow(s, 2.0 / d)) + " of theta_0 instead of 1).");
            break;
        }
        case MethodKind::Dynamic: {
            // rotary_embedding/dynamic_ntk_scaling_rope.py after PR #41277 (merged 2026-04-30): one base for
            // the served length, base * (s * max_position / max_trained_positions - (s - 1))^(d/(d-2)).
            const double ratio = s * static_cast<double>(max_model_len) / mpe - (s - 1.0);
            if (ratio <= 0) {
                view.supported = false;
                view.notes.push_back("vLLM's dynamic NTK with --max-model-len " + std::to_string(max_model_len) +
                                     ": s * len / max_position_embeddings - (s - 1) = " + approx(ratio) +
                                     " is not positive; its base becomes NaN (vllm PR #52675 proposes to skip scaling there).");
                break;
            }
            if (static_cast<double>(max_model_len) >= mpe) {
                setup.seq_len = max_model_len;
            } else {
                view.method = explicit_factors(setup, ntk_frequencies(setup, ratio), 1.0);
                view.runs_as = "vLLM dynamic NTK below the trained length";
            }
            view.notes.push_back("vLLM's dynamic NTK is static: one base for the served length --max-model-len " +
                                 std::to_string(max_model_len) + ", base x (s x " + std::to_string(max_model_len) + " / " +
                                 approx(mpe) + " - (s - 1))^(d/(d-2)) (dynamic_ntk_scaling_rope.py, PR #41277, "
                                 "April 2026); transformers recomputes it from the current length. vLLM before that fix "
                                 "used the constant s^2 - s + 1 = " + approx(s * s - s + 1) + ".");
            break;
        }
        case MethodKind::NtkByParts:
        case MethodKind::DynamicYarn:
            view.supported = false;
            view.notes.push_back("vLLM has no rope_type \"" + std::string(method_name(kind)) +
                                 "\": get_rope raises \"Unknown RoPE scaling type\" (rotary_embedding/__init__.py).");
            break;
        case MethodKind::Yarn: {
            auto& yarn = std::get<YarnMethod>(view.method);
            if (config.yarn_beta_zero) {
                view.supported = false;
                view.notes.push_back("beta_fast or beta_slow is 0: transformers takes the default (`or 32`, `or 1`), "
                                     "vLLM passes 0 to yarn_find_correction_dim, which divides by it "
                                     "(ZeroDivisionError, rotary_embedding/common.py).");
                break;
            }
            if (is_deepseek(config)) {
                view.notes.push_back("DeepSeek models run rope_type deepseek_yarn (DeepseekScalingRotaryEmbedding), which "
                                     "keeps mscale and mscale_all_dim.");
                break;
            }
            if (yarn.attention_factor || yarn.mscale || yarn.mscale_all_dim) {
                const double hf = compute_rope(config.setup, config.method) ? compute_rope(config.setup, config.method)->attention_factor : 1.0;
                yarn.attention_factor.reset();
                yarn.mscale.reset();
                yarn.mscale_all_dim.reset();
                view.notes.push_back("vLLM's yarn path forwards only beta_fast, beta_slow, truncate, attn_factor, "
                                     "extrapolation_factor and apply_yarn_scaling (get_rope, rotary_embedding/__init__.py): "
                                     "attention_factor, mscale and mscale_all_dim are dropped and the cos/sin cache is "
                                     "scaled by 0.1 ln s + 1 = " + approx(1.0 + 0.1 * std::log(std::max(s, 1.0))) +
                                     " instead of " + approx(hf) + " (vllm issue #48621; PRs #48351, #48623 not merged).");
            }
            break;
        }
        case MethodKind::LongRope: {
            // rotary_embedding/phi3_long_rope_scaled_rope.py: use_long_rope = max_model_len > original;
            // mscale = sqrt(1 + ln(max_position / original) / ln(original)), short_mscale/long_mscale keys only.
            auto& m = std::get<LongRopeMethod>(view.method);
            const double L = static_cast<double>(setup.original_max_position_embeddings);
            const bool use_long = static_cast<double>(max_model_len) > L;
            m.choice = use_long ? LongRopeFactorChoice::Long : LongRopeFactorChoice::Short;
            const double scale = mpe / L;
            const double mscale = scale <= 1 ? 1.0 : std::sqrt(1 + std::log(scale) / std::log(L));
            const double hf = compute_rope(config.setup, config.method) ? compute_rope(config.setup, config.method)->attention_factor : 1.0;
            m.attention_factor = mscale;
            view.notes.push_back(std::string("vLLM picks the LongRoPE list once, by --max-model-len ") +
                                 std::to_string(max_model_len) + (use_long ? " > " : " <= ") + approx(L) + ": always " +
                                 (use_long ? "long_factor" : "short_factor") +
                                 ", where transformers switches at the current length (Phi3LongRoPEScaledRotaryEmbedding).");
            if (std::abs(mscale - hf) > 1e-12)
                view.notes.push_back("vLLM's LongRoPE attention factor is sqrt(1 + ln(max_position_embeddings / original) / "
                                     "ln(original)) = " + approx(mscale) + "; it ignores the block's attention_factor "
                                     "and factor (transformers: " + approx(hf) + ").");
            break;
        }
        default: break;
    }
}

void llamacpp_view(const ModelConfig& config, EngineView& view) {
    const MethodKind kind = kind_of(config.method);
    switch (kind) {
        case MethodKind::Dynamic:
        case MethodKind::DynamicYarn:
        case MethodKind::NtkByParts:
            view.supported = false;
            view.notes.push_back("llama.cpp has no " + std::string(method_name(kind)) +
                                 " scaling (--rope-scaling takes none, linear or yarn); see 'convert --to llama.cpp' for "
                                 "the closest setting.");
            return;
        case MethodKind::Yarn: {
            auto& yarn = std::get<YarnMethod>(view.method);
            if (!yarn.truncate) {
                yarn.truncate = true;
                view.notes.push_back("llama.cpp always rounds the YaRN correction dims (ggml_rope_yarn_corr_dims: floor/"
                                     "ceil; no truncate=false).");
            }
            const auto hf = compute_rope(config.setup, config.method);
            const double runs = llamacpp_yarn_attention(view.setup.factor, 1.0, yarn.mscale_all_dim.value_or(0),
                                                        is_deepseek(config));
            if (hf && std::abs(runs - hf->attention_factor) > 1e-12)
                view.notes.push_back("llama.cpp recomputes yarn_attn_factor whenever YaRN is on (llama-context.cpp), so "
                                     "--yarn-attn-factor cannot carry attention_factor: it runs " + approx(runs) +
                                     " instead of " + approx(hf->attention_factor) +
                                     ". The GGUF key {arch}.rope.scaling.attn_factor multiplies it: set it to " +
                                     approx(hf->attention_factor / runs) + ".");
            yarn.attention_factor = runs;
            break;
        }
        case MethodKind::LongRope: longrope_by_configured_context(view); break;
        case MethodKind::Llama3:
            view.notes.push_back("llama.cpp bakes the llama3 frequency factors into the GGUF (rope_freqs, written by "
                                 "convert_hf_to_gguf.py) at conversion; the values match transformers.");
            break;
        default: break;
    }
    view.notes.push_back("ggml computes each pair's angle in float32 as position x theta_scale^i, theta_scale = "
                         "powf(base, -2/d) multiplied in i times (rope_cache_init, ggml-cpu/ops.cpp): pair i carries up to "
                         "i float32 roundings (relative error up to about i x 6e-8).");
}

}  // namespace

EngineView engine_view(const ModelConfig& config, Engine engine, const EngineInputs& inputs) {
    EngineView view;
    view.engine = engine;
    view.setup = config.setup;
    view.method = config.method;
    const MethodKind kind = kind_of(config.method);
    switch (engine) {
        case Engine::Hf: break;
        case Engine::Hf456:
        case Engine::Hf45x: view = legacy_hf_view(config, engine); break;
        case Engine::Vllm: vllm_view(config, inputs, view); break;
        case Engine::LlamaCpp: llamacpp_view(config, view); break;
    }
    if (engine == Engine::Hf || engine == Engine::Hf456 || engine == Engine::Hf45x) note_missing_in_transformers(view, kind);
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
    // LongRoPE's L goes at the top level, as Phi-3 writes it: transformers 4.x reads only that one for
    // longrope, and 5.x lets it override the block's.
    if (kind == MethodKind::LongRope) out["original_max_position_embeddings"] = L;
    out["max_position_embeddings"] = kind == MethodKind::Dynamic ? setup.effective_max_position_embeddings()
                                     : carries_original          ? setup.target_context()
                                                                 : L;
    if (kind == MethodKind::Default) {
        out["rope_scaling"] = nullptr;
        return out;
    }
    json rope = {{"rope_type", std::string(method_name(kind))}};
    rope["factor"] = setup.factor;
    if (carries_original && kind != MethodKind::LongRope) rope["original_max_position_embeddings"] = L;
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
    if (kind == MethodKind::Ntk)
        out += "# vLLM's rope_type 'ntk' is another formula: base x s, then every frequency / s^(2/d) "
               "(NTKScalingRotaryEmbedding); it differs from RopeScope's NTK-aware b x s^(d/(d-2)).\n";
    if (kind == MethodKind::NtkByParts || kind == MethodKind::DynamicYarn)
        out += "# vLLM has no '" + std::string(method_name(kind)) +
               "' rope_type; it rejects this block. Closest: rope_type yarn with the same factor.\n";
    if (kind == MethodKind::Dynamic)
        out += "# vLLM computes dynamic NTK once, for --max-model-len tokens (static; dynamic_ntk_scaling_rope.py).\n";
    if (kind == MethodKind::Yarn) {
        const auto& y = std::get<YarnMethod>(method);
        if ((y.attention_factor || y.mscale || y.mscale_all_dim) && setup.rotary_dim_override == 0)
            out += "# vLLM's yarn path drops attention_factor, mscale and mscale_all_dim (non-DeepSeek models): it "
                   "scales by 0.1 ln s + 1.\n";
    }
    if (kind == MethodKind::LongRope)
        out += "# vLLM picks long_factor iff --max-model-len exceeds original_max_position_embeddings, and ignores an "
               "explicit attention_factor.\n";
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
            out += ctx + "\n";
            // llama_context recomputes yarn_attn_factor whenever YaRN is on, so no flag carries an HF
            // attention factor; the GGUF key {arch}.rope.scaling.attn_factor multiplies what it computes.
            const double runs = llamacpp_yarn_attention(setup.factor, 1.0, y.mscale_all_dim.value_or(0),
                                                        setup.rotary_dim_override > 0);
            if (result && std::abs(result->attention_factor - runs) > 1e-12)
                out += "# attention_factor " + approx(result->attention_factor) + ": llama.cpp ignores "
                       "--yarn-attn-factor with YaRN and runs " + approx(runs) + "; set the GGUF metadata key "
                       "{arch}.rope.scaling.attn_factor to " + approx(result->attention_factor / runs) + " instead.\n";
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
