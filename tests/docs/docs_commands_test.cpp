// Every command that README.md and docs/*.md show in a ```sh (bash, shell, console) block is run,
// so that documentation cannot drift from the program. The conventions:
// - In a block where some lines start with "$ ", only those are commands; the other lines are the
//   output they show. A shown output that starts with "error:" means the command must exit 2 with
//   that line on stderr. Elsewhere, every line is a command and must exit 0.
// - A line ending with "\" continues on the next one; "# ..." after a command is a comment.
// - Commands run in a scratch folder that looks like the repository (symlinks to its top-level
//   entries, build/ pointing at this build, a copy of docs/ so scripts that regenerate docs do not
//   touch the tree), with build/app on PATH, so `ropescope-cli ...` and `build/app/...` both work
//   and relative outputs (figures/, factors.json) land in the scratch folder.
// - A command that configures the build (cmake -S . -B build) runs in the repository itself.
// - scripts/test.sh is what runs this test: it is not run again. scripts/run.sh starts the app, so
//   it runs with --screenshot (one frame, then exit) under xvfb-run.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../common/process.h"

namespace ropescope::test {
namespace {

namespace fs = std::filesystem;

struct DocCommand {
    std::string file;           // e.g. "docs/models.md"
    int line = 0;               // 1-based line of the command's first line
    std::string command;        // as bash runs it
    std::string expected_error; // "" : exit 0; else exit 2 and this line on stderr
};

// How ctest lists a case: where it is and what it runs.
void PrintTo(const DocCommand& c, std::ostream* os) { *os << c.file << ":" << c.line << ": " << c.command; }

std::string trim(const std::string& text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string::npos) return "";
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// Drops a trailing "# comment" (a '#' after whitespace, outside quotes).
std::string strip_comment(const std::string& line) {
    char quote = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quote) {
            if (c == quote) quote = 0;
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
            return trim(line.substr(0, i));
        }
    }
    return trim(line);
}

std::vector<DocCommand> extract_commands(const std::string& file, const std::string& text) {
    std::vector<DocCommand> commands;
    std::istringstream in(text);
    std::vector<std::pair<int, std::string>> block;
    bool in_block = false, runnable = false;
    int number = 0;
    const auto flush = [&] {
        bool prompted = false;
        for (const auto& [n, line] : block) prompted = prompted || line.rfind("$ ", 0) == 0;
        for (std::size_t k = 0; k < block.size(); ++k) {
            std::string line = block[k].second;
            if (prompted) {
                if (line.rfind("$ ", 0) != 0) continue;
                line = line.substr(2);
            }
            DocCommand cmd{file, block[k].first, "", ""};
            std::string joined = line;
            while (!joined.empty() && joined.back() == '\\' && k + 1 < block.size()) {
                joined.pop_back();
                joined += " " + trim(block[++k].second);
            }
            cmd.command = strip_comment(joined);
            if (cmd.command.empty()) continue;
            if (prompted && k + 1 < block.size() && block[k + 1].second.rfind("error:", 0) == 0)
                cmd.expected_error = block[k + 1].second;
            commands.push_back(cmd);
        }
        block.clear();
    };
    for (std::string line; std::getline(in, line);) {
        ++number;
        if (line.rfind("```", 0) == 0) {
            if (in_block) {
                if (runnable) flush();
                block.clear();
                in_block = false;
            } else {
                const std::string lang = trim(line.substr(3));
                runnable = lang == "sh" || lang == "bash" || lang == "shell" || lang == "console";
                in_block = true;
            }
            continue;
        }
        if (in_block && runnable) block.emplace_back(number, line);
    }
    return commands;
}

std::string read_text(const fs::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
}

std::vector<DocCommand> all_doc_commands() {
    const fs::path root = ROPESCOPE_SOURCE_DIR;
    std::vector<fs::path> files = {root / "README.md"};
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(root / "docs", ec))
        if (entry.path().extension() == ".md") files.push_back(entry.path());
    std::sort(files.begin() + 1, files.end());
    std::vector<DocCommand> commands;
    for (const auto& file : files) {
        const auto found = extract_commands(fs::relative(file, root).string(), read_text(file));
        commands.insert(commands.end(), found.begin(), found.end());
    }
    return commands;
}

// A scratch folder that looks like the repository root (see the header comment).
fs::path make_scratch_root(const std::string& name) {
    const fs::path root = ROPESCOPE_SOURCE_DIR;
    const fs::path scratch = fs::temp_directory_path() / ("ropescope_docs_" + name + "_" + std::to_string(::getpid()));
    fs::remove_all(scratch);
    fs::create_directories(scratch);
    for (const auto& entry : fs::directory_iterator(root)) {
        const std::string item = entry.path().filename().string();
        if (item == ".git" || item == "build" || item == "docs" || item.rfind("build", 0) == 0) continue;
        fs::create_symlink(entry.path(), scratch / item);
    }
    fs::create_symlink(ROPESCOPE_BUILD_DIR, scratch / "build");
    fs::copy(root / "docs", scratch / "docs", fs::copy_options::recursive);
    return scratch;
}

