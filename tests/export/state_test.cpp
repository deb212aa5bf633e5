// The lab state: defaults, JSON round trip with HF key names, errors that name the key.
#include "export_test_util.h"
#include "ropescope/export.h"
#include "ropescope/state.h"
#include "ropescope/validate.h"

namespace ropescope {
namespace {

using nlohmann::json;

TEST(LabState, Defaults) {
    const LabState state = default_lab_state();
    EXPECT_EQ(state.setup.head_dim, 128);
    EXPECT_EQ(state.setup.factor, 8.0);
    EXPECT_EQ(state.setup.seq_len, state.setup.target_context());
    std::vector<MethodKind> enabled;
    for (const MethodKind kind : kAllMethods) {
        EXPECT_EQ(kind_of(slot(state, kind).method), kind);
        if (slot(state, kind).enabled) enabled.push_back(kind);
    }
    EXPECT_EQ(enabled, (std::vector<MethodKind>{MethodKind::Default, MethodKind::Linear, MethodKind::Ntk,
                                                MethodKind::Yarn, MethodKind::Llama3}));
    const auto& longrope = std::get<LongRopeMethod>(slot(state, MethodKind::LongRope).method);
    EXPECT_EQ(longrope.short_factor.size(), 64u);
    EXPECT_EQ(longrope.long_factor.size(), 64u);
}

TEST(LabState, LongRopeSeedIsYarnScale) {
    LabState state = default_lab_state();
    state.setup.head_dim = 64;
    const std::string note = fit_longrope_lists(state);
    EXPECT_NE(note.find("32 rotary pairs"), std::string::npos) << note;
    const auto& m = std::get<LongRopeMethod>(slot(state, MethodKind::LongRope).method);
    auto yarn = compute_rope(state.setup, YarnMethod{});
    ASSERT_TRUE(yarn.ok());
    ASSERT_EQ(m.long_factor.size(), 32u);
    for (int i = 0; i < 32; ++i) {
        EXPECT_EQ(m.short_factor[i], 1.0);
        EXPECT_EQ(m.long_factor[i], yarn->pairs[i].scale);
    }
    EXPECT_EQ(fit_longrope_lists(state), "");
}

TEST(LabState, ComputeEntriesSkipsInvalidMethods) {
    LabState state = default_lab_state();
    slot(state, MethodKind::LongRope).enabled = true;
    std::get<LongRopeMethod>(slot(state, MethodKind::LongRope).method).long_factor.clear();  // refitted on a copy
    slot(state, MethodKind::NtkByParts).enabled = true;
    std::get<NtkByPartsMethod>(slot(state, MethodKind::NtkByParts).method).beta = 0.5;  // below alpha
    std::vector<std::string> errors;
    const auto entries = compute_entries(state, &errors);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].rfind("ntk_by_parts: beta", 0), 0u) << errors[0];
    ASSERT_EQ(entries.size(), 6u);
    EXPECT_EQ(entries.back().result.kind, MethodKind::LongRope);
    EXPECT_TRUE(entries.back().result.uses_long_factor);  // seq_len = L' > L
    EXPECT_TRUE(std::get<LongRopeMethod>(slot(state, MethodKind::LongRope).method).long_factor.empty());
}

TEST(LabState, AnInvalidSetupIsOneErrorNotOnePerMethod) {
    LabState state = default_lab_state();
    for (auto& s : state.methods) s.enabled = true;
    state.setup.factor = 0;
    std::vector<std::string> errors;
    EXPECT_TRUE(compute_entries(state, &errors).empty());
    ASSERT_EQ(errors.size(), 1u) << (errors.empty() ? "" : errors.back());
    EXPECT_EQ(errors.front().rfind("factor: 0 is not allowed", 0), 0u) << errors.front();
}

TEST(LabState, ApplyConfig) {
    LabState state = default_lab_state();
    RopeSetup setup;
    setup.rope_theta = 500000;
    setup.original_max_position_embeddings = 8192;
    setup.factor = 8;
    Llama3Method llama;
    llama.high_freq_factor = 8;
    apply_config(state, "llama-3.1-8b", setup, llama);
    EXPECT_EQ(state.model_name, "llama-3.1-8b");
    EXPECT_EQ(state.setup.rope_theta, 500000);
    EXPECT_TRUE(slot(state, MethodKind::Llama3).enabled);
    EXPECT_EQ(std::get<Llama3Method>(slot(state, MethodKind::Llama3).method).high_freq_factor, 8);
}

