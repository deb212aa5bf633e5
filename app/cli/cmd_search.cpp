// ropescope-cli search: LongRoPE's evolutionary search for per-pair factors (docs/longrope.md).
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>
#include <tuple>
#include <variant>
#include <vector>

#include "attention_flags.h"
#include "cli_args.h"
#include "commands.h"
#include "presets_dir.h"
#include "progress.h"
#include "ropescope/engines.h"
#include "ropescope/export.h"
#include "ropescope/hf_config.h"
#include "ropescope/longrope_search.h"
#include "ropescope/validate.h"

namespace ropescope::cli {

namespace {

constexpr const char* kHelp = R"(Usage: ropescope-cli search --out FILE [--head-dim N] [--original-max-position-embeddings L]
                           [--factor S] [--rope-theta B] [--seed S] [--iterations N] [--population N]
                           [--parents N] [--mutations N] [--crossovers N] [--threads T]
                           [--weight-range X] [--weight-fidelity X] [--weight-width X]
                           [--svg FILE] [--progress]

LongRoPE's evolutionary search over per-pair rescale factors (non-decreasing, in [1, 1 + s], step
0.01) and n_hat, seeded from PI, NTK-aware and YaRN, on a proxy fitness (no model is loaded):
  fitness = weight-range * R + weight-fidelity * F + weight-width * W   (lower is better)
R: log excess of the largest angle at L' over the trained one, for pairs with r < 1; F: mean squared
logit difference to the original RoPE for distances up to L/4; W: attention peak broadening.
Writes an HF config fragment with a longrope rope_scaling block (long_factor = the searched factors,
short_factor = ones, n_hat) to --out and prints the fitness of the result and of the seeds.
See docs/longrope.md.

  --head-dim N                              rotary head dimension (default 96: Phi-3-mini)
  --original-max-position-embeddings L      pre-training context (default 4096)
  --factor S                                extension factor s > 1 (default 32)
  --rope-theta B                            RoPE base (default 10000)
  --seed S                                  random seed (default 1); same seed, same result
  --iterations N                            generations (default 40)
  --population N                            initial population (default 64)
  --parents N --mutations N --crossovers N  per generation (default 32, 16, 16)
  --threads T                               fitness threads (default: all cores)
  --weight-range X --weight-fidelity X --weight-width X   fitness weights (default 1, 20, 0.5)
  --svg FILE                                also write the factors (against PI, NTK-aware, YaRN and,
                                            for head_dim 96, Phi-3's long factors) and the fitness
                                            per generation as an SVG figure
  --progress                                one line per generation on stderr (without it, on a
                                            terminal: one line redrawn in place after a second)

Example:
  ropescope-cli search --head-dim 96 --original-max-position-embeddings 4096 --factor 32 --out factors.json

)";

// "--name" for a core field such as "original_max_position_embeddings".
std::string option_for_field(const std::string& field) {
    std::string name = field;
    for (auto& c : name)
        if (c == '_') c = '-';
    if (name.rfind("weights.", 0) == 0) name = "weight-" + name.substr(8);
    return "--" + name;
}

std::string line(const char* label, const FitnessTerms& t) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "  %-10s %10.5f   (R %.4f, F %.6f, W %.4f)", label, t.total, t.range, t.fidelity,
                  t.width);
    return buf;
}

// Phi-3's published long factors, from the bundled presets (skipped if missing).
std::vector<FactorReference> phi3_references(int pairs, std::vector<std::string>& warnings) {
    const std::pair<const char*, const char*> presets[] = {
        {"phi-3-mini-128k-instruct.json", "Phi-3-mini-128k long_factor"},
        {"phi-3.5-mini-instruct.json", "Phi-3.5-mini long_factor"}};
    std::vector<FactorReference> refs;
    for (const auto& [file, label] : presets) {
        auto config = load_hf_config(presets_dir() + "/" + file);
        if (!config) {
            warnings.push_back("Phi-3 reference not drawn: " + config.error().message);
            continue;
        }
        const auto* m = std::get_if<LongRopeMethod>(&config->method);
        if (!m || static_cast<int>(m->long_factor.size()) != pairs) continue;
        refs.push_back(FactorReference{label, m->long_factor});
    }
    return refs;
}

}  // namespace

