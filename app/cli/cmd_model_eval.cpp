// ropescope-cli model eval | search: the methods on a trained model, and LongRoPE's search with
// the model's perplexity as fitness.
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "attention_flags.h"
#include "commands.h"
#include "model_cli.h"
#include "ropescope/engines.h"
#include "ropescope/export.h"
#include "ropescope/model/checkpoint.h"
#include "ropescope/model/eval_report.h"
#include "ropescope/model/evaluate.h"
#include "ropescope/model/model_figures.h"
#include "ropescope/model/model_search.h"
#include "ropescope/validate.h"

namespace ropescope::cli {

namespace {

constexpr const char* kEvalHelp = R"(Usage: ropescope-cli model eval [--model FILE] [--method M1,M2,...] [--lengths T1,T2,...]
                               [--factor S|auto] [--windows N] [--no-passkey] [--corpus PATH]
                               [--long-factor A,B,...] [--n-hat N] [--threads T]
                               [--format text|json|csv] [--svg FILE] [--passkey-svg FILE]

Applies each method to the same trained weights (frequencies, attention factor, DeepSeek's
softmax multiplier and LongRoPE's n_hat all from the core, dynamic methods at the evaluated length)
and measures, per length T: held-out perplexity on the last quarter of each window, passkey
accuracy with the key near the start of a window of T tokens, and each layer's attention entropy.

  --model FILE            a .rsmodel file (default: the shipped model)
  --method LIST           default, linear (PI), ntk, dynamic, ntk_by_parts, yarn, dynamic_yarn,
                          llama3, longrope (default: default,linear,ntk,yarn)
  --lengths LIST          evaluated lengths (default: L, 2L, 4L, 8L, 16L)
  --factor S|auto         extension factor; auto: s = max(1, T / L) for each length (default auto)
  --windows N             windows per length (default: 16 L / T, at least 2, at most 16)
  --no-passkey            skip the passkey test
  --corpus PATH           held-out text from this corpus (default: the model's own, else the Eigen headers)
  --long-factor LIST      longrope per-pair factors (default: the factors searched on the model)
  --n-hat N               longrope: first N positions keep the original angle
  --threads T             compute threads (default: all cores)
  --format text|json|csv  json: {"train_context": L, "results": [{"method", "factor", "length",
                          "perplexity", "passkey_accuracy", ...}]}
  --svg FILE              perplexity against length, one curve per method
  --passkey-svg FILE      passkey accuracy heatmap (length x method)

Example:
  ropescope-cli model eval --method default,linear,ntk,yarn --lengths 256,512,1024,2048,4096
)";

constexpr const char* kSearchHelp = R"(Usage: ropescope-cli model search [--model FILE] [--factor S] [--windows N] [--seed S]
                                 [--population N] [--iterations N] [--parents N]
                                 [--mutations N] [--crossovers N] [--threads T] [--corpus PATH]
                                 [--out MODEL] [--json FILE] [--svg FILE] [--no-proxy] [--progress]

LongRoPE's evolutionary search (the same as 'ropescope-cli search') with the paper's fitness: the
model's held-out perplexity at the target length s * L with the candidate's long factors and
n_hat. Next to it, the proxy-fitness search on the same rotary setup, and the perplexity its
factors give, so the two fitnesses can be compared on a real model.

  --model FILE        a .rsmodel file (default: the shipped model)
  --factor S          extension factor (default 8: target 8 L)
  --windows N         held-out windows per evaluation (default 4)
  --seed S            search seed (default 1)
  --population N --iterations N --parents N --mutations N --crossovers N
                      search size (default 16, 8, 8, 4, 4: every evaluation runs the model)
  --threads T         compute threads (default: all cores)
  --corpus PATH       held-out text (default: the model's own corpus, else the Eigen headers)
  --out MODEL         write a copy of the model with the factors stored (eval --method longrope uses them)
  --json FILE         write the factors as an HF config fragment (rope_scaling longrope)
  --svg FILE          searched factors against PI, NTK-aware, YaRN and the proxy's, and fitness per generation
  --no-proxy          skip the proxy-fitness comparison
  --progress          one line per generation on stderr

Example:
  ropescope-cli model search --factor 8 --out searched.rsmodel
)";

Result<std::vector<Method>> methods_from_flags(const ParsedArgs& args, const model::Model& m) {
    std::vector<Method> methods;
    const auto text = args.get("method");
    if (!text) return model::default_eval_methods();
    for (const auto& name : split_list(*text)) {
        const auto kind = method_from_name(name);
        if (!kind) return Error{"method", "--method: \"" + name + "\" is not a method; use " + method_names_list() + "."};
        Method method = default_method(*kind);
        if (auto* lr = std::get_if<LongRopeMethod>(&method)) {
            auto list = args.number_list("long-factor");
            if (!list) return list.error();
            if (*list) {
                lr->long_factor = **list;
            } else if (m.info().longrope) {
                lr->long_factor = m.info().longrope->long_factor;
                lr->n_hat = m.info().longrope->n_hat;
            } else {
                return Error{"method", "--method: longrope needs per-pair factors; this model has none stored "
                                       "(run 'ropescope-cli model search --out FILE') and no --long-factor was given."};
            }
            lr->short_factor.assign(lr->long_factor.size(), 1.0);
            auto n_hat = args.integer("n-hat", 0, 1 << 20);
            if (!n_hat) return n_hat.error();
            if (*n_hat) lr->n_hat = **n_hat;
        }
        methods.push_back(std::move(method));
    }
    if (methods.empty()) return Error{"method", "--method: empty; give one or more method names."};
    return methods;
}

std::string entropy_text(const std::vector<double>& e) {
    std::string s;
    for (std::size_t i = 0; i < e.size(); ++i) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%s%.2f", i ? "/" : "", e[i]);
        s += buf;
    }
    return s;
}

// "17/4/2/8/6": per-digit passkey accuracy in percent ("-" without the passkey test).
std::string digits_text(const std::vector<double>& d) {
    if (d.empty()) return "-";
    std::string s;
    for (std::size_t i = 0; i < d.size(); ++i) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%s%.0f", i ? "/" : "", 100 * d[i]);
        s += buf;
    }
    return s;
}

void print_text(const model::EvalReport& r, const model::Model& m, const model::Corpus& c, const std::string& path) {
    const auto& s = m.shape();
    std::printf("model %s: %d layers, d_model %d, %d heads, L = %lld; held-out text: %s (%zu bytes)\n", path.c_str(),
                s.layers, s.d_model, s.heads, static_cast<long long>(s.train_context), c.name.c_str(), c.heldout.size());
    std::printf("%-14s %7s %7s %11s %8s %9s %-19s  %s\n", "method", "factor", "length", "perplexity", "passkey",
                "distance", "per digit (%)", "entropy per layer (nats)");
    for (const auto& p : r.results)
        std::printf("%-14s %7s %7lld %11.3f %7.0f%% %9lld %-19s  %s\n", p.method.c_str(), format_number(p.factor).c_str(),
                    static_cast<long long>(p.length), p.perplexity, 100 * p.passkey_accuracy,
                    static_cast<long long>(p.passkey_distance), digits_text(p.passkey_digit_accuracy).c_str(),
                    entropy_text(p.attention_entropy).c_str());
    std::printf("%zu points in %.1f s\n", r.results.size(), r.seconds);
}

}  // namespace

