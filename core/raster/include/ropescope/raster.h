// PNG export: a layout Canvas rasterized offscreen by cairo's software renderer (antialiased,
// text in DejaVu Sans). Needs no display server and no GPU; the same primitives as the screen.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ropescope/render.h"
#include "ropescope/result.h"

namespace ropescope {

// Largest PNG side accepted, in px.
inline constexpr int kMaxRasterSide = 16384;

// RGBA8 pixels (row 0 at the top, not premultiplied) of the canvas at round(width) x round(height).
Result<std::vector<std::uint8_t>> rasterize_canvas(const Canvas& canvas, const Theme& theme);

// The canvas as PNG file bytes.
Result<std::string> render_png(const Canvas& canvas, const Theme& theme);

// Renders and writes a PNG atomically (write_file_atomic): no partial file on any error.
Status write_png(const Canvas& canvas, const Theme& theme, const std::string& path);

}  // namespace ropescope
