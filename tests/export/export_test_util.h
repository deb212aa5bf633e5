// Helpers for the export tests: figures from real results, a scratch directory, file reading,
// running the CLI, and a small XML well-formedness checker.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ropescope/plots.h"
#include "ropescope/state.h"

namespace ropescope::test {

namespace fs = std::filesystem;

// The lab's default entries (default, linear, ntk, yarn, llama3 at s=8).
inline std::vector<PlotEntry> default_entries() {
    std::vector<std::string> errors;
    auto entries = compute_entries(default_lab_state(), &errors);
    EXPECT_TRUE(errors.empty());
    return entries;
}

inline Figure figure_of(const std::string& id, const std::vector<PlotEntry>& entries) {
    auto figure = build_figure(id, entries, PlotOptions{});
    EXPECT_TRUE(figure.ok()) << (figure.ok() ? "" : figure.error().message);
    return figure.ok() ? figure.value() : Figure{};
}

inline std::string read_file(const fs::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
}

// How many times `needle` occurs in `text`.
inline std::size_t count(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
    return n;
}

// A scratch directory for one test, removed afterwards.
class TempDir {
public:
    explicit TempDir(const std::string& name)
        : path_(fs::temp_directory_path() / ("ropescope_export_" + name + "_" + std::to_string(::getpid()))) {
        fs::remove_all(path_);
        fs::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ignored;
        fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ignored);
        fs::remove_all(path_, ignored);
    }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

// Files in `dir` (names only), sorted.
inline std::vector<std::string> list_dir(const fs::path& dir) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

struct CliRun {
    int exit_code = -1;
    std::string out;
    std::string err;
};

inline std::string shell_quote(const std::string& arg) {
    std::string quoted = "'";
    for (const char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

#ifdef ROPESCOPE_CLI_PATH
// Runs ropescope-cli with `args`; stdout and stderr captured separately.
inline CliRun run_cli(const std::vector<std::string>& args) {
    const fs::path err_path = fs::temp_directory_path() / ("ropescope_export_err_" + std::to_string(::getpid()));
    std::string command = shell_quote(ROPESCOPE_CLI_PATH);
    for (const auto& a : args) command += " " + shell_quote(a);
    command += " 2>" + shell_quote(err_path.string());
    CliRun run;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) return run;
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) run.out.append(buffer, n);
    const int status = ::pclose(pipe);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.err = read_file(err_path);
    fs::remove(err_path);
    return run;
}
#endif

// A minimal XML 1.0 well-formedness check (elements nest and close, attributes quoted and
// unique, entities known, one root). Returns "" if well-formed, else what is wrong and where.
struct XmlStats {
    std::size_t elements = 0;
};
std::string check_xml(const std::string& text, XmlStats* stats = nullptr);

}  // namespace ropescope::test
