// ropescope-cli-model: the `ropescope-cli model ...` commands in their own executable, so that
// only they load LibTorch (about a second of start-up) and every other command starts at once.
// ropescope-cli execs it, next to itself, for `model`; it can also be run directly.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "commands.h"
#include "model_cli.h"

int main(int argc, char** argv) {
    ropescope::cli::interrupt_flag();  // Ctrl+C from the first moment: a clean stop, never a partial file
    // Called as `ropescope-cli-model model SUB ...` (from ropescope-cli) or `ropescope-cli-model SUB ...`.
    const int first = argc > 1 && std::string(argv[1]) == "model" ? 2 : 1;
    const int status = ropescope::cli::run_model(argc, argv, first);
    // Output that did not arrive (a full disk, a closed pipe) is a failure, as in ropescope-cli.
    if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
        std::fprintf(stderr, "error: cannot write to standard output: %s.\n", errno ? std::strerror(errno) : "write error");
        return status == ropescope::cli::kExitOk ? ropescope::cli::kExitFailure : status;
    }
    return status;
}
