// Where RopeScope looks for a module it opens with dlopen at run time (the model engine with
// LibTorch, the MP4 encoder with FFmpeg): the places are the same for every module.
#pragma once

#include <string>
#include <vector>

namespace ropescope {

struct ModuleSearch {
    const char* file_name = nullptr;       // e.g. "libropescope_mp4.so"
    const char* env_var = nullptr;         // when set and not empty, its path is the only candidate
    const char* install_libdir = nullptr;  // the install's library folder ("lib/x86_64-linux-gnu"), or null
    const char* build_path = nullptr;      // the module in the build tree, or null
};

// The paths to try, in order: $env_var alone when set; else beside the executable, then
// ../lib/ropescope/ and ../<install_libdir>/ropescope/ of an install, then the build tree. Each
// place once (with libdir "lib" two of them are the same).
std::vector<std::string> module_candidates(const ModuleSearch& search);

}  // namespace ropescope
