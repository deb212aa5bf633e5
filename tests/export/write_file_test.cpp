// write_file_atomic: whole files or nothing, errors that name the path and the reason.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
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
    test::TempDir dir("readonly");
    fs::permissions(dir.path(), fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                                    fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
    const std::string path = (dir.path() / "out.svg").string();
    // Root ignores directory permissions: try as the unprivileged user "nobody" in a child process.
    std::string message;
    if (::geteuid() == 0) {
        int pipe_fds[2];
        ASSERT_EQ(::pipe(pipe_fds), 0);
        const pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            ::close(pipe_fds[0]);
            if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(3);
            const Status status = write_file_atomic(path, "data");
            const std::string text = status ? "ok" : status.error().message;
            if (::write(pipe_fds[1], text.data(), text.size()) < 0) ::_exit(4);
            ::_exit(0);
        }
        ::close(pipe_fds[1]);
        char buffer[1024];
        ssize_t n = 0;
        while ((n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0) message.append(buffer, static_cast<std::size_t>(n));
        ::close(pipe_fds[0]);
        int child = 0;
        ::waitpid(pid, &child, 0);
        ASSERT_TRUE(WIFEXITED(child) && WEXITSTATUS(child) == 0) << "child could not become nobody";
    } else {
        const Status status = write_file_atomic(path, "data");
        message = status ? "ok" : status.error().message;
    }
    fs::permissions(dir.path(), fs::perms::owner_all);
    EXPECT_NE(message.find("Permission denied"), std::string::npos) << message;
    EXPECT_NE(message.find(path), std::string::npos) << message;
    EXPECT_TRUE(test::list_dir(dir.path()).empty());
}

TEST(WriteFileAtomic, DevicesAreWrittenInPlaceNeverReplaced) {
    struct stat before {};
    ASSERT_EQ(::stat("/dev/null", &before), 0);
    ASSERT_TRUE(write_file_atomic("/dev/null", "discarded").ok());
    struct stat after {};
    ASSERT_EQ(::stat("/dev/null", &after), 0);
    EXPECT_TRUE(S_ISCHR(after.st_mode));  // still the device, not a regular file
    EXPECT_EQ(before.st_ino, after.st_ino);
    EXPECT_EQ(before.st_rdev, after.st_rdev);
    // A full device reports its error instead of claiming success.
    const Status full = write_file_atomic("/dev/full", "data");
    ASSERT_FALSE(full.ok());
    EXPECT_NE(full.error().message.find("/dev/full"), std::string::npos) << full.error().message;
    EXPECT_NE(full.error().message.find("No space left"), std::string::npos) << full.error().message;
}

TEST(WriteFileAtomic, FifoIsWrittenWhenReadAndRefusedWhenNot) {
    test::TempDir dir("fifo");
    const std::string fifo = (dir.path() / "pipe").string();
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    // Nobody reads it: an error right away, not a hang.
    const Status unread = write_file_atomic(fifo, "data");
    ASSERT_FALSE(unread.ok());
    EXPECT_NE(unread.error().message.find("no program is reading"), std::string::npos) << unread.error().message;
    // A reader gets the bytes, and the FIFO stays a FIFO.
    const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
    ASSERT_GE(reader, 0);
    ASSERT_TRUE(write_file_atomic(fifo, "hello").ok());
    char buffer[16] = {};
    EXPECT_EQ(::read(reader, buffer, sizeof buffer), 5);
    EXPECT_EQ(std::string(buffer, 5), "hello");
    ::close(reader);
    struct stat info {};
    ASSERT_EQ(::stat(fifo.c_str(), &info), 0);
    EXPECT_TRUE(S_ISFIFO(info.st_mode));
    EXPECT_EQ(test::list_dir(dir.path()), (std::vector<std::string>{"pipe"}));
}

