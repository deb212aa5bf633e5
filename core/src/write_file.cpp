// Writing output files so that a reader never sees half of one: a temporary file in the target's
// directory, fsync, rename (export.h). Devices and FIFOs are written directly (renaming over
// /dev/null would replace the device node); symlinks are followed to their target. Temporary
// files are registered so that SIGINT/SIGTERM/SIGHUP remove them, and a folder export writes
// every file's temporary first and renames them all at the end, a step the signal handler waits for.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

#include "ropescope/export.h"

namespace ropescope {

namespace {

namespace fs = std::filesystem;

Error os_error(const std::string& path, const char* what, int error) {
    return Error{path, "cannot write " + path + ": " + what + std::strerror(error) + "."};
}

// ---- temporary files removed on a signal ------------------------------------------------------
//
// The handler may run in any thread while another one is creating or renaming temporaries. So that
// it never misses a file being created, nor removes files halfway through a folder's renames, those
// steps run as a FileStep: the handler marks the process as dying, waits until no step is in flight
// (a step that starts after the mark never begins: its thread waits to be terminated), then removes
// every registered temporary and re-raises the signal.

constexpr int kTempSlots = 256;
constexpr std::size_t kTempPathMax = 4096;
struct TempSlot {
    std::atomic<int> state{0};  // 0 free, 1 being claimed, 2 names a (possibly not yet created) temporary
    char path[kTempPathMax];
};
TempSlot g_temp_slots[kTempSlots];

std::atomic<int> g_steps_in_flight{0};
std::atomic<bool> g_dying{false};
thread_local int t_steps_in_this_thread = 0;

// Creating a temporary file, or a folder's renames: never interleaved with the signal cleanup.
class FileStep {
public:
    FileStep() {
        g_steps_in_flight.fetch_add(1);
        ++t_steps_in_this_thread;
        if (g_dying.load()) {
            // Another thread is cleaning up and about to terminate the process: change nothing.
            --t_steps_in_this_thread;
            g_steps_in_flight.fetch_sub(1);
            for (;;) ::pause();
        }
    }
    ~FileStep() {
        --t_steps_in_this_thread;
        g_steps_in_flight.fetch_sub(1);
    }
    FileStep(const FileStep&) = delete;
    FileStep& operator=(const FileStep&) = delete;
};

// Claims a slot holding `pattern`, to be filled in by mkstemp in place (so that the handler knows
// the name as soon as the file exists); -1 if the table is full (the file is then only removed by
// the normal paths).
int claim_temp_slot(const std::string& pattern) {
    if (pattern.size() >= kTempPathMax) return -1;
    for (int i = 0; i < kTempSlots; ++i) {
        int expected = 0;
        if (g_temp_slots[i].state.compare_exchange_strong(expected, 1)) {
            std::memcpy(g_temp_slots[i].path, pattern.c_str(), pattern.size() + 1);
            g_temp_slots[i].state.store(2);
            return i;
        }
    }
    return -1;
}

void unregister_temp(int slot) {
    if (slot >= 0) g_temp_slots[slot].state.store(0);
}

extern "C" void remove_temps_and_reraise(int sig) {
    if (!g_dying.exchange(true)) {
        // Steps of this thread were interrupted by this handler and cannot finish: wait for the others.
        const timespec tick{0, 1000000};
        while (g_steps_in_flight.load() > t_steps_in_this_thread) ::nanosleep(&tick, nullptr);
        for (auto& slot : g_temp_slots)
            if (slot.state.load() == 2) ::unlink(slot.path);
    }
    ::signal(sig, SIG_DFL);
    ::raise(sig);
}

constexpr int kCleanupSignals[] = {SIGINT, SIGTERM, SIGHUP};

// Blocks SIGINT/SIGTERM/SIGHUP in this thread while alive: a folder's renames are one FileStep,
// which the handler could not wait for if it interrupted this very thread.
class SignalHold {
public:
    SignalHold() {
        sigset_t set;
        sigemptyset(&set);
        for (int sig : kCleanupSignals) sigaddset(&set, sig);
        ::pthread_sigmask(SIG_BLOCK, &set, &old_);
    }
    ~SignalHold() { ::pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
    SignalHold(const SignalHold&) = delete;
    SignalHold& operator=(const SignalHold&) = delete;

private:
    sigset_t old_;
};

// ---- paths ------------------------------------------------------------------------------------

// The process umask, read without changing it (umask(2) would race with other threads).
mode_t current_umask() {
    if (FILE* status = std::fopen("/proc/self/status", "r")) {
        char line[256];
        unsigned value = 0;
        bool found = false;
        while (!found && std::fgets(line, sizeof line, status)) found = std::sscanf(line, "Umask: %o", &value) == 1;
        std::fclose(status);
        if (found) return static_cast<mode_t>(value);
    }
    return 022;
}

std::string directory_of(const std::string& path) {
    const auto slash = path.find_last_of('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

// Follows symlinks (a dangling one included) to the path that would really be written.
Result<std::string> follow_links(const std::string& path) {
    std::string current = path;
    for (int hops = 0; hops < 40; ++hops) {
        struct stat info {};
        if (::lstat(current.c_str(), &info) != 0 || !S_ISLNK(info.st_mode)) return current;
        std::vector<char> target(kTempPathMax);
        const ssize_t n = ::readlink(current.c_str(), target.data(), target.size() - 1);
        if (n < 0) return os_error(path, "", errno);
        const std::string link(target.data(), static_cast<std::size_t>(n));
        current = link.front() == '/' ? link : directory_of(current) + "/" + link;
    }
    return os_error(path, "", ELOOP);
}

Status write_all(int fd, std::string_view bytes, const std::string& path) {
    std::size_t written = 0;
    while (written < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n < 0) {
            if (errno == EINTR) continue;
            return os_error(path, "", errno);
        }
        written += static_cast<std::size_t>(n);
    }
    return Ok{};
}

// A character device or a FIFO: written in place, never replaced.
Status write_in_place(const std::string& path, const std::string& shown, bool fifo, std::string_view bytes) {
    // A FIFO nobody reads would block open() forever: O_NONBLOCK makes that ENXIO.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY | (fifo ? O_NONBLOCK : 0));
    if (fd < 0) {
        const int error = errno;
        if (error == ENXIO) return Error{shown, "cannot write " + shown + ": it is a FIFO that no program is reading."};
        return os_error(shown, "", error);
    }
    if (fifo) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    Status status = write_all(fd, bytes, shown);
    if (::close(fd) != 0 && status) status = os_error(shown, "", errno);
    return status;
}

// A written, synced temporary file in the target's directory, registered for signal cleanup.
struct TempFile {
    std::string temp, target, shown;
    int slot = -1;
};

Result<TempFile> write_temp(const std::string& target, const std::string& shown, std::string_view bytes) {
    const std::string pattern = target + ".tmp-" + std::to_string(::getpid()) + "-XXXXXX";
    TempFile file{"", target, shown, -1};
    int fd = -1;
    {
        const FileStep step;
        file.slot = claim_temp_slot(pattern);
        std::vector<char> own(pattern.begin(), pattern.end());
        own.push_back('\0');
        char* name = file.slot >= 0 ? g_temp_slots[file.slot].path : own.data();
        fd = ::mkstemp(name);
        file.temp = name;
    }
    if (fd < 0) {
        const int error = errno;
        unregister_temp(file.slot);
        return os_error(shown, error == ENOENT ? "the directory does not exist: " : "", error);
    }
    const auto fail = [&](Error error) {
        ::close(fd);
        ::unlink(file.temp.c_str());
        unregister_temp(file.slot);
        return error;
    };
    // mkstemp creates 0600; figures are meant to be shared like any other file.
    if (::fchmod(fd, 0666 & ~current_umask()) != 0) return fail(os_error(shown, "", errno));
    if (auto status = write_all(fd, bytes, shown); !status) return fail(status.error());
    if (::fsync(fd) != 0) return fail(os_error(shown, "", errno));
    if (::close(fd) != 0) {
        const int error = errno;
        ::unlink(file.temp.c_str());
        unregister_temp(file.slot);
        return os_error(shown, "", error);
    }
    return file;
}

void discard(const TempFile& file) {
    ::unlink(file.temp.c_str());
    unregister_temp(file.slot);
}

Status commit(const TempFile& file) {
    if (::rename(file.temp.c_str(), file.target.c_str()) != 0) {
        const int error = errno;
        discard(file);
        return os_error(file.shown, "", error);
    }
    unregister_temp(file.slot);
    return Ok{};
}

void sync_directory(const std::string& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

// What is at a target path, after following links.
enum class Target { Missing, Regular, InPlace, Fifo, Directory, Other };
Target target_kind(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) return Target::Missing;
    if (S_ISREG(info.st_mode)) return Target::Regular;
    if (S_ISDIR(info.st_mode)) return Target::Directory;
    if (S_ISCHR(info.st_mode) || S_ISBLK(info.st_mode)) return Target::InPlace;
    if (S_ISFIFO(info.st_mode)) return Target::Fifo;
    return Target::Other;
}

}  // namespace

void remove_temporary_files_on_signals() {
    for (int sig : kCleanupSignals) {
        struct sigaction action {};
        action.sa_handler = remove_temps_and_reraise;
        sigemptyset(&action.sa_mask);
        ::sigaction(sig, &action, nullptr);
    }
}

Status write_file_atomic(const std::string& path, std::string_view bytes) {
    if (path.empty()) return Error{"path", "cannot write: the file name is empty."};
    if (path.back() == '/') return Error{path, "cannot write " + path + ": it names a directory, not a file."};
    auto target = follow_links(path);
    if (!target) return target.error();
    switch (target_kind(*target)) {
        case Target::Directory: return Error{path, "cannot write " + path + ": it is a directory."};
        case Target::Other: return Error{path, "cannot write " + path + ": it is a socket, not a file."};
        case Target::InPlace: return write_in_place(*target, path, false, bytes);
        case Target::Fifo: return write_in_place(*target, path, true, bytes);
        case Target::Missing:
        case Target::Regular: break;
    }
    auto temp = write_temp(*target, path, bytes);
    if (!temp) return temp.error();
    {
        const FileStep step;
        if (auto status = commit(*temp); !status) return status;
    }
    sync_directory(directory_of(*target));  // make the rename itself durable
    return Ok{};
}

int remove_stale_temporaries(const std::string& dir) {
    int removed = 0;
    std::error_code ec;
    const auto now = fs::file_time_type::clock::now();
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        const auto mark = name.rfind(".tmp-");
        if (mark == std::string::npos || mark == 0) continue;
        const std::string tail = name.substr(mark + 5);  // "PID-XXXXXX", or "XXXXXX" (before PIDs were added)
        const auto dash = tail.find('-');
        bool stale = false;
        if (dash != std::string::npos && dash > 0 && tail.size() - dash - 1 == 6 &&
            tail.find_first_not_of("0123456789") == dash) {
            const long pid = std::strtol(tail.substr(0, dash).c_str(), nullptr, 10);
            stale = pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
        } else if (tail.size() == 6 && dash == std::string::npos) {
            std::error_code time_ec;
            const auto age = now - fs::last_write_time(entry.path(), time_ec);
            stale = !time_ec && age > std::chrono::minutes(10);
        }
        if (stale && entry.is_regular_file(ec) && fs::remove(entry.path(), ec)) ++removed;
    }
    return removed;
}

Status write_files_atomic(const std::string& dir, const std::vector<NamedFile>& files) {
    if (dir.empty()) return Error{"path", "cannot write: the folder name is empty."};
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return Error{dir, "cannot create the folder " + dir + ": " + ec.message() + "."};
    if (!fs::is_directory(dir, ec)) return Error{dir, "cannot write into " + dir + ": it is not a folder."};
    remove_stale_temporaries(dir);

    // Check every target before writing anything.
    std::vector<std::string> targets;
    for (const auto& file : files) {
        const std::string shown = (fs::path(dir) / file.name).string();
        auto target = follow_links(shown);
        if (!target) return target.error();
        const Target kind = target_kind(*target);
        if (kind == Target::Directory) return Error{shown, "cannot write " + shown + ": it is a directory."};
        if (kind != Target::Missing && kind != Target::Regular)
            return Error{shown, "cannot write " + shown + ": it is not a regular file (a device, FIFO or socket)."};
        targets.push_back(*target);
    }
    // Every file's temporary first: a failure (or a signal) here leaves the folder as it was.
    std::vector<TempFile> written;
    for (std::size_t i = 0; i < files.size(); ++i) {
        auto temp = write_temp(targets[i], (fs::path(dir) / files[i].name).string(), files[i].bytes);
        if (!temp) {
            for (const auto& t : written) discard(t);
            return temp.error();
        }
        written.push_back(std::move(temp).value());
    }
    // Then all the renames, as one step that a signal waits for.
    Status status = Ok{};
    {
        const SignalHold hold;
        const FileStep step;
        for (const auto& t : written) {
            if (!status) {
                discard(t);
                continue;
            }
            status = commit(t);
        }
    }
    sync_directory(dir);
    return status;
}

}  // namespace ropescope
