// ropescope-cli convert: write a setting in HF, vLLM or llama.cpp form.
#include <cstdio>
#include <iostream>

#include "commands.h"
#include "setup_flags.h"
#include "ropescope/engines.h"
#include "ropescope/rope.h"

namespace ropescope::cli {

namespace {

constexpr const char* kHelp = R"(Usage: ropescope-cli convert (--config FILE | --method NAME [setup flags]) --to hf|vllm|llama.cpp

Writes the setting in an engine's own form:
  hf         the config.json keys (head_dim, rope_theta, max_position_embeddings, rope_scaling);
             importing them again gives the same setup
  vllm       --hf-overrides JSON and --max-model-len
  llama.cpp  --rope-scaling/--rope-scale/--yarn-* flags, or a statement that llama.cpp cannot
             express the method and what it would need instead

Examples:
  ropescope-cli convert --method yarn --factor 4 --original-max-position-embeddings 32768 --rope-theta 1e6 --to llama.cpp
  ropescope-cli convert --config assets/presets/qwen2.5-7b-instruct-yarn.json --to vllm
  ropescope-cli convert --method dynamic --factor 2 --to llama.cpp

)";

}  // namespace

int run_convert(int argc, char** argv, int first) {
    ArgSpec spec;
    add_setup_args(spec);
    spec.options.insert("to");
    spec.flags.insert("help");
    auto args = parse_args("convert", spec, argc, argv, first);
    if (!args) return usage_error(args.error().message);
    if (args->flags.count("help")) {
        std::fputs(kHelp, stdout);
        std::fputs(setup_args_help(), stdout);
        return kExitOk;
    }
    const auto to = args->get("to");
    if (!to) return usage_error("--to: missing; use hf, vllm or llama.cpp.");
    const auto target = convert_target_from_name(*to);
    if (!target) return usage_error("--to: \"" + *to + "\" is not allowed; use hf, vllm or llama.cpp.");

    auto built = setup_from_flags(*args, false);
    if (!built) return usage_error(built.error().message);
    // Only valid settings are converted.
    auto result = compute_rope(built->setup, built->methods.front());
    if (!result) return usage_error(result.error().message);
    for (const auto& w : built->warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());

    switch (*target) {
        case ConvertTarget::Hf: std::cout << to_hf_json(built->setup, built->methods.front()); break;
        case ConvertTarget::Vllm: std::cout << to_vllm_args(built->setup, built->methods.front()); break;
        case ConvertTarget::LlamaCpp: std::cout << to_llamacpp_args(built->setup, built->methods.front()); break;
    }
    return kExitOk;
}

}  // namespace ropescope::cli
