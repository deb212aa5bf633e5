// ropescope-cli attention: one query against N keys with the CPU attention kernel.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "attention_flags.h"
#include "commands.h"
#include "setup_flags.h"
#include "ropescope/attention.h"
#include "ropescope/rope.h"
#include "ropescope/validate.h"

namespace ropescope::cli {

namespace {

constexpr const char* kHelp = R"(Usage: ropescope-cli attention [--method NAME] [setup flags] [--keys N] [--query-pos M]
                              [--needle-distance D] [--content identical|positional|needle]
                              [--seed S] [--noise X] [--query-scale X] [--threads T]
                              [--precision fp64|fp32|bf16|fp16] [--reference | --compare]
                              [--repeat K] [--format json|csv]

One query against N keys with RoPE applied at absolute positions, logits times the method's
attention_factor^2 (and softmax multiplier) over sqrt(head_dim), a stable softmax, and how well
attention singles out the target key at distance D (see docs/resolution.md).

  --keys N                   number of keys, at positions first..first+N-1 (default 4096, at most 2097152)
  --first-key P              position of the first key (default 0)
  --query-pos M              query position (default: the last key, first + N - 1)
  --needle-distance D        target distance: the target key sits at M - D (default N/2)
  --content MODEL            identical: every key carries the query's content (the decay curve);
                             positional (default): the query points D tokens back;
                             needle: Gaussian distractors, the key at distance D carries the query
  --positional-original      positional: build the query with the original frequencies (a head
                             trained before the extension)
  --seed S                   needle: seed of the query and distractor contents (default 1)
  --noise X                  needle: standard deviation of the distractors (default 1)
  --query-scale X            multiplies the query: an inverse temperature (default 1)
  --threads T                threads for the kernel (default: all cores)
  --precision FMT            format the RoPE phases are computed in: fp64 (exact, default),
                             fp32, bf16, fp16 (position, frequency, angle, cos and sin rounded)
  --reference                run the plain scalar double implementation instead of the fast path
  --compare                  run both; report the speedup and the largest logit difference
  --isa best|portable        fast path instruction set (default best: AVX2+FMA when the CPU has it)
  --repeat K                 run K times (warm) and report the median kernel time (default 1)
  --window R                 JSON: weights of the keys within R tokens of the target (default 16)
  --format json|csv          json (default) or csv
  --csv-table metrics|window csv: one row of metrics (default) or one row per key of the window
  --svg FILE                 also write the window's weights against distance as an SVG figure

elapsed_ms is the kernel's wall time (tables, logits, softmax), without setup or output; gflops
counts 2 * head_dim FLOPs per key.

Examples:
  ropescope-cli attention --method yarn --factor 8 --keys 1048576 --threads 2 --repeat 5
  ropescope-cli attention --method linear --factor 8 --keys 32768 --needle-distance 100 --query-scale 4
  ropescope-cli attention --method default --keys 4096 --first-key 2093056 --precision bf16 --format csv
  ropescope-cli attention --config assets/presets/llama-3.1-8b.json --keys 131072 --content needle --compare

)";

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

nlohmann::json metrics_json(const AttentionResult& r) {
    const AttentionMetrics& m = r.metrics;
    return {{"argmax", m.argmax},
            {"argmax_distance", m.argmax_distance},
            {"argmax_error", m.argmax_error},
            {"target_position", m.target_position},
            {"needle_weight", m.target_weight},
            {"max_weight", m.max_weight},
            {"peak_width", m.peak_width},
            {"peak_width_truncated", m.peak_width_truncated},
            {"entropy", m.entropy},
            {"entropy_normalized", m.entropy_normalized},
            {"adjacent_distinguishability", m.adjacent_distinguishability},
            {"side_peak_ratio", m.side_peak_ratio},
            {"logit_max", m.logit_max},
            {"logit_min", m.logit_min},
            {"log_normalizer", m.log_normalizer}};
}

}  // namespace

