// ropescope-cli run as a user runs it: exit status, stdout, stderr.
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

#include "ropescope/hf_config.h"
#include "ropescope/rope.h"
#include "ropescope/serialize.h"

namespace ropescope {
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

std::string read_file(const fs::path& path) {
    std::ifstream file(path);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
}

// A scratch directory for this process, removed at exit.
class TempDir {
public:
    TempDir() : path_(fs::temp_directory_path() / ("ropescope_cli_test_" + std::to_string(getpid()))) {
        fs::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

const fs::path& temp_dir() {
    static const TempDir dir;
    return dir.path();
}

CliRun run_cli(const std::vector<std::string>& args) {
    const fs::path err_path = temp_dir() / "stderr.txt";
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
    run.err = read_file(err_path);
    return run;
}

std::string describe(const CliRun& run) { return "exit " + std::to_string(run.exit_code) + "\nstderr: " + run.err; }

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

std::vector<fs::path> preset_files() {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(ROPESCOPE_PRESETS_DIR))
        if (entry.path().extension() == ".json") files.push_back(entry.path());
    return files;
}

TEST(CliInspect, EveryPresetAsJsonMatchesTheLibrary) {
    const auto files = preset_files();
    ASSERT_GE(files.size(), 13u);
    for (const auto& file : files) {
        SCOPED_TRACE(file.filename().string());
        const CliRun run = run_cli({"inspect", "--config", file.string(), "--format", "json"});
        ASSERT_EQ(run.exit_code, 0) << describe(run);
        json j;
        ASSERT_NO_THROW(j = json::parse(run.out));
        for (const char* key : {"rope_type", "rotary_dim", "rope_theta", "original_max_position_embeddings", "factor",
                                "seq_len", "attention_factor", "softmax_scale_multiplier", "inv_freq", "wavelength",
                                "warnings"})
            EXPECT_TRUE(j.contains(key)) << "missing key " << key;

        const auto config = load_hf_config(file.string());
        ASSERT_TRUE(config.ok()) << config.error().message;
        const auto result = compute_rope(config->setup, config->method);
        ASSERT_TRUE(result.ok()) << result.error().message;
        EXPECT_EQ(j["rope_type"].get<std::string>(), method_name(result->kind));
        EXPECT_EQ(j["rotary_dim"].get<int>(), result->rotary_dim);
        EXPECT_EQ(j["original_max_position_embeddings"].get<std::int64_t>(), result->original_context);
        EXPECT_EQ(j["factor"].get<double>(), result->factor);
        EXPECT_EQ(j["attention_factor"].get<double>(), result->attention_factor);
        EXPECT_EQ(j["softmax_scale_multiplier"].get<double>(), result->softmax_scale_multiplier);
        // JSON numbers round-trip exactly.
        EXPECT_EQ(j["inv_freq"].get<std::vector<double>>(), result->inv_freq);
        EXPECT_EQ(j["wavelength"].size(), static_cast<std::size_t>(result->num_pairs()));
        EXPECT_EQ(j["warnings"].size(), config->warnings.size() + result->warnings.size());
    }
}

TEST(CliInspect, YarnMatchesGoldenValues) {
    const json golden = json::parse(read_file(fs::path(ROPESCOPE_PRESETS_DIR) / ".." / ".." / "tests" / "data" /
                                              "golden.json"))["cases"]["yarn"];
    const CliRun run = run_cli({"inspect", "--method", "yarn", "--factor", "8", "--format", "json"});
    ASSERT_EQ(run.exit_code, 0) << describe(run);
    const json j = json::parse(run.out);
    const auto expected = golden["inv_freq"].get<std::vector<double>>();
    const auto actual = j["inv_freq"].get<std::vector<double>>();
    ASSERT_EQ(actual.size(), expected.size());
    for (std::size_t i = 0; i < actual.size(); ++i)
        EXPECT_NEAR(actual[i], expected[i], 1e-12 * expected[i]) << "pair " << i;
    EXPECT_NEAR(j["attention_factor"].get<double>(), golden["attention_factor"].get<double>(), 1e-12);
    EXPECT_NEAR(j["yarn"]["low_raw"].get<double>(), golden["correction_dim_beta_fast_raw"].get<double>(), 1e-12);
    EXPECT_EQ(j["yarn"]["low"].get<double>(), golden["low"].get<double>());
    EXPECT_EQ(j["yarn"]["high"].get<double>(), golden["high"].get<double>());
    EXPECT_EQ(j["rope_type"], "yarn");
    EXPECT_TRUE(j["seq_len"].is_null());
}

TEST(CliInspect, CsvHasOneRowPerPair) {
    for (const int head_dim : {128, 96, 64}) {
        const CliRun run = run_cli({"inspect", "--method", "linear", "--factor", "4", "--head-dim",
                                 std::to_string(head_dim), "--format", "csv"});
        ASSERT_EQ(run.exit_code, 0) << describe(run);
        const auto lines = lines_of(run.out);
        ASSERT_EQ(lines.size(), static_cast<std::size_t>(head_dim / 2 + 1)) << "head_dim " << head_dim;
        std::string header;
        for (const auto& column : pair_csv_columns()) header += (header.empty() ? "" : ",") + column;
        EXPECT_EQ(lines.front(), header);
        EXPECT_EQ(lines[1].rfind("0,1,0.25,4,", 0), 0u) << lines[1];  // pair 0: theta 1, theta' 1/4, scale 4
        EXPECT_EQ(lines.back().rfind(std::to_string(head_dim / 2 - 1) + ",", 0), 0u) << lines.back();
    }
}

TEST(CliInspect, TableIsTheDefaultFormat) {
    const CliRun run = run_cli({"inspect", "--config", (fs::path(ROPESCOPE_PRESETS_DIR) / "llama-3.1-8b.json").string()});
    ASSERT_EQ(run.exit_code, 0) << describe(run);
    EXPECT_NE(run.out.find("llama3"), std::string::npos);
    EXPECT_NE(run.out.find("8192"), std::string::npos);
}

TEST(CliInspect, ConfigWarningsGoToStderrOutsideJson) {
    const std::string qwen = (fs::path(ROPESCOPE_PRESETS_DIR) / "qwen2.5-7b-instruct-yarn.json").string();
    const CliRun csv = run_cli({"inspect", "--config", qwen, "--format", "csv"});
    ASSERT_EQ(csv.exit_code, 0) << describe(csv);
    EXPECT_NE(csv.err.find("warning:"), std::string::npos);
    EXPECT_NE(csv.err.find("4.48"), std::string::npos);
    const CliRun js = run_cli({"inspect", "--config", qwen, "--format", "json"});
    ASSERT_EQ(js.exit_code, 0) << describe(js);
    EXPECT_NE(json::parse(js.out)["warnings"].dump().find("4.48"), std::string::npos);
}

// --dtype float32: the per-pair values as transformers stores them, and the largest difference.
TEST(CliInspect, Float32DtypeAndItsLargestError) {
    const CliRun exact = run_cli({"inspect", "--config", "llama-3.1-8b", "--format", "json"});
    const CliRun f32 = run_cli({"inspect", "--config", "llama-3.1-8b", "--format", "json", "--dtype", "float32"});
    ASSERT_EQ(exact.exit_code, 0) << describe(exact);
    ASSERT_EQ(f32.exit_code, 0) << describe(f32);
    const json a = json::parse(exact.out), b = json::parse(f32.out);
    EXPECT_EQ(a["dtype"], "float64");
    EXPECT_EQ(b["dtype"], "float32");
    EXPECT_EQ(a["float32_max_rel_error"], b["float32_max_rel_error"]);
    double largest = 0;
    for (std::size_t i = 0; i < a["inv_freq"].size(); ++i) {
        const double x = a["inv_freq"][i].get<double>(), y = b["inv_freq"][i].get<double>();
        EXPECT_EQ(static_cast<double>(static_cast<float>(y)), y) << "pair " << i << " is a float32 value";
        largest = std::max(largest, std::abs(y - x) / x);
    }
    EXPECT_DOUBLE_EQ(largest, b["float32_max_rel_error"].get<double>());
    EXPECT_GT(largest, 0);
    const CliRun table = run_cli({"inspect", "--config", "llama-3.1-8b", "--dtype", "float32"});
    EXPECT_NE(table.out.find("dtype                    float32"), std::string::npos) << table.out;
}

TEST(CliInspect, EngineViewsOfTransformersLines) {
    const std::string text = R"({"head_dim": 128, "max_position_embeddings": 131072, "original_max_position_embeddings": 4096,
        "rope_scaling": {"rope_type": "yarn", "factor": 8, "original_max_position_embeddings": 16384}})";
    const fs::path path = temp_dir() / "two_originals.json";
    std::ofstream(path) << text;
    const auto L = [&](const char* engine) {
        const CliRun run = run_cli({"inspect", "--config", path.string(), "--engine", engine, "--format", "json"});
        EXPECT_EQ(run.exit_code, 0) << describe(run);
        return json::parse(run.out)["original_max_position_embeddings"].get<int>();
    };
    EXPECT_EQ(L("hf"), 4096);        // 5.x: the top level overrides the block
    EXPECT_EQ(L("hf-4.56"), 16384);  // 4.56: the block's
    EXPECT_EQ(L("hf-4.5x"), 16384);
}

