// Every command that README.md and docs/*.md show in a ```sh (bash, shell, console) block is run,
// so that documentation cannot drift from the program. The conventions:
// - In a block where some lines start with "$ ", only those are commands; the other lines are the
//   output they show. A shown output that starts with "error:" means the command must exit 2 with
//   that line on stderr. Elsewhere, every line is a command and must exit 0.
// - A line ending with "\" continues on the next one; "# ..." after a command is a comment.
// - The commands of one block are one test: they run in order in the same scratch folder, so a
//   block can train a model on one line and evaluate it on the next.
// - Commands run in a scratch folder that looks like the repository (symlinks to its top-level
//   entries, build/ pointing at this build, a copy of docs/ so scripts that regenerate docs do not
//   touch the tree), with build/app on PATH, so `ropescope-cli ...` and `build/app/...` both work
//   and relative outputs (figures/, factors.json) land in the scratch folder.
// - A command that configures the build (cmake -S . -B build) runs in the repository itself.
// - scripts/test.sh is what runs this test: it is not run again. scripts/run.sh starts the app, so
//   it runs with --screenshot (one frame, then exit) on a virtual display (scripts/xvfb.sh).
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

// One fenced block: its commands run in order in one scratch folder.
struct DocBlock {
    std::string file;
    int line = 0;  // 1-based line of the first command
    std::vector<DocCommand> commands;
};

// How ctest lists a case: where it is and what it runs.
void PrintTo(const DocBlock& b, std::ostream* os) {
    *os << b.file << ":" << b.line << ":";
    for (const auto& c : b.commands) *os << " " << c.command << (&c == &b.commands.back() ? "" : ";");
}

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

std::vector<DocBlock> extract_blocks(const std::string& file, const std::string& text) {
    std::vector<DocBlock> blocks;
    std::istringstream in(text);
    std::vector<std::pair<int, std::string>> block;
    bool in_block = false, runnable = false;
    int number = 0;
    const auto flush = [&] {
        bool prompted = false;
        for (const auto& [n, line] : block) prompted = prompted || line.rfind("$ ", 0) == 0;
        DocBlock found{file, 0, {}};
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
            if (found.commands.empty()) found.line = cmd.line;
            found.commands.push_back(cmd);
        }
        if (!found.commands.empty()) blocks.push_back(found);
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
    return blocks;
}

std::string read_text(const fs::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
}

std::vector<DocBlock> all_doc_blocks() {
    const fs::path root = ROPESCOPE_SOURCE_DIR;
    std::vector<fs::path> files = {root / "README.md"};
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(root / "docs", ec))
        if (entry.path().extension() == ".md") files.push_back(entry.path());
    std::sort(files.begin() + 1, files.end());
    std::vector<DocBlock> blocks;
    for (const auto& file : files) {
        const auto found = extract_blocks(fs::relative(file, root).string(), read_text(file));
        blocks.insert(blocks.end(), found.begin(), found.end());
    }
    return blocks;
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

std::string test_name(const DocBlock& b) {
    std::string name = b.file + "_line_" + std::to_string(b.line);
    for (char& ch : name)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
    return name;
}

bool is_command(const std::string& command, const std::string& script) {
    return command == script || command.rfind(script + " ", 0) == 0;
}

// Runs one documented command in the scratch folder and checks its exit status and error line.
void run_documented(DocCommand c, const fs::path& scratch) {
    const bool starts_app = is_command(c.command, "scripts/run.sh");
    const fs::path screenshot = scratch / ("run-" + std::to_string(c.line) + ".png");
    if (starts_app) {
        // The app would run until closed: one frame, a screenshot, exit. Xvfb stands in for a display.
        c.command = "scripts/xvfb.sh -s 1280x720 " + c.command + " --screenshot " + screenshot.string();
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
        EXPECT_EQ(run.exit_code, 0) << run.how() << "\nstderr:\n" << run.err.substr(0, 4000) << "\nstdout (end):\n"
                                    << run.out.substr(run.out.size() > 2000 ? run.out.size() - 2000 : 0);
    } else {
        EXPECT_EQ(run.exit_code, 2) << run.how() << "\nstderr:\n" << run.err;
        EXPECT_NE(run.err.find(c.expected_error), std::string::npos) << "documented: " << c.expected_error
                                                                    << "\nprinted: " << run.err;
    }
    if (starts_app) {
        EXPECT_TRUE(fs::exists(screenshot)) << "the app drew no frame";
    }
}

class DocCommands : public ::testing::TestWithParam<DocBlock> {};

TEST_P(DocCommands, RunsAsDocumented) {
    const DocBlock& block = GetParam();
    const fs::path scratch = make_scratch_root(test_name(block));
    for (const DocCommand& c : block.commands) {
        // scripts/test.sh is the command that runs this test.
        if (is_command(c.command, "scripts/test.sh")) continue;
        run_documented(c, scratch);
        // A later line of the block may use what this one made: stop at the first failure.
        if (HasFailure()) break;
    }
    std::error_code ignored;
    fs::remove_all(scratch, ignored);
}

INSTANTIATE_TEST_SUITE_P(Docs, DocCommands, ::testing::ValuesIn(all_doc_blocks()),
                         [](const ::testing::TestParamInfo<DocBlock>& param) { return test_name(param.param); });

TEST(DocCommandsExtractor, PromptsContinuationsCommentsAndErrors) {
    const std::string text = "intro\n```sh\nbuild/app/ropescope-cli inspect   # the table\n"
                             "ropescope-cli attention --keys 4 \\\n  --threads 1\n```\n"
                             "```text\nnot a command\n```\n"
                             "```sh\n$ ropescope-cli convert --to hf\n{\"rope_theta\": 1}\n"
                             "$ echo \"#x\" | ropescope-cli convert --from - --to hf\nerror: bad.\n```\n";
    const auto blocks = extract_blocks("doc.md", text);
    ASSERT_EQ(blocks.size(), 2u);
    EXPECT_EQ(blocks[0].line, 3);
    EXPECT_EQ(blocks[1].line, 11);
    std::vector<DocCommand> commands = blocks[0].commands;
    commands.insert(commands.end(), blocks[1].commands.begin(), blocks[1].commands.end());
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
    const auto blocks = all_doc_blocks();
    std::size_t commands = 0;
    bool readme = false;
    for (const auto& b : blocks) {
        commands += b.commands.size();
        readme = readme || b.file == "README.md";
    }
    EXPECT_GE(commands, 20u);
    EXPECT_TRUE(readme);
}

}  // namespace
}  // namespace ropescope::test
