// ropescope-cli convert: write a setting in HF, vLLM or llama.cpp form.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

#include "commands.h"
#include "setup_flags.h"
#include "ropescope/engines.h"
#include "ropescope/rope.h"
#include "ropescope/text_input.h"

namespace ropescope::cli {

namespace {

constexpr const char* kHelp = R"(Usage: ropescope-cli convert (--config FILE | --method NAME [setup flags] | --from FILE [setup flags])
                            --to hf|vllm|llama.cpp

Writes the setting in an engine's own form:
  hf         the config.json keys (head_dim, rope_theta, max_position_embeddings, rope_scaling);
             importing them again gives the same setup
  vllm       --hf-overrides JSON and --max-model-len
  llama.cpp  --rope-scaling/--rope-scale/--yarn-* flags, or a statement that llama.cpp cannot
             express the method and what it would need instead

--from FILE reads a setting in any of these forms back (FILE or - for stdin): HF config JSON (whole,
a fragment, or a bare rope_scaling block), vLLM arguments or llama.cpp flags. What the text does not
say (head_dim, rope_theta, original context...) comes from the setup flags.

Examples:
  ropescope-cli convert --method yarn --factor 4 --original-max-position-embeddings 32768 --rope-theta 1e6 --to llama.cpp
  ropescope-cli convert --config assets/presets/qwen2.5-7b-instruct-yarn.json --to vllm
  ropescope-cli convert --method dynamic --factor 2 --to llama.cpp
  ropescope-cli convert --method yarn --factor 4 --to llama.cpp | ropescope-cli convert --from - --to hf

)";

}  // namespace

int run_convert(int argc, char** argv, int first) {
    ArgSpec spec;
    add_setup_args(spec);
    spec.options.insert("to");
    spec.options.insert("from");
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

    if (args->get("from") && (args->get("config") || args->get("method")))
        return usage_error("--from: use either --from or --config/--method, not both.");
    auto built = setup_from_flags(*args, false);
    if (!built) return usage_error(built.error().message);
    RopeSetup setup = built->setup;
    Method method = built->methods.front();
    if (const auto from = args->get("from")) {
        auto read = *from == "-" ? read_text_fd(0, "standard input", kMaxConfigBytes, "a config or engine flags", "--from")
                                 : read_text_file(*from, kMaxConfigBytes, "a config or engine flags", "--from");
        if (!read) return usage_error("--from: " + read.error().message);
        const std::string& text = *read;
        auto imported = import_setting(text, setup);
        if (!imported) return usage_error(imported.error().message);
        setup = imported->setup;
        method = imported->method;
        for (const auto& w : imported->warnings) built->warnings.push_back(w);
    }
    // Only valid settings are converted.
    auto result = compute_rope(setup, method);
    if (!result) return usage_error(result.error().message);
    for (const auto& w : built->warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());

    switch (*target) {
        case ConvertTarget::Hf: std::cout << to_hf_json(setup, method); break;
        case ConvertTarget::Vllm: std::cout << to_vllm_args(setup, method); break;
        case ConvertTarget::LlamaCpp: std::cout << to_llamacpp_args(setup, method); break;
    }
    return kExitOk;
}

}  // namespace ropescope::cli