// ---- errors: exit 2, nothing on stdout, a message naming the field on stderr ----------------

struct ErrorCase {
    std::string name;
    std::vector<std::string> args;
    std::vector<std::string> in_stderr;
};

// Test names in ctest come from this (instead of a byte dump).
void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

class CliError : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(CliError, ExitsTwoWithMessage) {
    const CliRun run = run_cli(GetParam().args);
    EXPECT_EQ(run.exit_code, 2) << describe(run);
    EXPECT_EQ(run.out, "");
    EXPECT_EQ(run.err.rfind("error: ", 0), 0u) << run.err;
    for (const auto& part : GetParam().in_stderr) EXPECT_NE(run.err.find(part), std::string::npos) << run.err;
}

std::string malformed_config() {
    const fs::path path = temp_dir() / "malformed.json";
    std::ofstream(path) << "{\n  \"head_dim\": 128,\n  \"max_position_embeddings\": 4096\n  \"rope_theta\": 1\n}\n";
    return path.string();
}

std::string beta_zero_config() {
    const fs::path path = temp_dir() / "beta_zero.json";
    std::ofstream(path) << R"({"head_dim": 128, "max_position_embeddings": 16384,
        "rope_scaling": {"rope_type": "yarn", "factor": 4, "beta_fast": 0, "original_max_position_embeddings": 4096}})";
    return path.string();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CliError,
    ::testing::Values(
        ErrorCase{"factor_zero", {"inspect", "--factor", "0"}, {"factor", "0"}},
        ErrorCase{"head_dim_odd", {"inspect", "--head-dim", "127"}, {"--head-dim: 127", "even"}},
        ErrorCase{"method_bogus", {"inspect", "--method", "bogus"}, {"--method", "bogus", "yarn"}},
        ErrorCase{"factor_not_a_number", {"inspect", "--factor", "abc"}, {"--factor", "abc"}},
        ErrorCase{"unknown_option", {"inspect", "--frobnicate", "3"}, {"--frobnicate"}},
        ErrorCase{"missing_config", {"inspect", "--config", "/nonexistent/config.json"}, {"/nonexistent/config.json"}},
        ErrorCase{"malformed_config", {"inspect", "--config", malformed_config()}, {"malformed.json", "not valid JSON", "line 4"}},
        ErrorCase{"format_bogus", {"inspect", "--format", "xml"}, {"--format", "xml"}},
        ErrorCase{"option_without_value", {"inspect", "--factor"}, {"--factor"}},
        ErrorCase{"two_methods_in_inspect", {"inspect", "--method", "yarn,linear"}, {"--method"}},
        ErrorCase{"unknown_command", {"frobnicate"}, {"frobnicate"}},
        ErrorCase{"decay_method_bogus", {"decay", "--method", "default,bogus"}, {"bogus"}},
        ErrorCase{"decay_points_too_few", {"decay", "--points", "1"}, {"--points", "1"}},
        ErrorCase{"decay_factor_zero", {"decay", "--method", "linear", "--factor", "0"}, {"factor", "0"}},
        ErrorCase{"decay_grid_bogus", {"decay", "--grid", "cubic"}, {"--grid", "cubic"}},
        ErrorCase{"dtype_bogus", {"inspect", "--dtype", "bfloat16"}, {"--dtype", "bfloat16", "float32"}},
        ErrorCase{"engine_bogus", {"inspect", "--config", "llama-2-7b", "--engine", "tgi"}, {"--engine", "tgi", "hf-4.56"}},
        ErrorCase{"max_model_len_without_vllm", {"inspect", "--config", "llama-2-7b", "--max-model-len", "8192"},
                  {"--max-model-len", "--engine vllm"}},
        ErrorCase{"max_model_len_zero",
                  {"inspect", "--config", "llama-2-7b", "--engine", "vllm", "--max-model-len", "0"}, {"--max-model-len", "\"0\""}},
        ErrorCase{"vllm_cannot_run_beta_zero", {"inspect", "--config", beta_zero_config(), "--engine", "vllm"},
                  {"vllm cannot run", "ZeroDivisionError"}}),
    [](const ::testing::TestParamInfo<ErrorCase>& p) { return p.param.name; });

