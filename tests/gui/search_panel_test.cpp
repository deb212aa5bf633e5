// The LongRoPE search panel's logic: its settings (JSON round trip, clamping) and its worker
// (live snapshots, cancel within one generation, same result as calling the core directly).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "search_worker.h"

namespace ropescope::gui {
namespace {

// A small, quick search: 16 pairs, small generations.
RopeSetup small_setup() {
    RopeSetup setup;
    setup.head_dim = 32;
    setup.original_max_position_embeddings = 1024;
    setup.factor = 8;
    return setup;
}

SearchOptions small_options(int iterations) {
    SearchOptions o;
    o.population = 10;
    o.parents = 6;
    o.mutations = 3;
    o.crossovers = 3;
    o.iterations = iterations;
    o.threads = 2;
    o.seed = 7;
    return o;
}

TEST(SearchSettings, JsonRoundTrip) {
    SearchSettings s;
    s.setup = SearchSetupSource::Phi3;
    s.seed = 123456789012345ULL;
    s.iterations = 12;
    s.population = 40;
    s.parents = 20;
    s.mutations = 7;
    s.crossovers = 9;
    s.threads = 3;
    s.weights = FitnessWeights{2.5, 0.125, 3};
    s.autostart = true;
    const SearchSettings r = search_settings_from_json(search_settings_to_json(s));
    EXPECT_EQ(r.setup, s.setup);
    EXPECT_EQ(r.seed, s.seed);
    EXPECT_EQ(r.iterations, s.iterations);
    EXPECT_EQ(r.population, s.population);
    EXPECT_EQ(r.parents, s.parents);
    EXPECT_EQ(r.mutations, s.mutations);
    EXPECT_EQ(r.crossovers, s.crossovers);
    EXPECT_EQ(r.threads, s.threads);
    EXPECT_EQ(r.weights.range, s.weights.range);
    EXPECT_EQ(r.weights.fidelity, s.weights.fidelity);
    EXPECT_EQ(r.weights.width, s.weights.width);
    EXPECT_TRUE(r.autostart);
    // Through text, as the state file stores it.
    const auto text = search_settings_to_json(s).dump();
    EXPECT_EQ(search_settings_to_json(search_settings_from_json(nlohmann::json::parse(text))).dump(), text);
}

TEST(SearchSettings, BadValuesKeepDefaultsOrClamp) {
    const SearchSettings d;
    const auto j = nlohmann::json::parse(R"({
        "setup": 7, "seed": -3, "iterations": -5, "population": 1e12, "parents": 99999,
        "mutations": "many", "crossovers": null, "threads": 1000, "autostart": "yes",
        "weights": {"range": -1, "fidelity": "x", "width": 1e300}, "unknown": [1, 2]})");
    const SearchSettings s = search_settings_from_json(j);
    EXPECT_EQ(s.setup, d.setup);
    EXPECT_EQ(s.seed, d.seed);
    EXPECT_EQ(s.iterations, 0);
    EXPECT_EQ(s.population, kSearchMaxPopulation);
    EXPECT_EQ(s.parents, s.population);  // at most the population
    EXPECT_EQ(s.mutations, d.mutations);
    EXPECT_EQ(s.crossovers, d.crossovers);
    EXPECT_EQ(s.threads, kSearchMaxThreads);
    EXPECT_FALSE(s.autostart);
    EXPECT_EQ(s.weights.range, 0.0);
    EXPECT_EQ(s.weights.fidelity, d.weights.fidelity);
    EXPECT_EQ(s.weights.width, kSearchMaxWeight);
    // The clamped settings are accepted by the core.
    EXPECT_TRUE(validate_search(phi3_setup(), search_options(s)));
    // Not an object at all: defaults.
    for (const char* text : {"null", "[]", "3", "\"phi3\""}) {
        const SearchSettings t = search_settings_from_json(nlohmann::json::parse(text));
        EXPECT_EQ(t.iterations, d.iterations) << text;
        EXPECT_EQ(t.setup, d.setup) << text;
    }
    // Parents above a small population are lowered to it.
    const SearchSettings u = search_settings_from_json(nlohmann::json::parse(R"({"population": 5, "parents": 8})"));
    EXPECT_EQ(u.population, 5);
    EXPECT_EQ(u.parents, 5);
}

TEST(SearchSettings, SetupSource) {
    RopeSetup lab;
    lab.head_dim = 128;
    lab.factor = 8;
    SearchSettings s;
    EXPECT_EQ(search_setup(s, lab).head_dim, 128);
    s.setup = SearchSetupSource::Phi3;
    const RopeSetup phi3 = search_setup(s, lab);
    EXPECT_EQ(phi3.num_pairs(), 48);
    EXPECT_EQ(phi3.rope_theta, 10000.0);
    EXPECT_EQ(phi3.original_max_position_embeddings, 4096);
    EXPECT_EQ(phi3.factor, 32.0);
    EXPECT_EQ(phi3.target_context(), 131072);
}

TEST(SearchWorker, PublishesMonotoneBestWhileRunning) {
    SearchWorker worker;
    std::vector<SearchSnapshot> seen;  // every generation's snapshot, taken on the worker thread
    SearchOptions options = small_options(8);
    options.progress = [&](const SearchProgress&) { seen.push_back(worker.Snapshot()); };
    ASSERT_TRUE(worker.Start(small_setup(), options));
    EXPECT_FALSE(worker.Start(small_setup(), options));  // one at a time
    worker.Wait();
    const SearchSnapshot final = worker.Snapshot();
    ASSERT_TRUE(final.finished);
    EXPECT_FALSE(final.running);
    EXPECT_FALSE(worker.Running());
    EXPECT_TRUE(final.error.empty());
    ASSERT_EQ(seen.size(), 9u);  // generation 0 and 8 iterations
    double previous = 1e300;
    for (std::size_t g = 0; g < seen.size(); ++g) {
        const SearchSnapshot& s = seen[g];
        EXPECT_TRUE(s.running);
        EXPECT_EQ(s.iteration, static_cast<int>(g));
        ASSERT_TRUE(s.has_best);
        EXPECT_LE(s.best_fitness, previous);
        previous = s.best_fitness;
        EXPECT_EQ(s.result.best.fitness, s.best_fitness);
        EXPECT_NEAR(s.result.best_terms.total, s.best_fitness, 1e-12 * (1 + s.best_fitness));
        ASSERT_EQ(s.result.best_per_generation.size(), g + 1);
        for (std::size_t k = 1; k <= g; ++k)
            EXPECT_LE(s.result.best_per_generation[k], s.result.best_per_generation[k - 1]);
        ASSERT_EQ(s.result.seeds.size(), 3u);
    }
    // The live picture ends where the core's result is.
    const SearchSnapshot& last = seen.back();
    EXPECT_EQ(last.result.best_per_generation, final.result.best_per_generation);
    EXPECT_EQ(last.result.mean_per_generation, final.result.mean_per_generation);
    EXPECT_EQ(last.result.best.fitness, final.result.best.fitness);
    for (std::size_t k = 0; k < 3; ++k) {
        EXPECT_EQ(last.result.seeds[k].label, final.result.seeds[k].label);
        EXPECT_EQ(last.result.seeds[k].factors, final.result.seeds[k].factors);
        EXPECT_NEAR(last.result.seeds[k].terms.total, final.result.seeds[k].terms.total,
                    1e-12 * (1 + final.result.seeds[k].terms.total));
    }
}

TEST(SearchWorker, StopEndsWithinOneGeneration) {
    SearchWorker worker;
    SearchOptions options = small_options(10000);
    int stopped_at = -1;
    options.progress = [&](const SearchProgress& p) {
        if (p.iteration == 3) {
            stopped_at = p.iteration;
            worker.Stop();
        }
    };
    ASSERT_TRUE(worker.Start(small_setup(), options));
    worker.Wait();
    const SearchSnapshot s = worker.Snapshot();
    EXPECT_EQ(stopped_at, 3);
    EXPECT_TRUE(s.finished);
    EXPECT_TRUE(s.result.cancelled);
    EXPECT_EQ(s.result.generations, 3);  // cancel is checked before the next generation
    EXPECT_TRUE(s.has_best);

    // From another thread (the UI), at any moment: Wait returns soon after Stop.
    SearchWorker ui;
    ASSERT_TRUE(ui.Start(small_setup(), small_options(10000)));
    while (ui.Snapshot().iteration < 1) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    ui.Stop();
    ui.Wait();
    const SearchSnapshot u = ui.Snapshot();
    EXPECT_TRUE(u.result.cancelled);
    EXPECT_LT(u.result.generations, 10000);  // stopped, not run to the end
    // A new run can start after a stopped one.
    ASSERT_TRUE(ui.Start(small_setup(), small_options(1)));
    ui.Wait();
    EXPECT_FALSE(ui.Snapshot().result.cancelled);
}

TEST(SearchWorker, SameSeedSameFactorsAsTheCore) {
    const RopeSetup setup = small_setup();
    SearchOptions options = small_options(6);
    auto direct = longrope_search(setup, options);
    ASSERT_TRUE(direct);
    options.threads = 1;  // the thread count does not change the result
    SearchWorker worker;
    ASSERT_TRUE(worker.Start(setup, options));
    worker.Wait();
    const SearchSnapshot s = worker.Snapshot();
    EXPECT_EQ(s.result.best.steps, direct->best.steps);
    EXPECT_EQ(s.result.best.n_hat, direct->best.n_hat);
    EXPECT_EQ(s.result.best.factors(), direct->best.factors());
    EXPECT_EQ(s.result.best_per_generation, direct->best_per_generation);
    EXPECT_EQ(to_longrope_method(s.result).long_factor, to_longrope_method(*direct).long_factor);
}

TEST(SearchWorker, InvalidInputIsAnError) {
    RopeSetup setup = small_setup();
    setup.factor = 1;  // the search needs s > 1
    SearchWorker worker;
    ASSERT_TRUE(worker.Start(setup, small_options(2)));
    worker.Wait();
    const SearchSnapshot s = worker.Snapshot();
    EXPECT_TRUE(s.finished);
    EXPECT_FALSE(s.has_best);
    EXPECT_NE(s.error.find("factor"), std::string::npos) << s.error;
}

TEST(SearchWorker, DestructorCancelsARunningSearch) {
    std::atomic<int> generations{0};
    {
        SearchWorker worker;
        SearchOptions options = small_options(10000);
        options.progress = [&](const SearchProgress& p) { generations.store(p.iteration); };
        ASSERT_TRUE(worker.Start(small_setup(), options));
        while (generations.load() < 1) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    // The destructor cancelled the search: it stopped long before its 10000 generations.
    EXPECT_LT(generations.load(), 10000);
}

}  // namespace
}  // namespace ropescope::gui
