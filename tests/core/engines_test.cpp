// Engine differences, conversion to HF/vLLM/llama.cpp with round trips, and hostile configs.
#include <cmath>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "ropescope/engines.h"
#include "ropescope/hf_config.h"
#include "ropescope/rope.h"

namespace ropescope {
namespace {

ModelConfig load_preset(const std::string& name) {
    auto config = load_hf_config(std::string(ROPESCOPE_PRESETS_DIR) + "/" + name + ".json");
    EXPECT_TRUE(config.ok()) << (config.ok() ? "" : config.error().message);
    return config.ok() ? config.value() : ModelConfig{};
}

bool any_note_contains(const EngineView& view, const std::string& text) {
    for (const auto& note : view.notes)
        if (note.find(text) != std::string::npos) return true;
    return false;
}

TEST(Engines, Transformers45xTurnsQwenYarnOff) {
    const ModelConfig qwen = load_preset("qwen2.5-7b-instruct-yarn");
    const EngineView hf = engine_view(qwen, Engine::Hf);
    const EngineView old = engine_view(qwen, Engine::Hf45x);
    EXPECT_EQ(hf.setup.factor, 4.0);
    EXPECT_EQ(old.setup.factor, 1.0);
    EXPECT_TRUE(any_note_contains(old, "switched off"));
    auto result = compute_rope(old.setup, old.method);
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result->attention_factor, 1.0);
    for (const auto& pair : result->pairs) EXPECT_EQ(pair.scale, 1.0);
}

TEST(Engines, Transformers45xAgreesWhereTheRatioMatches) {
    for (const char* name : {"deepseek-v3", "yarn-llama-2-7b-128k"}) {
        const ModelConfig config = load_preset(name);
        for (const Engine engine : {Engine::Hf456, Engine::Hf45x}) {
            const EngineView old = engine_view(config, engine);
            EXPECT_EQ(old.setup.factor, config.setup.factor) << name;
            EXPECT_TRUE(old.notes.empty()) << name << ": " << old.notes.front();
        }
    }
    // The gpt-oss preset writes rope_parameters (5.x's key): transformers 4.x never reads it.
    const EngineView gpt = engine_view(load_preset("gpt-oss"), Engine::Hf456);
    EXPECT_EQ(kind_of(gpt.method), MethodKind::Default);
    EXPECT_TRUE(any_note_contains(gpt, "ignores rope_parameters"));
}

// 4.48-4.55 have no truncate (it arrived with gpt-oss in 4.56): the ramp ends are rounded.
TEST(Engines, Transformers45xAlwaysRoundsTheCorrectionDims) {
    auto config = parse_hf_config(R"({"head_dim": 64, "max_position_embeddings": 131072, "rope_theta": 150000,
        "rope_scaling": {"rope_type": "yarn", "factor": 32, "truncate": false, "original_max_position_embeddings": 4096}})");
    ASSERT_TRUE(config.ok()) << config.error().message;
    const EngineView v456 = engine_view(*config, Engine::Hf456);
    const EngineView v45x = engine_view(*config, Engine::Hf45x);
    EXPECT_FALSE(std::get<YarnMethod>(v456.method).truncate);
    EXPECT_TRUE(std::get<YarnMethod>(v45x.method).truncate);
    EXPECT_TRUE(any_note_contains(v45x, "no truncate"));
}

// transformers has no rope_type ntk, ntk_by_parts or dynamic_yarn (ROPE_INIT_FUNCTIONS).
TEST(Engines, TransformersHasNoRopeScopeOnlyMethods) {
    for (const MethodKind kind : {MethodKind::Ntk, MethodKind::NtkByParts, MethodKind::DynamicYarn}) {
        ModelConfig config;
        config.setup.factor = 4;
        config.method = default_method(kind);
        const EngineView view = engine_view(config, Engine::Hf);
        EXPECT_FALSE(view.supported) << method_name(kind);
        EXPECT_TRUE(any_note_contains(view, "KeyError")) << method_name(kind);
    }
}

