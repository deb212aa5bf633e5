// ropescope-cli inspect: one method on one setup, per rotary pair.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>

#include "commands.h"
#include "presets_dir.h"
#include "setup_flags.h"
#include "ropescope/engines.h"
#include "ropescope/rope.h"
#include "ropescope/rope_float32.h"
#include "ropescope/serialize.h"
#include "ropescope/validate.h"

namespace ropescope::cli {

namespace {

constexpr const char* kHelp = R"(Usage: ropescope-cli inspect (--config FILE | --method NAME [setup flags]) [--format table|json|csv]

Computes one method's scaled frequencies per rotary pair: theta, theta', scale theta/theta',
wavelengths, r = L/lambda, the method's ramp, its band (kept / blended / interpolated) and
whether the pair reaches angles at L' it never saw in training. Also the attention factor and,
for DeepSeek-style configs, the softmax-scale multiplier.

Methods: default, linear (pi), ntk, dynamic, ntk_by_parts, yarn, dynamic_yarn, llama3, longrope (su)

  --format table|json|csv   table (default) for reading, json for tools, csv for the per-pair table
  --engine hf|hf-4.56|hf-4.5x|vllm|llama.cpp
                            with --config: what that engine computes from the config (default hf,
                            transformers 5.x); differences are listed as warnings
  --max-model-len N         with --engine vllm: the --max-model-len vLLM serves (default L')
  --dtype float64|float32   float64 (default): the exact math; float32: every quantity computed as
                            transformers computes it in float32 (theta' then matches the inv_freq
                            tensor a model holds to within one float32 ulp)

Examples:
  ropescope-cli inspect --config assets/presets/deepseek-v3.json --format json
  ropescope-cli inspect --method llama3 --rope-theta 500000 --original-max-position-embeddings 8192 --factor 8
  ropescope-cli inspect --method yarn --factor 32 --beta-fast 32 --beta-slow 1 --format csv > yarn.csv
  ropescope-cli inspect --config qwen2.5-7b-instruct-yarn --engine hf-4.5x
  ropescope-cli inspect --config llama-3.1-8b --dtype float32 --format csv

)";

std::string fixed(double value, int decimals) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

std::string sci(double value) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.6g", value);
    return buffer;
}

void print_table(const RopeResult& r, const std::string& model, const std::string& dtype, double f32_error) {
    std::printf("%s%s\n", std::string(method_label(r.kind)).c_str(),
                model.empty() ? "" : ("  (" + model + ")").c_str());
    std::printf("  rope_type                %s\n", std::string(method_name(r.kind)).c_str());
    std::printf("  rotary_dim               %d (%d pairs)\n", r.rotary_dim, r.num_pairs());
    std::printf("  rope_theta               %s", format_number(r.setup.rope_theta).c_str());
    if (r.effective_theta != r.setup.rope_theta) std::printf("  (effective %s)", sci(r.effective_theta).c_str());
    std::printf("\n  context L -> L'          %lld -> %lld tokens (factor %s)\n",
                static_cast<long long>(r.original_context), static_cast<long long>(r.target_context),
                format_number(r.factor).c_str());
    if (r.setup.seq_len > 0) std::printf("  seq_len                  %lld\n", static_cast<long long>(r.setup.seq_len));
    std::printf("  dtype                    %s (float32 vs exact: largest relative difference %s)\n", dtype.c_str(),
                sci(f32_error).c_str());
    std::printf("  attention_factor         %s (logits x %s)\n", fixed(r.attention_factor, 6).c_str(),
                fixed(r.attention_factor * r.attention_factor, 6).c_str());
    if (r.softmax_scale_multiplier != 1.0)
        std::printf("  softmax_scale_multiplier %s\n", fixed(r.softmax_scale_multiplier, 6).c_str());
    if (r.yarn)
        std::printf("  yarn correction dims     low %s, high %s (raw %s, %s)\n", format_number(r.yarn->low).c_str(),
                    format_number(r.yarn->high).c_str(), fixed(r.yarn->low_raw, 4).c_str(),
                    fixed(r.yarn->high_raw, 4).c_str());
    if (r.llama3_low_freq_wavelen)
        std::printf("  llama3 wavelength bands  kept below %s, interpolated above %s tokens\n",
                    format_number(*r.llama3_high_freq_wavelen).c_str(),
                    format_number(*r.llama3_low_freq_wavelen).c_str());
    if (r.kind == MethodKind::LongRope)
        std::printf("  longrope factors         %s, n_hat %lld\n", r.uses_long_factor ? "long" : "short",
                    static_cast<long long>(r.n_hat));
    int leaving = 0;
    for (const auto& p : r.pairs) leaving += p.leaves_trained_range;
    std::printf("  pairs leaving the trained angle range at L': %d of %d\n\n", leaving, r.num_pairs());

    std::printf("%5s %12s %12s %9s %12s %12s %10s %7s %-12s %s\n", "pair", "theta", "theta'", "scale", "lambda",
                "lambda'", "r=L/lambda", "ramp", "band", "leaves");
    for (const auto& p : r.pairs) {
        std::printf("%5d %12s %12s %9s %12s %12s %10s %7s %-12s %s\n", p.index, sci(p.inv_freq_original).c_str(),
                    sci(p.inv_freq).c_str(), fixed(p.scale, 4).c_str(), sci(p.wavelength_original).c_str(),
                    sci(p.wavelength).c_str(), sci(p.rotations).c_str(),
                    std::isnan(p.ramp) ? "-" : fixed(p.ramp, 4).c_str(), std::string(band_name(p.band)).c_str(),
                    p.leaves_trained_range ? "yes" : "");
    }
}

}  // namespace

