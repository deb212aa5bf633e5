// Where RopeScope finds its data files (presets, shaders), and the preset list.
#pragma once

#include <string>
#include <vector>

namespace ropescope::gui {

// Directories searched for a data folder named `sub` ("presets" or "shaders"), in order:
// the build-time source directory, next to the executable (and its ../share/ropescope),
// then /usr/local/share/ropescope and /usr/share/ropescope. Returns the first that exists, or "".
std::string find_data_dir(const std::string& sub, const std::string& executable_dir);

// Directory of the running executable (from /proc/self/exe), "" if unknown.
std::string executable_dir();

struct Preset {
    std::string path;   // the config.json file
    std::string name;   // its "_model", else the file stem
    std::string stem;   // file name without .json
};

// Every *.json in `dir`, sorted by file name; the name read from "_model" when present.
std::vector<Preset> list_presets(const std::string& dir);

}  // namespace ropescope::gui
