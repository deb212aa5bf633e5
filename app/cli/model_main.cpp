// ropescope-cli-model: the `ropescope-cli model ...` commands in their own executable, so that
// only they load LibTorch (about a second of start-up) and every other command starts at once.
// ropescope-cli execs it, next to itself, for `model`; it can also be run directly.
#include "commands.h"
#include "model_cli.h"

int main(int argc, char** argv) {
    ropescope::cli::interrupt_flag();  // Ctrl+C from the first moment: a clean stop, never a partial file
    // Called as `ropescope-cli-model model SUB ...` (from ropescope-cli) or `ropescope-cli-model SUB ...`.
    const int first = argc > 1 && std::string(argv[1]) == "model" ? 2 : 1;
    return ropescope::cli::run_model(argc, argv, first);
}
