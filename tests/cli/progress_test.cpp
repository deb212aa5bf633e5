// Progress of long CLI work on stderr (app/cli/progress.h): the rules with a fake clock, and the
// commands' --progress runs (the closing line on stderr, stdout byte for byte unchanged).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "../common/process.h"
#include "progress.h"

namespace ropescope::cli {
namespace {

// Captures what a Progress writes, with a clock the test moves by hand.
class ProgressCapture {
public:
    ProgressCapture() : stream_(open_memstream(&buffer_, &size_)) {}
    ~ProgressCapture() {
        std::fclose(stream_);
        std::free(buffer_);
    }
    std::FILE* stream() { return stream_; }
    std::string text() {
        std::fflush(stream_);
        return std::string(buffer_, size_);
    }
    double now = 0;
    Progress::Clock clock() {
        return [this] { return now; };
    }

private:
    char* buffer_ = nullptr;
    std::size_t size_ = 0;
    std::FILE* stream_;
};

TEST(Progress, QuickWorkPrintsNothing) {
    for (const bool terminal : {false, true}) {
        ProgressCapture c;
        {
            Progress p("resolution", false, c.stream(), terminal, c.clock());
            c.now = 0.5;
            p.update(0.5, "yarn");
            c.now = 0.9;
            p.done("24 distances");
        }
        EXPECT_EQ(c.text(), "") << "terminal " << terminal;
    }
}

TEST(Progress, OnATerminalOneLineIsRedrawnAfterTheFirstSecond) {
    ProgressCapture c;
    {
        Progress p("resolution", false, c.stream(), true, c.clock());
        c.now = 0.5;
        p.update(0.1, "default");
        EXPECT_EQ(c.text(), "");
        c.now = 1.5;
        p.update(0.25, "linear, method 2 of 4");
        EXPECT_EQ(c.text(), "\r\033[Kresolution: 25%, linear, method 2 of 4 (1.5 s)");
        c.now = 1.55;  // within the redraw interval: skipped
        p.update(0.3);
        c.now = 2.0;
        p.update(0.5);
        c.now = 3.0;
        p.done("24 distances x 4 methods");
    }
    EXPECT_EQ(c.text(), "\r\033[Kresolution: 25%, linear, method 2 of 4 (1.5 s)"
                        "\r\033[Kresolution: 50% (2.0 s)"
                        "\r\033[Kresolution: done, 24 distances x 4 methods (3.0 s)\n");
}

TEST(Progress, EndLineClearsTheTerminalLineBeforeAnError) {
    ProgressCapture c;
    Progress p("export", false, c.stream(), true, c.clock());
    c.now = 2;
    p.update(0.5, "decay");
    p.end_line();
    EXPECT_EQ(c.text(), "\r\033[Kexport: 50%, decay (2.0 s)\r\033[K");
    p.end_line();  // nothing left to clear
    EXPECT_EQ(c.text(), "\r\033[Kexport: 50%, decay (2.0 s)\r\033[K");
}

TEST(Progress, ElsewhereOnlyWhenRequestedFromTheStartAndEveryFewSeconds) {
    {
        ProgressCapture c;  // not a terminal, not requested: a log stays clean however long it runs
        {
            Progress p("export", false, c.stream(), false, c.clock());
            c.now = 30;
            p.update(0.5);
            p.done("12 figures drawn");
        }
        EXPECT_EQ(c.text(), "");
    }
    ProgressCapture c;
    {
        Progress p("export", true, c.stream(), false, c.clock());
        p.update(0, "wavelength");
        c.now = 1;
        p.update(0.2, "scale");  // within the log interval: skipped
        c.now = Progress::kLogIntervalSeconds + 0.5;
        p.update(0.6, "coverage");
        c.now = 7;
        p.done("6 figures drawn");
    }
    EXPECT_EQ(c.text(), "export: 0%, wavelength (0.0 s)\n"
                        "export: 60%, coverage (5.5 s)\n"
                        "export: done, 6 figures drawn (7.0 s)\n");
}

TEST(Progress, RequestedQuickWorkStillGetsItsClosingLine) {
    ProgressCapture c;
    {
        Progress p("search", true, c.stream(), false, c.clock());
        c.now = 0.2;
        p.done("3 generations");
    }
    EXPECT_EQ(c.text(), "search: done, 3 generations (0.2 s)\n");
}

TEST(Progress, FractionsOutsideZeroToOneAreClamped) {
    ProgressCapture c;
    Progress p("x", true, c.stream(), false, c.clock());
    p.update(std::nan(""));
    c.now = 10;
    p.update(7);
    c.now = 20;
    p.update(-1);
    EXPECT_EQ(c.text(), "x: 0% (0.0 s)\nx: 100% (10.0 s)\nx: 0% (20.0 s)\n");
}

// ---- the commands ------------------------------------------------------------------------------

test::ProcessRun cli(std::vector<std::string> args) {
    args.insert(args.begin(), ROPESCOPE_CLI_PATH);
    return test::run_process(args);
}

bool has_line_starting(const std::string& text, const std::string& prefix) {
    return text.rfind(prefix, 0) == 0 || text.find("\n" + prefix) != std::string::npos;
}

TEST(CliProgress, ResolutionReportsOnRequestAndLeavesStdoutAlone) {
    const std::vector<std::string> args = {"resolution", "--method", "default,yarn", "--factor", "4",
                                           "--points", "6", "--max-distance", "4096", "--threads", "1"};
    const auto quiet = cli(args);
    ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
    EXPECT_EQ(quiet.err, "") << "stderr is not a terminal: no progress without --progress";
    auto with_flag = args;
    with_flag.push_back("--progress");
    const auto loud = cli(with_flag);
    ASSERT_EQ(loud.exit_code, 0) << loud.err;
    EXPECT_EQ(loud.out, quiet.out);
    // The first report comes with the first kernel call: a few percent into the first method.
    EXPECT_TRUE(has_line_starting(loud.err, "resolution: ")) << loud.err;
    EXPECT_NE(loud.err.find("%, default, method 1 of 2 ("), std::string::npos) << loud.err;
    EXPECT_TRUE(has_line_starting(loud.err, "resolution: done, 6 distances x 2 methods (")) << loud.err;
}

TEST(CliProgress, ExportAllReportsOnRequest) {
    const std::string dir = ::testing::TempDir() + "ropescope_progress_export_" + std::to_string(::getpid());
    const auto run = cli({"export", "--plot", "all", "--format", "csv", "--out", dir, "--progress"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_TRUE(has_line_starting(run.err, "export: 0%, wavelength")) << run.err;
    EXPECT_TRUE(has_line_starting(run.err, "export: done, ")) << run.err;
    EXPECT_NE(run.out.find("wrote "), std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST(CliProgress, AnimationReportsFramesOnRequest) {
    const std::string out = ::testing::TempDir() + "ropescope_progress_" + std::to_string(::getpid()) + ".gif";
    const auto run = cli({"export", "--plot", "scale", "--animate", "factor=1:4", "--frames", "3", "--size", "320x200",
                          "--out", out, "--progress"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_TRUE(has_line_starting(run.err, "export: done, 3 frames drawn (")) << run.err;
    std::filesystem::remove(out);
}

TEST(CliProgress, AnErrorIsStillTheOnlyLine) {
    const auto run = cli({"resolution", "--method", "yarn", "--factor", "nan", "--progress"});
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_EQ(run.out, "");
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
    EXPECT_EQ(run.err.rfind("error: --factor", 0), 0u) << run.err;
}

}  // namespace
}  // namespace ropescope::cli
