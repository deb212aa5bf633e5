// `export --plot all` interrupted (Ctrl+C, kill) at any moment leaves the folder either as it was
// or wholly new, and never a temporary file behind.
#include <signal.h>

#include <map>

#include "../common/process.h"
#include "export_test_util.h"

namespace ropescope {
namespace {

namespace fs = std::filesystem;

std::map<std::string, std::string> folder_contents(const fs::path& dir) {
    std::map<std::string, std::string> files;
    for (const auto& name : test::list_dir(dir)) files[name] = test::read_file(dir / name);
    return files;
}

std::vector<std::string> export_all(const fs::path& out, const std::string& factor) {
    return {ROPESCOPE_CLI_PATH, "export", "--plot", "all", "--format", "png", "--factor", factor, "--out", out.string()};
}

TEST(CliExportInterrupted, FolderIsAllOldOrAllNewAndNoTemporariesRemain) {
    test::TempDir dir("interrupt");
    // The two complete exports every interrupted one must equal (old: s = 2, new: s = 4).
    const fs::path old_ref = dir.path() / "old", new_ref = dir.path() / "new";
    ASSERT_EQ(test::run_process(export_all(old_ref, "2")).exit_code, 0);
    ASSERT_EQ(test::run_process(export_all(new_ref, "4")).exit_code, 0);
    const auto old_files = folder_contents(old_ref), new_files = folder_contents(new_ref);
    ASSERT_EQ(old_files.size(), new_files.size());
    ASSERT_GE(old_files.size(), 8u);

    // Interrupt a re-export over the old one at many moments, with each signal.
    int runs = 0;
    for (const int sig : {SIGINT, SIGTERM, SIGKILL}) {
        for (const double delay : {0.0, 0.05, 0.2, 0.5, 1.0}) {
            const fs::path out = dir.path() / ("run" + std::to_string(runs++));
            fs::copy(old_ref, out);
            test::ProcessOptions options;
            options.send_signal = sig;
            options.send_after_seconds = delay;
            const auto run = test::run_process(export_all(out, "4"), options);
            SCOPED_TRACE("signal " + std::to_string(sig) + " after " + std::to_string(delay) + " s: " + run.how());
            ASSERT_FALSE(run.timed_out);
            // SIGKILL cannot be caught: its temporaries are removed by the next export into the folder.
            if (sig == SIGKILL) {
                ASSERT_EQ(test::run_process(export_all(out, "2")).exit_code, 0);
                EXPECT_EQ(folder_contents(out), old_files);
                continue;
            }
            const auto now = folder_contents(out);
            for (const auto& [name, bytes] : now)
                EXPECT_EQ(name.find(".tmp-"), std::string::npos) << "left behind: " << name;
            EXPECT_TRUE(now == old_files || now == new_files) << "a mix of the old and the new export";
        }
    }
}

}  // namespace
}  // namespace ropescope
