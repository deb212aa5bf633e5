// write_file_atomic: temporary file in the target's directory, fsync, rename; never a partial file.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "ropescope/export.h"

namespace ropescope {

namespace {

Error os_error(const std::string& path, const char* what, int error) {
    return Error{path, "cannot write " + path + ": " + what + std::strerror(error) + "."};
}

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

}  // namespace

Status write_file_atomic(const std::string& path, std::string_view bytes) {
    if (path.empty()) return Error{"path", "cannot write: the file name is empty."};
    if (path.back() == '/') return Error{path, "cannot write " + path + ": it names a directory, not a file."};
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode))
        return Error{path, "cannot write " + path + ": it is a directory."};

    std::string temp_name = path + ".tmp-XXXXXX";
    std::vector<char> temp(temp_name.begin(), temp_name.end());
    temp.push_back('\0');
    const int fd = ::mkstemp(temp.data());
    if (fd < 0) {
        const int error = errno;
        return os_error(path, error == ENOENT ? "the directory does not exist: " : "", error);
    }
    temp_name = temp.data();
    const auto fail = [&](const char* what, int error) {
        ::close(fd);
        ::unlink(temp_name.c_str());
        return os_error(path, what, error);
    };
    // mkstemp creates 0600; figures are meant to be shared like any other file.
    if (::fchmod(fd, 0666 & ~current_umask()) != 0) return fail("", errno);

    std::size_t written = 0;
    while (written < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail("", errno);
        }
        written += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) return fail("", errno);
    if (::close(fd) != 0) {
        const int error = errno;
        ::unlink(temp_name.c_str());
        return os_error(path, "", error);
    }
    if (::rename(temp_name.c_str(), path.c_str()) != 0) {
        const int error = errno;
        ::unlink(temp_name.c_str());
        return os_error(path, "", error);
    }
    // Make the rename itself durable.
    const int dir = ::open(directory_of(path).c_str(), O_RDONLY | O_DIRECTORY);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
    return Ok{};
}

}  // namespace ropescope
