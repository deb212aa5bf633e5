// ropescope-cli export --animate PARAM=FROM:TO[:log]: a plot as an animation of a parameter sweep
// (GIF, APNG, or MP4 where libavcodec was found), drawn by the same figure model and layout as
// every other export, with the swept value stamped on each frame.
#include "cmd_export_animate.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>

#include "progress.h"
#include "ropescope/animation.h"
#include "ropescope/export.h"
#include "ropescope/plots.h"
#include "ropescope/raster.h"

namespace ropescope::cli {

namespace {

namespace fs = std::filesystem;

Result<std::pair<int, int>> parse_size(const std::string& text) {
    const auto x = text.find_first_of("xX");
    int w = 0, h = 0;
    const auto parse = [](std::string_view part, int& out) {
        const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), out);
        return ec == std::errc{} && end == part.data() + part.size();
    };
    if (x == std::string::npos || !parse(std::string_view(text).substr(0, x), w) ||
        !parse(std::string_view(text).substr(x + 1), h))
        return Error{"size", "--size: \"" + text + "\" is not WIDTHxHEIGHT in px (e.g. 960x600)."};
    if (w < 16 || h < 16 || w > 4096 || h > 4096)
        return Error{"size", "--size: " + text + " is out of range for an animation; each side must be from 16 to 4096 px."};
    return std::pair<int, int>{w, h};
}

}  // namespace

const char* export_animate_help() {
    return R"(Animation (--animate): one plot as a sweep of one parameter, every frame laid out like a PNG export
with the swept value in its corner, on axes that stay still:
  --animate PARAM=FROM:TO[:log|:lin]   factor, rope_theta, original_context, seq_len, beta_fast, beta_slow,
                         alpha, beta, low_freq_factor, high_freq_factor, partial_rotary_factor
  --frames N             frames from FROM to TO (2 to 1000, default 60)
  --fps F                frames per second (1 to 60, default 15)
  --format gif|apng|mp4  default from the --out extension (.gif, .png or .apng, .mp4); mp4 only where the
                         build found libavcodec; --size defaults to 960x600 (up to 4096 a side)
  e.g. ropescope-cli export --plot decay --method default,linear,yarn --animate factor=1:32:log --frames 60 --out sweep.gif
)";
}

int run_export_animate(const ParsedArgs& args, const std::string& plot, const std::string& out,
                       const StateFromArgs& state_from_args) {
    if (plot == "all") return usage_error("--animate: give one plot (--plot decay, ...), not all.");
    auto frames = args.integer("frames", 2, 1000);
    if (!frames) return usage_error(frames.error().message);
    auto sweep = parse_sweep(*args.get("animate"), static_cast<int>(frames->value_or(60)));
    if (!sweep) return usage_error(sweep.error().message);

    AnimationOptions o;
    std::string format_name;
    if (const auto f = args.get("format")) {
        format_name = *f;
    } else {
        const std::string ext = fs::path(out).extension().string();
        format_name = ext.size() > 1 ? ext.substr(1) : "";
        if (format_name.empty())
            return usage_error("--format: missing, and --out has no .gif, .png, .apng or .mp4 extension.");
    }
    auto format = parse_animation_format(format_name);
    if (!format) return usage_error(format.error().message);
    if (!animation_format_available(*format)) {
        auto probe = make_animation_encoder(*format, 16, 16, 2, 15);
        return usage_error(probe ? "--format: mp4 is not available." : probe.error().message);
    }
    o.format = *format;
    if (const auto size = args.get("size")) {
        const auto parsed = parse_size(*size);
        if (!parsed) return usage_error(parsed.error().message);
        o.width = parsed->first;
        o.height = parsed->second;
    }
    auto fps = args.number("fps");
    if (!fps) return usage_error(fps.error().message);
    if (*fps) {
        if (!(**fps >= 1 && **fps <= 60)) return usage_error("--fps: " + *args.get("fps") + " is out of range; use 1 to 60.");
        o.fps = **fps;
    }
    auto scale = args.number("scale");
    if (!scale) return usage_error(scale.error().message);
    if (*scale) {
        if (!(**scale >= 0.25 && **scale <= 4))
            return usage_error("--scale: " + *args.get("scale") + " is out of range; use a number from 0.25 to 4.");
        o.scale = static_cast<float>(**scale);
        o.width = static_cast<int>(static_cast<float>(o.width) * o.scale);
        o.height = static_cast<int>(static_cast<float>(o.height) * o.scale);
        if (o.width > 8192 || o.height > 8192) return usage_error("--size x --scale: larger than 8192 px on a side.");
    }
    const std::string theme = args.get("theme").value_or("light");
    if (theme == "light") o.theme = ThemeKind::Light;
    else if (theme == "dark") o.theme = ThemeKind::Dark;
    else return usage_error("--theme: \"" + theme + "\" is not allowed; use light or dark.");
    for (const char* unused : {"svg-units", "dpi"})
        if (args.has(unused)) return usage_error(std::string("--") + unused + ": only for SVG, not with --animate.");

    std::vector<std::string> warnings;
    auto state = state_from_args(args, warnings);
    if (!state) return usage_error(state.error().message);
    for (const auto& w : warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
    // Each frame: the lab at that value, computed and drawn like `export --plot ID`.
    const FrameFigure figure_for = [&plot](const LabState& frame_state) -> Result<Figure> {
        std::vector<std::string> errors;
        const auto entries = compute_entries(frame_state, &errors);
        if (!errors.empty()) return Error{"animate", errors.front()};
        if (entries.empty()) return Error{"method", "no method is enabled; pass --method."};
        return build_figure(plot, entries, frame_state.plot);
    };
    Progress progress("export", args.flags.count("progress") > 0);
    auto bytes = render_sweep_animation(*state, *sweep, figure_for, o, [&progress](int done, int total) {
        progress.update(static_cast<double>(done) / std::max(total, 1),
                        "frame " + std::to_string(done) + " of " + std::to_string(total));
        return true;
    });
    if (!bytes) {
        progress.end_line();
        return usage_error(bytes.error().message);
    }
    progress.done(std::to_string(sweep->frames) + " frames drawn");

    std::string path = out;
    std::error_code ec;
    if (fs::is_directory(path, ec))
        path = (fs::path(path) / (plot + "-" + sweep->parameter + "." + animation_format_name(o.format))).string();
    if (auto status = write_file_atomic(path, *bytes); !status) {
        std::fprintf(stderr, "error: %s\n", status.error().message.c_str());
        return kExitFailure;
    }
    std::printf("wrote %s (%d frames, %dx%d, %s)\n", path.c_str(), sweep->frames, o.width, o.height,
                animation_format_name(o.format));
    return kExitOk;
}

}  // namespace ropescope::cli
