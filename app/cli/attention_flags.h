// The kernel flags shared by attention and resolution.
#pragma once

#include <string>

#include "cli_args.h"
#include "ropescope/attention.h"

namespace ropescope::cli {

// --content --positional-original --seed --noise --query-scale --threads --precision --reference --isa
void add_attention_args(ArgSpec& spec);

// Reads them into AttentionOptions (keys and distances are left at their defaults).
Result<AttentionOptions> attention_options_from_flags(const ParsedArgs& args);

// A kernel error (its field is an AttentionOptions member) as a message naming the CLI flag.
std::string attention_error_message(const Error& error);

// The command line as one string (figure captions: what reproduces the figure).
std::string command_line(int argc, char** argv);

// Lays the figure out (light theme) and writes it as SVG to `path`.
Status write_svg(const Figure& figure, const std::string& path, float width, float height);

}  // namespace ropescope::cli
