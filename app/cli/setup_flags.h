// The setup and method flags shared by inspect, decay and export, and --config loading.
#pragma once

#include <string>
#include <vector>

#include "cli_args.h"
#include "ropescope/methods.h"
#include "ropescope/rope_setup.h"

namespace ropescope::cli {

struct SetupFromFlags {
    std::string model_name;             // from --config, if any
    RopeSetup setup;
    std::vector<Method> methods;        // one per --method entry (or the config's method)
    std::vector<std::string> warnings;  // config import warnings, ignored flags
};

// Adds the setup/method options and flags to a subcommand's spec.
void add_setup_args(ArgSpec& spec);

// Help text for the shared flags.
const char* setup_args_help();

// Builds the setup and methods: --config first (if given), then explicit flags override.
// `many_methods` allows a comma-separated --method list.
Result<SetupFromFlags> setup_from_flags(const ParsedArgs& args, bool many_methods);

}  // namespace ropescope::cli
