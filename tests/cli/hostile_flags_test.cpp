// Every numeric flag of every command, fed what a careless or hostile user types: NaN, inf, -inf,
// 0, a negative, a subnormal, 1e308 and 2^63. The flags are read from each command's --help (so a
// new flag is covered the day it is documented). Each run must end by itself with exit 2, one
// line on stderr that names the flag, and nothing on stdout; or, for the few values a flag really
// accepts (listed below with the reason), exit 0.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "../common/process.h"

namespace ropescope::test {
namespace {

namespace fs = std::filesystem;

// Metavariables that stand for a number in the commands' --help.
const std::set<std::string> kNumericMetavars = {"N", "X", "S", "B", "L", "F", "P", "M", "D", "T", "K", "R"};
// Flags whose value is a comma-separated list of numbers.
const std::set<std::string> kListMetavars = {"A,B,.."};

const std::vector<std::string> kHostileValues = {"nan", "inf", "-inf", "0", "-1", "1e-310", "1e308",
                                                 "9223372036854775808"};

// A command and the arguments that make it quick and valid before the flag under test is added
// (a later --flag replaces an earlier one).
struct Command {
    std::string name;
    std::vector<std::string> base;
};

std::vector<Command> commands(const fs::path& scratch) {
    return {
        {"inspect", {}},
        {"decay", {"--points", "16"}},
        {"export", {"--plot", "scale", "--format", "svg", "--out", (scratch / "x.svg").string()}},
        {"convert", {"--to", "hf"}},
        {"attention", {"--keys", "256", "--threads", "1"}},
        {"resolution", {"--points", "4", "--max-distance", "255", "--threads", "1"}},
        {"search", {"--head-dim", "16", "--iterations", "1", "--population", "4", "--parents", "2", "--mutations", "1",
                    "--crossovers", "1", "--threads", "1", "--out", (scratch / "f.json").string()}},
    };
}

// Values a flag legitimately accepts (the run must then succeed), and why.
const std::map<std::string, std::set<std::string>>& accepted() {
    static const std::map<std::string, std::set<std::string>> table = {
        // 0 is a seed like any other.
        {"seed", {"0"}},
        // Positions start at 0; n_hat = 0 means no position keeps the original angle.
        {"first-key", {"0"}},
        {"n-hat", {"0"}},
        // DeepSeek's mscale and mscale_all_dim: 0 (and anything >= 0) is HF's "no scaling".
        {"mscale", {"0", "1e-310"}},
        {"mscale-all-dim", {"0", "1e-310"}},
        // ntk_by_parts alpha: rotations in L, >= 0.
        {"alpha", {"0", "1e-310"}},
        // Needle distractors: standard deviation >= 0 (0: no distractor content).
        {"noise", {"0", "1e-310"}},
        // An inverse temperature > 0: a tiny one gives uniform weights, which is a valid demo.
        {"query-scale", {"1e-310"}},
        // YaRN ramp ends in rotations, > 0: a tiny beta only moves the clamped correction range.
        {"beta-slow", {"1e-310"}},
        {"beta-fast", {"1e-310"}},
        // Llama 3 band edges > 0 (a tiny one puts every wavelength in one band).
        {"low-freq-factor", {"1e-310"}},
        {"high-freq-factor", {"1e-310"}},
        // The window of returned weights may be empty.
        {"window", {"0"}},
        // D = 0: the target is the query's own key.
        {"needle-distance", {"0"}},
        // The LongRoPE search: no generations evaluates the seeds only; an operator or a fitness
        // term may be switched off (weight 0, or as good as 0).
        {"iterations", {"0"}},
        {"mutations", {"0"}},
        {"crossovers", {"0"}},
        {"weight-range", {"0", "1e-310"}},
        {"weight-fidelity", {"0", "1e-310"}},
        {"weight-width", {"0", "1e-310"}},
    };
    return table;
}

struct NumericFlag {
    std::string name;  // without "--"
    bool list = false;
};

// Every "--name METAVAR" pair in a command's help whose metavariable is numeric.
std::vector<NumericFlag> numeric_flags(const std::string& help) {
    std::vector<NumericFlag> flags;
    std::set<std::string> seen;
    const std::regex option(R"(--([a-z0-9-]+) ([A-Z][A-Za-z0-9,.]*))");
    for (auto it = std::sregex_iterator(help.begin(), help.end(), option); it != std::sregex_iterator(); ++it) {
        const std::string name = (*it)[1], metavar = (*it)[2];
        const bool list = kListMetavars.count(metavar) > 0;
        if ((kNumericMetavars.count(metavar) || list) && seen.insert(name).second) flags.push_back({name, list});
    }
    return flags;
}

class HostileFlags : public ::testing::TestWithParam<std::string> {};

TEST_P(HostileFlags, EveryNumericFlagRefusesNonsenseWithOneClearLine) {
    const fs::path scratch = fs::temp_directory_path() / ("ropescope_hostile_" + GetParam() + "_" + std::to_string(::getpid()));
    fs::create_directories(scratch);
    Command command;
    for (const auto& c : commands(scratch))
        if (c.name == GetParam()) command = c;
    ASSERT_FALSE(command.name.empty());

    const ProcessRun help = run_process({ROPESCOPE_CLI_PATH, command.name, "--help"});
    ASSERT_EQ(help.exit_code, 0) << help.err;
    const auto flags = numeric_flags(help.out);
    // The help parser must find the flags every such command has (else this test checks nothing).
    std::set<std::string> names;
    for (const auto& f : flags) names.insert(f.name);
    for (const char* expected : {"head-dim", "factor"}) EXPECT_TRUE(names.count(expected)) << expected << " in\n" << help.out;
    ASSERT_GE(flags.size(), 4u) << help.out;

    // The base arguments alone must succeed, or every refusal below would prove nothing.
    std::vector<std::string> base_argv = {ROPESCOPE_CLI_PATH, command.name};
    base_argv.insert(base_argv.end(), command.base.begin(), command.base.end());
    const ProcessRun base = run_process(base_argv);
    ASSERT_EQ(base.exit_code, 0) << base.how() << "\n" << base.err;

    int runs = 0;
    for (const auto& flag : flags) {
        for (const auto& value : kHostileValues) {
            std::vector<std::string> argv = base_argv;
            argv.push_back("--" + flag.name);
            argv.push_back(value);
            const ProcessRun run = run_process(argv);
            ++runs;
            const std::string what = command.name + " --" + flag.name + " " + value;
            // A hang is a failure, never a wait (120 s is far beyond any of these runs).
            ASSERT_FALSE(run.timed_out) << what << ": no answer within 120 s";
            ASSERT_EQ(run.signal, 0) << what << ": " << run.how() << "\n" << run.err;
            const auto it = accepted().find(flag.name);
            const bool may_accept = it != accepted().end() && it->second.count(value);
            if (may_accept) {
                EXPECT_EQ(run.exit_code, 0) << what << " should be accepted:\n" << run.err;
                continue;
            }
            EXPECT_EQ(run.exit_code, 2) << what << ": " << run.how() << " (accepted silently?)\n" << run.err;
            EXPECT_TRUE(run.out.empty()) << what << ": printed on stdout:\n" << run.out.substr(0, 300);
            const auto lines = text_lines(run.err);
            EXPECT_EQ(lines.size(), 1u) << what << ": stderr should be one line:\n" << run.err;
            EXPECT_NE(run.err.find("--" + flag.name), std::string::npos)
                << what << ": the message should name --" << flag.name << ":\n" << run.err;
        }
    }
    EXPECT_EQ(runs, static_cast<int>(flags.size() * kHostileValues.size()));
    std::error_code ignored;
    fs::remove_all(scratch, ignored);
}

INSTANTIATE_TEST_SUITE_P(Commands, HostileFlags,
                         ::testing::Values("inspect", "decay", "export", "convert", "attention", "resolution", "search"),
                         [](const ::testing::TestParamInfo<std::string>& param) { return param.param; });

}  // namespace
}  // namespace ropescope::test
