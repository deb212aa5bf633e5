#include "screenshot.h"

#include <epoxy/gl.h>
#include <stb_image_write.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace ropescope::gui {

std::vector<unsigned char> read_back_buffer(int width, int height) {
    if (width <= 0 || height <= 0) return {};
    const auto row = static_cast<std::size_t>(width) * 4;
    std::vector<unsigned char> pixels(row * static_cast<std::size_t>(height));
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
    std::vector<unsigned char> flipped(pixels.size());
    for (int y = 0; y < height; ++y) {
        std::memcpy(&flipped[static_cast<std::size_t>(y) * row],
                    &pixels[static_cast<std::size_t>(height - 1 - y) * row], row);
    }
    for (std::size_t i = 3; i < flipped.size(); i += 4) flipped[i] = 255;
    return flipped;
}

Status write_rgba_png(const std::vector<unsigned char>& rgba, int width, int height, const std::string& path) {
    if (width <= 0 || height <= 0) return Error{"size", "framebuffer is empty"};
    const auto row = static_cast<std::size_t>(width) * 4;
    if (rgba.size() != row * static_cast<std::size_t>(height)) return Error{"size", "pixels do not fill the picture"};
    stbi_write_png_compression_level = 9;
    const std::string temp = path + ".tmp";
    if (!stbi_write_png(temp.c_str(), width, height, 4, rgba.data(), static_cast<int>(row))) {
        const std::string reason = errno ? std::strerror(errno) : "write failed";
        std::remove(temp.c_str());
        return Error{"path", "cannot write " + path + " (" + reason + ")"};
    }
    if (std::rename(temp.c_str(), path.c_str()) != 0) {
        const std::string reason = std::strerror(errno);
        std::remove(temp.c_str());
        return Error{"path", "cannot write " + path + " (" + reason + ")"};
    }
    return Ok{};
}

Status save_framebuffer_png(int width, int height, const std::string& path) {
    if (width <= 0 || height <= 0) return Error{"size", "framebuffer is empty"};
    return write_rgba_png(read_back_buffer(width, height), width, height, path);
}

}  // namespace ropescope::gui
