// ropescope-cli attention and resolution, run as a user runs them.
#include <cctype>
#include <ostream>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct CliRun {
    int exit_code = -1;
    std::string out;
    std::string err;
};

std::string shell_quote(const std::string& arg) {
    std::string quoted = "'";
    for (const char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

CliRun run_cli(const std::vector<std::string>& args) {
    const fs::path err_path = fs::temp_directory_path() / ("ropescope_kernel_cli_" + std::to_string(getpid()) + ".txt");
    std::string command = shell_quote(ROPESCOPE_CLI_PATH);
    for (const auto& arg : args) command += " " + shell_quote(arg);
    command += " 2>" + shell_quote(err_path.string());
    CliRun run;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) {
        ADD_FAILURE() << "popen failed for " << command;
        return run;
    }
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) run.out.append(buffer, n);
    const int status = pclose(pipe);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream file(err_path);
    std::stringstream text;
    text << file.rdbuf();
    run.err = text.str();
    fs::remove(err_path);
    return run;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

TEST(CliAttention, JsonHasTheMetricsAndTiming) {
    const CliRun run = run_cli({"attention", "--method", "default", "--keys", "4096", "--needle-distance", "100",
                                "--threads", "2", "--format", "json"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const json j = json::parse(run.out);
    for (const char* key : {"argmax", "needle_weight", "peak_width", "entropy", "elapsed_ms", "method", "keys",
                            "threads", "gflops", "argmax_error", "adjacent_distinguishability", "side_peak_ratio",
                            "window"})
        EXPECT_TRUE(j.contains(key)) << key;
    EXPECT_EQ(j["method"], "default");
    EXPECT_EQ(j["keys"], 4096);
    EXPECT_EQ(j["query_position"], 4095);
    EXPECT_EQ(j["argmax"], 4095 - 100);  // positional content, plain RoPE within L
    EXPECT_EQ(j["path"], "fast");
    EXPECT_TRUE(j["elapsed_ms"].is_number());  // a measurement: its value is not asserted
    EXPECT_GT(j["needle_weight"].get<double>(), 0.0);
}

TEST(CliAttention, CompareMatchesTheReference) {
    const CliRun run = run_cli({"attention", "--method", "yarn", "--factor", "8", "--keys", "3000", "--content",
                                "needle", "--seed", "3", "--noise", "0.5", "--compare"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const json j = json::parse(run.out);
    EXPECT_TRUE(j["argmax_match"].get<bool>());
    EXPECT_LT(j["max_logit_error"].get<double>(), 1e-4);
    EXPECT_NEAR(j["needle_weight"].get<double>(), j["reference"]["needle_weight"].get<double>(),
                1e-3 * j["reference"]["needle_weight"].get<double>() + 1e-12);
    // speedup is a measurement on a shared machine: reported, never asserted (benchmarks/ measures it).
    EXPECT_TRUE(j["speedup"].is_number());
}

TEST(CliAttention, ReferenceFlagRunsTheScalarPath) {
    const CliRun run = run_cli({"attention", "--keys", "500", "--reference", "--precision", "bf16"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const json j = json::parse(run.out);
    EXPECT_EQ(j["path"], "reference");
    EXPECT_EQ(j["precision"], "bf16");
    EXPECT_EQ(j["isa"], "scalar");
}

TEST(CliAttention, CsvMetricsAndWindow) {
    CliRun run = run_cli({"attention", "--keys", "1000", "--format", "csv"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    auto lines = lines_of(run.out);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0].rfind("method,keys,query_position,needle_distance,", 0), 0u);
    EXPECT_EQ(lines[1].rfind("default,1000,999,500,positional,fp64,fast,", 0), 0u);
    run = run_cli({"attention", "--keys", "1000", "--format", "csv", "--csv-table", "window", "--window", "2"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    lines = lines_of(run.out);
    ASSERT_EQ(lines.size(), 6u);
    EXPECT_EQ(lines[0], "position,distance,logit,weight");
    EXPECT_EQ(lines[3].rfind("499,500,", 0), 0u);
}

struct BadArgs {
    std::vector<std::string> args;
    std::string names;
};
// How gtest (and so ctest) shows a case: its arguments, not the struct's bytes.
void PrintTo(const BadArgs& bad, std::ostream* os) {
    for (const auto& arg : bad.args) *os << arg << ' ';
}
class CliAttentionError : public ::testing::TestWithParam<BadArgs> {};
TEST_P(CliAttentionError, ExitsTwoNamingTheOption) {
    std::vector<std::string> args = GetParam().args;
    const CliRun run = run_cli(args);
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_TRUE(run.out.empty());
    EXPECT_EQ(lines_of(run.err).size(), 1u) << run.err;
    EXPECT_NE(run.err.find(GetParam().names), std::string::npos) << run.err;
}
// 64 LongRoPE factors (head_dim 128), each `value`.
std::string factors(const std::string& value) {
    std::string list = value;
    for (int i = 1; i < 64; ++i) list += "," + value;
    return list;
}
INSTANTIATE_TEST_SUITE_P(
    Cases, CliAttentionError,
    ::testing::Values(BadArgs{{"attention", "--keys", "0"}, "--keys"},
                      BadArgs{{"attention", "--keys", "3000000"}, "--keys"},
                      BadArgs{{"attention", "--keys", "100", "--needle-distance", "200"}, "--needle-distance"},
                      BadArgs{{"attention", "--content", "random"}, "--content"},
                      BadArgs{{"attention", "--precision", "fp8"}, "--precision"},
                      BadArgs{{"attention", "--threads", "0"}, "--threads"},
                      BadArgs{{"attention", "--noise", "-1"}, "--noise"},
                      BadArgs{{"attention", "--query-scale", "0"}, "--query-scale"},
                      BadArgs{{"attention", "--method", "default,yarn"}, "--method"},
                      BadArgs{{"attention", "--reference", "--compare"}, "--compare"},
                      BadArgs{{"attention", "--format", "xml"}, "--format"},
                      BadArgs{{"resolution", "--points", "1"}, "--points"},
                      BadArgs{{"resolution", "--max-distance", "0"}, "--max-distance"},
                      BadArgs{{"resolution", "--content", "x"}, "--content"},
                      // Issue 10: contents that overflow the logits (NaN in the softmax once read
                      // past a heap buffer), and subnormal factors that make the frequencies infinite.
                      BadArgs{{"attention", "--content", "needle", "--noise", "1e200", "--keys", "256"}, "--noise: 1e200"},
                      BadArgs{{"attention", "--content", "needle", "--noise", "inf", "--keys", "256"}, "--noise"},
                      BadArgs{{"attention", "--query-scale", "1e300", "--keys", "256"}, "--query-scale"},
                      BadArgs{{"attention", "--query-scale", "nan", "--keys", "256"}, "--query-scale"},
                      BadArgs{{"resolution", "--content", "needle", "--noise", "1e200", "--max-distance", "256"}, "--noise"},
                      BadArgs{{"attention", "--method", "longrope", "--factor", "8", "--short-factor", factors("1e-310"),
                               "--long-factor", factors("1e-310"), "--keys", "256"},
                              "factor"},
                      BadArgs{{"resolution", "--method", "longrope", "--factor", "8", "--short-factor", factors("1e-320"),
                               "--long-factor", factors("1e-320"), "--content", "needle"},
                              "factor"},
                      BadArgs{{"attention", "--isa", "avx9"}, "--isa"}),
    // Test names: the command and its arguments, e.g. attention_keys_0.
    [](const ::testing::TestParamInfo<BadArgs>& p) {
        std::string name;
        for (const auto& arg : p.param.args) {
            if (!name.empty() && name.back() != '_') name += '_';
            for (const char c : arg)
                if (std::isalnum(static_cast<unsigned char>(c))) name += c;
                else if (!name.empty() && name.back() != '_') name += '_';
        }
        if (name.size() > 60) name.resize(60);
        return name + "_" + std::to_string(p.index);
    });

TEST(CliAttention, HelpHasExamples) {
    for (const char* command : {"attention", "resolution"}) {
        const CliRun run = run_cli({command, "--help"});
        EXPECT_EQ(run.exit_code, 0);
        EXPECT_NE(run.out.find("Examples:"), std::string::npos) << command;
        EXPECT_NE(run.out.find("ropescope-cli " + std::string(command)), std::string::npos) << command;
    }
    const CliRun run = run_cli({"--help"});
    EXPECT_NE(run.out.find("attention"), std::string::npos);
    EXPECT_NE(run.out.find("resolution"), std::string::npos);
}

TEST(CliResolution, CsvHasSixColumnsPerMethod) {
    const CliRun run = run_cli({"resolution", "--method", "default,linear,yarn", "--factor", "4",
                                "--original-max-position-embeddings", "1024", "--points", "8", "--format", "csv"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const auto lines = lines_of(run.out);
    ASSERT_GE(lines.size(), 3u);
    EXPECT_EQ(lines[0].rfind("distance_tokens,default_target_weight,default_argmax_error,default_peak_width,", 0), 0u);
    EXPECT_EQ(std::count(lines[0].begin(), lines[0].end(), ','), 18);
    EXPECT_EQ(lines[1].rfind("1,", 0), 0u);
    EXPECT_EQ(lines.back().rfind("4096,", 0), 0u);  // L' = 4 * 1024
}

TEST(CliResolution, JsonPiWidthGrowsWithDistanceScale) {
    const CliRun run = run_cli({"resolution", "--method", "default,linear", "--factor", "8",
                                "--original-max-position-embeddings", "1024", "--points", "6", "--query-scale", "4",
                                "--format", "json"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const json j = json::parse(run.out);
    ASSERT_EQ(j["methods"].size(), 2u);
    EXPECT_EQ(j["keys"], 8193);
    const auto base = j["methods"][0]["peak_width"].get<std::vector<double>>();
    const auto pi = j["methods"][1]["peak_width"].get<std::vector<double>>();
    ASSERT_EQ(base.size(), pi.size());
    EXPECT_GT(pi.front(), 3 * base.front());  // short range: PI's peak is several times wider
}

}  // namespace
