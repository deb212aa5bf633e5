// write_file_atomic: whole files or nothing, errors that name the path and the reason.
#include <unistd.h>

#include "export_test_util.h"
#include "ropescope/export.h"

namespace ropescope {
namespace {

namespace fs = std::filesystem;

TEST(WriteFileAtomic, WritesAndReplacesWithoutLeftovers) {
    test::TempDir dir("write");
    const std::string path = (dir.path() / "out.txt").string();
    ASSERT_TRUE(write_file_atomic(path, "first").ok());
    EXPECT_EQ(test::read_file(path), "first");
    const std::string big(3 << 20, 'x');
    ASSERT_TRUE(write_file_atomic(path, big).ok());
    EXPECT_EQ(test::read_file(path), big);
    ASSERT_TRUE(write_file_atomic(path, "").ok());
    EXPECT_EQ(test::read_file(path), "");
    EXPECT_EQ(test::list_dir(dir.path()), (std::vector<std::string>{"out.txt"}));
    // Readable by others, like any file the user creates (umask permitting).
    EXPECT_NE(fs::status(path).permissions() & fs::perms::owner_read, fs::perms::none);
}

TEST(WriteFileAtomic, RelativePath) {
    test::TempDir dir("relative");
    const fs::path old = fs::current_path();
    fs::current_path(dir.path());
    const Status status = write_file_atomic("here.txt", "ok");
    fs::current_path(old);
    ASSERT_TRUE(status.ok());
    EXPECT_EQ(test::read_file(dir.path() / "here.txt"), "ok");
}

TEST(WriteFileAtomic, FailuresNameThePathAndLeaveNothing) {
    test::TempDir dir("fail");
    const fs::path file = dir.path() / "regular";
    ASSERT_TRUE(write_file_atomic(file.string(), "keep").ok());
    struct Case {
        std::string path;
        std::string reason;
    };
    const std::vector<Case> cases = {
        {"/proc/ropescope/out.svg", ""},
        {(file / "out.svg").string(), "Not a directory"},
        {(dir.path() / "missing" / "out.svg").string(), "No such file or directory"},
        {dir.path().string(), "directory"},
        {(dir.path() / "sub/").string(), "directory"},
        {"", "empty"},
    };
    for (const auto& c : cases) {
        const Status status = write_file_atomic(c.path, "data");
        ASSERT_FALSE(status.ok()) << c.path;
        EXPECT_NE(status.error().message.find(c.path), std::string::npos) << status.error().message;
        EXPECT_NE(status.error().message.find(c.reason), std::string::npos) << status.error().message;
    }
    EXPECT_EQ(test::list_dir(dir.path()), (std::vector<std::string>{"regular"}));
    EXPECT_EQ(test::read_file(file), "keep");
}

TEST(WriteFileAtomic, ReadOnlyDirectory) {
    if (::geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
    test::TempDir dir("readonly");
    fs::permissions(dir.path(), fs::perms::owner_read | fs::perms::owner_exec);
    const Status status = write_file_atomic((dir.path() / "out.svg").string(), "data");
    fs::permissions(dir.path(), fs::perms::owner_all);
    ASSERT_FALSE(status.ok());
    EXPECT_NE(status.error().message.find("Permission denied"), std::string::npos) << status.error().message;
    EXPECT_TRUE(test::list_dir(dir.path()).empty());
}

}  // namespace
}  // namespace ropescope
