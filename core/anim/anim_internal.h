// Private to ropescope_anim: the encoder factories, one per format file.
#pragma once

#include <memory>

#include "ropescope/animation.h"

namespace ropescope::detail {

Result<std::unique_ptr<AnimationEncoder>> make_gif_encoder(int width, int height, double fps);
Result<std::unique_ptr<AnimationEncoder>> make_apng_encoder(int width, int height, int frames, double fps);
Result<std::unique_ptr<AnimationEncoder>> make_mp4_encoder(int width, int height, double fps);
bool mp4_available();

}  // namespace ropescope::detail
