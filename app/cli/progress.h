// Progress of long CLI work (resolution curves, searches, exports) on stderr, so that a run of
// minutes never looks hung. Quiet during the first second, so quick runs print nothing; then, on
// a terminal, one line redrawn in place; elsewhere (a log, a pipe) only with --progress, one line
// every few seconds. done() prints the closing line. Output on stdout is never touched.
#pragma once

#include <chrono>
#include <cstdio>
#include <functional>
#include <string>

namespace ropescope::cli {

class Progress {
public:
    using Clock = std::function<double()>;  // seconds since some fixed moment

    // `what` names the work ("resolution"); `requested` is --progress (report wherever stderr
    // goes, from the start, and always print the closing line).
    Progress(std::string what, bool requested);
    // For tests: an explicit stream, terminal-or-not and clock.
    Progress(std::string what, bool requested, std::FILE* out, bool terminal, Clock clock);
    ~Progress();  // end_line()
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    // `fraction` of the work is done (0..1); `detail` says what is being done ("yarn, 2 of 3").
    void update(double fraction, const std::string& detail = {});
    // The work finished: "WHAT: done, SUMMARY (T s)" when anything was shown or --progress was given.
    void done(const std::string& summary);

    // Seconds of quiet before the first report, and between two lines when not on a terminal.
    static constexpr double kQuietSeconds = 1.0;
    static constexpr double kLogIntervalSeconds = 5.0;

    // Erases an in-place line from the terminal: call it before printing an error.
    void end_line();

private:

    std::string what_;
    bool requested_;
    std::FILE* out_;
    bool terminal_;
    Clock clock_;
    double start_;
    double last_shown_ = -1;  // when the last report was shown; < 0: none yet
    bool line_open_ = false;  // an in-place line is on the terminal
};

}  // namespace ropescope::cli
