// ropescope-cli resolution: token-distance resolution against distance, for one or more methods.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "attention_flags.h"
#include "commands.h"
#include "progress.h"
#include "setup_flags.h"
#include "ropescope/attention.h"
#include "ropescope/rope.h"
#include "ropescope/validate.h"

namespace ropescope::cli {

namespace {

constexpr const char* kHelp = R"(Usage: ropescope-cli resolution --method NAME[,NAME...] [setup flags] [--points N] [--max-distance N]
                               [--content positional|needle|identical] [--seed S] [--noise X]
                               [--query-scale X] [--threads T] [--precision fp64|fp32|bf16|fp16]
                               [--reference] [--format csv|json] [--progress]

N = max-distance + 1 keys at positions 0..max-distance (default: the largest target context L' of
the methods), the query at the last one; for each distance D on a log grid from 1 to max-distance
the target is the key at distance D. Per method and D: the weight on the target, the argmax error
in tokens, the width of the attention peak (FWHM, tokens), the entropy (nats), the adjacent-token
distinguishability (logit(D) - logit(D+1)) / (logit spread) and the side-peak ratio.
See docs/resolution.md.

  --points N                 grid points (default 24; duplicates after rounding are dropped)
  --max-distance N           largest distance, at most 2097151 (default L')
  --content MODEL            positional (default), needle or identical (see 'attention --help')
  --positional-original      positional: a query built with the original frequencies
  --seed S --noise X         needle contents (default 1, 1)
  --query-scale X            multiplies the query: an inverse temperature (default 1)
  --threads T                kernel threads (default: all cores)
  --precision FMT            RoPE phases in fp64 (default), fp32, bf16 or fp16
  --reference                use the scalar double reference (slow)
  --isa ISA                  fast path instruction set: best (default), avx512, avx2, portable
  --format csv|json          csv (default): one row per distance, six columns per method
  --svg FILE                 also write the curves (weight, FWHM, distinguishability) as an SVG figure
  --progress                 progress on stderr from the start, also when it is not a terminal
                             (on a terminal it appears anyway once a run takes over a second)

Examples:
  ropescope-cli resolution --method default,linear,yarn --factor 8 --format csv > resolution.csv
  ropescope-cli resolution --method linear,ntk,yarn,llama3 --factor 8 --query-scale 4 --points 16 --format json
  ropescope-cli resolution --method yarn --factor 8 --content needle --noise 0.5 --format csv

)";

constexpr const char* kColumns[] = {"target_weight", "argmax_error", "peak_width", "entropy",
                                    "adjacent_distinguishability", "side_peak_ratio"};

double column(const AttentionMetrics& m, int k) {
    switch (k) {
        case 0: return m.target_weight;
        case 1: return static_cast<double>(m.argmax_error);
        case 2: return m.peak_width;
        case 3: return m.entropy;
        case 4: return m.adjacent_distinguishability;
        default: return m.side_peak_ratio;
    }
}

}  // namespace

int run_resolution(int argc, char** argv, int first) {
    ArgSpec spec;
    add_setup_args(spec);
    add_attention_args(spec);
    spec.options.insert({"format", "points", "max-distance", "svg"});
    spec.flags.insert({"help", "progress"});
    auto args = parse_args("resolution", spec, argc, argv, first);
    if (!args) return usage_error(args.error().message);
    if (args->flags.count("help")) {
        std::fputs(kHelp, stdout);
        std::fputs(setup_args_help(), stdout);
        return kExitOk;
    }
    const std::string format = args->get("format").value_or("csv");
    if (format != "json" && format != "csv")
        return usage_error("--format: \"" + format + "\" is not allowed; use csv or json.");
    auto common = attention_options_from_flags(*args);
    if (!common) return usage_error(common.error().message);
    auto points = args->integer("points", 2, 1000);
    if (!points) return usage_error(points.error().message);
    auto max_distance = args->integer("max-distance", 1, kMaxAttentionKeys - 1);
    if (!max_distance) return usage_error(max_distance.error().message);

    auto built = setup_from_flags(*args, true);
    if (!built) return usage_error(built.error().message);
    std::vector<std::string> warnings = built->warnings;
    std::vector<RopeResult> results;
    for (const auto& method : built->methods) {
        auto result = compute_rope(built->setup, method);
        if (!result) return usage_error(std::string(method_name(kind_of(method))) + ": " + result.error().message);
        for (const auto& w : result->warnings) warnings.push_back(std::string(method_name(result->kind)) + ": " + w);
        results.push_back(std::move(result).value());
    }
    ResolutionOptions options;
    options.attention = *common;
    options.points = static_cast<int>(points->value_or(24));
    options.max_distance = max_distance->value_or(0);
    if (options.max_distance == 0) {
        for (const auto& r : results) options.max_distance = std::max(options.max_distance, r.target_context);
        if (options.max_distance > kMaxAttentionKeys - 1) {
            warnings.push_back("the target context " + std::to_string(options.max_distance) +
                               " is above the kernel's limit; distances stop at " +
                               std::to_string(kMaxAttentionKeys - 1) + ".");
            options.max_distance = kMaxAttentionKeys - 1;
        }
    }

    AttentionEngine engine;
    std::vector<ResolutionCurve> curves;
    double elapsed = 0;
    Progress progress("resolution", args->flags.count("progress") > 0);
    for (std::size_t k = 0; k < results.size(); ++k) {
        const std::string detail = std::string(method_name(results[k].kind)) + ", method " + std::to_string(k + 1) +
                                   " of " + std::to_string(results.size());
        RunControl control;
        control.progress = [&](double fraction) {
            progress.update((static_cast<double>(k) + fraction) / static_cast<double>(results.size()), detail);
        };
        auto curve = resolution_curve(engine, results[k], options, control);
        if (!curve) {
            progress.end_line();
            return usage_error(attention_error_message(curve.error()));
        }
        elapsed += curve->kernel_ms;
        curves.push_back(std::move(curve).value());
    }
    progress.done(std::to_string(curves.front().points.size()) + " distances x " + std::to_string(curves.size()) +
                  " method" + (curves.size() == 1 ? "" : "s"));
    const auto& grid = curves.front().points;
    if (const auto svg = args->get("svg")) {
        const Figure figure = resolution_figure(curves, {}, command_line(argc, argv));
        if (auto status = write_svg(figure, *svg, 1200, 420); !status) {
            std::fprintf(stderr, "error: %s\n", status.error().message.c_str());
            return kExitFailure;
        }
    }

    if (format == "json") {
        nlohmann::json j;
        std::vector<std::int64_t> distance;
        for (const auto& p : grid) distance.push_back(p.distance);
        j["distance"] = distance;
        j["keys"] = curves.front().num_keys;
        j["content"] = std::string(content_model_name(options.attention.content));
        j["precision"] = std::string(phase_precision_name(options.attention.precision));
        j["path"] = std::string(kernel_path_name(options.attention.path));
        j["elapsed_ms"] = elapsed;
        nlohmann::json methods = nlohmann::json::array();
        for (std::size_t k = 0; k < curves.size(); ++k) {
            nlohmann::json m;
            m["rope_type"] = std::string(method_name(results[k].kind));
            m["target_context"] = results[k].target_context;
            for (int c = 0; c < 6; ++c) {
                std::vector<double> values;
                for (const auto& p : curves[k].points) values.push_back(column(p.metrics, c));
                m[kColumns[c]] = values;
            }
            std::vector<std::int64_t> argmax;
            for (const auto& p : curves[k].points) argmax.push_back(p.metrics.argmax);
            m["argmax"] = argmax;
            methods.push_back(m);
        }
        j["methods"] = methods;
        j["warnings"] = warnings;
        std::cout << j.dump(2) << '\n';
        return kExitOk;
    }
    for (const auto& w : warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
    std::string out = "distance_tokens";
    for (const auto& r : results)
        for (const char* c : kColumns) out.append(",").append(method_name(r.kind)).append("_").append(c);
    out += '\n';
    for (std::size_t row = 0; row < grid.size(); ++row) {
        out += std::to_string(grid[row].distance);
        for (const auto& curve : curves)
            for (int c = 0; c < 6; ++c) out += "," + format_number(column(curve.points[row].metrics, c));
        out += '\n';
    }
    std::cout << out;
    return kExitOk;
}

}  // namespace ropescope::cli