int run_search(int argc, char** argv, int first) {
    ArgSpec spec;
    spec.options = {"head-dim",   "original-max-position-embeddings", "factor",         "rope-theta",
                    "seed",       "iterations",                       "population",     "parents",
                    "mutations",  "crossovers",                       "threads",        "weight-range",
                    "weight-fidelity", "weight-width",                "out",            "svg"};
    spec.flags = {"progress", "help"};
    auto args = parse_args("search", spec, argc, argv, first);
    if (!args) return usage_error(args.error().message);
    if (args->flags.count("help")) {
        std::fputs(kHelp, stdout);
        return kExitOk;
    }
    const auto out_path = args->get("out");
    if (!out_path || out_path->empty()) return usage_error("--out: missing; give the JSON file to write.");

    RopeSetup setup;
    setup.head_dim = 96;
    setup.original_max_position_embeddings = 4096;
    setup.factor = 32;
    SearchOptions options;
    auto head_dim = args->integer("head-dim", 2, 4096);
    if (!head_dim) return usage_error(head_dim.error().message);
    if (*head_dim) setup.head_dim = static_cast<int>(**head_dim);
    auto L = args->integer("original-max-position-embeddings", 1, kMaxContext);
    if (!L) return usage_error(L.error().message);
    if (*L) setup.original_max_position_embeddings = **L;
    for (const auto& [name, target] : {std::pair<const char*, double*>{"factor", &setup.factor},
                                       {"rope-theta", &setup.rope_theta},
                                       {"weight-range", &options.weights.range},
                                       {"weight-fidelity", &options.weights.fidelity},
                                       {"weight-width", &options.weights.width}}) {
        auto v = args->number(name);
        if (!v) return usage_error(v.error().message);
        const bool weight = std::string_view(name).rfind("weight-", 0) == 0;
        if (*v && weight && !(**v >= 0 && **v <= 1e6))
            return usage_error("--" + std::string(name) + ": " + format_number(**v) +
                               " is not allowed; a fitness weight is a number from 0 to 1e6.");
        if (*v) *target = **v;
    }
    auto seed = args->integer("seed", 0, std::int64_t{1} << 62);
    if (!seed) return usage_error(seed.error().message);
    if (*seed) options.seed = static_cast<std::uint64_t>(**seed);
    for (const auto& [name, target, lo, hi] :
         {std::tuple<const char*, int*, int, int>{"iterations", &options.iterations, 0, 10000},
          {"population", &options.population, 3, 4096},
          {"parents", &options.parents, 2, 4096},
          {"mutations", &options.mutations, 0, 4096},
          {"crossovers", &options.crossovers, 0, 4096},
          {"threads", &options.threads, 1, 64}}) {
        auto v = args->integer(name, lo, hi);
        if (!v) return usage_error(v.error().message);
        if (*v) *target = static_cast<int>(**v);
    }
    if (auto status = validate_search(setup, options); !status)
        return usage_error(option_for_field(status.error().field) + ": " + status.error().message);

    // --progress: one line per generation; otherwise, on a terminal, one line redrawn in place.
    const bool every_generation = args->flags.count("progress") > 0;
    Progress progress("search", false);
    options.progress = [&, total = options.iterations](const SearchProgress& p) {
        if (every_generation) {
            std::fprintf(stderr, "generation %d/%d: best fitness %.6f (%.0f ms)\n", p.iteration, total, p.best_fitness,
                         p.elapsed_ms);
            return;
        }
        char detail[96];
        std::snprintf(detail, sizeof detail, "generation %d of %d, best fitness %.6f", p.iteration, total, p.best_fitness);
        progress.update(total > 0 ? static_cast<double>(p.iteration) / total : 1.0, detail);
    };
    auto result = longrope_search(setup, options);
    if (!result) {
        progress.end_line();
        return usage_error(option_for_field(result.error().field) + ": " + result.error().message);
    }
    progress.done(std::to_string(result->generations) + " generations");

    const LongRopeMethod method = to_longrope_method(*result);
    if (auto status = write_file_atomic(*out_path, to_hf_json(setup, method)); !status) {
        std::fprintf(stderr, "error: %s\n", status.error().message.c_str());
        return kExitFailure;
    }
    std::vector<std::string> warnings;
    if (const auto svg = args->get("svg")) {
        const std::string caption = command_line(argc, argv);
        Figure figure = longrope_factors_figure(setup, *result, phi3_references(setup.num_pairs(), warnings), caption);
        Figure fitness = longrope_fitness_figure(*result, caption);
        figure.id = "longrope_search";
        figure.title = "LongRoPE search (proxy fitness)";
        for (auto& panel : fitness.panels) figure.panels.push_back(std::move(panel));
        if (auto status = write_svg(figure, *svg, 1300, 520); !status) {
            std::fprintf(stderr, "error: %s\n", status.error().message.c_str());
            return kExitFailure;
        }
    }
    for (const auto& w : warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());

    std::printf("LongRoPE search: head_dim %d (%d pairs), L %lld -> L' %lld (s = %g), rope_theta %g\n",
                setup.head_dim, setup.num_pairs(), static_cast<long long>(setup.original_max_position_embeddings),
                static_cast<long long>(setup.target_context()), setup.factor, setup.rope_theta);
    std::printf("seed %llu, population %d, %d of %d iterations (%d parents, %d mutations, %d crossovers), %d thread%s\n",
                static_cast<unsigned long long>(options.seed), options.population, result->generations,
                options.iterations, options.parents, options.mutations, options.crossovers, result->threads,
                result->threads == 1 ? "" : "s");
    std::printf("fitness (lower is better) = %g R + %g F + %g W:\n", options.weights.range, options.weights.fidelity,
                options.weights.width);
    std::printf("%s   n_hat %lld\n", line("searched", result->best_terms).c_str(),
                static_cast<long long>(result->best.n_hat));
    for (const auto& s : result->seeds) std::printf("%s\n", line(s.label.c_str(), s.terms).c_str());
    std::printf("elapsed %.0f ms\nwrote %s\n", result->elapsed_ms, out_path->c_str());
    return kExitOk;
}

}  // namespace ropescope::cli
