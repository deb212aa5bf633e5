#include "compute.h"

#include <algorithm>
#include <chrono>
#include <exception>

#include "ropescope/validate.h"
#include "ui_wake.h"

namespace ropescope::gui {

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Per-method errors (compute_entries prefixes them with the method name) and warnings; an
// error of the setup itself is reported once, under the setup.
void fill_status(const LabState& lab, const std::vector<std::string>& errors, ComputeResult& out) {
    std::vector<std::string> setup_warnings;
    if (auto status = validate(lab.setup, DefaultMethod{}, &setup_warnings); !status)
        out.setup_error = status.error().message;
    for (const auto& error : errors) {
        bool matched = false;
        for (const MethodKind kind : kAllMethods) {
            const std::string prefix = std::string(method_name(kind)) + ": ";
            if (error.rfind(prefix, 0) != 0) continue;
            const std::string message = error.substr(prefix.size());
            if (message != out.setup_error) out.method_status[static_cast<std::size_t>(kind)].error = message;
            matched = true;
            break;
        }
        if (!matched && error != out.setup_error) out.setup_error += (out.setup_error.empty() ? "" : "\n") + error;
    }
    bool first = true;
    for (const auto& entry : out.entries) {
        auto& warnings = out.method_status[static_cast<std::size_t>(entry.result.kind)].warnings;
        for (const auto& w : entry.result.warnings) {
            const bool shared = std::find(setup_warnings.begin(), setup_warnings.end(), w) != setup_warnings.end();
            if (!shared || first) warnings.push_back(w);  // setup warnings once, under the first method
        }
        first = false;
    }
}

}  // namespace

Figure compose_figure(const std::string& id, const std::vector<PlotEntry>& entries,
                      const std::vector<PlotEntry>* pinned, const PlotOptions& options, CompareMode compare) {
    auto current = build_figure(id, entries, options);
    if (!current) {
        Figure figure;
        figure.id = id;
        figure.title = current.error().message;
        return figure;
    }
    if (!pinned) return std::move(current).value();
    auto a = build_figure(id, *pinned, options);
    if (!a) return std::move(current).value();
    if (compare == CompareMode::SideBySide || id == "heatmap") return side_by_side(*a, *current);
    return overlay(*a, *current);
}

ComputeResult run_compute_job(const ComputeJob& job) {
    ComputeResult out;
    out.serial = job.serial;
    const auto start = Clock::now();
    std::vector<std::string> errors;
    out.entries = compute_entries(job.lab, &errors);
    fill_status(job.lab, errors, out);
    if (job.pinned) {
        out.entries_a = compute_entries(*job.pinned, nullptr);
        for (auto& entry : out.entries_a) entry.style = LineStyle::Dashed;
    }
    out.entries_ms = ms_since(start);

    const auto figures_start = Clock::now();
    // The same options as the exports (the heatmap's axis range depends on its column count),
    // even where the GPU draws the heatmap itself: screen and files show one figure.
    const PlotOptions& options = job.lab.plot;
    for (const auto& id : plot_ids())
        out.figures[id] = compose_figure(id, out.entries, job.pinned ? &out.entries_a : nullptr, options, job.compare);
    // Nothing computes because the setup itself is invalid (e.g. factor 0): every plot says why,
    // instead of "no method enabled".
    if (out.entries.empty() && !out.setup_error.empty())
        for (auto& [id, figure] : out.figures) {
            figure.caption = "Nothing to plot: " + out.setup_error;
            for (auto& panel : figure.panels) {
                const auto at = panel.title.find("(no method enabled)");
                if (at != std::string::npos) panel.title.replace(at, std::string("(no method enabled)").size(), "(nothing to plot)");
            }
        }
    out.figures_ms = ms_since(figures_start);
    return out;
}

Computer::Computer() : thread_([this] { Run(); }) {}

Computer::~Computer() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void Computer::Submit(ComputeJob job) {
    {
        std::lock_guard lock(mutex_);
        pending_ = std::move(job);
    }
    wake_.notify_one();
}

std::optional<ComputeResult> Computer::Take() {
    std::lock_guard lock(mutex_);
    std::optional<ComputeResult> out = std::move(done_);
    done_.reset();
    return out;
}

void Computer::Wait() {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [this] { return !pending_ && !busy_; });
}

void Computer::Run() {
    for (;;) {
        ComputeJob job;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stop_ || pending_.has_value(); });
            if (stop_) return;
            job = std::move(*pending_);
            pending_.reset();
            busy_ = true;
        }
        ComputeResult result;
        try {
            result = run_compute_job(job);  // the core returns errors as values; this guards the rest
        } catch (const std::exception& e) {
            result = ComputeResult{};
            result.serial = job.serial;
            result.setup_error = std::string("internal error while computing: ") + e.what();
        }
        {
            std::lock_guard lock(mutex_);
            done_ = std::move(result);
            busy_ = false;
        }
        idle_.notify_all();
        wake_ui();
    }
}

}  // namespace ropescope::gui
