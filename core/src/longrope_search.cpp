// LongRoPE's evolutionary search over per-pair factors and n_hat (docs/longrope.md).
#include "ropescope/longrope_search.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <thread>

#include "ropescope/attention.h"
#include "ropescope/rope.h"
#include "ropescope/validate.h"

namespace ropescope {

namespace {

constexpr double kTwoPi = 6.283185307179586;
constexpr int kMaxThreads = 64;

// ---------------------------------------------------------------------------------------------
// Fitness

// Distances of the fidelity term: a log grid from 1 to L/4 (duplicates dropped).
std::vector<std::int64_t> log_grid(std::int64_t hi, int points) {
    std::vector<std::int64_t> grid;
    hi = std::max<std::int64_t>(hi, 1);
    for (int k = 0; k < points; ++k) {
        const double t = points > 1 ? static_cast<double>(k) / (points - 1) : 0.0;
        const auto v = static_cast<std::int64_t>(std::llround(std::pow(static_cast<double>(hi), t)));
        if (grid.empty() || v > grid.back()) grid.push_back(v);
    }
    return grid;
}

// Everything of the fitness that does not depend on the candidate, computed once per search.
class Evaluator {
public:
    Evaluator(const RopeSetup& setup, const FitnessWeights& weights,
              std::function<double(const std::vector<double>&, std::int64_t)> objective = {})
        : setup_(setup), weights_(weights), objective_(std::move(objective)) {
        const int d = setup.rotary_dim();
        pairs_ = setup.num_pairs();
        theta_.resize(static_cast<std::size_t>(pairs_));
        for (int i = 0; i < pairs_; ++i)
            theta_[static_cast<std::size_t>(i)] = std::pow(setup.rope_theta, -2.0 * i / d);
        L_ = static_cast<double>(setup.original_max_position_embeddings);
        Lp_ = static_cast<double>(setup.target_context());
        const std::int64_t quarter = std::max<std::int64_t>(1, setup.original_max_position_embeddings / 4);
        distances_ = log_grid(quarter, 16);
        // Key positions: the first tokens (where n_hat acts) and seven spread over the trained context.
        for (const std::int64_t n : {0, 1, 4, 16, 64}) keys_.push_back(n);
        for (int j = 1; j < 8; ++j) keys_.push_back(setup.original_max_position_embeddings * j / 8);
        for (const auto D : distances_) {
            double c = 0;
            for (const double t : theta_) c += std::cos(static_cast<double>(D) * t);
            original_mean_cos_.push_back(c / pairs_);
        }
        kernel_.num_keys = 512;
        kernel_.content = ContentModel::Positional;
        kernel_.query_scale = 4.0;
        kernel_.threads = 1;
        kernel_.window_radius = 4;
        kernel_distances_ = {8, 64, 256};
        AttentionEngine engine;
        if (objective_) return;  // the proxy's reference widths are not needed
        if (auto rope = compute_rope(setup, DefaultMethod{})) {
            for (const auto D : kernel_distances_) {
                AttentionOptions o = kernel_;
                o.target_distance = D;
                auto r = engine.run(*rope, o);
                original_width_.push_back(r ? std::max(r->metrics.peak_width, 1e-9) : 1.0);
            }
        }
    }

