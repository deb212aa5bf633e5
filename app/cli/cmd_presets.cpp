// ropescope-cli presets: the bundled model configs.
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli_args.h"
#include "commands.h"
#include "presets_dir.h"
#include "ropescope/hf_config.h"
#include "ropescope/rope.h"

namespace ropescope::cli {

namespace {

constexpr const char* kHelp = R"(Usage: ropescope-cli presets [--format table|json]

Lists the model presets (Hugging Face config.json RoPE keys) in the presets folder:
name, model, rope_type, rotary_dim, L -> L', and what the model chose. A preset name can be
given to --config instead of a path. Adding a preset is dropping a config.json into the folder
(set ROPESCOPE_PRESETS to use another folder).

Examples:
  ropescope-cli presets
  ropescope-cli inspect --config llama-3.1-8b --format table

)";

}  // namespace

int run_presets(int argc, char** argv, int first) {
    ArgSpec spec;
    spec.options.insert("format");
    spec.flags.insert("help");
    auto args = parse_args("presets", spec, argc, argv, first);
    if (!args) return usage_error(args.error().message);
    if (args->flags.count("help")) {
        std::fputs(kHelp, stdout);
        return kExitOk;
    }
    const std::string format = args->get("format").value_or("table");
    if (format != "table" && format != "json")
        return usage_error("--format: \"" + format + "\" is not allowed; use table or json.");

    const auto files = preset_files();
    if (files.empty()) {
        std::fprintf(stderr, "error: no presets found in %s\n", presets_dir().c_str());
        return kExitFailure;
    }
    nlohmann::json list = nlohmann::json::array();
    for (const auto& file : files) {
        const std::string name = std::filesystem::path(file).stem().string();
        auto config = load_hf_config(file);
        if (!config) {
            std::fprintf(stderr, "warning: preset %s skipped: %s\n", name.c_str(), config.error().message.c_str());
            continue;
        }
        auto result = compute_rope(config->setup, config->method);
        if (!result) {
            std::fprintf(stderr, "warning: preset %s skipped: %s\n", name.c_str(), result.error().message.c_str());
            continue;
        }
        list.push_back({{"name", name},
                        {"path", file},
                        {"model", config->model_name},
                        {"description", config->description},
                        {"rope_type", std::string(method_name(result->kind))},
                        {"rotary_dim", result->rotary_dim},
                        {"original_max_position_embeddings", result->original_context},
                        {"target_context", result->target_context},
                        {"factor", result->factor},
                        {"attention_factor", result->attention_factor}});
    }
    if (format == "json") {
        std::cout << list.dump(2) << '\n';
        return kExitOk;
    }
    std::printf("Presets in %s\n\n", presets_dir().c_str());
    for (const auto& p : list) {
        std::printf("%-30s %-9s d=%-4d %7lld -> %-8lld %s\n", p["name"].get<std::string>().c_str(),
                    p["rope_type"].get<std::string>().c_str(), p["rotary_dim"].get<int>(),
                    static_cast<long long>(p["original_max_position_embeddings"].get<std::int64_t>()),
                    static_cast<long long>(p["target_context"].get<std::int64_t>()),
                    p["model"].get<std::string>().c_str());
        if (!p["description"].get<std::string>().empty())
            std::printf("    %s\n", p["description"].get<std::string>().c_str());
    }
    return kExitOk;
}

}  // namespace ropescope::cli