int run_model_eval(int argc, char** argv, int first) {
    ArgSpec spec;
    spec.options = {"model", "method", "lengths", "factor", "windows", "corpus", "long-factor", "n-hat",
                    "threads", "format", "svg", "passkey-svg"};
    spec.flags = {"help", "no-passkey"};
    auto args = parse_args("model eval", spec, argc, argv, first);
    if (!args) return usage_error(args.error().message);
    if (args->flags.count("help")) {
        std::fputs(kEvalHelp, stdout);
        return kExitOk;
    }
    const std::string format = args->get("format").value_or("text");
    if (format != "text" && format != "json" && format != "csv")
        return usage_error("--format: \"" + format + "\" is not allowed; use text, json or csv.");
    auto m = load_model_flag(*args);
    if (!m) return usage_error(model_error_message(m.error()));
    model::EvalOptions o;
    auto methods = methods_from_flags(*args, *m);
    if (!methods) return usage_error(methods.error().message);
    o.methods = *methods;
    if (const auto lengths = args->get("lengths")) {
        for (const auto& item : split_list(*lengths)) {
            char* end = nullptr;
            const long long v = std::strtoll(item.c_str(), &end, 10);
            if (item.empty() || *end != '\0' || v < 16 || v > model::kMaxEvalLength)
                return usage_error("--lengths: \"" + item + "\" is not allowed; give whole numbers from 16 to " +
                                   std::to_string(model::kMaxEvalLength) + ", comma-separated.");
            o.lengths.push_back(v);
        }
        if (o.lengths.empty()) return usage_error("--lengths: empty; give one or more lengths.");
    }
    if (const auto factor = args->get("factor"); factor && *factor != "auto") {
        auto v = args->number("factor");
        if (!v) return usage_error(v.error().message + " Give a number >= 1 or auto.");
        o.factor = **v;
    }
    auto windows = args->integer("windows", 1, 1024);
    if (!windows) return usage_error(windows.error().message);
    if (*windows) o.windows = static_cast<int>(**windows);
    auto threads = args->integer("threads", 1, 256);
    if (!threads) return usage_error(threads.error().message);
    if (*threads) o.threads = static_cast<int>(**threads);
    o.passkey = !args->flags.count("no-passkey");
    auto corpus = load_corpus_flag(*args, m->info().corpus);
    if (!corpus) return usage_error(model_error_message(corpus.error()));
    if (auto s = model::validate_eval(*m, corpus->heldout, o); !s) return usage_error(model_error_message(s.error()));
    o.cancel = interrupt_flag();
    const auto start = std::chrono::steady_clock::now();
    o.progress = [&](int done, int total) {
        const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (t > 1.0) std::fprintf(stderr, "eval: %d/%d points, %.1f s\n", done, total, t);
    };
    auto report = model::evaluate_model(*m, corpus->heldout, o);
    if (!report) return usage_error(model_error_message(report.error()));
    if (report->cancelled) return io_error("eval interrupted; nothing written.");
    const std::string caption = command_line(argc, argv);
    if (const auto svg = args->get("svg"))
        if (auto s = write_svg(model::perplexity_figure(*report, caption), *svg, 1000, 620); !s)
            return io_error(s.error().message);
    if (const auto svg = args->get("passkey-svg"))
        if (auto s = write_svg(model::passkey_figure(*report, caption), *svg, 1000, 560); !s)
            return io_error(s.error().message);
    if (format == "json") {
        std::printf("%s\n", model::eval_report_to_json(*report, m->info().checksum).dump(2).c_str());
    } else if (format == "csv") {
        std::printf("method,factor,length,perplexity,passkey_accuracy,passkey_distance\n");
        for (const auto& p : report->results)
            std::printf("%s,%s,%lld,%.17g,%.17g,%lld\n", p.method.c_str(), format_number(p.factor).c_str(),
                        static_cast<long long>(p.length), p.perplexity, p.passkey_accuracy,
                        static_cast<long long>(p.passkey_distance));
    } else {
        print_text(*report, *m, *corpus, args->get("model").value_or(model::default_model_path()));
    }
    return kExitOk;
}

