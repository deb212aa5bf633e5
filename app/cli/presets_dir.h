// Where the bundled model presets live, for the CLI.
#pragma once

#include <string>
#include <vector>

namespace ropescope::cli {

// The presets folder: $ROPESCOPE_PRESETS if set, else the source tree's assets/presets,
// else <prefix>/share/ropescope/presets.
std::string presets_dir();
// The .json files in it, sorted by name.
std::vector<std::string> preset_files();
// A --config argument that names a preset ("llama-3.1-8b") rather than a path resolves to its file.
std::string resolve_config_path(const std::string& name_or_path);

}  // namespace ropescope::cli
