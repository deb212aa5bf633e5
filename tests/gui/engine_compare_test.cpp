// The engines panel's logic: what each engine computes from a config, the round trip of the
// current setting through the HF block, and configs pasted from the clipboard.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "engine_compare.h"
#include "ropescope/rope.h"

using namespace ropescope;
using namespace ropescope::gui;

namespace {

std::string preset_text(const std::string& name) {
    std::ifstream in(std::string(ROPESCOPE_PRESETS_DIR) + "/" + name);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

const EngineRow& row_of(const std::vector<EngineRow>& rows, Engine engine) {
    for (const auto& row : rows)
        if (row.engine == engine) return row;
    throw std::runtime_error("no row");
}

RopeSetup llama2_setup() {
    RopeSetup setup;
    setup.head_dim = 128;
    setup.rope_theta = 10000;
    setup.original_max_position_embeddings = 4096;
    setup.factor = 8;
    return setup;
}

}  // namespace

TEST(EngineCompare, QwenYarnIsSwitchedOffByTransformers45x) {
    auto config = parse_hf_config(preset_text("qwen2.5-7b-instruct-yarn.json"));
    ASSERT_TRUE(config) << config.error().message;
    const auto rows = compare_engines(*config);
    ASSERT_EQ(rows.size(), 5u);
    const EngineRow& hf = row_of(rows, Engine::Hf);
    EXPECT_EQ(hf.pairs_differing, 0);
    EXPECT_NEAR(hf.attention_factor, 0.1 * std::log(4.0) + 1.0, 1e-12);
    const EngineRow& old_hf = row_of(rows, Engine::Hf45x);
    EXPECT_GT(old_hf.pairs_differing, 0);               // factor 1: the slow pairs are no longer interpolated
    EXPECT_NEAR(old_hf.max_ratio, 4.0, 1e-9);           // by exactly s = 4 for the fully interpolated pairs
    EXPECT_DOUBLE_EQ(old_hf.attention_factor, 1.0);
    ASSERT_FALSE(old_hf.notes.empty());
    EXPECT_NE(old_hf.notes.front().find("replaces factor 4"), std::string::npos);
    EXPECT_EQ(row_of(rows, Engine::Hf456).pairs_differing, 0);  // 4.56 keeps the explicit factor
    EXPECT_EQ(row_of(rows, Engine::Vllm).pairs_differing, 0);
    EXPECT_EQ(row_of(rows, Engine::LlamaCpp).pairs_differing, 0);
    // Every row says how far float32 is from the exact value: a few float32 ulps, never zero.
    for (const auto& row : rows) {
        EXPECT_GT(row.float32_max_rel_error, 0) << engine_name(row.engine);
        EXPECT_LT(row.float32_max_rel_error, 1e-6) << engine_name(row.engine);
    }
}

TEST(EngineCompare, LlamaCppCannotRunDynamicNtk) {
    auto config = config_for_setting(llama2_setup(), DynamicMethod{});
    ASSERT_TRUE(config) << config.error().message;
    const auto rows = compare_engines(*config);
    EXPECT_FALSE(row_of(rows, Engine::LlamaCpp).supported);
    EXPECT_TRUE(row_of(rows, Engine::Hf).supported);
}

TEST(EngineCompare, LongRopeShortContextMakesVllmDiffer) {
    auto config = parse_hf_config(preset_text("phi-3-mini-128k-instruct.json"));
    ASSERT_TRUE(config) << config.error().message;
    config->setup.seq_len = 2048;  // inside L: transformers runs the short factors, vLLM the long ones
    const auto rows = compare_engines(*config);
    EXPECT_FALSE(row_of(rows, Engine::Hf).long_factor);
    EXPECT_TRUE(row_of(rows, Engine::Vllm).long_factor);
    EXPECT_GT(row_of(rows, Engine::Vllm).pairs_differing, 0);
}

TEST(EngineCompare, SettingRoundTripsThroughTheHfBlock) {
    const RopeSetup setup = llama2_setup();
    YarnMethod yarn;
    yarn.beta_fast = 16;
    yarn.truncate = false;
    Llama3Method llama3;
    llama3.low_freq_factor = 2;
    for (const Method& method : {Method{LinearMethod{}}, Method{NtkMethod{}}, Method{yarn}, Method{llama3}}) {
        auto config = config_for_setting(setup, method);
        ASSERT_TRUE(config) << config.error().message;
        EXPECT_EQ(kind_of(config->method), kind_of(method));
        const auto direct = compute_rope(setup, method);
        const auto read_back = compute_rope(config->setup, config->method);
        ASSERT_TRUE(direct && read_back);
        ASSERT_EQ(direct->inv_freq.size(), read_back->inv_freq.size());
        for (std::size_t i = 0; i < direct->inv_freq.size(); ++i)
            EXPECT_DOUBLE_EQ(direct->inv_freq[i], read_back->inv_freq[i]) << method_name(kind_of(method)) << " pair " << i;
        EXPECT_DOUBLE_EQ(direct->attention_factor, read_back->attention_factor);
    }
}

TEST(PastedConfig, BareBlockKeepsTheCurrentHeadDims) {
    RopeSetup current = llama2_setup();
    current.head_dim = 96;
    current.rope_theta = 500000;
    auto config = parse_pasted_config(R"({"rope_type": "linear", "factor": 4})", current);
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(kind_of(config->method), MethodKind::Linear);
    EXPECT_EQ(config->setup.head_dim, 96);
    EXPECT_DOUBLE_EQ(config->setup.rope_theta, 500000);
    EXPECT_DOUBLE_EQ(config->setup.factor, 4);
    EXPECT_EQ(config->setup.original_max_position_embeddings, 4096);
}

TEST(PastedConfig, OldTypeKeyAndYarnBlock) {
    auto config = parse_pasted_config(
        R"({"type": "yarn", "factor": 16, "original_max_position_embeddings": 4096, "beta_fast": 24})", llama2_setup());
    ASSERT_TRUE(config) << config.error().message;
    ASSERT_EQ(kind_of(config->method), MethodKind::Yarn);
    EXPECT_DOUBLE_EQ(std::get<YarnMethod>(config->method).beta_fast, 24);
    EXPECT_EQ(config->setup.target_context(), 65536);
}

TEST(PastedConfig, FragmentIsLaidOverTheCurrentSetting) {
    auto config = parse_pasted_config(R"({"rope_theta": 1000000, "rope_scaling": {"rope_type": "dynamic", "factor": 2}})",
                                      llama2_setup());
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(kind_of(config->method), MethodKind::Dynamic);
    EXPECT_DOUBLE_EQ(config->setup.rope_theta, 1e6);
    EXPECT_EQ(config->setup.head_dim, 128);
}

TEST(PastedConfig, FullConfigIsReadAsIs) {
    const std::string text = preset_text("deepseek-v3.json");
    auto pasted = parse_pasted_config(text, llama2_setup());
    auto direct = parse_hf_config(text);
    ASSERT_TRUE(pasted && direct);
    EXPECT_EQ(pasted->setup.rotary_dim(), direct->setup.rotary_dim());
    EXPECT_EQ(pasted->setup.rotary_dim(), 64);  // qk_rope_head_dim, not our head_dim
    EXPECT_DOUBLE_EQ(pasted->setup.factor, direct->setup.factor);
}

TEST(PastedConfig, BadClipboardsGiveClearErrors) {
    auto not_json = parse_pasted_config("rope_type: yarn", llama2_setup());
    ASSERT_FALSE(not_json);
    EXPECT_NE(not_json.error().message.find("not recognised"), std::string::npos) << not_json.error().message;
    auto broken = parse_pasted_config(R"({"rope_type": "yarn", )", llama2_setup());
    ASSERT_FALSE(broken);
    EXPECT_NE(broken.error().message.find("not valid JSON"), std::string::npos) << broken.error().message;

    auto array = parse_pasted_config("[1, 2]", llama2_setup());
    ASSERT_FALSE(array);
    EXPECT_NE(array.error().message.find("array"), std::string::npos);

    auto bad_factor = parse_pasted_config(R"({"rope_type": "linear", "factor": 0})", llama2_setup());
    ASSERT_FALSE(bad_factor);
    EXPECT_NE(bad_factor.error().field.find("factor"), std::string::npos) << bad_factor.error().field;

    auto unknown = parse_pasted_config(R"({"rope_type": "warp", "factor": 2})", llama2_setup());
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.error().message.find("warp"), std::string::npos) << unknown.error().message;
}
