#include "presets_dir.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace ropescope::cli {

namespace fs = std::filesystem;

std::string presets_dir() {
    if (const char* env = std::getenv("ROPESCOPE_PRESETS"); env && *env) return env;
    std::error_code ec;
    // The source tree (a build), then an installed tree: <prefix>/bin/ropescope-cli next to
    // <prefix>/share/ropescope/presets, then the system's.
    const fs::path source = fs::path(ROPESCOPE_ASSETS_DIR) / "presets";
    if (fs::is_directory(source, ec)) return source.string();
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const fs::path installed = exe.parent_path() / ".." / "share" / "ropescope" / "presets";
        if (fs::is_directory(installed, ec)) return fs::weakly_canonical(installed, ec).string();
    }
    return "/usr/share/ropescope/presets";
}

std::vector<std::string> preset_files() {
    std::vector<std::string> files;
    std::error_code ec;
    for (fs::directory_iterator it(presets_dir(), ec), end; !ec && it != end; it.increment(ec))
        if (it->path().extension() == ".json") files.push_back(it->path().string());
    std::sort(files.begin(), files.end());
    return files;
}

std::string resolve_config_path(const std::string& name_or_path) {
    std::error_code ec;
    if (fs::exists(name_or_path, ec)) return name_or_path;
    const fs::path preset = fs::path(presets_dir()) / (name_or_path + ".json");
    if (name_or_path.find('/') == std::string::npos && fs::exists(preset, ec)) return preset.string();
    return name_or_path;
}

}  // namespace ropescope::cli
