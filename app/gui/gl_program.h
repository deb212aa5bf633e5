// Small OpenGL helpers shared by the GPU heatmaps: a shader program from shaders/NAME.{vert,frag}
// and the diverging colour map as a lookup texture.
#pragma once

#include <string>

#include <epoxy/gl.h>

namespace ropescope::gui {

// Texels of the colour-map texture: the piecewise-linear map's knots at t = -1, -0.5, 0, 0.5, 1
// land on texel centres, so linear filtering of the texture reproduces the map exactly.
inline constexpr int kColorMapTexels = 1025;

// Compiles and links `shaders_dir`/`name`.vert and .frag. Returns 0 and sets `error` (naming the
// file and the compiler's log, and saying that `what` falls back to its CPU image) on failure.
GLuint load_shader_program(const std::string& shaders_dir, const std::string& name, const std::string& what,
                           std::string* error);

// The core's diverging_color on the dark theme, t = -1 .. 1, as a kColorMapTexels x 1 RGBA8
// texture with linear filtering (the colour bar and the exports use the same map).
GLuint create_color_map_texture();

}  // namespace ropescope::gui
