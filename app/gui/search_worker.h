// The LongRoPE search panel's pure logic (no ImGui, no GL; unit-tested): its settings (saved as
// view.panels.search), and a worker that runs longrope_search on its own thread and publishes a
// snapshot after every generation (progress, the best candidate so far, fitness per generation)
// so the panel can plot the run live. See docs/longrope.md for the search itself.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "ropescope/longrope_search.h"
#include "ropescope/rope_setup.h"

namespace ropescope::gui {

// Which rotary setup the search runs on.
enum class SearchSetupSource {
    Lab,   // the lab's current setup (control panel)
    Phi3,  // Phi-3-mini's: head_dim 96, rope_theta 1e4, L 4096, s 32 (like for like with its published factors)
};

// Everything the panel lets the user choose; saved in the state file as view.panels.search.
struct SearchSettings {
    SearchSetupSource setup = SearchSetupSource::Lab;
    std::uint64_t seed = 1;
    int iterations = 40;
    int population = 64;
    int parents = 32;
    int mutations = 16;
    int crossovers = 16;
    int threads = 0;            // 0: every hardware thread
    FitnessWeights weights;
    bool autostart = false;     // run at start (honoured on the first frame and in --screenshot mode)
};

// Valid ranges (the CLI's): what search_settings_from_json clamps to and the panel offers.
inline constexpr int kSearchMaxIterations = 10000;
inline constexpr int kSearchMinPopulation = 3, kSearchMaxPopulation = 4096;
inline constexpr int kSearchMinParents = 2;
inline constexpr int kSearchMaxChildren = 4096;
inline constexpr int kSearchMaxThreads = 64;
inline constexpr double kSearchMaxWeight = 1e6;

// Phi-3-mini's rotary setup (the published long factors were searched on it).
RopeSetup phi3_setup();
// The setup a search with `settings` runs on, given the lab's current setup.
RopeSetup search_setup(const SearchSettings& settings, const RopeSetup& lab_setup);
// The core's options (without cancel and hooks).
SearchOptions search_options(const SearchSettings& settings);
// Makes the settings valid: every count within its range, parents <= population, weights finite >= 0.
SearchSettings clamp_search_settings(SearchSettings settings);

nlohmann::json search_settings_to_json(const SearchSettings& settings);
// Reads what search_settings_to_json wrote; anything missing or unreadable keeps its default and
// out-of-range values are clamped. Never throws.
SearchSettings search_settings_from_json(const nlohmann::json& json);

// What the worker publishes: a consistent copy of the run so far.
struct SearchSnapshot {
    bool running = false;        // the thread is still searching
    bool finished = false;       // a run ended (completed, cancelled or failed)
    std::string error;           // the search refused its input (validate_search's message)
    RopeSetup setup;             // what the run searches on
    int iterations = 0;          // generations asked for (after generation 0)
    int iteration = -1;          // last completed generation (-1: generation 0 still evaluating)
    double best_fitness = 0;     // best so far
    double elapsed_ms = 0;       // at the last completed generation (or the end)
    // The run as a SearchResult: partial while running (best so far with its terms, fitness per
    // generation, the seeds' terms from generation 0), the core's own result once finished.
    SearchResult result;
    bool has_best = false;       // result.best is a real candidate (generation 0 completed)
    std::uint64_t version = 0;   // bumps on every publish
};

// Runs longrope_search on a thread of its own. Start, poll Version() every frame and take a
// Snapshot() when it changed; Stop() cancels before the next generation. The destructor cancels
// and joins.
class SearchWorker {
public:
    SearchWorker() = default;
    SearchWorker(const SearchWorker&) = delete;
    SearchWorker& operator=(const SearchWorker&) = delete;
    ~SearchWorker();

    // Starts a search on `setup`. options.cancel is replaced by the worker's; options' own
    // on_population and progress hooks, if any, still run (on the worker thread, progress after the
    // snapshot is published). Returns false, and does nothing, while a search is running.
    bool Start(const RopeSetup& setup, SearchOptions options);
    // Asks the running search to stop before its next generation (returns at once).
    void Stop();
    // Blocks until the current search (if any) has ended.
    void Wait();
    bool Running() const { return running_.load(); }
    // Bumps on every published change; cheap to poll.
    std::uint64_t Version() const { return version_.load(); }
    SearchSnapshot Snapshot() const;
    // Wall time since Start, while running (for a live clock between generations).
    double RunningMs() const;

private:
    void Run(RopeSetup setup, SearchOptions options);
    void Publish(const std::function<void(SearchSnapshot&)>& update);

    mutable std::mutex mutex_;
    SearchSnapshot snapshot_;
    std::thread thread_;
    std::atomic<bool> cancel_{false};
    std::atomic<bool> running_{false};
    std::atomic<std::uint64_t> version_{0};
    std::chrono::steady_clock::time_point start_;
};

}  // namespace ropescope::gui
