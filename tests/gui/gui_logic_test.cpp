// The GUI's pure logic: plot range math (zoom, pan, nearest point, dashes), the heatmap shader's
// arithmetic, the formula panel's text, and the GUI state file (round trip, corrupt files).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numbers>

#include "formula.h"
#include "frame_pacing.h"
#include "plot_math.h"
#include "ropescope/state.h"
#include "view_state.h"

namespace fs = std::filesystem;
using namespace ropescope;
using namespace ropescope::gui;

// ---------------------------------------------------------------------------------------------
// Zoom and pan

TEST(PlotMath, ZoomKeepsTheAnchorFixedOnLinearAxes) {
    const Range r{0, 100};
    const Range z = zoom_range(r, AxisScale::Linear, 25, 0.5);
    EXPECT_DOUBLE_EQ(z.min, 12.5);
    EXPECT_DOUBLE_EQ(z.max, 62.5);
    // The anchor sits at the same fraction of the range before and after.
    EXPECT_NEAR((25 - z.min) / (z.max - z.min), 0.25, 1e-12);
}

TEST(PlotMath, ZoomOnLogAxesWorksInDecades) {
    const Range r{1, 1e6};
    const Range z = zoom_range(r, AxisScale::Log, 1e3, 0.5);
    EXPECT_NEAR(std::log10(z.min), 1.5, 1e-12);
    EXPECT_NEAR(std::log10(z.max), 4.5, 1e-12);
    const Range out = zoom_range(r, AxisScale::Log, 10, 2.0);
    EXPECT_NEAR(std::log10(out.min), -1, 1e-12);
    EXPECT_NEAR(std::log10(out.max), 11, 1e-12);
    EXPECT_GT(out.min, 0);
}

TEST(PlotMath, ZoomInThenOutRestoresTheRange) {
    const Range r{-3, 7};
    const Range back = zoom_range(zoom_range(r, AxisScale::Linear, 1.7, 0.8), AxisScale::Linear, 1.7, 1.25);
    EXPECT_NEAR(back.min, r.min, 1e-12);
    EXPECT_NEAR(back.max, r.max, 1e-12);
}

TEST(PlotMath, WheelZoomFactor) {
    EXPECT_LT(wheel_zoom_factor(1), 1.0);
    EXPECT_GT(wheel_zoom_factor(-1), 1.0);
    EXPECT_NEAR(wheel_zoom_factor(1) * wheel_zoom_factor(-1), 1.0, 1e-12);
}

TEST(PlotMath, PanMovesByPixels) {
    const Range p = pan_range(Range{0, 10}, AxisScale::Linear, 50, 500);  // a tenth of the width
    EXPECT_DOUBLE_EQ(p.min, 1);
    EXPECT_DOUBLE_EQ(p.max, 11);
    const Range l = pan_range(Range{1, 1000}, AxisScale::Log, -100, 300);  // one decade down
    EXPECT_NEAR(l.min, 0.1, 1e-12);
    EXPECT_NEAR(l.max, 100, 1e-10);
}

TEST(PlotMath, SanitizeKeepsRangesUsable) {
    const Range swapped = sanitize_range(Range{5, 1}, AxisScale::Linear);
    EXPECT_LT(swapped.min, swapped.max);
    const Range degenerate = sanitize_range(Range{3, 3}, AxisScale::Linear);
    EXPECT_LT(degenerate.min, 3);
    EXPECT_GT(degenerate.max, 3);
    const Range negative_log = sanitize_range(Range{-1, 10}, AxisScale::Log);
    EXPECT_GT(negative_log.min, 0);
    const Range nan = sanitize_range(Range{std::nan(""), 1}, AxisScale::Linear);
    EXPECT_TRUE(std::isfinite(nan.min) && std::isfinite(nan.max) && nan.min < nan.max);
    // Zooming far in stops at a relative width of 1e-9 instead of collapsing.
    Range r{0, 1};
    for (int i = 0; i < 400; ++i) r = zoom_range(r, AxisScale::Linear, 0.5, 0.5);
    EXPECT_GT(r.max - r.min, 0);
}

