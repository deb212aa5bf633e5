// The LongRoPE search with the model's held-out perplexity at s * L as its objective.
#include "ropescope/model/model_search.h"

#include <cmath>

#include "ropescope/model/evaluate.h"

namespace ropescope::model {

RopeSetup model_rope_setup(const ModelShape& shape, double factor) {
    RopeSetup setup;
    setup.head_dim = shape.head_dim();
    setup.rope_theta = shape.rope_theta;
    setup.original_max_position_embeddings = shape.train_context;
    setup.factor = factor;
    return setup;
}

Result<ModelSearchResult> search_factors_on_model(const Model& model, const std::string& heldout,
                                                  const ModelSearchOptions& o) {
    if (model.empty()) return Error{"model", "model: no model loaded."};
    ModelSearchResult out;
    out.setup = model_rope_setup(model.shape(), o.factor);
    SearchOptions search = o.search;
    search.threads = 1;  // LibTorch parallelises every evaluation
    if (auto s = validate_search(out.setup, search); !s) return s.error();
    const auto length = static_cast<std::int64_t>(std::llround(o.factor * static_cast<double>(model.shape().train_context)));
    // Check the evaluation once (length, held-out text) so the objective cannot fail later.
    LongRopeMethod probe;
    probe.short_factor.assign(static_cast<std::size_t>(out.setup.num_pairs()), 1.0);
    probe.long_factor = probe.short_factor;
    if (auto p = heldout_perplexity(model, heldout, probe, o.factor, length, o.windows); !p) return p.error();
    set_compute_threads(o.threads);
    search.objective = [&](const std::vector<double>& factors, std::int64_t n_hat) {
        LongRopeMethod m;
        m.short_factor.assign(factors.size(), 1.0);
        m.long_factor = factors;
        m.n_hat = n_hat;
        m.choice = LongRopeFactorChoice::Long;
        auto p = heldout_perplexity(model, heldout, m, o.factor, length, o.windows);
        return p ? *p : std::nan("");
    };
    auto result = longrope_search(out.setup, search);
    if (!result) return result.error();
    out.search = std::move(*result);
    out.best.factor = o.factor;
    out.best.long_factor = out.search.best.factors();
    out.best.n_hat = out.search.best.n_hat;
    out.best.perplexity = out.search.best_terms.total;
    return out;
}

}  // namespace ropescope::model