// vLLM's "ntk" (rotary_embedding/ntk_scaling_rope.py, NTKScalingRotaryEmbedding._compute_inv_freq):
//   base = self.base * self.scaling_factor
//   inv_freq = super()._compute_inv_freq(base)            # 1 / base ** (arange(0, d, 2) / d)
//   inv_freq = inv_freq / self.scaling_factor ** (2 / self.rotary_dim)
TEST(Engines, VllmNtkIsItsOwnFormula) {
    ModelConfig config;
    config.setup.head_dim = 64;
    config.setup.factor = 8;
    config.method = NtkMethod{};
    const EngineView view = engine_view(config, Engine::Vllm);
    ASSERT_TRUE(view.supported);
    EXPECT_FALSE(view.runs_as.empty());
    auto vllm = compute_rope(view.setup, view.method);
    auto ours = compute_rope(config.setup, config.method);
    ASSERT_TRUE(vllm.ok() && ours.ok());
    const double b = 10000, s = 8, d = 64;
    for (int i = 0; i < 32; ++i) {
        const double expected = 1.0 / std::pow(b * s, 2.0 * i / d) / std::pow(s, 2.0 / d);
        EXPECT_NEAR(vllm->inv_freq[static_cast<std::size_t>(i)], expected, 1e-13 * expected) << i;
    }
    EXPECT_EQ(vllm->attention_factor, 1.0);
    // Pair 0: 8^(-1/32) = 0.937 of RopeScope's NTK-aware (which keeps pair 0), 6% apart.
    EXPECT_NEAR(vllm->inv_freq[0] / ours->inv_freq[0], std::pow(8.0, -1.0 / 32), 1e-13);
    EXPECT_NEAR(vllm->inv_freq[31] / ours->inv_freq[31], 1.0, 1e-12);  // both end at theta / s
}

// vLLM after PR #41277 (dynamic_ntk_scaling_rope.py, merged 2026-04-30): one base for the served length,
//   base = self.base * (scaling_factor * max_position_embeddings / max_trained_positions
//                       - (scaling_factor - 1)) ** (rotary_dim / (rotary_dim - 2))
TEST(Engines, VllmDynamicNtkUsesTheServedLength) {
    ModelConfig config;
    config.setup.max_position_embeddings = 4096;
    config.setup.original_max_position_embeddings = 4096;
    config.setup.factor = 2.0;
    config.method = DynamicMethod{};
    for (const std::int64_t len : {8192, 16384, 3072}) {
        const EngineView view = engine_view(config, Engine::Vllm, EngineInputs{len});
        ASSERT_TRUE(view.supported) << len;
        auto vllm = compute_rope(view.setup, view.method);
        ASSERT_TRUE(vllm.ok());
        const double ratio = 2.0 * static_cast<double>(len) / 4096.0 - 1.0;
        const double base = 10000.0 * std::pow(ratio, 128.0 / 126.0);
        for (int i : {1, 32, 63}) {
            const double expected = 1.0 / std::pow(base, 2.0 * i / 128.0);
            EXPECT_NEAR(vllm->inv_freq[static_cast<std::size_t>(i)], expected, 1e-12 * expected) << len << " pair " << i;
        }
    }
    // Served length 1024: 2 * 1024 / 4096 - 1 = -0.5, a negative base (NaN in vLLM).
    const EngineView negative = engine_view(config, Engine::Vllm, EngineInputs{1024});
    EXPECT_FALSE(negative.supported);
    EXPECT_TRUE(any_note_contains(negative, "not positive"));
}

