// --screenshot: the framebuffer as a PNG file.
#pragma once

#include <string>

#include "ropescope/result.h"

namespace ropescope::gui {

// Reads the current back buffer (call after rendering, before the swap), flips it to top-down
// rows, makes it opaque and writes it as PNG with stb_image_write.
Status save_framebuffer_png(int width, int height, const std::string& path);

}  // namespace ropescope::gui