TEST(PlotMath, NearestIndex) {
    const std::vector<double> xs = {0, 1, 2, 3, 10};
    EXPECT_EQ(nearest_index(xs, 2.4, AxisScale::Linear), 2u);
    EXPECT_EQ(nearest_index(xs, 7, AxisScale::Linear), 4u);
    EXPECT_EQ(nearest_index(xs, -5, AxisScale::Linear), 0u);
    // Log axes measure distance in decades and skip non-positive x.
    EXPECT_EQ(nearest_index(xs, 6, AxisScale::Linear), 3u);
    EXPECT_EQ(nearest_index(xs, 6, AxisScale::Log), 4u);  // in decades 6 is nearer 10 than 3
    EXPECT_EQ(nearest_index(xs, 0.01, AxisScale::Log), 1u);
    // Unsorted data and NaN.
    const std::vector<double> messy = {5, std::nan(""), 1, 3};
    EXPECT_EQ(nearest_index(messy, 2.9, AxisScale::Linear), 3u);
    EXPECT_FALSE(nearest_index({}, 1, AxisScale::Linear).has_value());
    EXPECT_FALSE(nearest_index({std::nan("")}, 1, AxisScale::Linear).has_value());
}

TEST(PlotMath, DashesFollowThePattern) {
    const std::vector<Vec2> line = {{0, 0}, {100, 0}};
    EXPECT_EQ(dash_polyline(line, LineStyle::Solid, 1).size(), 1u);
    const auto pieces = dash_polyline(line, LineStyle::Dashed, 1);
    const auto pattern = dash_pattern(LineStyle::Dashed, 1);
    ASSERT_EQ(pattern.size(), 2u);
    const float period = pattern[0] + pattern[1];
    EXPECT_NEAR(static_cast<float>(pieces.size()), std::ceil(100 / period), 1.0f);
    float drawn = 0;
    for (const auto& piece : pieces) {
        ASSERT_GE(piece.size(), 2u);
        drawn += piece.back().x - piece.front().x;
        EXPECT_LE(piece.back().x - piece.front().x, pattern[0] + 1e-3f);
    }
    EXPECT_NEAR(drawn / 100, pattern[0] / period, 0.1);
    // The pattern continues around a corner (one dash spans both segments).
    const auto corner = dash_polyline({{0, 0}, {pattern[0] / 2, 0}, {pattern[0] / 2, 50}}, LineStyle::Dashed, 1);
    ASSERT_FALSE(corner.empty());
    EXPECT_EQ(corner.front().size(), 3u);
}

// ---------------------------------------------------------------------------------------------
// The heatmap shader's arithmetic (run on the CPU in float, as the GPU does)

TEST(HeatmapShader, SplitIsExactToDoublePrecision) {
    for (const double v : {0.1591549430918953, 1e-9, 0.7390851332151607, 3.0e-5}) {
        const auto parts = split_for_shader(v);
        const double sum = static_cast<double>(parts[0]) + parts[1] + parts[2];
        EXPECT_NEAR(sum, v, std::abs(v) * 1e-13);
        // hi and mid have at most 11 significant bits: their products with 13-bit digits are exact.
        for (int k = 0; k < 2; ++k) {
            int exponent = 0;
            const double mantissa = std::frexp(static_cast<double>(parts[static_cast<std::size_t>(k)]), &exponent);
            const double scaled = std::ldexp(mantissa, 11);
            EXPECT_EQ(scaled, std::round(scaled));
        }
    }
}