std::string test_name(const DocCommand& c) {
    std::string name = c.file + "_line_" + std::to_string(c.line);
    for (char& ch : name)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
    return name;
}

class DocCommands : public ::testing::TestWithParam<DocCommand> {};

TEST_P(DocCommands, RunsAsDocumented) {
    DocCommand c = GetParam();
    if (c.command == "scripts/test.sh" || c.command.rfind("scripts/test.sh ", 0) == 0)
        GTEST_SKIP() << "scripts/test.sh is the command that runs this test";
    const bool starts_app = c.command == "scripts/run.sh" || c.command.rfind("scripts/run.sh ", 0) == 0;
    const fs::path scratch = make_scratch_root(test_name(c));
    if (starts_app) {
        // The app would run until closed: one frame, a screenshot, exit. Xvfb stands in for a display.
        c.command = "xvfb-run -a -s '-screen 0 1280x720x24' " + c.command + " --screenshot " +
                    (scratch / "run.png").string();
    }
    ProcessOptions options;
    options.working_directory = scratch.string();
    // A command that configures the build (cmake -S/-B) must see the real tree: configured from the
    // scratch folder, CMake would repoint the build at a folder that is about to be deleted.
    const bool configures = c.command.find("cmake ") != std::string::npos &&
                            (c.command.find(" -S") != std::string::npos || c.command.find(" -B") != std::string::npos);
    if (configures) options.working_directory = ROPESCOPE_SOURCE_DIR;
    options.timeout_seconds = 900;
    const char* path = std::getenv("PATH");
    options.env.push_back("PATH=" + (scratch / "build" / "app").string() + ":" + (path ? path : "/usr/bin:/bin"));
    const ProcessRun run = run_process({"/bin/bash", "-c", "set -o pipefail; " + c.command}, options);
    SCOPED_TRACE(c.file + ":" + std::to_string(c.line) + ": " + c.command);
    ASSERT_FALSE(run.timed_out) << "no answer within 900 s";
    if (c.expected_error.empty()) {
        EXPECT_EQ(run.exit_code, 0) << run.how() << "\nstderr:\n" << run.err.substr(0, 4000);
    } else {
        EXPECT_EQ(run.exit_code, 2) << run.how() << "\nstderr:\n" << run.err;
        EXPECT_NE(run.err.find(c.expected_error), std::string::npos) << "documented: " << c.expected_error
                                                                    << "\nprinted: " << run.err;
    }
    if (starts_app) {
        EXPECT_TRUE(fs::exists(scratch / "run.png")) << "the app drew no frame";
    }
    std::error_code ignored;
    fs::remove_all(scratch, ignored);
}

INSTANTIATE_TEST_SUITE_P(Docs, DocCommands, ::testing::ValuesIn(all_doc_commands()),
                         [](const ::testing::TestParamInfo<DocCommand>& param) { return test_name(param.param); });

TEST(DocCommandsExtractor, PromptsContinuationsCommentsAndErrors) {
    const std::string text = "intro\n```sh\nbuild/app/ropescope-cli inspect   # the table\n"
                             "ropescope-cli attention --keys 4 \\\n  --threads 1\n```\n"
                             "```text\nnot a command\n```\n"
                             "```sh\n$ ropescope-cli convert --to hf\n{\"rope_theta\": 1}\n"
                             "$ echo \"#x\" | ropescope-cli convert --from - --to hf\nerror: bad.\n```\n";
    const auto commands = extract_commands("doc.md", text);
    ASSERT_EQ(commands.size(), 4u);
    EXPECT_EQ(commands[0].command, "build/app/ropescope-cli inspect");
    EXPECT_EQ(commands[0].line, 3);
    EXPECT_EQ(commands[1].command, "ropescope-cli attention --keys 4  --threads 1");
    EXPECT_EQ(commands[2].command, "ropescope-cli convert --to hf");
    EXPECT_TRUE(commands[2].expected_error.empty());
    EXPECT_EQ(commands[3].command, "echo \"#x\" | ropescope-cli convert --from - --to hf");
    EXPECT_EQ(commands[3].expected_error, "error: bad.");
}

TEST(DocCommandsExtractor, TheDocsShowCommands) {
    // If extraction broke, every parameterised test above would vanish and pass: guard against it.
    const auto commands = all_doc_commands();
    EXPECT_GE(commands.size(), 20u);
    bool readme = false;
    for (const auto& c : commands) readme = readme || c.file == "README.md";
    EXPECT_TRUE(readme);
}

}  // namespace
}  // namespace ropescope::test
