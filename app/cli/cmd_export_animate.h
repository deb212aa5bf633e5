// `ropescope-cli export --animate`: the animation half of the export command (cmd_export.cpp
// hands over to it when --animate is given).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "cli_args.h"
#include "commands.h"
#include "ropescope/state.h"

namespace ropescope::cli {

// How cmd_export reads the lab state from --state / --config / --method and the setup flags.
using StateFromArgs = std::function<Result<LabState>(const ParsedArgs&, std::vector<std::string>&)>;

// The options' help, appended to `export --help`.
const char* export_animate_help();

// Writes plot `plot` as an animation to `out` (a file, or a folder that gets PLOT-PARAM.EXT).
int run_export_animate(const ParsedArgs& args, const std::string& plot, const std::string& out,
                       const StateFromArgs& state_from_args);

}  // namespace ropescope::cli