LabState modified_state() {
    LabState state = default_lab_state();
    state.model_name = "test model";
    state.setup.rotary_dim_override = 64;
    state.setup.max_position_embeddings = 65536;
    state.setup.rope_theta = 1e6;
    auto& yarn = std::get<YarnMethod>(slot(state, MethodKind::Yarn).method);
    yarn.beta_fast = 64;
    yarn.mscale = 0.707;
    yarn.truncate = false;
    std::get<DynamicYarnMethod>(slot(state, MethodKind::DynamicYarn).method).yarn.attention_factor = 1.25;
    slot(state, MethodKind::DynamicYarn).enabled = true;
    auto& longrope = std::get<LongRopeMethod>(slot(state, MethodKind::LongRope).method);
    longrope.short_factor.assign(32, 1.0000000000000002);
    longrope.long_factor.assign(32, 0.1 + 0.2);
    longrope.n_hat = 4096;
    longrope.choice = LongRopeFactorChoice::Long;
    slot(state, MethodKind::LongRope).enabled = true;
    state.plot.decay_grid = GridKind::Linear;
    state.plot.heatmap_compare = 2;
    state.plot.heatmap_positions = 8192;
    return state;
}

TEST(StateJson, RoundTripIsExact) {
    const LabState state = modified_state();
    const json j = state_to_json(state);
    auto back = state_from_json(json::parse(j.dump()));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(state_to_json(*back), j);
    EXPECT_EQ(std::get<LongRopeMethod>(slot(*back, MethodKind::LongRope).method).long_factor[0], 0.1 + 0.2);
    EXPECT_EQ(back->setup.rotary_dim_override, 64);
}

TEST(StateJson, HfKeyNames) {
    const json j = state_to_json(default_lab_state());
    EXPECT_EQ(j["version"], kStateVersion);
    EXPECT_EQ(j["methods"]["yarn"]["rope_type"], "yarn");
    EXPECT_EQ(j["methods"]["yarn"]["enabled"], true);
    EXPECT_EQ(j["methods"]["yarn"]["beta_fast"], 32.0);
    EXPECT_TRUE(j["methods"]["yarn"]["mscale"].is_null());
    EXPECT_EQ(j["methods"]["llama3"]["low_freq_factor"], 1.0);
    EXPECT_EQ(j["methods"]["ntk_by_parts"]["beta"], 32.0);
    EXPECT_EQ(j["methods"]["longrope"]["short_factor"].size(), 64u);
    EXPECT_EQ(j["methods"]["linear"], (json{{"rope_type", "linear"}, {"enabled", true}}));
    EXPECT_EQ(j["setup"]["rope_theta"], 10000.0);
    EXPECT_TRUE(j["setup"]["qk_rope_head_dim"].is_null());
    EXPECT_EQ(j["plot"]["decay_grid"], "log");
}

TEST(StateJson, MissingKeysKeepDefaultsAndUnknownKeysAreIgnored) {
    const char* text = R"({"setup": {"factor": 16}, "colour": "blue",
        "methods": {"pi": {"enabled": false}, "yarn": {"type": "yarn", "mscale": null}}})";
    auto state = state_from_json(json::parse(text));
    ASSERT_TRUE(state.ok()) << state.error().message;
    EXPECT_EQ(state->setup.factor, 16);
    EXPECT_EQ(state->setup.head_dim, 128);
    EXPECT_FALSE(slot(*state, MethodKind::Linear).enabled);
    EXPECT_TRUE(slot(*state, MethodKind::Yarn).enabled);
}