// vLLM's yarn branch of get_rope (rotary_embedding/__init__.py) forwards only
// extrapolation_factor, attn_factor, beta_fast, beta_slow, apply_yarn_scaling, truncate; the cache
// is scaled by yarn_get_mscale(factor) * attn_factor = 0.1 ln s + 1.
TEST(Engines, VllmYarnDropsTheAttentionFactorForNonDeepSeekModels) {
    auto config = parse_hf_config(R"({"head_dim": 128, "max_position_embeddings": 131072, "rope_theta": 1e6,
        "rope_scaling": {"rope_type": "yarn", "factor": 4, "attention_factor": 1.25, "original_max_position_embeddings": 32768}})");
    ASSERT_TRUE(config.ok()) << config.error().message;
    const EngineView view = engine_view(*config, Engine::Vllm);
    auto vllm = compute_rope(view.setup, view.method);
    ASSERT_TRUE(vllm.ok());
    EXPECT_NEAR(vllm->attention_factor, 0.1 * std::log(4.0) + 1.0, 1e-15);  // 1.1386, not 1.25
    EXPECT_TRUE(any_note_contains(view, "dropped"));
    // DeepSeek models take DeepseekScalingRotaryEmbedding, which keeps mscale and mscale_all_dim.
    const ModelConfig v2lite = load_preset("deepseek-v2-lite");
    auto hf = compute_rope(v2lite.setup, v2lite.method);
    const EngineView ds = engine_view(v2lite, Engine::Vllm);
    auto ds_vllm = compute_rope(ds.setup, ds.method);
    ASSERT_TRUE(hf.ok() && ds_vllm.ok());
    EXPECT_EQ(ds_vllm->attention_factor, hf->attention_factor);
    EXPECT_EQ(ds_vllm->softmax_scale_multiplier, hf->softmax_scale_multiplier);
}

// transformers: `beta_fast = rope_parameters_dict.get("beta_fast") or 32`; vLLM passes 0 on to
// yarn_find_correction_dim: d * log(L / (0 * 2 pi)) / (2 log b) divides by zero.
TEST(Engines, VllmDividesByABetaOfZero) {
    auto config = parse_hf_config(R"({"head_dim": 128, "max_position_embeddings": 16384,
        "rope_scaling": {"rope_type": "yarn", "factor": 4, "beta_fast": 0, "original_max_position_embeddings": 4096}})");
    ASSERT_TRUE(config.ok()) << config.error().message;
    EXPECT_EQ(std::get<YarnMethod>(config->method).beta_fast, 32);
    EXPECT_TRUE(engine_view(*config, Engine::Hf).supported);
    const EngineView view = engine_view(*config, Engine::Vllm);
    EXPECT_FALSE(view.supported);
    EXPECT_TRUE(any_note_contains(view, "ZeroDivisionError"));
}

// vLLM Phi3LongRoPEScaledRotaryEmbedding: use_long_rope = max_model_len > original;
// scale = max_position_embeddings / original; mscale = sqrt(1 + log(scale) / log(original)),
// whatever the block's attention_factor says.
TEST(Engines, VllmLongRopeFollowsMaxModelLenAndIgnoresAttentionFactor) {
    ModelConfig phi = load_preset("phi-3-mini-128k-instruct");
    std::get<LongRopeMethod>(phi.method).attention_factor = 1.0;
    const EngineView short_view = engine_view(phi, Engine::Vllm, EngineInputs{4096});
    const EngineView long_view = engine_view(phi, Engine::Vllm, EngineInputs{4097});
    auto s = compute_rope(short_view.setup, short_view.method);
    auto l = compute_rope(long_view.setup, long_view.method);
    ASSERT_TRUE(s.ok() && l.ok());
    EXPECT_FALSE(s->uses_long_factor);
    EXPECT_TRUE(l->uses_long_factor);
    const double expected = std::sqrt(1 + std::log(131072.0 / 4096.0) / std::log(4096.0));  // 1.1902
    EXPECT_NEAR(l->attention_factor, expected, 1e-15);
    EXPECT_TRUE(any_note_contains(long_view, "ignores the block's attention_factor"));
}