TEST(CliHelp, InspectAndDecayHelpHaveExamples) {
    for (const char* command : {"inspect", "decay"}) {
        const CliRun run = run_cli({command, "--help"});
        EXPECT_EQ(run.exit_code, 0) << command;
        EXPECT_NE(run.out.find("Example"), std::string::npos) << command;
        EXPECT_NE(run.out.find("--factor"), std::string::npos) << command;  // the shared setup flags
        EXPECT_EQ(run.err, "") << command;
    }
    const CliRun top = run_cli({"--help"});
    EXPECT_EQ(top.exit_code, 0);
    EXPECT_NE(top.out.find("inspect"), std::string::npos);
}

// ---- decay -------------------------------------------------------------------------------

TEST(CliDecay, CsvHeaderAndFirstRow) {
    const CliRun run = run_cli({"decay", "--method", "default,linear", "--factor", "8", "--format", "csv"});
    ASSERT_EQ(run.exit_code, 0) << describe(run);
    const auto lines = lines_of(run.out);
    ASSERT_GE(lines.size(), 3u);
    EXPECT_EQ(lines[0], "distance_tokens,default_logit,default_roformer_bound,linear_logit,linear_roformer_bound");
    EXPECT_EQ(lines[1], "0,1,1,1,1");
    EXPECT_EQ(lines.back().rfind("32768,", 0), 0u) << lines.back();  // ends at L' = 8 * 4096
    EXPECT_LE(lines.size(), 256u + 2u);
}