    FitnessTerms evaluate(const std::vector<double>& factors, std::int64_t n_hat, AttentionEngine& engine) const {
        FitnessTerms t;
        if (objective_) {  // a pluggable objective (e.g. a model's perplexity) replaces the proxy
            const double v = objective_(factors, n_hat);
            t.total = std::isfinite(v) ? v : std::numeric_limits<double>::infinity();
            return t;
        }
        const auto P = static_cast<std::size_t>(pairs_);
        // R: pairs that never completed a turn in training, log excess of their largest angle at L'.
        for (std::size_t i = 0; i < P; ++i) {
            if (L_ * theta_[i] >= kTwoPi) continue;
            t.range += std::max(0.0, std::log(Lp_ * theta_[i] / factors[i]) - std::log(L_ * theta_[i]));
        }
        // F: identical q and k, query at n + D, key at n; mean cos against the original RoPE's.
        double sum = 0;
        int count = 0;
        auto angle = [&](std::int64_t p, std::size_t i) {
            const double pos = static_cast<double>(p);
            return p < n_hat ? pos * theta_[i] : pos * theta_[i] / factors[i];
        };
        for (std::size_t k = 0; k < distances_.size(); ++k) {
            for (const auto n : keys_) {
                const std::int64_t m = n + distances_[k];
                double c = 0;
                for (std::size_t i = 0; i < P; ++i) c += std::cos(angle(m, i) - angle(n, i));
                const double diff = c / pairs_ - original_mean_cos_[k];
                sum += diff * diff;
                ++count;
            }
        }
        t.fidelity = count > 0 ? sum / count : 0.0;
        // W: attention peak width (positional content, the method's own frequencies) against the original.
        if (weights_.width != 0 && original_width_.size() == kernel_distances_.size()) {
            LongRopeMethod method;
            method.short_factor = factors;
            method.long_factor = factors;
            method.n_hat = n_hat;
            method.choice = LongRopeFactorChoice::Long;
            auto rope = compute_rope(setup_, method);
            if (!rope) {
                t.total = std::numeric_limits<double>::infinity();
                return t;
            }
            double w = 0;
            for (std::size_t k = 0; k < kernel_distances_.size(); ++k) {
                AttentionOptions o = kernel_;
                o.target_distance = kernel_distances_[k];
                auto r = engine.run(*rope, o);
                if (!r) {
                    t.total = std::numeric_limits<double>::infinity();
                    return t;
                }
                w += std::max(0.0, std::log(std::max(r->metrics.peak_width, 1e-9) / original_width_[k]));
            }
            t.width = w / static_cast<double>(kernel_distances_.size());
        }
        t.total = weights_.range * t.range + weights_.fidelity * t.fidelity + weights_.width * t.width;
        return t;
    }

private:
    RopeSetup setup_;
    FitnessWeights weights_;
    std::function<double(const std::vector<double>&, std::int64_t)> objective_;
    int pairs_ = 0;
    double L_ = 0, Lp_ = 0;
    std::vector<double> theta_;
    std::vector<std::int64_t> distances_;
    std::vector<std::int64_t> keys_;
    std::vector<double> original_mean_cos_;
    AttentionOptions kernel_;
    std::vector<std::int64_t> kernel_distances_;
    std::vector<double> original_width_;
};

Status check_weights(const FitnessWeights& w) {
    const std::pair<const char*, double> items[] = {
        {"weights.range", w.range}, {"weights.fidelity", w.fidelity}, {"weights.width", w.width}};
    for (const auto& [name, value] : items) {
        if (!std::isfinite(value) || value < 0 || value > 1e6)
            return Error{name, std::string(name) + " is " + format_number(value) +
                                   "; it must be a number from 0 to 1e6."};
    }
    return Ok{};
}

// ---------------------------------------------------------------------------------------------
// Search operators (on integer steps: factor = 1 + step / 100)

int max_steps(double s) { return static_cast<int>(std::floor(100.0 * s + 1e-9)); }

std::vector<int> steps_from_scale(const std::vector<double>& scale, int kmax) {
    std::vector<int> steps(scale.size());
    int running = 0;
    for (std::size_t i = 0; i < scale.size(); ++i) {
        const auto k = static_cast<int>(std::lround(100.0 * (scale[i] - 1.0)));
        running = std::max(running, std::clamp(k, 0, kmax));
        steps[i] = running;
    }
    return steps;
}

int uniform_int(std::mt19937_64& rng, int lo, int hi) {  // [lo, hi]
    return std::uniform_int_distribution<int>(lo, hi)(rng);
}

std::size_t nhat_index(std::int64_t n_hat) {
    for (std::size_t k = 0; k < kLongRopeNHatChoices.size(); ++k)
        if (kLongRopeNHatChoices[k] == n_hat) return k;
    return 0;
}

// Perturbs a random contiguous run by +-k steps, then restores monotonicity by clamping the
// neighbours outside the run, and clamps to [0, kmax]. Sometimes moves n_hat to a neighbouring choice.
void mutate(SearchCandidate& c, std::mt19937_64& rng, int kmax, int max_step) {
    const int n = static_cast<int>(c.steps.size());
    int a = uniform_int(rng, 0, n - 1);
    int b = uniform_int(rng, 0, n - 1);
    if (a > b) std::swap(a, b);
    const int k = uniform_int(rng, 1, max_step);
    const int delta = uniform_int(rng, 0, 1) == 0 ? -k : k;
    for (int i = a; i <= b; ++i) c.steps[static_cast<std::size_t>(i)] = std::clamp(c.steps[static_cast<std::size_t>(i)] + delta, 0, kmax);
    if (delta > 0) {
        for (int i = b + 1; i < n; ++i)
            c.steps[static_cast<std::size_t>(i)] = std::max(c.steps[static_cast<std::size_t>(i)], c.steps[static_cast<std::size_t>(i - 1)]);
    } else {
        for (int i = a - 1; i >= 0; --i)
            c.steps[static_cast<std::size_t>(i)] = std::min(c.steps[static_cast<std::size_t>(i)], c.steps[static_cast<std::size_t>(i + 1)]);
    }
    if (uniform_int(rng, 0, 9) < 3) {
        const int last = static_cast<int>(kLongRopeNHatChoices.size()) - 1;
        const int idx = std::clamp(static_cast<int>(nhat_index(c.n_hat)) + (uniform_int(rng, 0, 1) ? 1 : -1), 0, last);
        c.n_hat = kLongRopeNHatChoices[static_cast<std::size_t>(idx)];
    }
}

// Pair i from a or b at random, then a running max restores monotonicity; n_hat from either.
SearchCandidate crossover(const SearchCandidate& a, const SearchCandidate& b, std::mt19937_64& rng) {
    SearchCandidate c;
    c.steps.resize(a.steps.size());
    int running = 0;
    for (std::size_t i = 0; i < a.steps.size(); ++i) {
        running = std::max(running, uniform_int(rng, 0, 1) ? a.steps[i] : b.steps[i]);
        c.steps[i] = running;
    }
    c.n_hat = uniform_int(rng, 0, 1) ? a.n_hat : b.n_hat;
    return c;
}

// Evaluates candidates [first, end) on `threads` threads; candidate j is always computed the same
// way whichever thread takes it, and written to its own slot.
void evaluate_all(const Evaluator& evaluator, std::vector<SearchCandidate>& cands, std::size_t first,
                  std::vector<AttentionEngine>& engines) {
    const std::size_t count = cands.size() - first;
    const std::size_t T = std::min(engines.size(), count);
    auto work = [&](std::size_t t) {
        for (std::size_t j = first + t; j < cands.size(); j += T) {
            cands[j].fitness = evaluator.evaluate(cands[j].factors(), cands[j].n_hat, engines[t]).total;
        }
    };
    if (T <= 1) {
        if (count > 0) work(0);
        return;
    }
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < T; ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& th : pool) th.join();
}

void sort_by_fitness(std::vector<SearchCandidate>& cands) {
    std::stable_sort(cands.begin(), cands.end(),
                     [](const SearchCandidate& x, const SearchCandidate& y) { return x.fitness < y.fitness; });
}

}  // namespace

