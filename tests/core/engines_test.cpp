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
    for (const char* name : {"deepseek-v3", "yarn-llama-2-7b-128k", "gpt-oss"}) {
        const ModelConfig config = load_preset(name);
        const EngineView old = engine_view(config, Engine::Hf45x);
        EXPECT_EQ(old.setup.factor, config.setup.factor) << name;
        EXPECT_TRUE(old.notes.empty()) << name;
    }
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
        if (kind_of(method) != MethodKind::Default)  // llama.cpp's default has no factor: only L' = ctx-size
            expect_import_round_trip(to_llamacpp_args(setup, method), setup, method, "llama.cpp " + name);
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

TEST(Import, LlamaCppAttentionFactorIncludesGgmlsOwnMscale) {
    // ggml multiplies --yarn-attn-factor by 1 + 0.1 ln s: the flag 1 means HF's default factor.
    RopeSetup base;
    auto plain = import_setting("--rope-scaling yarn --rope-scale 8 --yarn-orig-ctx 4096", base);
    ASSERT_TRUE(plain.ok()) << plain.error().message;
    EXPECT_FALSE(std::get<YarnMethod>(plain->method).attention_factor.has_value());
    auto scaled = import_setting("--rope-scaling yarn --rope-scale 8 --yarn-attn-factor 0.5", base);
    ASSERT_TRUE(scaled.ok()) << scaled.error().message;
    EXPECT_NEAR(*std::get<YarnMethod>(scaled->method).attention_factor, 0.5 * (1 + 0.1 * std::log(8.0)), 1e-12);
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