TEST(HeatmapShader, CosIsAccurateAtMillionsOfTokens) {
    // Frequencies of a d = 128, b = 10000 setup, scaled by 1/8 as PI does.
    double worst = 0;
    for (int i = 0; i < 64; i += 7) {
        const double theta = std::pow(10000.0, -2.0 * i / 128) / 8;
        const auto f = shader_frequency(theta);
        for (const std::int64_t m : {std::int64_t{0}, std::int64_t{1}, std::int64_t{4095}, std::int64_t{4097},
                                     std::int64_t{123457}, std::int64_t{2097151}, std::int64_t{16777217},
                                     std::int64_t{2147483647}}) {
            const double exact = std::cos(std::fmod(static_cast<double>(m) * theta, 2 * std::numbers::pi));
            worst = std::max(worst, std::abs(static_cast<double>(shader_cos(f, m)) - exact));
        }
    }
    // A naive float cos(m * theta) is off by up to ~1 at these positions.
    EXPECT_LT(worst, 2e-5);
}

// ---------------------------------------------------------------------------------------------
// Formula panel

TEST(Formula, YarnShowsTheAttentionFactorAndCorrectionRange) {
    RopeSetup setup;
    setup.factor = 8;
    auto result = compute_rope(setup, YarnMethod{});
    ASSERT_TRUE(result.ok());
    std::string all;
    for (const auto& line : formula_lines(*result)) all += line.text + "\n";
    EXPECT_NE(all.find("attention_factor = 0.1*ln(8)+1 = 1.2079"), std::string::npos) << all;
    EXPECT_NE(all.find("low  = floor(corr(32))"), std::string::npos) << all;
    EXPECT_NE(all.find("high = ceil(corr(1))"), std::string::npos) << all;
}

TEST(Formula, EveryMethodHasLinesAndNoNan) {
    RopeSetup setup;
    setup.factor = 4;
    setup.seq_len = setup.target_context();
    for (const MethodKind kind : kAllMethods) {
        LabState state = default_lab_state();
        state.setup = setup;
        slot(state, kind).enabled = true;
        fit_longrope_lists(state);
        auto result = compute_rope(state.setup, slot(state, kind).method);
        ASSERT_TRUE(result.ok()) << method_name(kind);
        const auto lines = formula_lines(*result);
        EXPECT_GE(lines.size(), 4u) << method_name(kind);
        for (const auto& line : lines) EXPECT_EQ(line.text.find("nan"), std::string::npos) << line.text;
    }
}

TEST(Formula, NumberFormatting) {
    EXPECT_EQ(fmt(4096), "4096");
    EXPECT_EQ(fmt(1.2079441541679836), "1.2079");
    EXPECT_EQ(fmt(2097152), "2097152");
    EXPECT_EQ(fmt(5e8), "5e+08");
    EXPECT_EQ(fmt(std::nan("")), "nan");
}

// ---------------------------------------------------------------------------------------------
// GUI state file

class StateFile : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("ropescope_gui_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                                            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
    fs::path dir_;
};