std::vector<double> SearchCandidate::factors() const {
    std::vector<double> f(steps.size());
    for (std::size_t i = 0; i < steps.size(); ++i) f[i] = (100.0 + steps[i]) / 100.0;  // the double nearest the decimal
    return f;
}

Status validate_search(const RopeSetup& setup, const SearchOptions& options) {
    if (auto s = validate(setup, LinearMethod{}, nullptr); !s) return s.error();
    if (!(setup.factor > 1.0))
        return Error{"factor", "factor is " + format_number(setup.factor) + "; the search needs a factor > 1."};
    if (setup.factor > 1000.0)
        return Error{"factor", "factor is " + format_number(setup.factor) + "; the search allows at most 1000."};
    auto range = [](const char* name, long long v, long long lo, long long hi) -> Status {
        if (v < lo || v > hi)
            return Error{name, std::string(name) + " is " + std::to_string(v) + "; it must be in [" +
                                   std::to_string(lo) + ", " + std::to_string(hi) + "]."};
        return Ok{};
    };
    if (auto s = range("population", options.population, 3, 4096); !s) return s;
    if (auto s = range("iterations", options.iterations, 0, 10000); !s) return s;
    if (auto s = range("parents", options.parents, 2, options.population); !s) return s;
    if (auto s = range("mutations", options.mutations, 0, 4096); !s) return s;
    if (auto s = range("crossovers", options.crossovers, 0, 4096); !s) return s;
    if (options.mutations + options.crossovers < 1)
        return Error{"mutations", "mutations + crossovers is 0; at least one child per generation is needed."};
    if (auto s = range("threads", options.threads, 0, kMaxThreads); !s) return s;
    if (auto s = range("max_mutation_step", options.max_mutation_step, 0, 100000); !s) return s;
    return check_weights(options.weights);
}

Result<FitnessTerms> longrope_fitness(const RopeSetup& setup, const std::vector<double>& factors,
                                      std::int64_t n_hat, const FitnessWeights& weights) {
    if (auto s = validate(setup, LinearMethod{}, nullptr); !s) return s.error();
    if (auto s = check_weights(weights); !s) return s.error();
    if (static_cast<int>(factors.size()) != setup.num_pairs())
        return Error{"factors", "factors has " + std::to_string(factors.size()) + " entries; it must have " +
                                    std::to_string(setup.num_pairs()) + " (one per rotary pair)."};
    for (const double f : factors)
        if (!std::isfinite(f) || f <= 0)
            return Error{"factors", "factors contains " + format_number(f) + "; every factor must be > 0."};
    if (n_hat < 0 || n_hat > setup.original_max_position_embeddings)
        return Error{"n_hat", "n_hat is " + std::to_string(n_hat) + "; it must be in [0, L]."};
    Evaluator evaluator(setup, weights);
    AttentionEngine engine;
    return evaluator.evaluate(factors, n_hat, engine);
}

