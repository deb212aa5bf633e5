// libFuzzer target: the CLI's argument parser and the setup/method/kernel flags every command
// shares. The input is an argument list, one argument per line (as a shell would pass them).
// --config is dropped so that the target reads no files.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "attention_flags.h"
#include "cli_args.h"
#include "setup_flags.h"
#include "ropescope/rope.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ropescope;
    using namespace ropescope::cli;
    std::vector<std::string> words = {"ropescope-cli", "inspect"};
    std::string current;
    for (std::size_t i = 0; i < size && words.size() < 66; ++i) {
        const char c = static_cast<char>(data[i]);
        if (c == '\n') {
            words.push_back(current);
            current.clear();
        } else {
            current += c;
        }
    }
    if (!current.empty()) words.push_back(current);
    std::vector<char*> argv;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (words[i] == "--config" || words[i].rfind("--config=", 0) == 0) {
            if (words[i] == "--config") ++i;  // and its value
            continue;
        }
        argv.push_back(words[i].data());
    }
    ArgSpec spec;
    add_setup_args(spec);
    add_attention_args(spec);
    spec.options.insert({"format", "engine", "keys"});
    spec.flags.insert("help");
    auto args = parse_args("inspect", spec, static_cast<int>(argv.size()), argv.data(), 2);
    if (!args) return 0;
    (void)attention_options_from_flags(*args);
    auto built = setup_from_flags(*args, true);
    if (!built || built->setup.rotary_dim() > 4096) return 0;
    for (const auto& method : built->methods) {
        // setup_from_flags validated every method: computing it must succeed.
        if (!compute_rope(built->setup, method)) __builtin_trap();
    }
    return 0;
}