TEST_F(StateFile, RoundTripKeepsLabAndView) {
    GuiState state = default_gui_state();
    state.lab.setup.factor = 16;
    state.lab.setup.head_dim = 96;
    slot(state.lab, MethodKind::LongRope).enabled = true;
    state.view.pinned_a = state.lab;
    state.view.pinned_a->setup.factor = 2;
    state.view.compare = CompareMode::Overlay;
    state.view.window_width = 1234;
    state.view.window_height = 777;
    state.view.show_perf_overlay = true;
    state.view.selected_method = static_cast<int>(MethodKind::Llama3);
    state.view.plots["decay"].x = Range{10, 1000};
    state.view.plots["ramp"].hidden.insert("yarn/keep_weight");
    state.view.plots["heatmap"].visible = false;
    // The attention and search tabs' plots, and the tabs' own settings.
    state.view.plots["attention.resolution"].y = Range{0.001, 0.5};
    state.view.plots["search.factors"].hidden.insert("Phi-3-mini-128k/factor");
    state.view.workspace = Workspace::Search;
    state.view.panel_settings["search"] = {{"seed", 7}, {"setup", "phi3"}};
    const std::string path = (dir_ / "sub" / "state.json").string();  // the directory is created
    ASSERT_TRUE(save_gui_state(state, path).ok());

    auto loaded = load_gui_state(path);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    EXPECT_EQ(state_to_json(loaded->lab), state_to_json(state.lab));
    ASSERT_TRUE(loaded->view.pinned_a.has_value());
    EXPECT_EQ(loaded->view.pinned_a->setup.factor, 2);
    EXPECT_EQ(loaded->view.compare, CompareMode::Overlay);
    EXPECT_EQ(loaded->view.window_width, 1234);
    EXPECT_EQ(loaded->view.window_height, 777);
    EXPECT_TRUE(loaded->view.show_perf_overlay);
    EXPECT_EQ(loaded->view.selected_method, static_cast<int>(MethodKind::Llama3));
    ASSERT_TRUE(loaded->view.plots["decay"].x.has_value());
    EXPECT_EQ(*loaded->view.plots["decay"].x, (Range{10, 1000}));
    EXPECT_TRUE(loaded->view.plots["ramp"].hidden.contains("yarn/keep_weight"));
    EXPECT_FALSE(loaded->view.plots["heatmap"].visible);
    ASSERT_TRUE(loaded->view.plots["attention.resolution"].y.has_value());
    EXPECT_EQ(*loaded->view.plots["attention.resolution"].y, (Range{0.001, 0.5}));
    EXPECT_TRUE(loaded->view.plots["search.factors"].hidden.contains("Phi-3-mini-128k/factor"));
    EXPECT_EQ(loaded->view.workspace, Workspace::Search);
    EXPECT_EQ(loaded->view.panel_settings["search"], (nlohmann::json{{"seed", 7}, {"setup", "phi3"}}));
    // No temporary file is left behind.
    for (const auto& entry : fs::directory_iterator(dir_ / "sub")) EXPECT_EQ(entry.path().filename(), "state.json");
}

TEST_F(StateFile, BareLabStateIsAccepted) {
    LabState lab = default_lab_state();
    lab.setup.factor = 32;
    write("lab.json", state_to_json(lab).dump());
    auto loaded = load_gui_state((dir_ / "lab.json").string());
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    EXPECT_EQ(loaded->lab.setup.factor, 32);
    EXPECT_FALSE(loaded->view.pinned_a.has_value());
}

TEST_F(StateFile, CorruptFilesAreErrorsNotCrashes) {
    const std::pair<const char*, const char*> cases[] = {
        {"truncated.json", "{\"ropescope_gui_state\": 1, \"lab\": {"},
        {"not_object.json", "[1, 2, 3]"},
        {"old_version.json", "{\"ropescope_gui_state\": 99, \"lab\": {}}"},
        {"no_lab.json", "{\"ropescope_gui_state\": 1}"},
        {"bad_compare.json", "{\"ropescope_gui_state\": 1, \"lab\": {}, \"compare\": \"sideways\"}"},
        {"binary.json", "\x89PNG\r\n\x1a\n"},
        {"empty.json", ""},
        // Versions compared as written: 2^32+1 must not wrap to 1, 2^64-1 not to -1.
        {"wrapping_version.json", "{\"ropescope_gui_state\": 4294967297, \"lab\": {}}"},
        {"huge_version.json", "{\"ropescope_gui_state\": 18446744073709551615, \"lab\": {}}"},
        // A plot option past the CLI's limit would allocate gigabytes.
        {"huge_decay.json", "{\"ropescope_gui_state\": 1, \"lab\": {\"plot\": {\"decay_points\": 2147483647}}}"},
    };
    for (const auto& [name, text] : cases) {
        write(name, text);
        auto loaded = load_gui_state((dir_ / name).string());
        EXPECT_FALSE(loaded.ok()) << name;
        if (!loaded.ok()) {
            EXPECT_NE(loaded.error().message.find(name), std::string::npos) << loaded.error().message;
        }
    }
    auto missing = load_gui_state((dir_ / "missing.json").string());
    EXPECT_FALSE(missing.ok());

    // A directory is called one (not "not valid JSON"); deep nesting is refused before parsing
    // (a recursive copy of 300k levels would overflow the stack).
    fs::create_directories(dir_ / "folder.json");
    auto folder = load_gui_state((dir_ / "folder.json").string());
    ASSERT_FALSE(folder.ok());
    EXPECT_NE(folder.error().message.find("is a directory"), std::string::npos) << folder.error().message;
    std::string deep = "{\"ropescope_gui_state\": 1, \"lab\": {}, \"view\": {\"panels\": {\"x\": ";
    for (int i = 0; i < 300000; ++i) deep += "[";
    write("deep.json", deep);
    auto nested = load_gui_state((dir_ / "deep.json").string());
    ASSERT_FALSE(nested.ok());
    EXPECT_NE(nested.error().message.find("nesting deeper than 64"), std::string::npos) << nested.error().message;
    EXPECT_NE(nested.error().message.find("deep.json"), std::string::npos) << nested.error().message;
}

