// PNG encoding of RGBA pixels with stb_image_write (libstb): heatmaps embedded in SVG.
#include <stb/stb_image_write.h>

#include "ropescope/export.h"

namespace ropescope {

namespace {

void append_bytes(void* context, void* data, int size) {
    static_cast<std::string*>(context)->append(static_cast<const char*>(data), static_cast<std::size_t>(size));
}

}  // namespace

std::string encode_png_rgba(const std::uint8_t* pixels, int width, int height) {
    std::string out;
    if (!pixels || width <= 0 || height <= 0) return out;
    if (!stbi_write_png_to_func(append_bytes, &out, width, height, 4, pixels, width * 4)) out.clear();
    return out;
}

}  // namespace ropescope