// llama-context.cpp (yarn_ext_factor != 0, no yarn_log_multiplier):
//   yarn_attn_factor = get_mscale(factor, 1) = 1 + 0.1 ln f;   yarn_attn_factor *= 1 / (1 + 0.1 ln f)
//   yarn_attn_factor *= hparams.rope_attn_factor               (GGUF {arch}.rope.scaling.attn_factor)
// ggml-cpu/ops.cpp rope_yarn: mscale *= 1 + 0.1 ln(1 / freq_scale). Net: (1 + 0.1 ln f) * rope_attn_factor.
TEST(Engines, LlamaCppRecomputesTheYarnAttentionFactor) {
    auto config = parse_hf_config(R"({"head_dim": 128, "max_position_embeddings": 131072, "rope_theta": 1e6,
        "rope_scaling": {"rope_type": "yarn", "factor": 4, "attention_factor": 1.25, "original_max_position_embeddings": 32768}})");
    ASSERT_TRUE(config.ok());
    const EngineView view = engine_view(*config, Engine::LlamaCpp);
    auto result = compute_rope(view.setup, view.method);
    ASSERT_TRUE(result.ok());
    const double f = 4.0;
    const double yarn_attn_factor = (1.0 + 0.1 * std::log(f)) * (1.0 / (1.0 + 0.1 * std::log(f))) * 1.0;
    const double ggml = yarn_attn_factor * (1.0 + 0.1 * std::log(f));
    EXPECT_NEAR(result->attention_factor, ggml, 1e-15);
    EXPECT_NEAR(result->attention_factor, 1.1386294, 1e-7);
    EXPECT_TRUE(any_note_contains(view, "rope.scaling.attn_factor"));
    EXPECT_NEAR(llamacpp_yarn_attention(f, 1.25 / 1.1386294361119891, 0, false), 1.25, 1e-12);
    // The exported flags say which GGUF key carries it, and pass no --yarn-attn-factor.
    const std::string flags = to_llamacpp_args(config->setup, config->method);
    EXPECT_EQ(flags.substr(0, flags.find('\n')).find("--yarn-attn-factor"), std::string::npos) << flags;
    EXPECT_NE(flags.find("{arch}.rope.scaling.attn_factor to 1.09781"), std::string::npos) << flags;  // 1.25 / 1.13863
    // DeepSeek (mscale == mscale_all_dim, the yarn_log_multiplier path): the ratio is 1, as transformers.
    const ModelConfig v3 = load_preset("deepseek-v3");
    const EngineView ds = engine_view(v3, Engine::LlamaCpp);
    auto ds_result = compute_rope(ds.setup, ds.method);
    ASSERT_TRUE(ds_result.ok());
    EXPECT_NEAR(ds_result->attention_factor, 1.0, 1e-15);
    EXPECT_TRUE(any_note_contains(ds, "float32"));
}

TEST(Engines, VllmDynamicNtkIsStatic) {
    ModelConfig config;
    config.setup.max_position_embeddings = 4096;
    config.setup.original_max_position_embeddings = 4096;
    config.setup.factor = 2.0;
    config.method = DynamicMethod{};
    const EngineView view = engine_view(config, Engine::Vllm);
    EXPECT_EQ(view.setup.seq_len, 8192);
    auto hf = compute_rope(config.setup, config.method);
    auto vllm = compute_rope(view.setup, view.method);
    ASSERT_TRUE(hf.ok() && vllm.ok());
    EXPECT_EQ(hf->effective_theta, 10000.0);  // HF at seq_len None: plain RoPE
    EXPECT_GT(vllm->effective_theta, 10000.0);
}

TEST(Engines, LongRopeUsesLongFactorsByConfiguredContextInVllmAndLlamaCpp) {
    const ModelConfig phi = load_preset("phi-3-mini-128k-instruct");
    auto hf = compute_rope(engine_view(phi, Engine::Hf).setup, engine_view(phi, Engine::Hf).method);
    ASSERT_TRUE(hf.ok());
    EXPECT_FALSE(hf->uses_long_factor);  // no sequence yet: short factors
    for (const Engine engine : {Engine::Vllm, Engine::LlamaCpp}) {
        const EngineView view = engine_view(phi, engine);
        auto result = compute_rope(view.setup, view.method);
        ASSERT_TRUE(result.ok());
        EXPECT_TRUE(result->uses_long_factor) << engine_name(engine);
    }
}