TEST(WriteFileAtomic, SymlinksAreFollowedAndKept) {
    test::TempDir dir("symlink");
    fs::create_directories(dir.path() / "real");
    const fs::path target = dir.path() / "real" / "figure.svg";
    const fs::path link = dir.path() / "link.svg";
    const fs::path dangling = dir.path() / "dangling.svg";
    ASSERT_TRUE(write_file_atomic(target.string(), "old").ok());
    fs::create_symlink("real/figure.svg", link);
    fs::create_symlink("real/new.svg", dangling);
    ASSERT_TRUE(write_file_atomic(link.string(), "new").ok());
    EXPECT_TRUE(fs::is_symlink(link));
    EXPECT_EQ(test::read_file(target), "new");
    ASSERT_TRUE(write_file_atomic(dangling.string(), "created").ok());
    EXPECT_TRUE(fs::is_symlink(dangling));
    EXPECT_EQ(test::read_file(dir.path() / "real" / "new.svg"), "created");
    // A loop is an error, not a hang.
    fs::create_symlink("loop_b", dir.path() / "loop_a");
    fs::create_symlink("loop_a", dir.path() / "loop_b");
    const Status loop = write_file_atomic((dir.path() / "loop_a").string(), "x");
    ASSERT_FALSE(loop.ok());
    EXPECT_NE(loop.error().message.find("symbolic links"), std::string::npos) << loop.error().message;
}

TEST(WriteFileAtomic, SignalRemovesTheTemporaryFile) {
    test::TempDir dir("signal");
    const fs::path target = dir.path() / "big.bin";
    ASSERT_TRUE(write_file_atomic(target.string(), "old").ok());
    for (const int sig : {SIGINT, SIGTERM}) {
        const pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            remove_temporary_files_on_signals();
            // Large enough that writing and syncing it takes a while.
            const std::string bytes(std::size_t{128} << 20, 'x');
            write_file_atomic(target.string(), bytes);
            ::_exit(0);
        }
        // Signal the child once its temporary file exists, as Ctrl+C would during an export.
        bool saw_temp = false;
        for (int waited = 0; waited < 60000 && !saw_temp; ++waited) {
            for (const auto& name : test::list_dir(dir.path())) saw_temp = saw_temp || name.find(".tmp-") != std::string::npos;
            if (!saw_temp) ::usleep(1000);
        }
        ::kill(pid, sig);
        int status = 0;
        ::waitpid(pid, &status, 0);
        EXPECT_TRUE(saw_temp);
        // Killed by the signal (or, if the write won the race, finished): never a temporary left.
        for (const auto& name : test::list_dir(dir.path())) EXPECT_EQ(name.find(".tmp-"), std::string::npos) << name;
        if (WIFSIGNALED(status)) {
            EXPECT_EQ(WTERMSIG(status), sig);
            EXPECT_EQ(test::read_file(target), "old");
        }
    }
}

TEST(WriteFilesAtomic, AllOrNothingAndStaleTemporariesRemoved) {
    test::TempDir dir("folder");
    const fs::path out = dir.path() / "figures";
    ASSERT_TRUE(write_files_atomic(out.string(), {{"a.svg", "old a"}, {"README.md", "old readme"}}).ok());
    // A leftover of a killed export (a PID that cannot be alive) and an unrelated file.
    const fs::path stale = out / "b.svg.tmp-999999999-AbC123";
    ASSERT_TRUE(write_file_atomic(stale.string(), "partial").ok());
    ASSERT_TRUE(write_file_atomic((out / "notes.txt").string(), "mine").ok());
    // The second file cannot be written (a directory is in its way): nothing changes.
    fs::create_directories(out / "b.svg");
    const Status blocked = write_files_atomic(out.string(), {{"a.svg", "new a"}, {"b.svg", "new b"}});
    ASSERT_FALSE(blocked.ok());
    EXPECT_NE(blocked.error().message.find("b.svg"), std::string::npos) << blocked.error().message;
    EXPECT_EQ(test::read_file(out / "a.svg"), "old a");
    fs::remove(out / "b.svg");
    ASSERT_TRUE(write_files_atomic(out.string(), {{"a.svg", "new a"}, {"b.svg", "new b"}, {"README.md", "new"}}).ok());
    EXPECT_EQ(test::read_file(out / "a.svg"), "new a");
    EXPECT_EQ(test::read_file(out / "b.svg"), "new b");
    EXPECT_EQ(test::read_file(out / "notes.txt"), "mine");
    EXPECT_EQ(test::list_dir(out), (std::vector<std::string>{"README.md", "a.svg", "b.svg", "notes.txt"}));
    // A temporary of a live process (this one) is left alone.
    const fs::path live = out / ("c.svg.tmp-" + std::to_string(::getpid()) + "-XyZ789");
    ASSERT_TRUE(write_file_atomic(live.string(), "in progress").ok());
    EXPECT_EQ(remove_stale_temporaries(out.string()), 0);
    EXPECT_TRUE(fs::exists(live));
}

}  // namespace
}  // namespace ropescope
