// The attention panel's pure logic: its settings file, the options the settings resolve to, the
// job runner against the core called directly, and the worker's cancel and "newest only" rules.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <thread>

#include "attention_worker.h"
#include "ropescope/state.h"

namespace ropescope::gui {
namespace {

using Clock = std::chrono::steady_clock;

// Default RoPE and YaRN on the default setup (d = 128, L = 4096, s = 8: L' = 32768).
std::vector<PlotEntry> two_methods() {
    LabState lab = default_lab_state();
    for (auto& slot : lab.methods) slot.enabled = false;
    slot(lab, MethodKind::Default).enabled = true;
    slot(lab, MethodKind::Yarn).enabled = true;
    std::vector<std::string> errors;
    auto entries = compute_entries(lab, &errors);
    EXPECT_TRUE(errors.empty());
    return entries;
}

AttentionJob job_for(std::vector<PlotEntry> entries, AttentionSettings settings, std::uint64_t serial = 1) {
    AttentionJob job;
    job.serial = serial;
    job.target_context = entries.empty() ? 32768 : entries.front().result.setup.target_context();
    job.entries = std::move(entries);
    job.settings = std::move(settings);
    return job;
}

TEST(AttentionSettings, JsonRoundTrip) {
    AttentionSettings s;
    s.content = ContentModel::Needle;
    s.keys = 65536;
    s.distance = 1000;
    s.query_scale = 4;
    s.noise = 0.5;
    s.seed = 42;
    s.precision = PhasePrecision::Bf16;
    s.threads = 2;
    s.window = 32;
    s.points = 12;
    s.heatmap_method = "yarn";
    const nlohmann::json j = attention_settings_to_json(s);
    EXPECT_EQ(j.at("content"), "needle");
    EXPECT_EQ(j.at("precision"), "bf16");
    EXPECT_EQ(j.at("keys"), 65536);
    // Through text, as the state file stores it.
    EXPECT_EQ(attention_settings_from_json(nlohmann::json::parse(j.dump())), s);
}

TEST(AttentionSettings, BadValuesKeepDefaultsOrClamp) {
    const AttentionSettings defaults;
    // Not an object at all.
    EXPECT_EQ(attention_settings_from_json(nlohmann::json("nonsense")), defaults);
    EXPECT_EQ(attention_settings_from_json(nlohmann::json::array({1, 2})), defaults);
    // Unknown names and wrong types keep the defaults.
    const auto wrong = attention_settings_from_json(nlohmann::json::parse(
        R"({"content": "telepathy", "precision": 16, "keys": "many", "query_scale": "hot", "seed": -3,
            "heatmap_method": "warp", "threads": null, "unknown": true})"));
    EXPECT_EQ(wrong, defaults);
    // Out-of-range numbers are clamped into what the UI can show.
    const auto clamped = attention_settings_from_json(nlohmann::json::parse(
        R"({"keys": -5, "needle_distance": -1, "query_scale": -2, "noise": -1, "threads": 9999, "window": 0,
            "points": 100000})"));
    EXPECT_EQ(clamped.keys, 0);           // automatic
    EXPECT_EQ(clamped.distance, 0);       // automatic
    EXPECT_EQ(clamped.query_scale, 1.0);  // not a temperature: the default
    EXPECT_EQ(clamped.noise, 1.0);
    EXPECT_EQ(clamped.threads, 256);
    EXPECT_EQ(clamped.window, 1);
    EXPECT_EQ(clamped.points, 200);
    // Huge values saturate instead of overflowing; N beyond the kernel's limit is kept for the
    // core to report.
    const auto huge = attention_settings_from_json(nlohmann::json::parse(R"({"keys": 1e300, "window": 1e12})"));
    EXPECT_EQ(huge.keys, kMaxContext);
    EXPECT_EQ(huge.window, 4096);
    const auto beyond = attention_settings_from_json(nlohmann::json::parse(R"({"keys": 5000000})"));
    EXPECT_EQ(beyond.keys, 5000000);
    // Aliases of methods are stored under their rope_type.
    EXPECT_EQ(attention_settings_from_json(nlohmann::json::parse(R"({"heatmap_method": "pi"})")).heatmap_method,
              "linear");
}

TEST(AttentionSettings, ResolvesAutomaticValues) {
    AttentionSettings s;
    AttentionOptions o = resolve_attention(s, 32768);
    EXPECT_EQ(o.num_keys, 32768);
    EXPECT_EQ(o.target_distance, 16384);
    EXPECT_EQ(o.first_key, 0);
    EXPECT_EQ(resolve_attention(s, 100).num_keys, kAttentionMinKeys);
    EXPECT_EQ(resolve_attention(s, std::int64_t{1} << 26).num_keys, kMaxAttentionKeys);
    s.keys = 1000;
    s.distance = 5000;  // past the keys: capped at N - 1
    o = resolve_attention(s, 32768);
    EXPECT_EQ(o.num_keys, 1000);
    EXPECT_EQ(o.target_distance, 999);
    EXPECT_TRUE(s.SameJob([&] {
        AttentionSettings t = s;
        t.heatmap_method = "yarn";
        return t;
    }()));
}

TEST(AttentionJobRun, MatchesTheCoreCalledDirectly) {
    const auto entries = two_methods();
    ASSERT_EQ(entries.size(), 2u);
    AttentionSettings s;
    s.keys = 4096;
    s.distance = 100;
    s.query_scale = 4;
    s.points = 6;
    s.threads = 1;
    std::vector<double> fractions;
    int partials = 0;
    const auto out = run_attention_job(
        job_for(entries, s), nullptr, [&](double f) { fractions.push_back(f); },
        [&](const AttentionOutput& partial) {
            ++partials;
            EXPECT_FALSE(partial.complete);
            EXPECT_EQ(partial.runs.size(), 2u);
        });
    ASSERT_TRUE(out.complete);
    EXPECT_FALSE(out.cancelled);
    EXPECT_TRUE(out.error.empty()) << out.error;
    EXPECT_EQ(partials, 1);
    ASSERT_EQ(out.runs.size(), 2u);
    ASSERT_EQ(out.grids.size(), 2u);
    const AttentionOptions o = resolve_attention(s, 32768);
    for (std::size_t k = 0; k < 2; ++k) {
        const auto& run = out.runs[k];
        ASSERT_TRUE(run.query) << run.error;
        auto direct = compute_attention(entries[k].result, o);
        ASSERT_TRUE(direct);
        EXPECT_EQ(run.kind, entries[k].result.kind);
        EXPECT_EQ(run.query->metrics.argmax, direct->metrics.argmax);
        EXPECT_EQ(run.query->target_distance, 100);
        EXPECT_NEAR(run.query->metrics.target_weight, direct->metrics.target_weight, 1e-9);
        EXPECT_NEAR(run.query->metrics.peak_width, direct->metrics.peak_width, 1e-9);
        EXPECT_EQ(run.query->window_weights, direct->window_weights);
        // The curve: the same as resolution_curve over N keys.
        ASSERT_TRUE(run.curve);
        AttentionEngine engine;
        ResolutionOptions ro;
        ro.attention = o;
        ro.points = 6;
        ro.max_distance = 4095;
        auto curve = resolution_curve(engine, entries[k].result, ro);
        ASSERT_TRUE(curve);
        ASSERT_EQ(run.curve->points.size(), curve->points.size());
        for (std::size_t i = 0; i < curve->points.size(); ++i) {
            EXPECT_EQ(run.curve->points[i].distance, curve->points[i].distance);
            EXPECT_NEAR(run.curve->points[i].metrics.target_weight, curve->points[i].metrics.target_weight, 1e-9);
        }
        // The logits grid: 64 queries ending at the query, 128 keys, the causal mask as NaN, and
        // the same numbers as logit_matrix.
        const LogitGrid& g = out.grids[k];
        ASSERT_TRUE(g.error.empty()) << g.error;
        ASSERT_EQ(g.queries.size(), static_cast<std::size_t>(kLogitQueries));
        ASSERT_EQ(g.keys.size(), static_cast<std::size_t>(kLogitKeys));
        EXPECT_EQ(g.queries.back(), 4095);
        EXPECT_EQ(g.target, 4095 - 100);
        EXPECT_GE(g.target, g.keys.front());
        EXPECT_LE(g.target, g.keys.back());
        auto matrix = logit_matrix(entries[k].result, o, g.queries, g.keys);
        ASSERT_TRUE(matrix);
        for (std::size_t i = 0; i < g.logits.size(); ++i) {
            const std::int64_t q = g.queries[i / g.keys.size()], key = g.keys[i % g.keys.size()];
            if (key > q)
                EXPECT_TRUE(std::isnan(g.logits[i]));
            else
                EXPECT_NEAR(g.logits[i], (*matrix)[i], 1e-4 * std::max(1.0, std::fabs((*matrix)[i])));
        }
    }
    // Figures: one window series per method (and the overview panel), three resolution panels.
    ASSERT_EQ(out.window_figure.panels.size(), 2u);
    EXPECT_EQ(out.window_figure.panels[0].series.size(), 2u);
    EXPECT_EQ(out.resolution_figure.panels.size(), 3u);
    EXPECT_EQ(out.resolution_figure.panels[0].series.size(), 2u);
    const Figure logits = logits_figure(out.grids[1], "caption");
    ASSERT_EQ(logits.panels.size(), 1u);
    ASSERT_TRUE(logits.panels[0].heatmap);
    EXPECT_EQ(logits.panels[0].heatmap->columns, kLogitKeys);
    // The colour range is centred on the mean logit and covers every logit.
    const Heatmap& map = *logits.panels[0].heatmap;
    EXPECT_NEAR(0.5 * (map.value_min + map.value_max), out.grids[1].center, 1e-4);
    for (const float v : out.grids[1].logits)
        if (!std::isnan(v)) {
            EXPECT_GE(v, map.value_min - 1e-4f);
            EXPECT_LE(v, map.value_max + 1e-4f);
        }
    // Progress rises to 1.
    ASSERT_FALSE(fractions.empty());
    EXPECT_TRUE(std::is_sorted(fractions.begin(), fractions.end()));
    EXPECT_DOUBLE_EQ(fractions.back(), 1.0);
}

TEST(AttentionJobRun, CoreErrorsBecomeTheJobsError) {
    AttentionSettings s;
    s.keys = kMaxAttentionKeys + 1;  // past the kernel's limit (as typed with Ctrl+click, or a hand-edited file)
    const auto out = run_attention_job(job_for(two_methods(), s), nullptr, {});
    EXPECT_TRUE(out.complete);
    EXPECT_FALSE(out.cancelled);
    EXPECT_EQ(out.error.rfind("Keys N (--keys): 2097153", 0), 0u) << out.error;
    EXPECT_NE(out.error.find("2097152"), std::string::npos) << out.error;
}

// Issue 10: settings or results that would make the logits NaN become a message on the panel,
// never a crash, also when they come from a saved state at launch.
TEST(AttentionJobRun, OverflowingSettingsAndFrequenciesBecomeMessages) {
    // A saved state's noise of 1e200 is clamped on reading: the job runs.
    const auto saved = attention_settings_from_json(nlohmann::json::parse(R"({"content": "needle", "noise": 1e200,
                                                                              "query_scale": 1e300, "keys": 4096})"));
    EXPECT_TRUE(std::isfinite(saved.noise));
    EXPECT_LE(saved.noise, kMaxAttentionNoise);
    EXPECT_LE(saved.query_scale, kMaxQueryScale);
    const auto ok = run_attention_job(job_for(two_methods(), saved), nullptr, {});
    EXPECT_TRUE(ok.error.empty()) << ok.error;
    // Typed past the limit: the kernel's message, naming the control.
    AttentionSettings typed;
    typed.keys = 4096;
    typed.content = ContentModel::Needle;
    typed.noise = 1e200;
    const auto refused = run_attention_job(job_for(two_methods(), typed), nullptr, {});
    EXPECT_EQ(refused.error.rfind("Noise (--noise): 1e+200", 0), 0u) << refused.error;
    // Infinite frequencies (whatever made them): every method's error, the job's error.
    auto entries = two_methods();
    for (auto& e : entries) e.result.inv_freq[0] = std::numeric_limits<double>::infinity();
    AttentionSettings s;
    s.keys = 4096;
    const auto bad = run_attention_job(job_for(entries, s), nullptr, {});
    EXPECT_TRUE(bad.complete);
    EXPECT_NE(bad.error.find("finite frequencies"), std::string::npos) << bad.error;
}

TEST(AttentionJobRun, CancelledRunReturnsPromptly) {
    AttentionSettings s;
    s.keys = kMaxAttentionKeys;  // ~seconds of work for two methods
    s.points = 24;
    std::atomic<bool> cancel{false};
    std::atomic<bool> started{false};
    std::thread stopper([&] {
        while (!started.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        cancel.store(true);
    });
    const auto out = run_attention_job(job_for(two_methods(), s), &cancel, [&](double) { started.store(true); });
    stopper.join();
    EXPECT_TRUE(out.cancelled);
    EXPECT_FALSE(out.complete);
    // Stopped part-way: not every method has its whole resolution curve.
    std::size_t whole_curves = 0;
    for (const auto& run : out.runs)
        if (run.curve && run.curve->points.size() == resolution_distances(s.points, s.keys - 1).size()) ++whole_curves;
    EXPECT_LT(whole_curves, out.runs.size() == 0 ? 1 : out.runs.size());
}

TEST(AttentionWorkerThread, NewestJobWinsAndCancelStops) {
    const auto entries = two_methods();
    AttentionWorker worker;
    AttentionSettings slow;
    slow.keys = kMaxAttentionKeys;
    slow.points = 40;
    worker.Submit(job_for(entries, slow, 1));
    // Wait until the slow job runs, then supersede it with a small one.
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    while (worker.Progress() <= 0 && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    AttentionSettings fast;
    fast.keys = 1024;
    fast.points = 4;
    worker.Submit(job_for(entries, fast, 2));
    worker.Wait();
    EXPECT_FALSE(worker.Busy());
    auto out = worker.Take();
    ASSERT_TRUE(out);
    EXPECT_EQ(out->serial, 2u);
    EXPECT_TRUE(out->complete);
    EXPECT_EQ(out->options.num_keys, 1024);
    EXPECT_FALSE(worker.Take());  // taken once

    // Cancel: the running job stops and reports it.
    worker.Submit(job_for(entries, slow, 3));
    while (worker.Progress() <= 0.01 && Clock::now() < deadline + std::chrono::seconds(10))
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    worker.Cancel();
    worker.Wait();
    out = worker.Take();
    // Either the partial output (queries done) or the cancelled final one, never a complete run.
    ASSERT_TRUE(out);
    EXPECT_EQ(out->serial, 3u);
    EXPECT_FALSE(out->complete);
    EXPECT_TRUE(out->cancelled);
}

}  // namespace
}  // namespace ropescope::gui
