// Runs a program as a user would from a shell, for the tests: argv without a shell, stdout and
// stderr captured separately, optional standard input, a time limit after which the process is
// killed (a hang is reported, never waited out), and how it ended (exit status or signal).
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <string>
#include <vector>

namespace ropescope::test {

struct ProcessRun {
    int exit_code = -1;     // exit status; -1 if it did not exit normally
    int signal = 0;         // the signal that ended it, 0 if none
    bool timed_out = false; // killed after the time limit
    std::string out;
    std::string err;

    // "exit 2", "signal 11 (Segmentation fault)", "timed out": for failure messages.
    std::string how() const {
        if (timed_out) return "timed out";
        if (signal) return "signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
        return "exit " + std::to_string(exit_code);
    }
};

struct ProcessOptions {
    std::string stdin_text;        // written to its standard input (then closed)
    double timeout_seconds = 120;  // killed (SIGKILL) after this long
    std::string working_directory; // "": the test's own
    std::vector<std::string> env;  // extra NAME=VALUE entries
    int send_signal = 0;           // if set, sent once after send_after_seconds (e.g. SIGINT: Ctrl+C)
    double send_after_seconds = 0;
};

inline ProcessRun run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {}) {
    ProcessRun run;
    ::signal(SIGPIPE, SIG_IGN);  // a child that exits before reading its input must not kill the test
    int in_pipe[2], out_pipe[2], err_pipe[2];
    if (::pipe(in_pipe) != 0 || ::pipe(out_pipe) != 0 || ::pipe(err_pipe) != 0) return run;
    const pid_t pid = ::fork();
    if (pid < 0) return run;
    if (pid == 0) {
        ::dup2(in_pipe[0], 0);
        ::dup2(out_pipe[1], 1);
        ::dup2(err_pipe[1], 2);
        for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) ::close(fd);
        if (!options.working_directory.empty() && ::chdir(options.working_directory.c_str()) != 0) ::_exit(127);
        for (const auto& entry : options.env) ::putenv(const_cast<char*>(entry.c_str()));
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    ::close(in_pipe[0]);
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    // Standard input: written as the child reads it (non-blocking), so a large text cannot deadlock.
    int in_fd = in_pipe[1];
    ::fcntl(in_fd, F_SETFL, O_NONBLOCK);
    std::size_t in_written = 0;
    if (options.stdin_text.empty()) {
        ::close(in_fd);
        in_fd = -1;
    }
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::milliseconds(static_cast<long long>(options.timeout_seconds * 1000));
    const auto signal_at = std::chrono::steady_clock::now() +
                           std::chrono::microseconds(static_cast<long long>(options.send_after_seconds * 1e6));
    bool signal_sent = options.send_signal == 0;
    int open_outputs = 2;
    bool out_open = true, err_open = true;
    while (open_outputs > 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            ::kill(pid, SIGKILL);
            run.timed_out = true;
            break;
        }
        if (!signal_sent && std::chrono::steady_clock::now() >= signal_at) {
            ::kill(pid, options.send_signal);
            signal_sent = true;
        }
        pollfd fds[3];
        int n = 0;
        if (out_open) fds[n++] = {out_pipe[0], POLLIN, 0};
        if (err_open) fds[n++] = {err_pipe[0], POLLIN, 0};
        if (in_fd >= 0) fds[n++] = {in_fd, POLLOUT, 0};
        long long wait_ms = std::min<long long>(left.count(), 1000);
        if (!signal_sent)
            wait_ms = std::min<long long>(wait_ms, std::max<long long>(0, std::chrono::duration_cast<std::chrono::milliseconds>(
                                                                              signal_at - std::chrono::steady_clock::now())
                                                                              .count()));
        if (::poll(fds, static_cast<nfds_t>(n), static_cast<int>(wait_ms)) <= 0) continue;
        for (int i = 0; i < n; ++i) {
            if (!fds[i].revents) continue;
            if (fds[i].fd == in_fd) {
                const ssize_t w = ::write(in_fd, options.stdin_text.data() + in_written,
                                          options.stdin_text.size() - in_written);
                if (w > 0) in_written += static_cast<std::size_t>(w);
                if (w < 0 || in_written == options.stdin_text.size()) {
                    ::close(in_fd);
                    in_fd = -1;
                }
                continue;
            }
            char buffer[65536];
            const ssize_t r = ::read(fds[i].fd, buffer, sizeof buffer);
            std::string& sink = fds[i].fd == out_pipe[0] ? run.out : run.err;
            if (r > 0) {
                sink.append(buffer, static_cast<std::size_t>(r));
            } else {
                (fds[i].fd == out_pipe[0] ? out_open : err_open) = false;
                --open_outputs;
            }
        }
    }
    if (in_fd >= 0) ::close(in_fd);
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) run.signal = WTERMSIG(status);
    if (run.timed_out) run.signal = 0;
    return run;
}

// The lines of a text (a last line without '\n' counts).
inline std::vector<std::string> text_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        lines.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return lines;
}

}  // namespace ropescope::test
