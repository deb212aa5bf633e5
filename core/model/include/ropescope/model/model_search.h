// LongRoPE's evolutionary search (the core's longrope_search) with this model's held-out
// perplexity at the target length as the fitness, the paper's choice, instead of the proxy.
#pragma once

#include <string>

#include "ropescope/longrope_search.h"
#include "ropescope/model/model.h"

namespace ropescope::model {

struct ModelSearchOptions {
    double factor = 8;       // s: the search targets length s * L
    int windows = 4;         // held-out windows per fitness evaluation
    // The search itself (population, iterations, seed, cancel, progress); its objective and
    // threads are set here (one thread: LibTorch parallelises each evaluation itself). Smaller
    // defaults than the proxy search: every evaluation is a forward pass of the model.
    SearchOptions search = [] {
        SearchOptions o;
        o.population = 16;
        o.iterations = 8;
        o.parents = 8;
        o.mutations = 4;
        o.crossovers = 4;
        return o;
    }();
    int threads = 0;         // LibTorch threads; 0: library default
};

struct ModelSearchResult {
    SearchResult search;     // fitness = perplexity at s * L
    ModelLongRope best;      // the best factors, ready to store in the model (info().longrope)
    RopeSetup setup;         // the rotary setup searched on (head_dim, L, s)
};

// The model's rotary setup at factor s (what the search and the figures need).
RopeSetup model_rope_setup(const ModelShape& shape, double factor);

// Runs the search. Errors: the options (validate_search's fields), the held-out text (corpus).
Result<ModelSearchResult> search_factors_on_model(const Model& model, const std::string& heldout,
                                                  const ModelSearchOptions& options);

}  // namespace ropescope::model
