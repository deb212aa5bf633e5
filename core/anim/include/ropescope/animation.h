// Animations of a parameter sweep (library ropescope_anim): every frame is a Figure built for one
// value of the sweep, laid out and rasterized like a PNG export (cairo), with the value stamped in
// its corner, and encoded by a packaged library: giflib (GIF), libpng (APNG frames; see
// apng_encode.cpp), libavcodec (MP4, where the build found it). The core links none of them.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "ropescope/color.h"
#include "ropescope/figure.h"
#include "ropescope/result.h"
#include "ropescope/state.h"
#include "ropescope/sweep.h"

namespace ropescope {

enum class AnimationFormat { Gif, Apng, Mp4 };

// "gif", "apng", "mp4".
const char* animation_format_name(AnimationFormat format);
// From a format name ("gif", "apng", "png" meaning APNG, "mp4"); an error lists the choices.
Result<AnimationFormat> parse_animation_format(std::string_view name);
// False for MP4 when this build has no libavcodec.
bool animation_format_available(AnimationFormat format);

// Receives RGBA8 frames (row 0 at the top) of one size and returns the file at the end.
class AnimationEncoder {
public:
    virtual ~AnimationEncoder() = default;
    virtual Status add_frame(const std::uint8_t* rgba) = 0;
    virtual Result<std::string> finish() = 0;
};

// An encoder for `frames` frames of width x height at `fps` frames per second (looping forever,
// where the format loops). MP4 needs even sizes (the caller rounds them).
Result<std::unique_ptr<AnimationEncoder>> make_animation_encoder(AnimationFormat format, int width, int height,
                                                                 int frames, double fps);

struct AnimationOptions {
    AnimationFormat format = AnimationFormat::Gif;
    int width = 960, height = 600;  // px of every frame
    float scale = 1;                // type and lines, as for PNG export
    ThemeKind theme = ThemeKind::Light;
    double fps = 15;
};

// The figure for one frame's lab state (the CLI: build_figure on the state's results; the GUI:
// the plot as shown, with its hidden series and comparison).
using FrameFigure = std::function<Result<Figure>(const LabState& state)>;
// Called after each frame is encoded; returning false cancels (the result is then an error).
using AnimationProgress = std::function<bool(int frames_done, int frames_total)>;

// The whole animation as file bytes: one figure per sweep value on shared axes, each stamped with
// its value ("s = 4.2"), rasterized and encoded. Errors name the frame and value that failed.
Result<std::string> render_sweep_animation(const LabState& base, const Sweep& sweep, const FrameFigure& figure_for,
                                           const AnimationOptions& options, const AnimationProgress& progress = {});

}  // namespace ropescope