int run_model_search(int argc, char** argv, int first) {
    ArgSpec spec;
    spec.options = {"model", "factor", "windows", "seed", "population", "iterations", "parents", "mutations",
                    "crossovers", "threads", "corpus", "out", "json", "svg"};
    spec.flags = {"help", "no-proxy", "progress"};
    auto args = parse_args("model search", spec, argc, argv, first);
    if (!args) return usage_error(args.error().message);
    if (args->flags.count("help")) {
        std::fputs(kSearchHelp, stdout);
        return kExitOk;
    }
    auto m = load_model_flag(*args);
    if (!m) return usage_error(model_error_message(m.error()));
    model::ModelSearchOptions o;
    if (auto v = args->number("factor"); !v) return usage_error(v.error().message);
    else if (*v) o.factor = **v;
    auto& so = o.search;
    for (const auto& [name, target, lo, hi] :
         {std::tuple<const char*, int*, int, int>{"windows", &o.windows, 1, 1024},
          {"population", &so.population, 3, 4096},
          {"iterations", &so.iterations, 0, 10000},
          {"parents", &so.parents, 2, 4096},
          {"mutations", &so.mutations, 0, 4096},
          {"crossovers", &so.crossovers, 0, 4096},
          {"threads", &o.threads, 1, 256}}) {
        auto v = args->integer(name, lo, hi);
        if (!v) return usage_error(v.error().message);
        if (*v) *target = static_cast<int>(**v);
    }
    auto seed = args->integer("seed", 0, std::int64_t{1} << 62);
    if (!seed) return usage_error(seed.error().message);
    if (*seed) so.seed = static_cast<std::uint64_t>(**seed);
    auto corpus = load_corpus_flag(*args, m->info().corpus);
    if (!corpus) return usage_error(model_error_message(corpus.error()));
    so.cancel = interrupt_flag();
    if (args->flags.count("progress"))
        so.progress = [total = so.iterations](const SearchProgress& p) {
            std::fprintf(stderr, "generation %d/%d: best perplexity %.4f (%.0f ms)\n", p.iteration, total,
                         p.best_fitness, p.elapsed_ms);
        };
    auto result = model::search_factors_on_model(*m, corpus->heldout, o);
    if (!result) return usage_error(model_error_message(result.error()));
    if (result->search.cancelled) return io_error("search interrupted; nothing written.");
    const auto length = static_cast<std::int64_t>(std::llround(o.factor * static_cast<double>(m->shape().train_context)));

    // The proxy fitness's choice on the same setup, scored by the model.
    std::vector<FactorReference> references;
    double proxy_ppl = std::nan("");
    if (!args->flags.count("no-proxy")) {
        SearchOptions proxy;
        proxy.threads = o.threads > 0 ? o.threads : 0;
        proxy.seed = so.seed;
        auto p = longrope_search(result->setup, proxy);
        if (p) {
            LongRopeMethod lm = to_longrope_method(*p);
            lm.choice = LongRopeFactorChoice::Long;
            if (auto ppl = model::heldout_perplexity(*m, corpus->heldout, lm, o.factor, length, o.windows)) proxy_ppl = *ppl;
            references.push_back(FactorReference{"proxy-fitness search", p->best.factors()});
        }
    }
    model::Model stored = *m;
    stored.mutable_info().longrope = result->best;
    if (const auto out = args->get("out"))
        if (auto s = model::save_model(stored, *out); !s) return io_error(s.error().message);
    if (const auto json = args->get("json")) {
        LongRopeMethod lm = to_longrope_method(result->search);
        if (auto s = write_file_atomic(*json, to_hf_json(result->setup, lm)); !s) return io_error(s.error().message);
    }
    if (const auto svg = args->get("svg")) {
        const std::string caption = command_line(argc, argv);
        Figure figure = longrope_factors_figure(result->setup, result->search, references, caption);
        Figure fitness = longrope_fitness_figure(result->search, caption);
        figure.id = "model_longrope_search";
        figure.title = "LongRoPE search on the trained model (fitness: perplexity at " + std::to_string(length) + ")";
        for (auto& panel : fitness.panels) figure.panels.push_back(std::move(panel));
        if (auto s = write_svg(figure, *svg, 1300, 520); !s) return io_error(s.error().message);
    }
    std::printf("LongRoPE search on the model: fitness = held-out perplexity at %lld tokens (s = %s), %d windows\n",
                static_cast<long long>(length), format_number(o.factor).c_str(), o.windows);
    std::printf("seed %llu, population %d, %d of %d iterations, %.1f s\n", static_cast<unsigned long long>(so.seed),
                so.population, result->search.generations, so.iterations, result->search.elapsed_ms / 1000);
    std::printf("  %-22s perplexity %.4f   n_hat %lld\n", "searched", result->best.perplexity,
                static_cast<long long>(result->best.n_hat));
    for (const auto& seed_fit : result->search.seeds)
        std::printf("  %-22s perplexity %.4f\n", (seed_fit.label + " (seed)").c_str(), seed_fit.terms.total);
    if (std::isfinite(proxy_ppl)) std::printf("  %-22s perplexity %.4f\n", "proxy-fitness search", proxy_ppl);
    std::printf("factors:");
    for (const double f : result->best.long_factor) std::printf(" %s", format_number(f).c_str());
    std::printf("\n");
    if (const auto out = args->get("out")) std::printf("wrote %s\n", out->c_str());
    return kExitOk;
}

}  // namespace ropescope::cli
