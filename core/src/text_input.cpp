// Bounded reading of user-supplied files and JSON (text_input.h).
#include "ropescope/text_input.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace ropescope {

namespace {

Error input_error(std::string_view field, const std::string& name, const std::string& what) {
    return Error{std::string(field), name + ": " + what};
}

std::string allowed(std::string_view kind, std::size_t max_bytes) {
    return std::string(kind) + " is at most " + byte_size_text(max_bytes) + ".";
}

// Reads fd to the end, at most max_bytes (one more byte read means "too large"); waits for a slow
// writer (FIFO, pipe, terminal) until the deadline.
Result<std::string> read_all(int fd, const std::string& name, std::size_t max_bytes, std::string_view kind,
                             std::string_view field) {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                             std::chrono::duration<double>(kReadTimeoutSeconds));
    std::string text;
    char buffer[65536];
    for (;;) {
        const std::size_t room = max_bytes + 1 - text.size();
        const ssize_t n = ::read(fd, buffer, std::min(sizeof buffer, room));
        if (n > 0) {
            text.append(buffer, static_cast<std::size_t>(n));
            if (text.size() > max_bytes)
                return input_error(field, name, "larger than " + byte_size_text(max_bytes) + "; " + allowed(kind, max_bytes));
            continue;
        }
        if (n == 0) return text;
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            return input_error(field, name, std::string("read error (") + std::strerror(errno) + ").");
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0)
            return input_error(field, name,
                               "it did not end within " + std::to_string(static_cast<int>(kReadTimeoutSeconds)) +
                                   " s (a FIFO or device whose writer does not finish); give " + std::string(kind) + ".");
        pollfd p{fd, POLLIN, 0};
        ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000)));
    }
}

}  // namespace

std::string byte_size_text(std::size_t bytes) {
    if (bytes >= (std::size_t{1} << 20) && bytes % (std::size_t{1} << 20) == 0)
        return std::to_string(bytes >> 20) + " MiB";
    if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes >> 10) + " KiB";
    return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
}

Result<std::string> read_text_fd(int fd, const std::string& name, std::size_t max_bytes, std::string_view kind,
                                 std::string_view field) {
    struct stat info {};
    if (::fstat(fd, &info) != 0)
        return input_error(field, name, std::string("cannot read it (") + std::strerror(errno) + ").");
    if (S_ISDIR(info.st_mode)) return input_error(field, name, "is a directory; give " + std::string(kind) + ".");
    if (S_ISSOCK(info.st_mode)) return input_error(field, name, "is a socket; give " + std::string(kind) + ".");
    if (S_ISREG(info.st_mode) && static_cast<std::uint64_t>(info.st_size) > max_bytes) {
        return input_error(field, name, std::to_string(info.st_size) + " bytes; " + allowed(kind, max_bytes));
    }
    // Non-blocking, so that a FIFO or terminal cannot hold the read past the deadline.
    const int flags = ::fcntl(fd, F_GETFL);
    const bool was_blocking = flags >= 0 && !(flags & O_NONBLOCK);
    if (was_blocking) ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    auto text = read_all(fd, name, max_bytes, kind, field);
    if (was_blocking) ::fcntl(fd, F_SETFL, flags);
    return text;
}

Result<std::string> read_text_file(const std::string& path, std::size_t max_bytes, std::string_view kind,
                                   std::string_view field) {
    if (path.empty()) return Error{std::string(field), std::string(field) + ": empty; give the path of " + std::string(kind) + "."};
    // O_NONBLOCK: opening a FIFO that has no writer must not wait for one.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        const int error = errno;
        if (error == ENOENT) return input_error(field, path, "no such file.");
        if (error == ENXIO) return input_error(field, path, "is a socket or a device that cannot be read; give " + std::string(kind) + ".");
        return input_error(field, path, std::string("cannot open it for reading (") + std::strerror(error) + ").");
    }
    auto text = read_text_fd(fd, path, max_bytes, kind, field);
    ::close(fd);
    return text;
}

Status check_json_depth(std::string_view text, std::string_view field, int max_depth) {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > max_depth)
                return Error{std::string(field), std::string(field) + ": nesting deeper than " + std::to_string(max_depth) +
                                                     " levels; a config or state file is at most a few levels deep."};
        } else if ((c == '}' || c == ']') && depth > 0) {
            --depth;
        }
    }
    return Ok{};
}

namespace {

// Parser messages may quote the offending bytes; keep only printable ASCII in what we show.
std::string printable(std::string text) {
    for (char& c : text)
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) c = '?';
    return text;
}

std::string line_column(std::string_view text, std::size_t byte) {
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < byte && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

}  // namespace

Result<nlohmann::json> parse_json_text(std::string_view text, std::string_view field, int max_depth) {
    const std::string name(field);
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
        return Error{name, name + ": not valid JSON: the text is empty (expected a JSON object)."};
    if (auto depth = check_json_depth(text, field, max_depth); !depth) return depth.error();
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        std::string what = e.what();
        if (const auto pos = what.find("parse error"); pos != std::string::npos) what = printable(what.substr(pos));
        return Error{name, name + ": not valid JSON at " + line_column(text, e.byte > 0 ? e.byte - 1 : 0) + " (" + what + ")."};
    } catch (const nlohmann::json::exception& e) {
        // e.g. out_of_range 406: a number literal too large for a double ("1e999").
        std::string what = e.what();
        if (const auto pos = what.find(']'); pos != std::string::npos) what = printable(what.substr(pos + 2));
        return Error{name, name + ": not valid JSON (" + what + ")."};
    } catch (const std::exception& e) {
        return Error{name, name + ": cannot be read (" + printable(e.what()) + ")."};
    }
}

}  // namespace ropescope
