#include "assets.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include <nlohmann/json.hpp>

namespace ropescope::gui {

namespace fs = std::filesystem;

std::string executable_dir() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string() : exe.parent_path().string();
}

std::string find_data_dir(const std::string& sub, const std::string& exe_dir) {
    std::vector<fs::path> candidates;
#ifdef ROPESCOPE_ASSETS_DIR
    if (sub == "presets") candidates.emplace_back(fs::path(ROPESCOPE_ASSETS_DIR) / "presets");
#endif
#ifdef ROPESCOPE_SHADERS_DIR
    if (sub == "shaders") candidates.emplace_back(ROPESCOPE_SHADERS_DIR);
#endif
    if (!exe_dir.empty()) {
        candidates.emplace_back(fs::path(exe_dir) / sub);
        candidates.emplace_back(fs::path(exe_dir) / "assets" / sub);
        candidates.emplace_back(fs::path(exe_dir) / ".." / "share" / "ropescope" / sub);
    }
    candidates.emplace_back(fs::path("/usr/local/share/ropescope") / sub);
    candidates.emplace_back(fs::path("/usr/share/ropescope") / sub);
    for (const auto& dir : candidates) {
        std::error_code ec;
        if (fs::is_directory(dir, ec)) return fs::weakly_canonical(dir, ec).string();
    }
    return "";
}

std::vector<Preset> list_presets(const std::string& dir) {
    std::vector<Preset> presets;
    std::error_code ec;
    if (dir.empty() || !fs::is_directory(dir, ec)) return presets;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (!entry.is_regular_file(ec) || entry.path().extension() != ".json") continue;
        Preset preset;
        preset.path = entry.path().string();
        preset.stem = entry.path().stem().string();
        preset.name = preset.stem;
        std::ifstream in(preset.path);
        std::stringstream text;
        text << in.rdbuf();
        const auto json = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
        if (json.is_object() && json.contains("_model") && json["_model"].is_string())
            preset.name = json["_model"].get<std::string>();
        presets.push_back(std::move(preset));
    }
    std::sort(presets.begin(), presets.end(), [](const Preset& a, const Preset& b) { return a.stem < b.stem; });
    return presets;
}

}  // namespace ropescope::gui
