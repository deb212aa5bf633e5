#include "progress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace ropescope::cli {

namespace {

double steady_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// On a terminal, redraws at most this often (a redraw per kernel call would flood slow terminals).
constexpr double kRedrawSeconds = 0.1;

}  // namespace

Progress::Progress(std::string what, bool requested)
    : Progress(std::move(what), requested, stderr, ::isatty(STDERR_FILENO) == 1, steady_seconds) {}

Progress::Progress(std::string what, bool requested, std::FILE* out, bool terminal, Clock clock)
    : what_(std::move(what)), requested_(requested), out_(out), terminal_(terminal), clock_(std::move(clock)),
      start_(clock_()) {}

Progress::~Progress() { end_line(); }

void Progress::end_line() {
    if (!line_open_) return;
    std::fputs("\r\033[K", out_);
    std::fflush(out_);
    line_open_ = false;
}

void Progress::update(double fraction, const std::string& detail) {
    if (!terminal_ && !requested_) return;
    const double now = clock_() - start_;
    if (!requested_ && now < kQuietSeconds) return;
    const double interval = terminal_ ? kRedrawSeconds : kLogIntervalSeconds;
    if (last_shown_ >= 0 && now - last_shown_ < interval) return;
    last_shown_ = now;
    const double percent = std::isfinite(fraction) ? 100.0 * std::clamp(fraction, 0.0, 1.0) : 0.0;
    std::string text = what_ + ": " + std::to_string(static_cast<int>(percent)) + "%";
    if (!detail.empty()) text += ", " + detail;
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, " (%.1f s)", now);
    text += seconds;
    if (terminal_) {
        std::fprintf(out_, "\r\033[K%s", text.c_str());
        line_open_ = true;
    } else {
        std::fprintf(out_, "%s\n", text.c_str());
    }
    std::fflush(out_);
}

void Progress::done(const std::string& summary) {
    const bool shown = last_shown_ >= 0;
    end_line();
    if (!shown && !requested_) return;
    std::fprintf(out_, "%s: done, %s (%.1f s)\n", what_.c_str(), summary.c_str(), clock_() - start_);
    std::fflush(out_);
    last_shown_ = -1;
}

}  // namespace ropescope::cli