TEST(StateJson, ErrorsNameTheKey) {
    struct Case {
        const char* text;
        const char* field;
        const char* message;
    };
    const Case cases[] = {
        {R"({"methods": {"yarn": {"beta_fast": "32"}}})", "methods.yarn.beta_fast",
         "methods.yarn.beta_fast: expected a number, got a string."},
        {R"({"setup": {"head_dim": 1.5}})", "setup.head_dim",
         "setup.head_dim: expected a whole number, got a number (1.5)."},
        {R"({"setup": {"seq_len": 1e300}})", "setup.seq_len", "setup.seq_len: expected a whole number"},
        {R"({"setup": []})", "setup", "setup: expected an object, got an array."},
        {R"({"methods": {"yarn": {"truncate": 1}}})", "methods.yarn.truncate", "expected true or false"},
        {R"({"methods": {"longrope": {"long_factor": [1, "x"]}}})", "methods.longrope.long_factor[1]",
         "expected a number"},
        {R"({"methods": {"longrope": {"factor_choice": "medium"}}})", "methods.longrope.factor_choice",
         "use auto, short or long"},
        {R"({"methods": {"yarm": {}}})", "methods.yarm", "not a known method"},
        {R"({"methods": {"yarn": {"rope_type": "linear"}}})", "methods.yarn.rope_type", "does not match"},
        {R"({"methods": {"yarn": true}})", "methods.yarn", "expected an object, got a boolean"},
        {R"({"plot": {"decay_grid": "cubic"}})", "plot.decay_grid", "use log or linear"},
        {R"({"version": 2})", "version", "version: 2 is not supported"},
        {R"({"version": "1"})", "version", "version: expected a whole number, got a string."},
        {R"([1, 2])", "state", "expected a JSON object"},
        // Versions are compared as written, not after a cast.
        {R"({"version": 18446744073709551615})", "version", "version: 18446744073709551615 is not supported"},
        {R"({"version": 4294967297})", "version", "version: 4294967297 is not supported"},
        {R"({"version": -1})", "version", "version: -1 is not supported"},
        // Plot options have the CLI's limits (a huge count would allocate gigabytes).
        {R"({"plot": {"decay_points": 2147483647}})", "plot.decay_points",
         "plot.decay_points: 2147483647 is out of range; use 2 to 100000."},
        {R"({"plot": {"decay_points": 1}})", "plot.decay_points", "use 2 to 100000"},
        {R"({"plot": {"heatmap_columns": 2147483647}})", "plot.heatmap_columns", "use 2 to 4096"},
        {R"({"plot": {"heatmap_positions": 0}})", "plot.heatmap_positions", "use 2 to 2147483648"},
        {R"({"plot": {"heatmap_method": 9}})", "plot.heatmap_method", "use 0 to 8"},
        {R"({"plot": {"heatmap_compare": -2}})", "plot.heatmap_compare", "use -1 to 8"},
    };
    for (const auto& c : cases) {
        const auto state = state_from_json(json::parse(c.text));
        ASSERT_FALSE(state.ok()) << c.text;
        EXPECT_EQ(state.error().field, c.field) << c.text;
        EXPECT_NE(state.error().message.find(c.message), std::string::npos) << state.error().message;
    }
}

TEST(StateFile, LoadErrorsNameThePath) {
    test::TempDir dir("state");
    const std::string missing = (dir.path() / "missing.json").string();
    auto r = load_state_file(missing);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find(missing), std::string::npos);
    EXPECT_NE(r.error().message.find("no such file"), std::string::npos) << r.error().message;

    const std::string corrupt = (dir.path() / "corrupt.json").string();
    for (const std::string& text :
         std::vector<std::string>{"{\"setup\": {", "", "not json", "{\"a\": 1,}", "\xff\xfe{"}) {
        ASSERT_TRUE(write_file_atomic(corrupt, text).ok());
        r = load_state_file(corrupt);
        ASSERT_FALSE(r.ok()) << text;
        EXPECT_NE(r.error().message.find(corrupt + ": state: not valid JSON"), std::string::npos) << r.error().message;
    }
    ASSERT_TRUE(write_file_atomic(corrupt, R"({"methods": {"yarn": {"beta_fast": "x"}}})").ok());
    r = load_state_file(corrupt);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, corrupt + ": methods.yarn.beta_fast: expected a number, got a string.");

    r = load_state_file(dir.path().string());
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("directory"), std::string::npos);

    const std::string good = (dir.path() / "good.json").string();
    ASSERT_TRUE(write_file_atomic(good, state_to_json(modified_state()).dump(2)).ok());
    r = load_state_file(good);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(state_to_json(*r), state_to_json(modified_state()));
}

TEST(StateReadme, ListsParametersAndTheCommand) {
    const std::string text =
        state_readme(modified_state(), {{"wavelength.svg", "Wavelengths"}}, "ropescope-cli export --x");
    for (const std::string& needle :
         std::vector<std::string>{"Model: test model", "| rope_theta | " + format_number(1e6) + " |",
                                  "| qk_rope_head_dim | 64 |", "**YaRN** (`yarn`)", "beta_fast = 64", "mscale = 0.707",
                                  "`wavelength.svg`: Wavelengths", "    ropescope-cli export --x", "32 values"})
        EXPECT_NE(text.find(needle), std::string::npos) << needle << "\n" << text;
}

}  // namespace
}  // namespace ropescope