TEST_F(StateFile, UnknownAndOddViewKeysAreIgnored) {
    GuiState state = default_gui_state();
    auto json = gui_state_to_json(state);
    json["view"]["plots"]["no_such_plot"] = {{"visible", false}};
    json["view"]["plots"]["decay"]["x"] = "wide";        // not a range: ignored
    json["view"]["plots"]["scale"]["y"] = {5, 1};        // empty range: ignored
    json["window"]["width"] = 100000;                    // clamped
    json["future_key"] = 1;
    auto loaded = gui_state_from_json(json);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    EXPECT_FALSE(loaded->view.plots["decay"].x.has_value());
    EXPECT_FALSE(loaded->view.plots["scale"].y.has_value());
    EXPECT_LE(loaded->view.window_width, 16384);
    EXPECT_FALSE(loaded->view.plots.contains("no_such_plot"));
}

TEST_F(StateFile, DefaultPathFollowsXdg) {
    const char* old_xdg = std::getenv("XDG_CONFIG_HOME");
    const std::string saved = old_xdg ? old_xdg : "";
    setenv("XDG_CONFIG_HOME", "/tmp/xdg-test", 1);
    EXPECT_EQ(default_state_path(), "/tmp/xdg-test/ropescope/state.json");
    unsetenv("XDG_CONFIG_HOME");
    setenv("HOME", "/home/someone", 1);
    EXPECT_EQ(default_state_path(), "/home/someone/.config/ropescope/state.json");
    if (old_xdg) setenv("XDG_CONFIG_HOME", saved.c_str(), 1);
}

TEST(SeriesKey, StableAcrossParameterChanges) {
    Series a;
    a.label = "YaRN (s=8, beta 32/1)";
    a.method = "yarn";
    a.quantity = "wavelength";
    Series b = a;
    b.label = "YaRN (s=16, beta 32/1)";
    EXPECT_EQ(series_key(a), series_key(b));
    Series pinned = a;
    pinned.label += " (A)";
    EXPECT_NE(series_key(pinned), series_key(a));
}

namespace ropescope::gui {
namespace {

// File > Open: a file is a state only when it says so; configs (valid or not) are configs.
TEST(OpenFile, AFileIsAStateOnlyWhenItSaysSo) {
    EXPECT_TRUE(is_state_json(gui_state_to_json(default_gui_state())));
    EXPECT_TRUE(is_state_json(state_to_json(default_lab_state())));  // export's state.json
    EXPECT_FALSE(is_state_json(nlohmann::json::parse(
        R"({"head_dim": 128, "max_position_embeddings": 4096, "rope_scaling": {"rope_type": "warp", "factor": 2}})")));
    EXPECT_FALSE(is_state_json(nlohmann::json::parse(R"({"version": 1, "rope_theta": "a string"})")));
    EXPECT_FALSE(is_state_json(nlohmann::json::array()));
}

}  // namespace
}  // namespace ropescope::gui

// ---------------------------------------------------------------------------------------------
// Frame pacing: frames while something changes, a few a second while a job runs, sleep otherwise