TEST(Engines, LlamaCppCannotRunDynamicAndRoundsYarn) {
    ModelConfig dynamic;
    dynamic.setup.factor = 2.0;
    dynamic.method = DynamicMethod{};
    EXPECT_FALSE(engine_view(dynamic, Engine::LlamaCpp).supported);

    const EngineView gpt = engine_view(load_preset("gpt-oss"), Engine::LlamaCpp);
    ASSERT_TRUE(gpt.supported);
    EXPECT_TRUE(std::get<YarnMethod>(gpt.method).truncate);
    EXPECT_TRUE(any_note_contains(gpt, "truncate"));
}

TEST(Engines, NamesParse) {
    EXPECT_EQ(engine_from_name("hf"), Engine::Hf);
    EXPECT_EQ(engine_from_name("hf-4.56"), Engine::Hf456);
    EXPECT_EQ(engine_from_name("hf-4.5x"), Engine::Hf45x);
    EXPECT_EQ(engine_from_name("llama.cpp"), Engine::LlamaCpp);
    EXPECT_FALSE(engine_from_name("tgi").has_value());
    EXPECT_EQ(convert_target_from_name("vllm"), ConvertTarget::Vllm);
    EXPECT_FALSE(convert_target_from_name("onnx").has_value());
}

// Export to HF form then import gives the same frequencies, factors and contexts.
void expect_round_trip(const RopeSetup& setup, const Method& method, const std::string& what) {
    auto before = compute_rope(setup, method);
    ASSERT_TRUE(before.ok()) << what << ": " << before.error().message;
    auto imported = parse_hf_config(to_hf_json(setup, method));
    ASSERT_TRUE(imported.ok()) << what << ": " << imported.error().message << "\n" << to_hf_json(setup, method);
    auto after = compute_rope(imported->setup, imported->method);
    ASSERT_TRUE(after.ok()) << what;
    EXPECT_EQ(after->kind, before->kind) << what;
    EXPECT_EQ(after->rotary_dim, before->rotary_dim) << what;
    // Plain RoPE has no factor in HF form (rope_scaling null): only its frequencies survive.
    if (before->kind != MethodKind::Default || before->factor == 1.0) {
        EXPECT_EQ(after->original_context, before->original_context) << what;
        EXPECT_EQ(after->factor, before->factor) << what;
        EXPECT_EQ(after->target_context, before->target_context) << what;
    }
    EXPECT_EQ(after->attention_factor, before->attention_factor) << what;
    EXPECT_EQ(after->softmax_scale_multiplier, before->softmax_scale_multiplier) << what;
    EXPECT_EQ(after->inv_freq, before->inv_freq) << what;
}

TEST(Convert, HfRoundTripForEveryPreset) {
    for (const auto& entry : std::filesystem::directory_iterator(ROPESCOPE_PRESETS_DIR)) {
        auto config = load_hf_config(entry.path().string());
        ASSERT_TRUE(config.ok()) << entry.path();
        expect_round_trip(config->setup, config->method, entry.path().filename().string());
    }
}

TEST(Convert, HfRoundTripForEveryMethod) {
    RopeSetup setup;
    setup.head_dim = 64;
    setup.rope_theta = 50000;
    setup.original_max_position_embeddings = 2048;
    setup.factor = 6;
    for (const MethodKind kind : kAllMethods) {
        Method method = default_method(kind);
        if (auto* longrope = std::get_if<LongRopeMethod>(&method)) {
            longrope->short_factor.assign(32, 1.5);
            longrope->long_factor.assign(32, 3.0);
            longrope->n_hat = 16;
        }
        if (auto* yarn = std::get_if<YarnMethod>(&method)) {
            yarn->beta_fast = 16;
            yarn->truncate = false;
            yarn->mscale = 0.8;
            yarn->mscale_all_dim = 0.6;
        }
        expect_round_trip(setup, method, std::string(method_name(kind)));
    }
}

