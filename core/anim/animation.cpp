// A sweep rendered frame by frame: figures on shared axes, stamped, rasterized (cairo), encoded.
#include "ropescope/animation.h"

#include <vector>

#include "anim_internal.h"
#include "ropescope/raster.h"
#include "ropescope/render.h"
#include "ropescope/validate.h"

namespace ropescope {

const char* animation_format_name(AnimationFormat format) {
    switch (format) {
        case AnimationFormat::Gif: return "gif";
        case AnimationFormat::Apng: return "apng";
        case AnimationFormat::Mp4: return "mp4";
    }
    return "gif";
}

Result<AnimationFormat> parse_animation_format(std::string_view name) {
    if (name == "gif") return AnimationFormat::Gif;
    if (name == "apng" || name == "png") return AnimationFormat::Apng;
    if (name == "mp4") return AnimationFormat::Mp4;
    return Error{"format", "--format: \"" + std::string(name) + "\" is not an animation format; use gif, apng" +
                               (detail::mp4_available() ? " or mp4." : " (mp4 is not in this build).")};
}

bool animation_format_available(AnimationFormat format) {
    return format != AnimationFormat::Mp4 || detail::mp4_available();
}

Result<std::unique_ptr<AnimationEncoder>> make_animation_encoder(AnimationFormat format, int width, int height,
                                                                 int frames, double fps) {
    if (width < 16 || height < 16 || width > 8192 || height > 8192)
        return Error{"size", "--size: " + std::to_string(width) + "x" + std::to_string(height) +
                                 " is out of range for an animation; each side must be from 16 to 8192 px."};
    if (!(fps >= 1 && fps <= 60)) return Error{"fps", "--fps: " + format_number(fps) + " is out of range; use 1 to 60."};
    switch (format) {
        case AnimationFormat::Gif: return detail::make_gif_encoder(width, height, fps);
        case AnimationFormat::Apng: return detail::make_apng_encoder(width, height, frames, fps);
        case AnimationFormat::Mp4: return detail::make_mp4_encoder(width, height, fps);
    }
    return Error{"format", "unknown animation format"};
}

Result<std::string> render_sweep_animation(const LabState& base, const Sweep& sweep, const FrameFigure& figure_for,
                                           const AnimationOptions& options, const AnimationProgress& progress) {
    // Every frame's figure first (cheap next to rasterizing), so that all share one set of axes.
    std::vector<Figure> figures;
    figures.reserve(static_cast<std::size_t>(sweep.frames));
    for (int k = 0; k < sweep.frames; ++k) {
        const double value = sweep_value(sweep, k);
        auto state = apply_sweep_value(base, sweep.parameter, value);
        if (!state) return state.error();
        auto figure = figure_for(*state);
        if (!figure)
            return Error{figure.error().field, "frame " + std::to_string(k + 1) + " (" + sweep.parameter + " = " +
                                                   format_number(value) + "): " + figure.error().message};
        figure->stamp = sweep_stamp(sweep.parameter, value);
        figures.push_back(std::move(figure).value());
    }
    share_frame_axes(figures);

    const int width = options.format == AnimationFormat::Mp4 ? options.width / 2 * 2 : options.width;
    const int height = options.format == AnimationFormat::Mp4 ? options.height / 2 * 2 : options.height;
    auto encoder = make_animation_encoder(options.format, width, height, sweep.frames, options.fps);
    if (!encoder) return encoder.error();
    const Theme theme = ropescope::theme(options.theme);
    for (int k = 0; k < sweep.frames; ++k) {
        const Canvas canvas = layout_figure(figures[static_cast<std::size_t>(k)], theme, static_cast<float>(width),
                                            static_cast<float>(height), options.scale);
        auto pixels = rasterize_canvas(canvas, theme);
        if (!pixels) return pixels.error();
        if (auto status = (*encoder)->add_frame(pixels->data()); !status) return status.error();
        if (progress && !progress(k + 1, sweep.frames)) return Error{"cancelled", "the animation was cancelled."};
    }
    return (*encoder)->finish();
}

}  // namespace ropescope
