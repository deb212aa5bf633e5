#include "attention_flags.h"

#include <cmath>
#include <limits>
#include <map>

#include "ropescope/color.h"
#include "ropescope/export.h"
#include "ropescope/render.h"

namespace ropescope::cli {

void add_attention_args(ArgSpec& spec) {
    spec.options.insert({"content", "seed", "noise", "query-scale", "threads", "precision", "isa"});
    spec.flags.insert({"reference", "positional-original"});
}

Result<AttentionOptions> attention_options_from_flags(const ParsedArgs& args) {
    AttentionOptions o;
    if (const auto content = args.get("content")) {
        const auto model = content_model_from_name(*content);
        if (!model)
            return Error{"content", "--content: \"" + *content + "\" is not allowed; use identical, positional or needle."};
        o.content = *model;
    }
    if (const auto precision = args.get("precision")) {
        const auto p = phase_precision_from_name(*precision);
        if (!p)
            return Error{"precision", "--precision: \"" + *precision + "\" is not allowed; use fp64, fp32, bf16 or fp16."};
        o.precision = *p;
    }
    if (const auto isa = args.get("isa")) {
        if (*isa == "best") o.isa = KernelIsa::Best;
        else if (*isa == "portable") o.isa = KernelIsa::Portable;
        else return Error{"isa", "--isa: \"" + *isa + "\" is not allowed; use best or portable."};
    }
    auto seed = args.integer("seed", 0, std::numeric_limits<std::int64_t>::max());
    if (!seed) return seed.error();
    auto threads = args.integer("threads", 1, 256);
    if (!threads) return threads.error();
    auto noise = args.number("noise");
    if (!noise) return noise.error();
    auto scale = args.number("query-scale");
    if (!scale) return scale.error();
    if (*seed) o.seed = static_cast<std::uint64_t>(**seed);
    if (*threads) o.threads = static_cast<int>(**threads);
    if (*noise) {
        // Bounded so that the needle's logits stay finite (noise * |q| * sqrt(d) per distractor).
        if (!std::isfinite(**noise) || **noise < 0 || **noise > 1e6)
            return Error{"noise", "--noise: " + args.get("noise").value() + " is not allowed; use a value from 0 to 1e6."};
        o.noise = **noise;
    }
    if (*scale) {
        if (!std::isfinite(**scale) || **scale <= 0 || **scale > 1e6)
            return Error{"query-scale",
                         "--query-scale: " + args.get("query-scale").value() + " is not allowed; use a value in (0, 1e6]."};
        o.query_scale = **scale;
    }
    if (args.flags.count("reference")) o.path = KernelPath::Reference;
    if (args.flags.count("positional-original")) o.positional_original = true;
    return o;
}

std::string attention_error_message(const Error& error) {
    static const std::map<std::string, std::string> flags = {
        {"num_keys", "--keys"},          {"first_key", "--first-key"},     {"query_position", "--query-pos"},
        {"target_distance", "--needle-distance"}, {"query_scale", "--query-scale"}, {"noise", "--noise"},
        {"threads", "--threads"},        {"max_distance", "--max-distance"}, {"points", "--points"}};
    const auto it = flags.find(error.field);
    if (it == flags.end()) return error.message;
    const std::string prefix = error.field + ": ";
    const std::string rest = error.message.rfind(prefix, 0) == 0 ? error.message.substr(prefix.size()) : error.message;
    return it->second + ": " + rest;
}

std::string command_line(int argc, char** argv) {
    std::string text = "ropescope-cli";
    for (int k = 1; k < argc; ++k) {
        const std::string arg = argv[k];
        if (arg == "--svg") {
            ++k;  // the output file is not part of what reproduces the figure
            continue;
        }
        if (arg.rfind("--svg=", 0) == 0) continue;
        text += " " + arg;
    }
    return text;
}

Status write_svg(const Figure& figure, const std::string& path, float width, float height) {
    const Theme theme = light_theme();
    return write_file_atomic(path, canvas_to_svg(layout_figure(figure, theme, width, height), theme));
}

}  // namespace ropescope::cli