TEST(Convert, VllmOverridesImportAsTheSameSetup) {
    const ModelConfig qwen = load_preset("qwen2.5-7b-instruct-yarn");
    const std::string args = to_vllm_args(qwen.setup, qwen.method);
    const auto open = args.find('\'');
    const auto close = args.find('\'', open + 1);
    ASSERT_NE(close, std::string::npos) << args;
    std::string json = args.substr(open + 1, close - open - 1);
    json.insert(1, "\"head_dim\": 128, ");
    auto imported = parse_hf_config(json);
    ASSERT_TRUE(imported.ok()) << imported.error().message;
    EXPECT_EQ(imported->setup.factor, 4.0);
    EXPECT_EQ(imported->setup.original_max_position_embeddings, 32768);
    EXPECT_NE(args.find("--max-model-len 131072"), std::string::npos) << args;
}

TEST(Convert, LlamaCppFlagsOrPlainStatements) {
    RopeSetup setup;
    setup.factor = 4;
    EXPECT_NE(to_llamacpp_args(setup, YarnMethod{}).find("--rope-scaling yarn --rope-scale 4"), std::string::npos);
    EXPECT_NE(to_llamacpp_args(setup, YarnMethod{}).find("--yarn-orig-ctx 4096"), std::string::npos);
    EXPECT_NE(to_llamacpp_args(setup, LinearMethod{}).find("--rope-scaling linear --rope-scale 4"), std::string::npos);
    EXPECT_EQ(to_llamacpp_args(setup, DynamicMethod{}).rfind("# llama.cpp cannot express dynamic", 0), 0u);
    // NTK-aware: only through the enlarged base, b * s^(d/(d-2)).
    auto ntk = compute_rope(setup, NtkMethod{});
    ASSERT_TRUE(ntk.ok());
    EXPECT_NE(to_llamacpp_args(setup, NtkMethod{}).find("--rope-freq-base 40889.9"), std::string::npos)
        << to_llamacpp_args(setup, NtkMethod{});
}

// import_setting reads every format back: the same frequencies and attention factor as the setting
// that was written, for every method each format can express.
void expect_import_round_trip(const std::string& text, const RopeSetup& setup, const Method& method,
                              const std::string& what, bool same_kind = true) {
    auto before = compute_rope(setup, method);
    ASSERT_TRUE(before.ok()) << what;
    RopeSetup base;  // only the head dims come from the base: everything else from the text
    base.head_dim = setup.head_dim;
    base.original_max_position_embeddings = setup.original_max_position_embeddings;
    auto imported = import_setting(text, base);
    ASSERT_TRUE(imported.ok()) << what << ": " << imported.error().message << "\n" << text;
    auto after = compute_rope(imported->setup, imported->method);
    ASSERT_TRUE(after.ok()) << what;
    if (same_kind) {
        EXPECT_EQ(after->kind, before->kind) << what << "\n" << text;
    }
    // Plain RoPE has no factor to carry (rope_scaling null): only its frequencies survive.
    if (before->kind != MethodKind::Default) {
        EXPECT_EQ(after->target_context, before->target_context) << what << "\n" << text;
    }
    EXPECT_NEAR(after->attention_factor, before->attention_factor, 1e-12) << what << "\n" << text;
    ASSERT_EQ(after->inv_freq.size(), before->inv_freq.size()) << what;
    for (std::size_t i = 0; i < before->inv_freq.size(); ++i)
        EXPECT_NEAR(after->inv_freq[i], before->inv_freq[i], 1e-12 * before->inv_freq[i]) << what << " pair " << i;
}

