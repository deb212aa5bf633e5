// ropescope-cli export run as a user runs it: files, formats, errors and exit codes.

#include <algorithm>
#include <cstdlib>

#include "export_test_util.h"
#include "ropescope/export.h"

namespace ropescope {
namespace {

namespace fs = std::filesystem;

using test::check_xml;
using test::read_file;
using test::run_cli;
using test::TempDir;

TEST(CliExport, OnePlotAsSvg) {
    TempDir dir("cli_svg");
    const std::string out = (dir.path() / "wavelength.svg").string();
    const auto run =
        run_cli({"export", "--plot", "wavelength", "--method", "linear,yarn", "--factor", "16", "--out", out});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const std::string svg = read_file(out);
    EXPECT_EQ(check_xml(svg), "");
    EXPECT_EQ(test::count(svg, "class=\"series\""), 2u);
    EXPECT_NE(svg.find("YaRN (s=16"), std::string::npos);
    EXPECT_NE(svg.find("data-theme=\"light\""), std::string::npos);
    EXPECT_EQ(test::list_dir(dir.path()), (std::vector<std::string>{"wavelength.svg"}));
}

TEST(CliExport, FormatFromTheExtensionAndOptions) {
    TempDir dir("cli_formats");
    const auto png = (dir.path() / "decay.png").string();
    auto run =
        run_cli({"export", "--plot", "decay", "--out", png, "--size", "640x400", "--scale", "2", "--theme", "dark"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const std::string bytes = read_file(png);
    ASSERT_GT(bytes.size(), 24u);
    EXPECT_EQ(bytes.compare(0, 8, "\x89PNG\r\n\x1a\n"), 0);
    EXPECT_EQ(static_cast<unsigned char>(bytes[18]) * 256 + static_cast<unsigned char>(bytes[19]), 1280);

    const auto csv = (dir.path() / "scale.csv").string();
    run = run_cli({"export", "--plot", "scale", "--method", "ntk,llama3", "--out", csv});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(read_file(csv).substr(0, read_file(csv).find('\n')), "rotary_pair_i,ntk_scale_ratio,llama3_scale_ratio");

    const auto json_path = (dir.path() / "coverage.json").string();
    run = run_cli({"export", "--plot", "coverage", "--out", json_path});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const auto j = nlohmann::json::parse(read_file(json_path));
    EXPECT_EQ(j["plot"], "coverage");
    EXPECT_EQ(j["state"]["version"], 1);
    EXPECT_EQ(j["figure"]["panels"][0]["series"].size(), 6u);  // trained + 5 methods

    // An existing folder as --out: the file goes inside it.
    run = run_cli({"export", "--plot", "ramp", "--format", "svg", "--out", dir.path().string(), "--svg-units", "in"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_NE(read_file(dir.path() / "ramp.svg").find("width=\"16.67in\""), std::string::npos);
}

TEST(CliExport, AllPlotsIntoAFolderAndRegenerateFromState) {
    TempDir dir("cli_all");
    const fs::path first = dir.path() / "first" / "nested";
    // No --format: a folder of figures is SVG.
    auto run = run_cli({"export", "--plot", "all", "--config", ROPESCOPE_PRESETS_DIR "/llama-3.1-8b.json", "--out",
                        first.string()});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    std::vector<std::string> expected;
    for (const auto& id : plot_ids()) expected.push_back(id + ".svg");
    expected.push_back("README.md");
    expected.push_back("state.json");
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(test::list_dir(first), expected);
    for (const auto& id : plot_ids()) EXPECT_EQ(check_xml(read_file(first / (id + ".svg"))), "") << id;
    const std::string readme = read_file(first / "README.md");
    EXPECT_NE(readme.find("ropescope-cli export --plot all --state state.json --format svg"), std::string::npos);
    EXPECT_NE(readme.find("Llama 3"), std::string::npos);

    // The state file alone reproduces every figure byte for byte.
    const fs::path second = dir.path() / "second";
    run = run_cli({"export", "--plot", "all", "--format", "svg", "--state", (first / "state.json").string(), "--out",
                   second.string()});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    for (const auto& name : expected) EXPECT_EQ(read_file(first / name), read_file(second / name)) << name;
}

TEST(CliExport, InvalidOptionsExitTwoNamingTheOption) {
    TempDir dir("cli_usage");
    const std::string out = (dir.path() / "x.svg").string();
    struct Case {
        std::vector<std::string> args;
        std::string message;
    };
    const std::vector<Case> cases = {
        {{"export", "--out", out}, "--plot: missing"},
        {{"export", "--plot", "waves", "--out", out}, "--plot: \"waves\" is not a known plot"},
        {{"export", "--plot", "scale"}, "--out: missing"},
        {{"export", "--plot", "scale", "--out", out, "--format", "gif"}, "--format: \"gif\""},
        {{"export", "--plot", "scale", "--out", (dir.path() / "x.bmp").string()}, "--format: missing"},
        {{"export", "--plot", "scale", "--out", out, "--size", "12x"}, "--size"},
        {{"export", "--plot", "scale", "--out", out, "--size", "8x8"}, "--size: 8x8 is out of range"},
        {{"export", "--plot", "scale", "--out", out, "--scale", "0"}, "--scale"},
        {{"export", "--plot", "scale", "--out", out, "--theme", "blue"}, "--theme: \"blue\""},
        {{"export", "--plot", "scale", "--out", out, "--method", "yarn,bogus"}, "--method: \"bogus\""},
        {{"export", "--plot", "scale", "--out", out, "--state", out, "--method", "yarn"}, "--state: give either"},
        {{"export", "--plot", "scale", "--out", out, "--state", (dir.path() / "none.json").string()}, "none.json"},
        {{"export", "--plot", "scale", "--out", out, "--method", "ntk_by_parts", "--alpha", "40"}, "beta"},
        {{"export", "--plot", "scale", "--out", out, "--bogus"}, "unknown option --bogus"},
    };
    for (const auto& c : cases) {
        const auto run = run_cli(c.args);
        EXPECT_EQ(run.exit_code, 2) << c.message << "\n" << run.err;
        EXPECT_NE(run.err.find(c.message), std::string::npos) << run.err;
        EXPECT_TRUE(run.out.empty());
    }
    EXPECT_TRUE(test::list_dir(dir.path()).empty());
}

TEST(CliExport, CorruptStateFileIsAnError) {
    TempDir dir("cli_state");
    const std::string state = (dir.path() / "state.json").string();
    ASSERT_TRUE(write_file_atomic(state, "{\"methods\": {\"yarn\": {\"beta_fast\": \"32\"}}}").ok());
    auto run = run_cli({"export", "--plot", "scale", "--state", state, "--out", (dir.path() / "x.svg").string()});
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_NE(run.err.find(state + ": methods.yarn.beta_fast: expected a number, got a string."), std::string::npos)
        << run.err;
    ASSERT_TRUE(write_file_atomic(state, "{ not json").ok());
    run = run_cli({"export", "--plot", "scale", "--state", state, "--out", (dir.path() / "x.svg").string()});
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_NE(run.err.find("not valid JSON"), std::string::npos) << run.err;
}

TEST(CliExport, UnwritableTargetsExitOneAndLeaveNothing) {
    TempDir dir("cli_io");
    const fs::path file = dir.path() / "regular";
    ASSERT_TRUE(write_file_atomic(file.string(), "keep").ok());
    const std::vector<std::vector<std::string>> cases = {
        {"export", "--plot", "scale", "--format", "png", "--out", "/proc/ropescope/scale.png"},
        {"export", "--plot", "scale", "--out", (file / "scale.svg").string()},
        {"export", "--plot", "all", "--format", "csv", "--out", "/proc/ropescope"},
        {"export", "--plot", "all", "--format", "svg", "--out", (file / "figures").string()},
        {"export", "--plot", "all", "--format", "svg", "--out", file.string()},
    };
    for (const auto& args : cases) {
        const auto run = run_cli(args);
        EXPECT_EQ(run.exit_code, 1) << args.back() << "\n" << run.err;
        EXPECT_NE(run.err.find(args.back()), std::string::npos) << run.err;
        EXPECT_FALSE(fs::exists(args.back()) && fs::is_directory(args.back())) << args.back();
    }
    EXPECT_EQ(test::list_dir(dir.path()), (std::vector<std::string>{"regular"}));
    EXPECT_EQ(read_file(file), "keep");
}

TEST(CliExport, Help) {
    const auto run = run_cli({"export", "--help"});
    EXPECT_EQ(run.exit_code, 0);
    EXPECT_NE(run.out.find("--plot ID|all"), std::string::npos);
    EXPECT_NE(run.out.find("--config FILE"), std::string::npos);
    EXPECT_NE(run_cli({"--help"}).out.find("export"), std::string::npos);
}

TEST(CliExport, AnimateASweep) {
    TempDir dir("cli_animate");
    const std::string gif = (dir.path() / "sweep.gif").string();
    auto run = run_cli({"export", "--plot", "decay", "--method", "default,linear,yarn", "--animate", "factor=1:32:log",
                        "--frames", "4", "--size", "320x200", "--out", gif});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_NE(run.out.find("4 frames"), std::string::npos) << run.out;
    EXPECT_EQ(read_file(gif).substr(0, 6), "GIF89a");
    const std::string apng = (dir.path() / "sweep.png").string();
    run = run_cli({"export", "--plot", "ramp", "--animate", "beta_fast=8:64:log", "--frames", "3", "--size", "320x200",
                   "--out", apng});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_NE(read_file(apng).find("acTL"), std::string::npos);
}

// MP4 comes from a module (libropescope_mp4.so) opened on the first MP4: found in the build tree,
// and a missing module is a one-line error with exit 2 and no file, not a crash.
TEST(CliExport, Mp4ComesFromItsModule) {
    TempDir dir("cli_mp4");
    const std::string mp4 = (dir.path() / "sweep.mp4").string();
    const std::vector<std::string> args = {"export", "--plot", "decay", "--animate", "factor=1:8:log", "--frames", "3",
                                           "--size", "320x200", "--out", mp4};
    auto run = run_cli(args);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(read_file(mp4).substr(4, 4), "ftyp");
    std::filesystem::remove(mp4);
    ::setenv("ROPESCOPE_MP4_MODULE", (dir.path() / "no-such-module.so").c_str(), 1);
    run = run_cli(args);
    ::unsetenv("ROPESCOPE_MP4_MODULE");
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_NE(run.err.find("MP4 is not available"), std::string::npos) << run.err;
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
    EXPECT_FALSE(std::filesystem::exists(mp4));
}

TEST(CliExport, AnimateErrorsNameTheOption) {
    TempDir dir("cli_animate_errors");
    const std::string out = (dir.path() / "a.gif").string();
    struct Case {
        std::vector<std::string> args;
        std::string message;
    } cases[] = {
        {{"--animate", "factor=1:32"}, ""},  // placeholder replaced below
        {{"--animate", "speed=1:2"}, "\"speed\" is not a parameter"},
        {{"--animate", "factor=1:32", "--frames", "1"}, "--frames"},
        {{"--animate", "factor=1:32", "--fps", "500"}, "--fps"},
        {{"--animate", "factor=1:32", "--format", "avi"}, "not an animation format"},
        {{"--animate", "alpha=1:2", "--method", "yarn"}, "NTK-by-parts"},
        {{"--frames", "10"}, "only with --animate"},
    };
    for (std::size_t k = 1; k < std::size(cases); ++k) {
        std::vector<std::string> args = {"export", "--plot", "scale", "--out", out};
        args.insert(args.end(), cases[k].args.begin(), cases[k].args.end());
        const auto run = run_cli(args);
        EXPECT_EQ(run.exit_code, 2) << cases[k].message;
        EXPECT_NE(run.err.find(cases[k].message), std::string::npos) << run.err;
        EXPECT_TRUE(run.out.empty()) << run.out;
    }
    const auto all = run_cli({"export", "--plot", "all", "--out", dir.path().string(), "--animate", "factor=1:2"});
    EXPECT_EQ(all.exit_code, 2);
    EXPECT_FALSE(std::filesystem::exists(out));
}

}  // namespace
}  // namespace ropescope
