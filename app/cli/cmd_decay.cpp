// ropescope-cli decay: attention-score decay with distance for one or more methods.
#include <cstdio>
#include <iostream>
#include <string>

#include "commands.h"
#include "setup_flags.h"
#include <nlohmann/json.hpp>

#include "ropescope/decay.h"
#include "ropescope/plots.h"
#include "ropescope/rope.h"
#include "ropescope/validate.h"

namespace ropescope::cli {

namespace {

constexpr const char* kHelp = R"(Usage: ropescope-cli decay --method NAME[,NAME...] [setup flags] [--grid log|linear] [--points N]
                          [--max-distance N] [--no-attention-factor] [--format csv|json]

The RoPE logit between identical query and key vectors against their distance:
mean_i cos(distance * theta'_i), times attention_factor^2 (and DeepSeek's softmax multiplier),
plus RoFormer's long-term-decay curve sum_j |sum_{k<j} e^{i distance theta'_k}|, normalized to 1
at distance 0. RoFormer bounds the logit of arbitrary content by this curve times a content
factor; it is not a bound on the identical-vector logit, and the two may cross.
Distances are whole tokens from 0 to L' (or --max-distance).

  --grid log|linear         spacing of the distances (default log)
  --points N                number of grid points, 2..100000 (default 256)
  --max-distance N          last distance (default: the target context L')
  --no-attention-factor     report the raw curves without attention_factor^2
  --format csv|json         csv (default): one row per distance, two columns per method

Examples:
  ropescope-cli decay --method default,linear,ntk,yarn --factor 8 --format csv > decay.csv
  ropescope-cli decay --config assets/presets/phi-3-mini-128k-instruct.json --seq-len 131072 --format json

)";

}  // namespace

int run_decay(int argc, char** argv, int first) {
    ArgSpec spec;
    add_setup_args(spec);
    spec.options.insert({"format", "grid", "points", "max-distance"});
    spec.flags.insert({"help", "no-attention-factor"});
    auto args = parse_args("decay", spec, argc, argv, first);
    if (!args) return usage_error(args.error().message);
    if (args->flags.count("help")) {
        std::fputs(kHelp, stdout);
        std::fputs(setup_args_help(), stdout);
        return kExitOk;
    }
    const std::string format = args->get("format").value_or("csv");
    if (format != "json" && format != "csv")
        return usage_error("--format: \"" + format + "\" is not allowed; use csv or json.");
    DecayOptions options;
    const std::string grid = args->get("grid").value_or("log");
    if (grid == "log") options.grid = GridKind::Log;
    else if (grid == "linear") options.grid = GridKind::Linear;
    else return usage_error("--grid: \"" + grid + "\" is not allowed; use log or linear.");
    auto points = args->integer("points", kMinDecayPoints, kMaxDecayPoints);
    if (!points) return usage_error(points.error().message);
    options.points = static_cast<int>(points->value_or(256));
    auto max_distance = args->integer("max-distance", 1, kMaxContext);
    if (!max_distance) return usage_error(max_distance.error().message);
    options.max_distance = max_distance->value_or(0);
    options.apply_attention_factor = !args->flags.count("no-attention-factor");

    auto built = setup_from_flags(*args, true);
    if (!built) return usage_error(built.error().message);

    std::vector<RopeResult> results;
    std::vector<DecayCurve> curves;
    std::vector<std::string> warnings = built->warnings;
    for (const auto& method : built->methods) {
        auto result = compute_rope(built->setup, method);
        if (!result) return usage_error(std::string(method_name(kind_of(method))) + ": " + result.error().message);
        for (const auto& w : result->warnings) warnings.push_back(std::string(method_name(result->kind)) + ": " + w);
        results.push_back(std::move(result).value());
    }
    // All methods share one distance grid, so the target context of the first sets the default range.
    if (options.max_distance == 0) {
        for (const auto& r : results) options.max_distance = std::max(options.max_distance, r.target_context);
    }
    for (const auto& r : results) curves.push_back(decay_curve(r, options));

    if (format == "json") {
        nlohmann::json j;
        j["distance"] = curves.front().distance;
        j["attention_factor_applied"] = options.apply_attention_factor;
        nlohmann::json methods = nlohmann::json::array();
        for (std::size_t k = 0; k < results.size(); ++k)
            methods.push_back({{"rope_type", std::string(method_name(results[k].kind))},
                               {"attention_factor", results[k].attention_factor},
                               {"logit_scale", results[k].logit_scale()},
                               {"target_context", results[k].target_context},
                               {"logit", curves[k].logit},
                               {"bound", curves[k].bound}});
        j["methods"] = methods;
        j["warnings"] = warnings;
        std::cout << j.dump(2) << '\n';
        return kExitOk;
    }
    for (const auto& w : warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
    std::string out = "distance_tokens";
    for (const auto& r : results) {
        const std::string name(method_name(r.kind));
        out.append(",").append(name).append("_logit,").append(name).append("_roformer_bound");
    }
    out += '\n';
    for (std::size_t row = 0; row < curves.front().distance.size(); ++row) {
        out += format_number(curves.front().distance[row]);
        for (const auto& c : curves) out += "," + format_number(c.logit[row]) + "," + format_number(c.bound[row]);
        out += '\n';
    }
    std::cout << out;
    return kExitOk;
}

}  // namespace ropescope::cli