TEST(Import, EveryFormatRoundTrips) {
    RopeSetup setup;
    setup.head_dim = 128;
    setup.rope_theta = 500000;
    setup.original_max_position_embeddings = 8192;
    setup.factor = 4;
    YarnMethod yarn;
    yarn.beta_fast = 24;
    YarnMethod deepseek_like;  // an attention factor other than 0.1 ln s + 1
    deepseek_like.mscale = 0.707;
    deepseek_like.mscale_all_dim = 0.0;
    YarnMethod overridden;
    overridden.attention_factor = 1.5;
    for (const Method& method : {Method{DefaultMethod{}}, Method{LinearMethod{}}, Method{yarn}, Method{deepseek_like},
                                 Method{overridden}}) {
        const std::string name(method_name(kind_of(method)));
        expect_import_round_trip(to_hf_json(setup, method), setup, method, "hf " + name);
        expect_import_round_trip(to_vllm_args(setup, method), setup, method, "vllm " + name);
        // llama.cpp's default has no factor (only L' = ctx-size), and no flag carries a YaRN attention
        // factor (the GGUF does): those say so in a comment instead.
        const auto* y = std::get_if<YarnMethod>(&method);
        if (kind_of(method) != MethodKind::Default && !(y && y->attention_factor))
            expect_import_round_trip(to_llamacpp_args(setup, method), setup, method, "llama.cpp " + name);
        if (y && y->attention_factor) {
            EXPECT_NE(to_llamacpp_args(setup, method).find("rope.scaling.attn_factor"), std::string::npos);
        }
    }
    // NTK-aware reaches llama.cpp as plain RoPE with the enlarged base: same frequencies, other kind.
    expect_import_round_trip(to_llamacpp_args(setup, NtkMethod{}), setup, NtkMethod{}, "llama.cpp ntk", false);
    for (const auto& entry : std::filesystem::directory_iterator(ROPESCOPE_PRESETS_DIR)) {
        auto config = load_hf_config(entry.path().string());
        ASSERT_TRUE(config.ok());
        expect_import_round_trip(to_vllm_args(config->setup, config->method), config->setup, config->method,
                                 "vllm " + entry.path().filename().string());
    }
}

// llama_context recomputes yarn_attn_factor whenever YaRN is on: the flag changes nothing.
TEST(Import, LlamaCppYarnAttnFactorFlagIsIgnored) {
    RopeSetup base;
    auto plain = import_setting("--rope-scaling yarn --rope-scale 8 --yarn-orig-ctx 4096", base);
    ASSERT_TRUE(plain.ok()) << plain.error().message;
    EXPECT_FALSE(std::get<YarnMethod>(plain->method).attention_factor.has_value());
    auto flagged = import_setting("--rope-scaling yarn --rope-scale 8 --yarn-attn-factor 0.5", base);
    ASSERT_TRUE(flagged.ok()) << flagged.error().message;
    EXPECT_FALSE(std::get<YarnMethod>(flagged->method).attention_factor.has_value());
    bool warned = false;
    for (const auto& w : flagged->warnings) warned = warned || w.find("ignored by llama.cpp with YaRN") != std::string::npos;
    EXPECT_TRUE(warned);
}

TEST(Import, FormatsAreDetectedAndPartsMerged) {
    RopeSetup base;
    base.head_dim = 96;
    base.rope_theta = 10000;
    auto bare = import_setting(R"({"type": "linear", "factor": 2})", base);
    ASSERT_TRUE(bare.ok()) << bare.error().message;
    EXPECT_EQ(kind_of(bare->method), MethodKind::Linear);
    EXPECT_EQ(bare->setup.head_dim, 96);
    auto vllm_old = import_setting(R"(--rope-scaling '{"rope_type": "dynamic", "factor": 2}')", base);
    ASSERT_TRUE(vllm_old.ok()) << vllm_old.error().message;
    EXPECT_EQ(kind_of(vllm_old->method), MethodKind::Dynamic);
    auto flags = import_setting("# a comment line\n--rope-freq-scale=0.25 --ctx-size 16384 -ngl 99", base);
    ASSERT_TRUE(flags.ok()) << flags.error().message;
    EXPECT_EQ(kind_of(flags->method), MethodKind::Linear);  // a scale without --rope-scaling: linear, with a warning
    EXPECT_DOUBLE_EQ(flags->setup.factor, 4.0);
    EXPECT_EQ(flags->setup.target_context(), 16384);
    EXPECT_FALSE(flags->warnings.empty());
}

