// The LongRoPE search panel's settings and worker thread (no ImGui): see search_worker.h.
#include "search_worker.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>
#include <type_traits>
#include <utility>

#include "ui_wake.h"

namespace ropescope::gui {

namespace {

using Clock = std::chrono::steady_clock;

// Reads json[key] as a number into `value` if it is one (bools and strings are ignored).
template <typename T>
void read_number(const nlohmann::json& json, const char* key, T& value) {
    const auto it = json.find(key);
    if (it == json.end() || !it->is_number()) return;
    if constexpr (std::is_floating_point_v<T>) {
        const double v = it->get<double>();
        if (std::isfinite(v)) value = v;
    } else if constexpr (std::is_unsigned_v<T>) {
        if (it->is_number_unsigned()) value = it->get<T>();
        else if (it->is_number_integer() && it->get<std::int64_t>() >= 0) value = static_cast<T>(it->get<std::int64_t>());
    } else {
        // Integers (also written as 40.0); clamp before converting so huge values cannot overflow.
        const double v = it->get<double>();
        if (!std::isfinite(v)) return;
        const double lo = static_cast<double>(std::numeric_limits<T>::min());
        const double hi = static_cast<double>(std::numeric_limits<T>::max());
        value = static_cast<T>(std::clamp(std::round(v), lo, hi));
    }
}

double clamp_weight(double w, double fallback) {
    if (!std::isfinite(w)) return fallback;
    return std::clamp(w, 0.0, kSearchMaxWeight);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Settings

RopeSetup phi3_setup() {
    RopeSetup setup;
    setup.head_dim = 96;
    setup.rope_theta = 10000.0;
    setup.original_max_position_embeddings = 4096;
    setup.factor = 32;
    setup.max_position_embeddings = 131072;
    setup.seq_len = 131072;
    return setup;
}

RopeSetup search_setup(const SearchSettings& settings, const RopeSetup& lab_setup) {
    return settings.setup == SearchSetupSource::Phi3 ? phi3_setup() : lab_setup;
}

SearchOptions search_options(const SearchSettings& settings) {
    SearchOptions options;
    options.seed = settings.seed;
    options.iterations = settings.iterations;
    options.population = settings.population;
    options.parents = settings.parents;
    options.mutations = settings.mutations;
    options.crossovers = settings.crossovers;
    options.threads = settings.threads;
    options.weights = settings.weights;
    return options;
}

SearchSettings clamp_search_settings(SearchSettings s) {
    const SearchSettings d;
    s.iterations = std::clamp(s.iterations, 0, kSearchMaxIterations);
    s.population = std::clamp(s.population, kSearchMinPopulation, kSearchMaxPopulation);
    s.parents = std::clamp(s.parents, kSearchMinParents, s.population);
    s.mutations = std::clamp(s.mutations, 0, kSearchMaxChildren);
    s.crossovers = std::clamp(s.crossovers, 0, kSearchMaxChildren);
    s.threads = std::clamp(s.threads, 0, kSearchMaxThreads);
    s.weights.range = clamp_weight(s.weights.range, d.weights.range);
    s.weights.fidelity = clamp_weight(s.weights.fidelity, d.weights.fidelity);
    s.weights.width = clamp_weight(s.weights.width, d.weights.width);
    return s;
}

nlohmann::json search_settings_to_json(const SearchSettings& s) {
    nlohmann::json j;
    j["setup"] = s.setup == SearchSetupSource::Phi3 ? "phi3" : "lab";
    j["seed"] = s.seed;
    j["iterations"] = s.iterations;
    j["population"] = s.population;
    j["parents"] = s.parents;
    j["mutations"] = s.mutations;
    j["crossovers"] = s.crossovers;
    j["threads"] = s.threads;
    j["weights"] = {{"range", s.weights.range}, {"fidelity", s.weights.fidelity}, {"width", s.weights.width}};
    j["autostart"] = s.autostart;
    return j;
}

SearchSettings search_settings_from_json(const nlohmann::json& j) {
    SearchSettings s;
    if (!j.is_object()) return s;
    if (const auto it = j.find("setup"); it != j.end() && it->is_string()) {
        if (*it == "phi3") s.setup = SearchSetupSource::Phi3;
        else if (*it == "lab") s.setup = SearchSetupSource::Lab;
    }
    read_number(j, "seed", s.seed);
    read_number(j, "iterations", s.iterations);
    read_number(j, "population", s.population);
    read_number(j, "parents", s.parents);
    read_number(j, "mutations", s.mutations);
    read_number(j, "crossovers", s.crossovers);
    read_number(j, "threads", s.threads);
    if (const auto it = j.find("weights"); it != j.end() && it->is_object()) {
        read_number(*it, "range", s.weights.range);
        read_number(*it, "fidelity", s.weights.fidelity);
        read_number(*it, "width", s.weights.width);
    }
    if (const auto it = j.find("autostart"); it != j.end() && it->is_boolean()) s.autostart = it->get<bool>();
    return clamp_search_settings(s);
}

// ---------------------------------------------------------------------------------------------
// Worker

SearchWorker::~SearchWorker() {
    Stop();
    Wait();
}

bool SearchWorker::Start(const RopeSetup& setup, SearchOptions options) {
    if (running_.load()) return false;
    if (thread_.joinable()) thread_.join();
    cancel_.store(false);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        const std::uint64_t version = snapshot_.version;
        snapshot_ = SearchSnapshot{};
        snapshot_.running = true;
        snapshot_.setup = setup;
        snapshot_.iterations = options.iterations;
        snapshot_.version = version + 1;
        start_ = Clock::now();
    }
    version_.fetch_add(1);
    running_.store(true);
    thread_ = std::thread([this, setup, options = std::move(options)]() mutable { Run(setup, std::move(options)); });
    return true;
}

void SearchWorker::Stop() { cancel_.store(true); }

void SearchWorker::Wait() {
    if (thread_.joinable()) thread_.join();
}

SearchSnapshot SearchWorker::Snapshot() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return snapshot_;
}

double SearchWorker::RunningMs() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return std::chrono::duration<double, std::milli>(Clock::now() - start_).count();
}

