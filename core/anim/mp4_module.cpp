// MP4 through the module libropescope_mp4.so (mp4_encode.cpp), opened with dlopen the first time
// an MP4 is asked for, so that programs linking ropescope_anim do not load FFmpeg at start-up.
// Looked for in $ROPESCOPE_MP4_MODULE only when set, else beside the executable, in
// ../lib/ropescope/ and ../<libdir>/ropescope/ of an install, then in the build tree.
#include "anim_internal.h"
#include "ropescope/module_path.h"

#include <dlfcn.h>

#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace ropescope::detail {

namespace {

constexpr const char* kModuleName = "libropescope_mp4.so";
constexpr const char* kEntry = "ropescope_make_mp4_encoder_v1";
using Entry = Result<std::unique_ptr<AnimationEncoder>>* (*)(int, int, double);

std::vector<std::string> candidates() {
    ModuleSearch search;
    search.file_name = kModuleName;
    search.env_var = "ROPESCOPE_MP4_MODULE";
#ifdef ROPESCOPE_INSTALL_LIBDIR
    search.install_libdir = ROPESCOPE_INSTALL_LIBDIR;
#endif
#ifdef ROPESCOPE_MP4_MODULE_BUILD_PATH
    search.build_path = ROPESCOPE_MP4_MODULE_BUILD_PATH;
#endif
    return module_candidates(search);
}

std::string found_module() {
    std::error_code ec;
    for (const auto& path : candidates())
        if (std::filesystem::is_regular_file(path, ec)) return path;
    return {};
}

const char* kMissing = "MP4 is not available: its module (libropescope_mp4.so, FFmpeg) was not found, or this build "
                       "has no libavcodec, libavformat and libswscale (Debian: libavcodec-dev libavformat-dev "
                       "libswscale-dev). Use gif or apng.";

}  // namespace

bool mp4_available() {
    static const bool available = !found_module().empty();
    return available;
}

Result<std::unique_ptr<AnimationEncoder>> make_mp4_encoder(int width, int height, double fps) {
    if (width % 2 || height % 2) return Error{"size", "MP4 needs an even width and height (got " +
                                                          std::to_string(width) + "x" + std::to_string(height) + ")."};
    // Opened once, never closed (FFmpeg's and its codecs' static state).
    static std::once_flag once;
    static Entry entry = nullptr;
    static std::string failure;
    std::call_once(once, [] {
        const std::string path = found_module();
        if (path.empty()) {
            failure = kMissing;
            return;
        }
        void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
            const char* why = dlerror();
            failure = "MP4 is not available: " + path + " cannot be loaded (" + (why ? why : "unknown error") + ").";
            return;
        }
        entry = reinterpret_cast<Entry>(dlsym(handle, kEntry));
        if (!entry) failure = "MP4 is not available: " + path + " has no " + kEntry + " (built from another version).";
    });
    if (!entry) return Error{"format", failure};
    std::unique_ptr<Result<std::unique_ptr<AnimationEncoder>>> result(entry(width, height, fps));
    if (!result) return Error{"mp4", "MP4 encoding failed: out of memory."};
    return std::move(*result);
}

}  // namespace ropescope::detail