TEST(Import, BadSettingsNameTheFlag) {
    RopeSetup base;
    const struct {
        const char* text;
        const char* expected;
    } cases[] = {
        {"", "empty"},
        {"hello world", "not recognised"},
        {"--rope-scaling warp", "--rope-scaling: \"warp\" is not allowed"},
        {"--rope-scaling yarn --rope-scale", "--rope-scale: missing its value"},
        {"--rope-scaling yarn --rope-scale abc", "--rope-scale: \"abc\" is not a finite number"},
        {"--rope-scaling linear --rope-scale 0", "factor"},
        {"--rope-scaling yarn --rope-scale 4 --yarn-orig-ctx 0", "--yarn-orig-ctx: 0 is not allowed"},
        {"--rope-scaling yarn --rope-scale 4 --yarn-ext-factor 0.5", "--yarn-ext-factor: 0.5 is not supported"},
        {"--rope-scale 4 --rope-freq-scale 0.5", "disagree"},
        {"--hf-overrides '{\"rope_scaling\": {\"rope_type\": \"yarn\"}}'", "factor"},
        {"--hf-overrides '{\"rope_theta\": 1e6", "unterminated"},
        {"[1, 2]", "expected a JSON object"},
    };
    for (const auto& c : cases) {
        auto result = import_setting(c.text, base);
        ASSERT_FALSE(result.ok()) << c.text;
        EXPECT_NE(result.error().message.find(c.expected), std::string::npos)
            << c.text << " -> " << result.error().message;
    }
}

// Hostile inputs: each gets a clear error naming what is wrong; none crashes.
TEST(HostileConfigs, ClearErrors) {
    const std::string head = R"({"hidden_size": 4096, "num_attention_heads": 32, "max_position_embeddings": 4096, )";
    struct Case {
        std::string text;
        std::string expected;
    };
    const std::vector<Case> cases = {
        {std::string(100000, '[') + std::string(100000, ']'), "nesting deeper than 64"},
        {head + R"("rope_scaling": {"rope_type": "linear", "factor": 1e999}})", "not valid JSON"},
        {head + R"("rope_scaling": {"rope_type": "linear", "factor": 1e300}})", "target context"},
        {head + R"("rope_scaling": {"rope_type": "yarn", "factor": "8"}})", "rope_scaling.factor: expected a number"},
        {head + R"("rope_theta": [1, 2]})", "rope_theta: expected a number"},
        {"{\"_model\": \"\xff\xfe\", \"max_position_embeddings\": 4096}", "ill-formed UTF-8"},
        {head + R"("rope_scaling": {"rope_type": "longrope", "short_factor": [)" + std::string(19999, '1') + "]}}",
         "not valid JSON"},
    };
    for (const auto& c : cases) {
        auto result = parse_hf_config(c.text);
        ASSERT_FALSE(result.ok()) << c.expected;
        EXPECT_NE(result.error().message.find(c.expected), std::string::npos) << result.error().message;
    }
}

TEST(HostileConfigs, TenThousandFactorsAndTenMegabytes) {
    std::string list;
    for (int i = 0; i < 10000; ++i) list += (i ? ",1.5" : "1.5");
    const std::string text = R"({"head_dim": 96, "max_position_embeddings": 131072, "rope_scaling": {"type": "su", "short_factor": [)" +
                             list + "], \"long_factor\": [" + list + "]}}";
    auto result = parse_hf_config(text);
    ASSERT_FALSE(result.ok());
    EXPECT_NE(result.error().message.find("has 10000 entries"), std::string::npos) << result.error().message;
    EXPECT_NE(result.error().message.find("rotary_dim/2 = 48"), std::string::npos) << result.error().message;

    // Ten megabytes is no config: refused before parsing, with the size and the limit.
    const auto padded_config = [](std::size_t bytes) {
        return R"({"head_dim": 128, "max_position_embeddings": 4096, "padding": ")" + std::string(bytes, 'x') + "\"}";
    };
    auto huge = parse_hf_config(padded_config(10u << 20));
    ASSERT_FALSE(huge.ok());
    EXPECT_NE(huge.error().message.find("10485"), std::string::npos) << huge.error().message;
    EXPECT_NE(huge.error().message.find("at most 1 MiB"), std::string::npos) << huge.error().message;
    // Half a megabyte of padding is large but valid: accepted.
    auto padded = parse_hf_config(padded_config(512u << 10));
    ASSERT_TRUE(padded.ok()) << padded.error().message;
    EXPECT_EQ(padded->setup.head_dim, 128);
}

}  // namespace
}  // namespace ropescope