namespace ropescope::gui {
namespace {

// Draws `n` frames with the same inputs; true when every one was due at once (wait 0).
bool all_at_once(FramePacer& pacer, int n, Activity activity, std::uint64_t events) {
    bool at_once = true;
    for (int i = 0; i < n; ++i) at_once = at_once && pacer.NextWait(activity, false, events) == 0;
    return at_once;
}

TEST(FramePacing, SettlesAfterStartThenSleepsUntilInput) {
    FramePacer pacer;
    EXPECT_TRUE(all_at_once(pacer, FramePacer::kSettleFrames, Activity::Idle, 0));
    EXPECT_EQ(pacer.NextWait(Activity::Idle, false, 0), FramePacer::kIdleTimeoutSeconds);
    EXPECT_EQ(pacer.NextWait(Activity::Idle, false, 0), FramePacer::kIdleTimeoutSeconds);  // stays asleep
    // One input: the frame after it and a few more to settle, then asleep again.
    EXPECT_TRUE(all_at_once(pacer, FramePacer::kSettleFrames, Activity::Idle, 1));
    EXPECT_EQ(pacer.NextWait(Activity::Idle, false, 1), FramePacer::kIdleTimeoutSeconds);
    // Input on every frame (a drag): every frame is drawn.
    for (std::uint64_t e = 2; e < 40; ++e) EXPECT_EQ(pacer.NextWait(Activity::Idle, false, e), 0) << e;
}

TEST(FramePacing, DrawsEveryFrameWhileAnimatingAndAFewAfter) {
    FramePacer pacer;
    all_at_once(pacer, FramePacer::kSettleFrames, Activity::Idle, 0);
    ASSERT_EQ(pacer.NextWait(Activity::Idle, false, 0), FramePacer::kIdleTimeoutSeconds);
    EXPECT_TRUE(all_at_once(pacer, 50, Activity::Animating, 0));  // a toast fading, no input
    EXPECT_TRUE(all_at_once(pacer, FramePacer::kSettleFrames, Activity::Idle, 0));
    EXPECT_EQ(pacer.NextWait(Activity::Idle, false, 0), FramePacer::kIdleTimeoutSeconds);
}

TEST(FramePacing, AJobGetsAFewFramesASecondThenItsResultIsShown) {
    FramePacer pacer;
    all_at_once(pacer, FramePacer::kSettleFrames, Activity::Idle, 0);
    for (int i = 0; i < 20; ++i) EXPECT_EQ(pacer.NextWait(Activity::Jobs, false, 0), FramePacer::kJobWaitSeconds) << i;
    // Input during the job (a slider drag while it computes): every frame is drawn.
    for (std::uint64_t e = 1; e < 10; ++e) EXPECT_EQ(pacer.NextWait(Activity::Jobs, false, e), 0) << e;
    EXPECT_TRUE(all_at_once(pacer, FramePacer::kSettleFrames - 1, Activity::Jobs, 9));
    EXPECT_EQ(pacer.NextWait(Activity::Jobs, false, 9), FramePacer::kJobWaitSeconds);
    // The job ends: its last result is picked up and shown at once, then the window sleeps.
    EXPECT_TRUE(all_at_once(pacer, FramePacer::kSettleFrames, Activity::Idle, 9));
    EXPECT_EQ(pacer.NextWait(Activity::Idle, false, 9), FramePacer::kIdleTimeoutSeconds);
    EXPECT_LT(FramePacer::kJobWaitSeconds, FramePacer::kTypingTimeoutSeconds);
}

TEST(FramePacing, AFocusedTextFieldWakesForItsCursor) {
    FramePacer pacer;
    all_at_once(pacer, FramePacer::kSettleFrames, Activity::Idle, 0);
    EXPECT_EQ(pacer.NextWait(Activity::Idle, true, 0), FramePacer::kTypingTimeoutSeconds);
    EXPECT_LT(FramePacer::kTypingTimeoutSeconds, FramePacer::kIdleTimeoutSeconds);
}

}  // namespace
}  // namespace ropescope::gui