TEST(CliDecay, JsonAppliesTheAttentionFactor) {
    const CliRun run = run_cli({"decay", "--method", "yarn", "--factor", "8", "--grid", "linear", "--points", "5",
                             "--format", "json"});
    ASSERT_EQ(run.exit_code, 0) << describe(run);
    const json j = json::parse(run.out);
    EXPECT_EQ(j["distance"].get<std::vector<double>>(), (std::vector<double>{0, 8192, 16384, 24576, 32768}));
    const double scale = std::pow(0.1 * std::log(8.0) + 1.0, 2);
    EXPECT_NEAR(j["methods"][0]["logit"][0].get<double>(), scale, 1e-14);
    const CliRun raw = run_cli({"decay", "--method", "yarn", "--factor", "8", "--no-attention-factor", "--format", "json"});
    ASSERT_EQ(raw.exit_code, 0) << describe(raw);
    EXPECT_EQ(json::parse(raw.out)["methods"][0]["logit"][0].get<double>(), 1.0);
}

// convert --to X, then convert --from that file --to hf: the same HF block as converting directly.
TEST(CliConvert, EveryFormatReadsBack) {
    const std::vector<std::string> setting = {"--method", "yarn", "--factor", "4", "--rope-theta", "1e6",
                                              "--original-max-position-embeddings", "32768"};
    auto with = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = {"convert"};
        args.insert(args.end(), setting.begin(), setting.end());
        args.insert(args.end(), extra.begin(), extra.end());
        return args;
    };
    const CliRun direct = run_cli(with({"--to", "hf"}));
    ASSERT_EQ(direct.exit_code, 0) << describe(direct);
    for (const std::string target : {"hf", "vllm", "llama.cpp"}) {
        const CliRun exported = run_cli(with({"--to", target}));
        ASSERT_EQ(exported.exit_code, 0) << describe(exported);
        const fs::path file = temp_dir() / ("setting-" + target + ".txt");
        std::ofstream(file) << exported.out;
        const CliRun back = run_cli({"convert", "--from", file.string(), "--head-dim", "128", "--to", "hf"});
        ASSERT_EQ(back.exit_code, 0) << target << ": " << describe(back);
        EXPECT_EQ(back.out, direct.out) << target;
    }
    const CliRun both = run_cli({"convert", "--from", "x", "--method", "yarn", "--to", "hf"});
    EXPECT_EQ(both.exit_code, 2);
    EXPECT_NE(both.err.find("either --from or --config/--method"), std::string::npos) << both.err;
    const CliRun missing = run_cli({"convert", "--from", (temp_dir() / "nope.txt").string(), "--to", "hf"});
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_NE(missing.err.find("--from: " + (temp_dir() / "nope.txt").string() + ": no such file."), std::string::npos) << missing.err;
    EXPECT_TRUE(missing.out.empty());
}


