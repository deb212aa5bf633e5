// ropescope-cli model, run as a user runs it: JSON shapes, errors (exit 2, one line on stderr,
// nothing on stdout), Ctrl+C during training (no partial file).
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "model_test_util.h"
#include "ropescope/model/checkpoint.h"

extern char** environ;

namespace ropescope::model {
namespace {

using nlohmann::json;
using test::temp_dir;
namespace fs = std::filesystem;
using test::write_bytes;

struct CliRun {
    int exit_code = -1;
    std::string out, err;
};

std::string quote(const std::string& a) {
    std::string q = "'";
    for (const char c : a) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

CliRun run_cli(const std::vector<std::string>& args) {
    const auto err_path = temp_dir() / "stderr.txt";
    std::string command = quote(ROPESCOPE_CLI_PATH);
    for (const auto& a : args) command += " " + quote(a);
    command += " 2>" + quote(err_path.string());
    CliRun run;
    FILE* pipe = popen(command.c_str(), "r");
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) run.out.append(buffer, n);
    const int status = pclose(pipe);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.err = test::read_bytes(err_path);
    return run;
}

// The tiny model as a file (trained in-process, written with the same writer as the CLI).
const std::string& tiny_model_path() {
    static const std::string path = [] {
        const auto p = (temp_dir() / "tiny.rsmodel").string();
        EXPECT_TRUE(save_model(test::tiny_trained().model, p).ok());
        return p;
    }();
    return path;
}

void expect_usage_error(const std::vector<std::string>& args, const std::string& flag) {
    const auto r = run_cli(args);
    std::string joined;
    for (const auto& a : args) joined += a + " ";
    EXPECT_EQ(r.exit_code, 2) << joined << "\n" << r.err;
    EXPECT_EQ(r.out, "") << joined;
    EXPECT_EQ(r.err.rfind("error: " + flag, 0), 0u) << joined << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << joined << "\n" << r.err;
}

TEST(CliModel, InfoJsonOfTheShippedModel) {
    const auto r = run_cli({"model", "info", "--format", "json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = json::parse(r.out);
    EXPECT_EQ(j["train_context"], 256);
    EXPECT_EQ(j["layers"], 2);
    EXPECT_EQ(j["d_model"], 128);
    EXPECT_EQ(j["heads"], 4);
    EXPECT_EQ(j["head_dim"], 32);
}

TEST(CliModel, EvalJsonHasTheIssuesKeys) {
    const auto r = run_cli({"model", "eval", "--model", tiny_model_path(), "--method", "default,pi,yarn", "--lengths",
                            "64,128", "--no-passkey", "--threads", "1", "--corpus",
                            "/usr/include/eigen3/Eigen/src/Core/util", "--format", "json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = json::parse(r.out);
    EXPECT_EQ(j["train_context"], 64);
    ASSERT_EQ(j["results"].size(), 6u);
    const auto& first = j["results"][0];
    for (const char* key : {"method", "factor", "length", "perplexity", "passkey_accuracy"})
        EXPECT_TRUE(first.contains(key)) << key;
    EXPECT_EQ(j["results"][2]["method"], "linear");  // the alias resolved
    EXPECT_EQ(j["results"][3]["factor"], 2.0);       // auto: s = 128 / 64
}

TEST(CliModel, TrainJsonEndsWithTheRunAndWritesALoadableModel) {
    const auto out = (temp_dir() / "cli_trained.rsmodel").string();
    const auto r = run_cli({"model", "train", "--layers", "1", "--d-model", "16", "--heads", "2", "--context", "32",
                            "--steps", "5", "--batch", "2", "--passkey-fraction", "0", "--threads", "1", "--corpus",
                            "/usr/include/eigen3/Eigen/src/Core/util", "--out", out, "--format", "json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = json::parse(r.out);
    EXPECT_EQ(j["steps"], 5);
    for (const char* key : {"final_loss", "tokens_per_second", "seconds"}) EXPECT_TRUE(j[key].is_number()) << key;
    auto m = load_model(out);
    ASSERT_TRUE(m.ok()) << m.error().message;
    EXPECT_EQ(m->shape().train_context, 32);
}

TEST(CliModel, BadInputIsOneLineAndExitTwo) {
    const auto dir = temp_dir() / "cli_bad";
    fs::create_directories(dir);
    write_bytes(dir / "garbage.rsmodel", "RSMODEL1 but nothing else of a model");
    write_bytes(dir / "empty.txt", "");
    write_bytes(dir / "binary.txt", std::string(4096, '\0'));
    const std::string garbage = (dir / "garbage.rsmodel").string();
    expect_usage_error({"model", "info", "--model", (dir / "missing.rsmodel").string()}, "--model");
    expect_usage_error({"model", "info", "--model", garbage}, "--model");
    expect_usage_error({"model", "info", "--model", dir.string()}, "--model");
    expect_usage_error({"model", "eval", "--model", "/dev/zero"}, "--model");
    expect_usage_error({"model", "info", "--format", "yaml"}, "--format");
    expect_usage_error({"model", "eval", "--method", "bogus"}, "--method");
    expect_usage_error({"model", "eval", "--method", "longrope"}, "--method");
    expect_usage_error({"model", "eval", "--lengths", "100000000"}, "--lengths");
    expect_usage_error({"model", "eval", "--lengths", "256,abc"}, "--lengths");
    expect_usage_error({"model", "eval", "--factor", "nan"}, "--factor");
    expect_usage_error({"model", "eval", "--factor", "0.5"}, "--factor");
    expect_usage_error({"model", "eval", "--corpus", (dir / "empty.txt").string()}, "--corpus");
    expect_usage_error({"model", "eval", "--corpus", (dir / "binary.txt").string()}, "--corpus");
    expect_usage_error({"model", "train", "--out", (dir / "x.rsmodel").string(), "--corpus", (dir / "binary.txt").string()},
                       "--corpus");
    expect_usage_error({"model", "train", "--out", (dir / "x.rsmodel").string(), "--layers", "0"}, "--layers");
    expect_usage_error({"model", "train", "--out", (dir / "x.rsmodel").string(), "--heads", "3"}, "--heads");
    expect_usage_error({"model", "train", "--out", (dir / "x.rsmodel").string(), "--lr", "inf"}, "--lr");
    expect_usage_error({"model", "train", "--out", (dir / "x.rsmodel").string(), "--context", "16384", "--batch", "4096"},
                       "--context");
    expect_usage_error({"model", "train", "--out", (dir / "x.rsmodel").string(), "--answer-weight", "0"}, "--answer-weight");
    expect_usage_error({"model", "train", "--out", (dir / "x.rsmodel").string(), "--short-passkeys", "1.5"},
                       "--short-passkeys");
    expect_usage_error({"model", "finetune", "--out", (dir / "x.rsmodel").string(), "--method", "yarn", "--answer-weight",
                        "nan"},
                       "--answer-weight");
    expect_usage_error({"model", "train"}, "--out");
    expect_usage_error({"model", "train", "--out", "x", "--bogus", "1"}, "");
    expect_usage_error({"model", "finetune", "--out", (dir / "x.rsmodel").string()}, "--method");
    expect_usage_error({"model", "finetune", "--out", (dir / "x.rsmodel").string(), "--method", "yarn", "--factor", "-2"},
                       "--factor");
    expect_usage_error({"model", "frobnicate"}, "model");
    EXPECT_FALSE(fs::exists(dir / "x.rsmodel"));
}

TEST(CliModel, CtrlCStopsTrainingWithoutWritingTheFile) {
    const auto out = (temp_dir() / "interrupted.rsmodel").string();
    const std::string cli = ROPESCOPE_CLI_PATH;
    std::vector<std::string> args = {cli, "model", "train", "--steps", "100000", "--layers", "1", "--d-model", "16",
                                     "--heads", "2", "--context", "32", "--batch", "2", "--passkey-fraction", "0",
                                     "--threads", "1", "--corpus", "/usr/include/eigen3/Eigen/src/Core/util",
                                     "--out", out};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    const auto err_path = temp_dir() / "interrupted.err";
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid = 0;
    ASSERT_EQ(posix_spawn(&pid, cli.c_str(), &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    // Wait until it is training (its first progress line, after a second of steps), then Ctrl+C.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (test::read_bytes(err_path).find("train: step") == std::string::npos &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    kill(pid, SIGINT);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status)) << "killed by a signal instead of stopping cleanly";
    EXPECT_EQ(WEXITSTATUS(status), 1);
    EXPECT_NE(test::read_bytes(err_path).find("not written"), std::string::npos) << test::read_bytes(err_path);
    EXPECT_FALSE(fs::exists(out));
}

}  // namespace
}  // namespace ropescope::model
