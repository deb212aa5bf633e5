// The attention panel's logic, without ImGui or GL (unit-tested): its settings (saved as
// view.panels.attention), the job they describe, the pure function that runs a job with the core's
// attention kernel, and the worker thread that runs the newest job, reporting progress and
// stopping early when a newer job (or the user) cancels it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "ropescope/attention.h"
#include "ropescope/figure.h"
#include "ropescope/plots.h"

namespace ropescope::gui {

// Slider ranges of the panel (typed values may leave them; the core validates what it runs).
inline constexpr std::int64_t kAttentionMinKeys = 256;
inline constexpr int kLogitQueries = 64;  // heatmap rows: query positions m - 63 .. m
inline constexpr int kLogitKeys = 128;    // heatmap columns: keys around the target

// What the user set. 0 for keys or distance means "automatic" (see resolve_attention).
struct AttentionSettings {
    ContentModel content = ContentModel::Positional;  // --content
    std::int64_t keys = 0;                            // --keys; 0: the target context L' (capped)
    std::int64_t distance = 0;                        // --needle-distance; 0: N / 2
    double query_scale = 1.0;                         // --query-scale
    double noise = 1.0;                               // --noise (needle)
    std::uint64_t seed = 1;                           // --seed (needle)
    PhasePrecision precision = PhasePrecision::Fp64;  // --precision
    int threads = 0;                                  // --threads; 0: all cores
    int window = 64;                                  // --window: weights within this many tokens of the target
    int points = 24;                                  // resolution --points
    std::string heatmap_method;                       // rope_type of the logits heatmap ("": the first method)

    bool operator==(const AttentionSettings&) const = default;
    // Equal as far as the kernel is concerned (the heatmap's method is only a view choice).
    bool SameJob(const AttentionSettings& other) const;
};

// JSON with the CLI flags' names. Reading ignores keys it cannot parse (keeping their defaults)
// and clamps numbers into ranges the UI can show; the kernel's own limits (e.g. N <= 2,097,152)
// are left to the core, whose error the panel shows.
nlohmann::json attention_settings_to_json(const AttentionSettings& settings);
AttentionSettings attention_settings_from_json(const nlohmann::json& json);

// N when settings.keys is automatic: the target context L', within [kAttentionMinKeys, kMaxAttentionKeys].
std::int64_t auto_keys(std::int64_t target_context);
// The kernel options the settings mean for a setup whose target context is `target_context`:
// N keys at 0..N-1, the query at N-1, the target at distance D (automatic: N / 2; an explicit D
// is capped at N - 1), the window, content, precision and threads.
AttentionOptions resolve_attention(const AttentionSettings& settings, std::int64_t target_context);

// A kernel error as the panel shows it: the control's name and its CLI flag first, e.g.
// "Keys N (--keys): 5000000 is out of range; use 1 to 2097152 keys."
std::string attention_error_text(const Error& error);

// One request: the methods' results and the settings (resolved against the setup's L').
struct AttentionJob {
    std::uint64_t serial = 0;
    std::vector<PlotEntry> entries;
    AttentionSettings settings;
    std::int64_t target_context = 0;
    std::string setup_caption;  // e.g. "d=128, rope_theta=10000, L=4096, s=8"
};

// One method's outcome.
struct AttentionMethodRun {
    MethodKind kind = MethodKind::Default;
    std::string label;                     // legend label
    std::optional<AttentionResult> query;  // the window query (with overview bins)
    std::optional<ResolutionCurve> curve;  // resolution against D (the same N)
    std::string error;                     // the core's message, if a step failed
    double query_ms = 0;                   // the query's kernel time
    double resolution_ms = 0;              // sum of the curve's kernel times
};

// The logits heatmap: rows = query positions, columns = key positions, row-major, row 0 = the
// first (lowest) query. Keys after a query (the causal mask) are NaN.
struct LogitGrid {
    MethodKind kind = MethodKind::Default;
    std::vector<std::int64_t> queries, keys;
    std::vector<float> logits;
    std::int64_t target = 0;  // the target key's position
    // Colour range: centre +- spread, centred on the mean logit (the softmax ignores a common
    // shift, so above / below the mean is what decides the weights), spread = the largest deviation.
    float center = 0, spread = 0;
    std::string error;
};

struct AttentionOutput {
    std::uint64_t serial = 0;
    AttentionOptions options;  // resolved
    std::vector<AttentionMethodRun> runs;
    std::vector<LogitGrid> grids;  // one per run (the heatmap shows the selected method's)
    Figure window_figure, resolution_figure;
    bool complete = false;  // false: the queries are done, the curves still running
    bool cancelled = false;
    std::string error;   // a failure that concerns every method (e.g. N out of range)
    double wall_ms = 0;  // the whole job, wall clock
    // From the job's start to its queries' output (every method's weights, heatmaps and the
    // window figure): what a slider drag waits for; the curves come after.
    double queries_ms = 0;
};

// Runs a job: the query and the logits grid for every method, then every method's resolution
// curve. `progress` gets 0..1; `partial` (optional) gets the output once
// the queries are done. Stops early with cancelled = true when *cancel becomes true.
AttentionOutput run_attention_job(const AttentionJob& job, const std::atomic<bool>* cancel,
                                  const std::function<void(double)>& progress,
                                  const std::function<void(const AttentionOutput&)>& partial = {});
// The same with an engine that outlives the job (its threads and tables are reused: what keeps a
// slider drag's jobs at a few milliseconds).
AttentionOutput run_attention_job(const AttentionJob& job, AttentionEngine& engine, const std::atomic<bool>* cancel,
                                  const std::function<void(double)>& progress,
                                  const std::function<void(const AttentionOutput&)>& partial = {});

// The logits heatmap as a figure (the plot widget draws axes and colour bar; export writes it).
Figure logits_figure(const LogitGrid& grid, const std::string& caption);

// Runs jobs on one thread with one engine. Submit cancels the running job: only the newest one
// matters. A job's queries are posted as soon as they are done, even when a newer job is waiting,
// so that the plots follow a slider drag while the curves of each step are cancelled.
class AttentionWorker {
public:
    AttentionWorker();
    ~AttentionWorker();  // cancels and joins
    AttentionWorker(const AttentionWorker&) = delete;
    AttentionWorker& operator=(const AttentionWorker&) = delete;

    // Queues `job`, replacing a pending one and cancelling the running one.
    void Submit(AttentionJob job);
    // Cancels the running job and drops a pending one.
    void Cancel();
    // The newest output (partial or complete) since the last call.
    std::optional<AttentionOutput> Take();
    // Blocks until no job is pending or running.
    void Wait();
    // True while a job is pending or running.
    bool Busy() const;
    // Progress of the running job, 0..1.
    double Progress() const { return progress_.load(); }

private:
    void Run();

    mutable std::mutex mutex_;
    std::condition_variable wake_, idle_;
    std::optional<AttentionJob> pending_;
    std::optional<AttentionOutput> done_;
    std::atomic<bool> cancel_{false};
    std::atomic<double> progress_{0};
    bool busy_ = false;
    bool stop_ = false;
    std::uint64_t posted_serial_ = 0;  // serial of the newest output posted
    AttentionEngine engine_;           // used by the worker thread only
    std::thread thread_;  // last: starts after the members it uses
};

}  // namespace ropescope::gui