// `ropescope-cli model ...` execs ropescope-cli-model from beside itself with OMP_WAIT_POLICY=PASSIVE
// (app/cli/openmp_wait.h), unless the user set the variable. A copy of the CLI sits beside a
// stand-in helper that prints what it was given.
TEST(CliModel, TheModelHelperGetsPassiveOpenMpWaitUnlessTheUserChoseOne) {
    const fs::path dir = temp_dir() / "helper_env";
    fs::create_directories(dir);
    fs::copy_file(ROPESCOPE_CLI_PATH, dir / "ropescope-cli", fs::copy_options::overwrite_existing);
    {
        std::ofstream helper(dir / "ropescope-cli-model");
        helper << "#!/bin/sh\necho \"policy=${OMP_WAIT_POLICY:-unset} args=$*\"\n";
    }
    fs::permissions(dir / "ropescope-cli-model", fs::perms::owner_all);
    const auto run_with = [&](const std::string& env) {
        const std::string command = "env -u OMP_WAIT_POLICY " + env + " " + shell_quote((dir / "ropescope-cli").string()) +
                                    " model info --format json";
        FILE* pipe = popen(command.c_str(), "r");
        std::string out;
        char buffer[256];
        for (std::size_t n; pipe && (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
        if (pipe) pclose(pipe);
        return out;
    };
    EXPECT_EQ(run_with(""), "policy=PASSIVE args=model info --format json\n");
    EXPECT_EQ(run_with("OMP_WAIT_POLICY=ACTIVE"), "policy=ACTIVE args=model info --format json\n");
}

}  // namespace
}  // namespace ropescope
