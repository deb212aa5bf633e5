// ropescope-cli: the headless face of the core library.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <iostream>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "commands.h"
#include "openmp_wait.h"
#include "ropescope/export.h"

namespace {

constexpr const char* kUsage = R"(ropescope-cli: RoPE context-extension methods, computed as Hugging Face transformers does.

Usage: ropescope-cli COMMAND [options]

Commands:
  inspect    per-pair frequencies, wavelengths, ramp and attention factor of one method
  decay      attention-score decay with distance (and RoFormer's decay curve) for one or more methods
  presets    the bundled model configs (a preset name works as --config)
  convert    write a setting as HF config keys, vLLM arguments or llama.cpp flags
  export     any plot (or all of them) as SVG, PNG, CSV or JSON, laid out as in the GUI
  attention  one query against N keys (CPU kernel): attention weights and token-distance resolution
  resolution token-distance resolution against distance (log grid up to L') for one or more methods
  search     LongRoPE evolutionary search for per-pair factors on a proxy fitness; writes rope_scaling JSON
  model      a small trained RoPE model: train, eval (perplexity, passkey per method), finetune, info, search
  help       this text; 'ropescope-cli COMMAND --help' for a command's options

Examples:
  ropescope-cli inspect --config assets/presets/llama-3.1-8b.json --format json
  ropescope-cli inspect --method yarn --head-dim 128 --factor 8 --original-max-position-embeddings 4096
  ropescope-cli decay --method default,linear,yarn --factor 8 --format csv
  ropescope-cli export --plot wavelength --method linear,yarn --factor 8 --out wavelength.png
  ropescope-cli attention --method yarn --factor 8 --keys 1048576 --needle-distance 1000 --threads 2
  ropescope-cli resolution --method default,linear,yarn --factor 8 --format csv
  ropescope-cli search --head-dim 96 --original-max-position-embeddings 4096 --factor 32 --out factors.json
  ropescope-cli model eval --method default,linear,ntk,yarn

Exit status: 0 success, 2 invalid input (message on stderr), 1 I/O failure.
)";

// `model ...` runs in ropescope-cli-model (it links LibTorch, which takes about a second to load):
// exec it from beside this executable, with the same arguments.
int exec_model_commands(char** argv) {
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    const std::string helper = (ec ? std::filesystem::path(argv[0]) : self).parent_path() / "ropescope-cli-model";
    std::vector<char*> args{const_cast<char*>(helper.c_str())};
    for (char** a = argv + 1; *a; ++a) args.push_back(*a);
    args.push_back(nullptr);
    ropescope::prefer_passive_openmp_wait();  // for LibTorch's threads (openmp_wait.h)
    ::execv(helper.c_str(), args.data());
    return ropescope::cli::usage_error("model: " + helper +
                                       " could not be started (" + std::strerror(errno) +
                                       "); the model commands need it next to ropescope-cli (built with LibTorch).");
}

// Runs the command named in argv[1].
int dispatch(int argc, char** argv) {
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
    if (command == "export") return run_export(argc, argv, 2);
    if (command == "presets") return run_presets(argc, argv, 2);
    if (command == "convert") return run_convert(argc, argv, 2);
    if (command == "attention") return run_attention(argc, argv, 2);
    if (command == "resolution") return run_resolution(argc, argv, 2);
    if (command == "search") return run_search(argc, argv, 2);
    if (command == "model") return exec_model_commands(argv);
    return usage_error("unknown command \"" + command + "\"; run 'ropescope-cli --help' for the list.");
}

}  // namespace

int main(int argc, char** argv) {
    // Ctrl+C or a kill during an export removes the temporary files being written.
    ropescope::remove_temporary_files_on_signals();
    const int status = dispatch(argc, argv);
    // Output that did not arrive (a full disk, /dev/full, a closed pipe) is a failure, not success.
    std::cout.flush();
    const bool lost = std::fflush(stdout) != 0 || std::ferror(stdout) || !std::cout;
    if (lost) {
        const int error = errno;
        std::fprintf(stderr, "error: cannot write to standard output: %s.\n",
                     error ? std::strerror(error) : "write error");
        return status == ropescope::cli::kExitOk ? ropescope::cli::kExitFailure : status;
    }
    return status;
}
