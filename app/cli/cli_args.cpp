#include "cli_args.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "commands.h"

namespace ropescope::cli {

int usage_error(const std::string& message) {
    std::fprintf(stderr, "error: %s\n", message.c_str());
    return kExitUsage;
}

std::optional<std::string> ParsedArgs::get(const std::string& name) const {
    const auto it = options.find(name);
    if (it == options.end()) return std::nullopt;
    return it->second;
}

namespace {

// Decimal or scientific notation only: no leading blanks, no hex; "nan" and "inf" pass through so
// that validation can name the field.
std::optional<double> parse_double(const std::string& text) {
    double value = 0;
    const char* first = text.data();
    const char* last = text.data() + text.size();
    if (first != last && *first == '+') ++first;  // from_chars rejects a leading '+'
    const auto [end, ec] = std::from_chars(first, last, value);
    if (ec != std::errc{} || end != last || first == last) return std::nullopt;
    return value;
}

}  // namespace

Result<std::optional<double>> ParsedArgs::number(const std::string& name) const {
    const auto text = get(name);
    if (!text) return std::optional<double>{};
    const auto value = parse_double(*text);
    if (!value) return Error{name, "--" + name + ": \"" + *text + "\" is not a number."};
    return std::optional<double>{*value};
}

Result<std::optional<std::int64_t>> ParsedArgs::integer(const std::string& name, std::int64_t lo,
                                                        std::int64_t hi) const {
    const auto text = get(name);
    if (!text) return std::optional<std::int64_t>{};
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    const std::string range = "it must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi);
    if (ec == std::errc::result_out_of_range || (ec == std::errc{} && end == text->data() + text->size() &&
                                                 (value < lo || value > hi)))
        return Error{name, "--" + name + ": " + *text + " is out of range; " + range + "."};
    if (ec != std::errc{} || end != text->data() + text->size())
        return Error{name, "--" + name + ": \"" + *text + "\" is not a whole number; " + range + "."};
    return std::optional<std::int64_t>{value};
}

Result<std::optional<std::vector<double>>> ParsedArgs::number_list(const std::string& name) const {
    const auto text = get(name);
    if (!text) return std::optional<std::vector<double>>{};
    std::vector<double> values;
    for (const auto& item : split_list(*text)) {
        const auto value = parse_double(item);
        if (!value)
            return Error{name, "--" + name + ": \"" + item + "\" is not a number (give comma-separated numbers)."};
        values.push_back(*value);
    }
    return std::optional<std::vector<double>>{std::move(values)};
}

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> items;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = text.find(',', start);
        std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        const auto first = item.find_first_not_of(" \t");
        const auto last = item.find_last_not_of(" \t");
        if (first != std::string::npos) items.push_back(item.substr(first, last - first + 1));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return items;
}

Result<ParsedArgs> parse_args(const std::string& command, const ArgSpec& spec, int argc, char** argv, int first) {
    ParsedArgs parsed;
    const std::string help_hint = "; see 'ropescope-cli " + command + " --help'.";
    for (int i = first; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg.rfind("--", 0) != 0 || arg.size() < 3)
            return Error{arg, "unexpected argument \"" + arg + "\"" + help_hint};
        std::string name = arg.substr(2);
        std::optional<std::string> inline_value;
        if (const auto eq = name.find('='); eq != std::string::npos) {
            inline_value = name.substr(eq + 1);
            name = name.substr(0, eq);
        }
        if (spec.flags.count(name)) {
            if (inline_value) return Error{name, "--" + name + " takes no value" + help_hint};
            parsed.flags.insert(name);
        } else if (spec.options.count(name)) {
            if (inline_value) {
                parsed.options[name] = *inline_value;
            } else {
                if (i + 1 >= argc) return Error{name, "--" + name + " needs a value" + help_hint};
                parsed.options[name] = argv[++i];
            }
        } else {
            return Error{name, "unknown option --" + name + " for '" + command + "'" + help_hint};
        }
    }
    return parsed;
}

}  // namespace ropescope::cli