void SearchWorker::Publish(const std::function<void(SearchSnapshot&)>& update) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        update(snapshot_);
        ++snapshot_.version;
    }
    version_.fetch_add(1);
    wake_ui();
}

void SearchWorker::Run(RopeSetup setup, SearchOptions options) {
    // The partial result, built on this thread from the hooks and copied out after every generation.
    SearchResult partial;
    partial.threads = options.threads > 0 ? options.threads
                                          : std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, 64);
    bool has_best = false;
    const FitnessWeights weights = options.weights;
    options.cancel = &cancel_;
    const auto user_population = std::move(options.on_population);
    const auto user_progress = std::move(options.progress);
    options.on_population = [&](int generation, const std::vector<SearchCandidate>& population) {
        if (user_population) user_population(generation, population);
        if (population.empty()) return;
        // Generation 0 starts with the three seeds (PI, NTK-aware, YaRN), as entered (docs/longrope.md).
        if (generation == 0 && population.size() >= 3) {
            const std::pair<const char*, MethodKind> seeds[] = {
                {"PI", MethodKind::Linear}, {"NTK-aware", MethodKind::Ntk}, {"YaRN", MethodKind::Yarn}};
            for (std::size_t k = 0; k < 3; ++k) {
                SeedFitness seed;
                seed.label = seeds[k].first;
                seed.kind = seeds[k].second;
                seed.factors = population[k].factors();
                if (auto terms = longrope_fitness(setup, seed.factors, population[k].n_hat, weights))
                    seed.terms = *terms;
                else
                    seed.terms.total = population[k].fitness;
                partial.seeds.push_back(std::move(seed));
            }
        }
        double mean = 0;
        const SearchCandidate* best = &population.front();
        for (const auto& c : population) {
            mean += c.fitness;
            if (c.fitness < best->fitness) best = &c;
        }
        mean /= static_cast<double>(population.size());
        partial.best_per_generation.push_back(best->fitness);
        partial.mean_per_generation.push_back(mean);
        if (!has_best || best->fitness < partial.best.fitness) {
            partial.best = *best;
            if (auto terms = longrope_fitness(setup, best->factors(), best->n_hat, weights)) partial.best_terms = *terms;
            else partial.best_terms.total = best->fitness;
            has_best = true;
        }
        partial.generations = generation;
    };
    options.progress = [&](const SearchProgress& p) {
        partial.elapsed_ms = p.elapsed_ms;
        Publish([&](SearchSnapshot& s) {
            s.iteration = p.iteration;
            s.best_fitness = p.best_fitness;
            s.elapsed_ms = p.elapsed_ms;
            s.result = partial;
            s.has_best = has_best;
        });
        if (user_progress) user_progress(p);
    };
    auto result = longrope_search(setup, options);
    Publish([&](SearchSnapshot& s) {
        s.running = false;
        s.finished = true;
        if (!result) {
            s.error = result.error().message;
            running_.store(false);
            return;
        }
        s.result = std::move(*result);
        s.has_best = true;
        s.iteration = s.result.generations;
        s.best_fitness = s.result.best.fitness;
        s.elapsed_ms = s.result.elapsed_ms;
        running_.store(false);  // with the last publish, so a snapshot never says "finished" while Start refuses
    });
}

}  // namespace ropescope::gui
