// LongRoPE's evolutionary search over per-pair rescale factors and n_hat, on a proxy fitness the
// core can compute without a model (out-of-range angles, logit fidelity, attention peak width).
// See docs/longrope.md for the procedure, the fitness formula and its default weights.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ropescope/figure.h"
#include "ropescope/methods.h"
#include "ropescope/result.h"
#include "ropescope/rope_setup.h"

namespace ropescope {

// The n_hat values the search chooses from (the LongRoPE paper's candidate set).
inline constexpr std::array<std::int64_t, 14> kLongRopeNHatChoices = {0,  1,  2,  4,  8,  12,  16,
                                                                       20, 24, 28, 32, 64, 128, 256};

// Weights of the proxy fitness (lower is better):
//   fitness = range * R + fidelity * F + width * W
// R: sum over pairs that never completed a turn in training of max(0, ln(L' theta_i / lambda_i) - ln(L theta_i));
// F: mean squared difference of the per-pair mean cos between the candidate's and the original logits,
//    over a log grid of distances 1..L/4 and key positions (n_hat rule included);
// W: mean over a few distances of max(0, ln(peak width / original peak width)), attention kernel, positional content.
struct FitnessWeights {
    double range = 1.0;     // out-of-range penalty R
    double fidelity = 20.0; // short-range logit fidelity F
    double width = 0.5;     // attention peak width W
};

// The three terms of one candidate's fitness and their weighted sum.
struct FitnessTerms {
    double range = 0;     // R
    double fidelity = 0;  // F
    double width = 0;     // W
    double total = 0;     // weighted sum
};

// One point of the search space: per-pair factors on the 0.01 grid and n_hat.
struct SearchCandidate {
    std::vector<int> steps;    // factor_i = 1 + steps_i / 100, non-decreasing, in [0, 100 s]
    std::int64_t n_hat = 0;    // one of kLongRopeNHatChoices
    double fitness = 0;        // total (valid once evaluated)
    std::vector<double> factors() const;  // 1 + steps_i / 100
};

// Progress of one generation (generation 0 is the evaluated initial population).
struct SearchProgress {
    int iteration = 0;
    double best_fitness = 0;
    double elapsed_ms = 0;
};

struct SearchOptions {
    int population = 64;   // size of the initial population (seeds plus mutations of them)
    int iterations = 40;   // generations after the initial one
    int parents = 32;      // survivors kept each generation (elitist: the best is never lost)
    int mutations = 16;    // children by mutation per generation
    int crossovers = 16;   // children by crossover per generation
    int threads = 0;       // fitness evaluation threads; 0: hardware threads (at most 64)
    std::uint64_t seed = 1;  // std::mt19937_64 seed: same seed, same result, whatever the threads
    int max_mutation_step = 0;  // largest |k| of a mutation's +-k*0.01; 0: max(1, 10 s)
    FitnessWeights weights;
    // Optional objective that replaces the proxy fitness (lower is better): e.g. a trained model's
    // held-out perplexity at L' (the LongRoPE paper's choice, core/model). It gets a candidate's
    // per-pair factors and n_hat; a NaN or infinite return ranks the candidate last. It is called
    // from the search's threads: it must be safe to call concurrently when threads > 1. With it,
    // FitnessTerms hold only `total` (range, fidelity and width stay 0).
    std::function<double(const std::vector<double>& factors, std::int64_t n_hat)> objective;
    const std::atomic<bool>* cancel = nullptr;                  // checked before every generation
    std::function<void(const SearchProgress&)> progress;        // after every generation, on the calling thread
    // Debug hook: every evaluated population (generation index, candidates), on the calling thread.
    std::function<void(int, const std::vector<SearchCandidate>&)> on_population;
};

// Fitness of the seeds, for comparison.
struct SeedFitness {
    std::string label;   // "PI", "NTK-aware", "YaRN"
    MethodKind kind = MethodKind::Linear;
    std::vector<double> factors;  // the seed on the grid (as entered into the population)
    FitnessTerms terms;
};

struct SearchResult {
    SearchCandidate best;
    FitnessTerms best_terms;
    std::vector<double> best_per_generation;  // generation 0..completed
    std::vector<double> mean_per_generation;
    std::vector<SeedFitness> seeds;           // PI, NTK-aware, YaRN
    int generations = 0;                      // iterations completed (without generation 0)
    bool cancelled = false;
    double elapsed_ms = 0;
    int threads = 0;
};

// Checks the setup (factor > 1) and the options; errors name the field.
Status validate_search(const RopeSetup& setup, const SearchOptions& options);

// Proxy fitness of explicit per-pair factors (length setup.num_pairs()) and n_hat.
Result<FitnessTerms> longrope_fitness(const RopeSetup& setup, const std::vector<double>& factors,
                                      std::int64_t n_hat, const FitnessWeights& weights = {});

// Runs the search. A cancelled search returns the best so far with cancelled = true.
Result<SearchResult> longrope_search(const RopeSetup& setup, const SearchOptions& options);

// The result as a method: long_factor = the searched factors, short_factor = all ones (within L
// the model runs as trained), n_hat = the searched n_hat, HF's default attention factor.
LongRopeMethod to_longrope_method(const SearchResult& result);

// A named factor list drawn next to the searched ones (e.g. Phi-3-mini-128k's long_factor).
struct FactorReference {
    std::string label;
    std::vector<double> factors;
};

// Per-pair factors (log y) of the search result against PI, NTK-aware and YaRN per-pair scales and
// the references whose length matches the number of pairs (others are skipped).
Figure longrope_factors_figure(const RopeSetup& setup, const SearchResult& result,
                               const std::vector<FactorReference>& references, const std::string& caption);
// Best and mean fitness per generation, with the seeds' fitness as reference lines.
Figure longrope_fitness_figure(const SearchResult& result, const std::string& caption);

}  // namespace ropescope