int run_attention(int argc, char** argv, int first) {
    ArgSpec spec;
    add_setup_args(spec);
    add_attention_args(spec);
    spec.options.insert(
        {"format", "keys", "first-key", "query-pos", "needle-distance", "repeat", "window", "csv-table", "svg"});
    spec.flags.insert({"help", "compare"});
    auto args = parse_args("attention", spec, argc, argv, first);
    if (!args) return usage_error(args.error().message);
    if (args->flags.count("help")) {
        std::fputs(kHelp, stdout);
        std::fputs(setup_args_help(), stdout);
        return kExitOk;
    }
    const std::string format = args->get("format").value_or("json");
    if (format != "json" && format != "csv")
        return usage_error("--format: \"" + format + "\" is not allowed; use json or csv.");
    const std::string table = args->get("csv-table").value_or("metrics");
    if (table != "metrics" && table != "window")
        return usage_error("--csv-table: \"" + table + "\" is not allowed; use metrics or window.");
    if (args->flags.count("compare") && args->flags.count("reference"))
        return usage_error("--compare already runs the reference; give --compare or --reference, not both.");

    auto common = attention_options_from_flags(*args);
    if (!common) return usage_error(common.error().message);
    AttentionOptions options = *common;
    auto keys = args->integer("keys", 1, kMaxAttentionKeys);
    if (!keys) return usage_error(keys.error().message);
    auto first_key = args->integer("first-key", 0, kMaxContext);
    if (!first_key) return usage_error(first_key.error().message);
    auto query = args->integer("query-pos", 0, kMaxContext);
    if (!query) return usage_error(query.error().message);
    auto distance = args->integer("needle-distance", -kMaxContext, kMaxContext);
    if (!distance) return usage_error(distance.error().message);
    auto repeat = args->integer("repeat", 1, 1000);
    if (!repeat) return usage_error(repeat.error().message);
    auto window = args->integer("window", 0, 100000);
    if (!window) return usage_error(window.error().message);
    options.num_keys = keys->value_or(4096);
    options.first_key = first_key->value_or(0);
    options.query_position = query->value_or(-1);
    options.target_distance = distance->value_or(kAutoTargetDistance);
    options.window_radius = static_cast<int>(window->value_or(16));
    if (options.first_key + options.num_keys - 1 > kMaxContext)
        return usage_error("--first-key: " + std::to_string(options.first_key) + " puts the last key past position " +
                           std::to_string(kMaxContext) + "; lower --first-key or --keys.");

    auto built = setup_from_flags(*args, false);
    if (!built) return usage_error(built.error().message);
    auto rope = compute_rope(built->setup, built->methods.front());
    if (!rope) return usage_error(rope.error().message);
    std::vector<std::string> warnings = built->warnings;
    for (const auto& w : rope->warnings) warnings.push_back(w);

    AttentionEngine engine;
    std::vector<double> times, cpu_times;
    std::optional<AttentionResult> result;
    for (std::int64_t k = 0; k < repeat->value_or(1); ++k) {
        auto r = engine.run(*rope, options);
        if (!r) return usage_error(attention_error_message(r.error()));
        times.push_back(r->kernel_ms);
        cpu_times.push_back(r->kernel_cpu_ms);
        result = std::move(r).value();
    }
    const AttentionResult& r = *result;
    for (const auto& w : r.warnings) warnings.push_back(w);
    const double elapsed = median(times);

    // --compare: the reference on the same query.
    std::optional<AttentionResult> reference;
    double max_error = 0;
    std::vector<float> fast_logits;
    if (args->flags.count("compare")) {
        fast_logits.assign(engine.fast_logits().begin(), engine.fast_logits().end());
        AttentionOptions ro = options;
        ro.path = KernelPath::Reference;
        auto rr = engine.run(*rope, ro);
        if (!rr) return usage_error(attention_error_message(rr.error()));
        reference = std::move(rr).value();
        const auto ref = engine.reference_logits();
        double scale = 0;
        for (const double v : ref) scale = std::max(scale, std::fabs(v));
        for (std::size_t k = 0; k < ref.size(); ++k)
            max_error = std::max(max_error, std::fabs(static_cast<double>(fast_logits[k]) - ref[k]));
        if (scale > 0) max_error /= scale;
    }

    if (const auto svg = args->get("svg")) {
        const Figure figure = attention_window_figure({r}, {}, command_line(argc, argv));
        if (auto status = write_svg(figure, *svg, 800, 420); !status) {
            std::fprintf(stderr, "error: %s\n", status.error().message.c_str());
            return kExitFailure;
        }
    }

    if (format == "csv") {
        for (const auto& w : warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
        std::string out;
        if (table == "window") {
            out = "position,distance,logit,weight\n";
            for (std::size_t k = 0; k < r.window_weights.size(); ++k) {
                const std::int64_t position = r.window_first + static_cast<std::int64_t>(k);
                out += std::to_string(position) + "," + std::to_string(r.query_position - position) + "," +
                       format_number(r.window_logits[k]) + "," + format_number(r.window_weights[k]) + "\n";
            }
        } else {
            const AttentionMetrics& m = r.metrics;
            out = "method,keys,query_position,needle_distance,content,precision,path,threads,argmax,argmax_error,"
                  "needle_weight,peak_width,entropy,adjacent_distinguishability,side_peak_ratio,elapsed_ms,gflops\n";
            out += std::string(method_name(r.kind)) + "," + std::to_string(r.num_keys) + "," +
                   std::to_string(r.query_position) + "," + std::to_string(r.target_distance) + "," +
                   std::string(content_model_name(r.content)) + "," + std::string(phase_precision_name(r.precision)) +
                   "," + std::string(kernel_path_name(r.path)) + "," + std::to_string(r.threads) + "," +
                   std::to_string(m.argmax) + "," + std::to_string(m.argmax_error) + "," +
                   format_number(m.target_weight) + "," + format_number(m.peak_width) + "," + format_number(m.entropy) +
                   "," + format_number(m.adjacent_distinguishability) + "," + format_number(m.side_peak_ratio) + "," +
                   format_number(elapsed) + "," + format_number(r.flops / (elapsed * 1e6)) + "\n";
        }
        std::cout << out;
        return kExitOk;
    }

    nlohmann::json j = metrics_json(r);
    j["method"] = std::string(method_name(r.kind));
    if (!built->model_name.empty()) j["model"] = built->model_name;
    j["keys"] = r.num_keys;
    j["first_key"] = r.first_key;
    j["query_position"] = r.query_position;
    j["needle_distance"] = r.target_distance;
    j["content"] = std::string(content_model_name(r.content));
    j["precision"] = std::string(phase_precision_name(r.precision));
    j["path"] = std::string(kernel_path_name(r.path));
    j["isa"] = r.isa;
    j["threads"] = r.threads;
    j["head_dim"] = r.head_dim;
    j["logit_scale"] = rope->logit_scale();
    j["elapsed_ms"] = elapsed;
    j["elapsed_ms_min"] = *std::min_element(times.begin(), times.end());
    j["cpu_ms"] = median(cpu_times);  // CPU time of all threads during the kernel (median)
    j["repeat"] = times.size();
    j["metrics_ms"] = r.metrics_ms;
    j["flops"] = r.flops;
    j["gflops"] = r.flops / (elapsed * 1e6);
    j["window"] = {{"first_position", r.window_first}, {"logits", r.window_logits}, {"weights", r.window_weights}};
    if (reference) {
        nlohmann::json ref = metrics_json(*reference);
        ref["elapsed_ms"] = reference->kernel_ms;
        j["reference"] = ref;
        j["speedup"] = reference->kernel_ms / elapsed;
        j["max_logit_error"] = max_error;  // max |fast - reference| / max |reference|
        j["argmax_match"] = reference->metrics.argmax == r.metrics.argmax;
    }
    j["warnings"] = warnings;
    std::cout << j.dump(2) << '\n';
    return kExitOk;
}

}  // namespace ropescope::cli
