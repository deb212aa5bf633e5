#include "ropescope/module_path.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace ropescope {

std::vector<std::string> module_candidates(const ModuleSearch& search) {
    namespace fs = std::filesystem;
    if (search.env_var)
        if (const char* env = std::getenv(search.env_var); env && *env) return {env};  // that one only
    std::vector<std::string> out;
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const fs::path dir = exe.parent_path();
        out.push_back((dir / search.file_name).string());
        out.push_back((dir / ".." / "lib" / "ropescope" / search.file_name).lexically_normal().string());
        if (search.install_libdir)
            out.push_back((dir / ".." / search.install_libdir / "ropescope" / search.file_name).lexically_normal().string());
    }
    if (search.build_path) out.emplace_back(search.build_path);
    std::vector<std::string> unique;
    for (auto& path : out)
        if (std::find(unique.begin(), unique.end(), path) == unique.end()) unique.push_back(std::move(path));
    return unique;
}

}  // namespace ropescope
