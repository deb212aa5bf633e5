// A small, strict command-line parser: --name value options and --flag switches.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ropescope/result.h"

namespace ropescope::cli {

// What a subcommand accepts.
struct ArgSpec {
    std::set<std::string> options;  // take a value: --name VALUE or --name=VALUE
    std::set<std::string> flags;    // take none
};

struct ParsedArgs {
    std::map<std::string, std::string> options;
    std::set<std::string> flags;

    bool has(const std::string& name) const { return options.count(name) || flags.count(name); }
    std::optional<std::string> get(const std::string& name) const;
    // Typed getters: an error names the option, the text and what is allowed.
    Result<std::optional<double>> number(const std::string& name) const;
    Result<std::optional<std::int64_t>> integer(const std::string& name, std::int64_t lo, std::int64_t hi) const;
    Result<std::optional<std::vector<double>>> number_list(const std::string& name) const;
};

// Parses argv[first..argc). Unknown options are errors that point to --help.
Result<ParsedArgs> parse_args(const std::string& command, const ArgSpec& spec, int argc, char** argv, int first);

// Comma-separated items, trimmed, empty items dropped.
std::vector<std::string> split_list(const std::string& text);

}  // namespace ropescope::cli
