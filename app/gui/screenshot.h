// --screenshot: the framebuffer as a PNG file.
#pragma once

#include <string>
#include <vector>

#include "ropescope/result.h"

namespace ropescope::gui {

// The current back buffer (call after rendering, before the swap) as top-down, opaque RGBA rows.
std::vector<unsigned char> read_back_buffer(int width, int height);

// Writes top-down RGBA rows as a PNG with stb_image_write, through a temporary file renamed into
// place (an earlier file of that name stays whole if the write fails).
Status write_rgba_png(const std::vector<unsigned char>& rgba, int width, int height, const std::string& path);

// read_back_buffer, then write_rgba_png.
Status save_framebuffer_png(int width, int height, const std::string& path);

}  // namespace ropescope::gui
