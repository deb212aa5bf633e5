// Recomputation off the UI thread: results and figures for a lab state are computed by a worker
// while the frame loop keeps drawing the last ones, so dragging a slider never stalls a frame,
// however slow the figures (the decay curves at L' = 2M are the slowest). Only the newest
// request is computed; older pending ones are dropped.
#pragma once

#include <array>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ropescope/plots.h"
#include "ropescope/state.h"
#include "view_state.h"

namespace ropescope::gui {

// Per-method validation shown under the method list.
struct MethodStatus {
    std::string error;                  // empty if the method computes
    std::vector<std::string> warnings;  // HF-style warnings
};

struct ComputeJob {
    std::uint64_t serial = 0;
    LabState lab;
    std::optional<LabState> pinned;     // compare A (pinned) with B (lab)
    CompareMode compare = CompareMode::SideBySide;
    bool gpu_heatmap = false;           // the screen draws the heatmap on the GPU (informational)
};

struct ComputeResult {
    std::uint64_t serial = 0;
    std::vector<PlotEntry> entries;     // lab ("B" when pinned)
    std::vector<PlotEntry> entries_a;   // pinned (dashed)
    std::string setup_error;            // the rotary setup itself is invalid
    std::array<MethodStatus, kAllMethods.size()> method_status;
    std::map<std::string, Figure> figures;  // by plot id
    double entries_ms = 0, figures_ms = 0;
};

// The figure of plot `id`: the current entries, or A and B side by side / overlaid when pinned
// (a heatmap is always side by side). Pure.
Figure compose_figure(const std::string& id, const std::vector<PlotEntry>& entries,
                      const std::vector<PlotEntry>* pinned, const PlotOptions& options, CompareMode compare);

// Everything for one job (what the worker runs). Pure.
ComputeResult run_compute_job(const ComputeJob& job);

class Computer {
public:
    Computer();
    ~Computer();
    Computer(const Computer&) = delete;
    Computer& operator=(const Computer&) = delete;

    // Queues a job, replacing a pending one that has not started.
    void Submit(ComputeJob job);
    // The newest finished result, if one arrived since the last call.
    std::optional<ComputeResult> Take();
    // Blocks until every submitted job is finished (screenshots).
    void Wait();

private:
    void Run();

    std::mutex mutex_;
    std::condition_variable wake_, idle_;
    std::optional<ComputeJob> pending_;
    std::optional<ComputeResult> done_;
    bool busy_ = false;
    bool stop_ = false;
    std::thread thread_;  // last: starts after the members it uses
};

}  // namespace ropescope::gui
