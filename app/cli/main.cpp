// ropescope-cli: the headless face of the core library.
#include <cstdio>
#include <cstring>
#include <string>

#include "commands.h"

namespace {

constexpr const char* kUsage = R"(ropescope-cli: RoPE context-extension methods, computed as Hugging Face transformers does.

Usage: ropescope-cli COMMAND [options]

Commands:
  inspect    per-pair frequencies, wavelengths, ramp and attention factor of one method
  decay      attention-score decay with distance (and the RoFormer bound) for one or more methods
  help       this text; 'ropescope-cli COMMAND --help' for a command's options

Examples:
  ropescope-cli inspect --config assets/presets/llama-3.1-8b.json --format json
  ropescope-cli inspect --method yarn --head-dim 128 --factor 8 --original-max-position-embeddings 4096
  ropescope-cli decay --method default,linear,yarn --factor 8 --format csv

Exit status: 0 success, 2 invalid input (message on stderr), 1 I/O failure.
)";

}  // namespace

int main(int argc, char** argv) {
    using namespace ropescope::cli;
    if (argc < 2) {
        std::fputs(kUsage, stdout);
        return kExitOk;
    }
    const std::string command = argv[1];
    if (command == "help" || command == "--help" || command == "-h") {
        std::fputs(kUsage, stdout);
        return kExitOk;
    }
    if (command == "inspect") return run_inspect(argc, argv, 2);
    if (command == "decay") return run_decay(argc, argv, 2);
    return usage_error("unknown command \"" + command + "\"; run 'ropescope-cli --help' for the list.");
}