Result<SearchResult> longrope_search(const RopeSetup& setup, const SearchOptions& options) {
    if (auto s = validate_search(setup, options); !s) return s.error();
    const auto start = std::chrono::steady_clock::now();
    auto elapsed_ms = [&] {
        return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    };
    const double s = setup.factor;
    const int kmax = max_steps(s);
    const int max_step = options.max_mutation_step > 0 ? options.max_mutation_step : std::max(1, kmax / 10);
    const Evaluator evaluator(setup, options.weights, options.objective);
    std::mt19937_64 rng(options.seed);

    SearchResult out;
    unsigned hw = std::thread::hardware_concurrency();
    out.threads = options.threads > 0 ? options.threads : std::clamp(static_cast<int>(hw), 1, kMaxThreads);
    std::vector<AttentionEngine> engines(static_cast<std::size_t>(out.threads));

    // Seeds: PI (all s), NTK-aware and YaRN per-pair scales, snapped to the grid.
    const std::pair<const char*, Method> seed_methods[] = {
        {"PI", LinearMethod{}}, {"NTK-aware", NtkMethod{}}, {"YaRN", YarnMethod{}}};
    std::vector<SearchCandidate> population;
    for (const auto& [label, method] : seed_methods) {
        auto rope = compute_rope(setup, method);
        if (!rope) return rope.error();
        std::vector<double> scale;
        for (const auto& row : rope->pairs) scale.push_back(row.scale);
        SearchCandidate c;
        c.steps = steps_from_scale(scale, kmax);
        population.push_back(c);
        SeedFitness seed;
        seed.label = label;
        seed.kind = kind_of(method);
        seed.factors = c.factors();
        seed.terms = evaluator.evaluate(seed.factors, 0, engines.front());
        out.seeds.push_back(std::move(seed));
    }
    const std::size_t num_seeds = population.size();
    while (population.size() < static_cast<std::size_t>(options.population)) {
        SearchCandidate c = population[population.size() % num_seeds];
        if (uniform_int(rng, 0, 1))
            c.n_hat = kLongRopeNHatChoices[static_cast<std::size_t>(
                uniform_int(rng, 0, static_cast<int>(kLongRopeNHatChoices.size()) - 1))];
        mutate(c, rng, kmax, max_step);
        population.push_back(std::move(c));
    }

    auto finish_generation = [&](int generation) {
        if (options.on_population) options.on_population(generation, population);
        double mean = 0;
        for (const auto& c : population) mean += c.fitness;
        mean /= static_cast<double>(population.size());
        sort_by_fitness(population);
        population.resize(std::min(population.size(), static_cast<std::size_t>(options.parents)));
        out.best_per_generation.push_back(population.front().fitness);
        out.mean_per_generation.push_back(mean);
        if (options.progress) options.progress(SearchProgress{generation, population.front().fitness, elapsed_ms()});
    };

    evaluate_all(evaluator, population, 0, engines);
    finish_generation(0);
    for (int it = 1; it <= options.iterations; ++it) {
        if (options.cancel && options.cancel->load()) {
            out.cancelled = true;
            break;
        }
        const std::size_t parents = population.size();
        const std::size_t first_child = parents;
        for (int k = 0; k < options.mutations; ++k) {
            SearchCandidate c = population[static_cast<std::size_t>(uniform_int(rng, 0, static_cast<int>(parents) - 1))];
            mutate(c, rng, kmax, max_step);
            population.push_back(std::move(c));
        }
        for (int k = 0; k < options.crossovers; ++k) {
            const int a = uniform_int(rng, 0, static_cast<int>(parents) - 1);
            int b = uniform_int(rng, 0, static_cast<int>(parents) - 2);
            if (b >= a) ++b;
            population.push_back(crossover(population[static_cast<std::size_t>(a)],
                                           population[static_cast<std::size_t>(b)], rng));
        }
        evaluate_all(evaluator, population, first_child, engines);
        finish_generation(it);
        out.generations = it;
    }

    out.best = population.front();
    out.best_terms = evaluator.evaluate(out.best.factors(), out.best.n_hat, engines.front());
    out.elapsed_ms = elapsed_ms();
    return out;
}

LongRopeMethod to_longrope_method(const SearchResult& result) {
    LongRopeMethod m;
    m.long_factor = result.best.factors();
    m.short_factor.assign(m.long_factor.size(), 1.0);
    m.n_hat = result.best.n_hat;
    return m;
}

}  // namespace ropescope