int run_inspect(int argc, char** argv, int first) {
    ArgSpec spec;
    add_setup_args(spec);
    spec.options.insert({"format", "engine", "dtype", "max-model-len"});
    spec.flags.insert("help");
    auto args = parse_args("inspect", spec, argc, argv, first);
    if (!args) return usage_error(args.error().message);
    if (args->flags.count("help")) {
        std::fputs(kHelp, stdout);
        std::fputs(setup_args_help(), stdout);
        return kExitOk;
    }
    const std::string format = args->get("format").value_or("table");
    if (format != "table" && format != "json" && format != "csv")
        return usage_error("--format: \"" + format + "\" is not allowed; use table, json or csv.");

    const std::string dtype = args->get("dtype").value_or("float64");
    if (dtype != "float64" && dtype != "float32")
        return usage_error("--dtype: \"" + dtype + "\" is not allowed; use float64 (the exact math) or float32 (as "
                           "transformers stores inv_freq).");
    EngineInputs inputs;
    if (const auto len = args->get("max-model-len")) {
        if (!args->get("engine") || engine_from_name(*args->get("engine")) != Engine::Vllm)
            return usage_error("--max-model-len: only with --engine vllm (it is vLLM's launch argument).");
        char* end = nullptr;
        const double x = std::strtod(len->c_str(), &end);
        if (len->empty() || end != len->c_str() + len->size() || !std::isfinite(x) || x != std::floor(x) || x < 1 ||
            x > static_cast<double>(kMaxContext))
            return usage_error("--max-model-len: \"" + *len + "\" is not allowed; it must be a whole number of tokens from "
                               "1 to 2147483648 (2^31).");
        inputs.max_model_len = static_cast<std::int64_t>(x);
    }

    auto built = setup_from_flags(*args, false);
    if (!built) return usage_error(built.error().message);
    if (const auto engine_arg = args->get("engine")) {
        const auto engine = engine_from_name(*engine_arg);
        if (!engine)
            return usage_error("--engine: \"" + *engine_arg + "\" is not allowed; use " + engine_names_list() + ".");
        if (!args->get("config")) return usage_error("--engine: needs --config (engines differ in how they read a config).");
        auto config = load_hf_config(resolve_config_path(*args->get("config")));
        if (!config) return usage_error(config.error().message);
        // Engine differences apply to the config as written; explicit flags still override the setup.
        config->setup = built->setup;
        config->method = built->methods.front();
        const EngineView view = engine_view(*config, *engine, inputs);
        if (!view.supported) {
            std::string message = std::string(engine_name(*engine)) + " cannot run this config:";
            for (const auto& note : view.notes) message += " " + note;
            return usage_error(message);
        }
        built->setup = view.setup;
        built->methods.front() = view.method;
        if (!view.runs_as.empty())
            built->warnings.push_back(std::string(engine_name(*engine)) + ": runs " + view.runs_as +
                                      ", shown as per-pair factors (a longrope block).");
        for (const auto& note : view.notes) built->warnings.push_back(std::string(engine_name(*engine)) + ": " + note);
    }
    auto result = compute_rope(built->setup, built->methods.front());
    if (!result) return usage_error(result.error().message);

    RopeResult r = std::move(result).value();
    const Float32Frequencies f32 = compute_float32(r);
    if (dtype == "float32") r = with_float32(r, f32);
    r.warnings.insert(r.warnings.begin(), built->warnings.begin(), built->warnings.end());
    if (format == "json") {
        nlohmann::json j = result_to_json(r);
        if (!built->model_name.empty()) j["model"] = built->model_name;
        j["dtype"] = dtype;
        j["float32_max_rel_error"] = f32.max_rel_error;
        std::cout << j.dump(2) << '\n';
    } else {
        for (const auto& w : r.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
        if (format == "csv") std::cout << pairs_to_csv(r);
        else print_table(r, built->model_name, dtype, f32.max_rel_error);
    }
    return kExitOk;
}

}  // namespace ropescope::cli
