// ropescope-cli export: any plot as SVG, PNG, CSV or JSON, headless (the GUI's figures, same layout).
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cmd_export_animate.h"
#include "commands.h"
#include "progress.h"
#include "setup_flags.h"
#include "ropescope/export.h"
#include "ropescope/plots.h"
#include "ropescope/raster.h"
#include "ropescope/render.h"
#include "ropescope/state.h"

namespace ropescope::cli {

namespace {

namespace fs = std::filesystem;

constexpr const char* kHelp = R"(Usage: ropescope-cli export --plot ID|all --out FILE|DIR [--format svg|png|csv|json]
                           [--state FILE | --config FILE | --method NAME[,NAME...] [setup flags]]
                           [--size WxH] [--scale F] [--theme light|dark] [--svg-units px|in] [--dpi N]
                           [--progress]

Writes a plot exactly as the GUI lays it out. Without --state, --config or --method the lab's
default methods are plotted (default, linear, ntk, yarn, llama3) on the given setup.

  --plot ID|all          wavelength, scale, ramp, decay, coverage, heatmap; or all: every plot into
                         the folder --out, plus state.json and a README.md listing the parameters
  --out FILE|DIR         output file (an existing folder gets ID.EXT inside); with --plot all a folder,
                         created if needed
  --format F             svg (vector, for papers), png (slides), csv (the numbers), json (figure and
                         state); default: from the --out extension; svg with --plot all
  --state FILE           a state.json saved by the GUI or written by --plot all
  --size WxH             canvas in px (default 1600x1000); PNG pixels are size x scale
  --scale F              multiplies the size, the type and the line widths (default 1; 2 for retina)
  --theme light|dark     light (default): white, large type, thick lines; dark: the screen theme
  --svg-units px|in      units of the SVG width/height (default px); in: size / dpi inches
  --dpi N                px per inch for --svg-units in (default 96)
  --progress             progress on stderr from the start, also when it is not a terminal (on a
                         terminal it appears anyway once an export takes over a second)

Files are written atomically: an error leaves no partial file. Exit status 2 for invalid
options, 1 if a file cannot be written.

Examples:
  ropescope-cli export --plot wavelength --format png --size 1920x1080 --out wavelength.png
  ropescope-cli export --plot decay --method linear,yarn --factor 16 --out decay.svg --svg-units in --dpi 200
  ropescope-cli export --plot all --format svg --config assets/presets/llama-3.1-8b.json --out figures/
  ropescope-cli export --plot all --format png --state figures/state.json --out figures-png/

)";

enum class Format { Svg, Png, Csv, Json };

struct Options {
    Format format = Format::Svg;
    float width = 1600, height = 1000, scale = 1;
    ThemeKind theme = ThemeKind::Light;
    SvgOptions svg;
};

const char* extension(Format f) {
    switch (f) {
        case Format::Svg: return "svg";
        case Format::Png: return "png";
        case Format::Csv: return "csv";
        case Format::Json: return "json";
    }
    return "svg";
}

std::optional<Format> parse_format(const std::string& text) {
    if (text == "svg") return Format::Svg;
    if (text == "png") return Format::Png;
    if (text == "csv") return Format::Csv;
    if (text == "json") return Format::Json;
    return std::nullopt;
}

int io_error(const std::string& message) {
    std::fprintf(stderr, "error: %s\n", message.c_str());
    return kExitFailure;
}

// "1600x1000" -> 1600, 1000 (each 16..16384).
Result<std::pair<int, int>> parse_size(const std::string& text) {
    const auto x = text.find_first_of("xX");
    int w = 0, h = 0;
    const auto parse = [](std::string_view part, int& out) {
        const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), out);
        return ec == std::errc{} && end == part.data() + part.size();
    };
    if (x == std::string::npos || !parse(std::string_view(text).substr(0, x), w) ||
        !parse(std::string_view(text).substr(x + 1), h))
        return Error{"size", "--size: \"" + text + "\" is not WIDTHxHEIGHT in px (e.g. 1920x1080)."};
    if (w < 16 || h < 16 || w > kMaxRasterSide || h > kMaxRasterSide)
        return Error{"size", "--size: " + text + " is out of range; each side must be from 16 to " +
                                 std::to_string(kMaxRasterSide) + " px."};
    return std::pair<int, int>{w, h};
}

bool has_setup_flags(const ParsedArgs& args) {
    ArgSpec setup;
    add_setup_args(setup);
    for (const auto& name : setup.options)
        if (args.has(name)) return true;
    for (const auto& name : setup.flags)
        if (args.has(name)) return true;
    return false;
}

// The lab state from --state, or from --config / --method and the setup flags.
Result<LabState> state_from_args(const ParsedArgs& args, std::vector<std::string>& warnings) {
    if (const auto path = args.get("state")) {
        if (has_setup_flags(args))
            return Error{"state", "--state: give either a state file or --config/--method and setup flags, not both."};
        return load_state_file(*path);
    }
    ParsedArgs effective = args;
    const LabState defaults = default_lab_state();
    if (!args.has("method") && !args.has("config")) {
        std::string list;
        for (const MethodKind kind : kAllMethods)
            if (slot(defaults, kind).enabled) list += (list.empty() ? "" : ",") + std::string(method_name(kind));
        effective.options["method"] = list;
    }
    auto built = setup_from_flags(effective, true);
    if (!built) return built.error();
    warnings = built->warnings;
    LabState state = defaults;
    state.model_name = built->model_name;
    state.setup = built->setup;
    // Without a config, the extension factor defaults to the lab's (s = 8) rather than none.
    if (!args.has("config") && !args.has("factor") && !args.has("target-context"))
        state.setup.factor = defaults.setup.factor;
    // The lab shows dynamic methods at the target context unless told otherwise.
    if (!args.has("seq-len")) state.setup.seq_len = state.setup.target_context();
    for (auto& s : state.methods) s.enabled = false;
    for (const auto& method : built->methods) {
        MethodSlot& s = slot(state, kind_of(method));
        s.method = method;
        s.enabled = true;
    }
    if (const std::string note = fit_longrope_lists(state); !note.empty() && slot(state, MethodKind::LongRope).enabled)
        warnings.push_back(note);
    return state;
}

// The file for one figure, in memory.
Result<std::string> render(const Figure& figure, const LabState& state, const Options& o) {
    const Theme theme = ropescope::theme(o.theme);
    const auto canvas = [&] { return layout_figure(figure, theme, o.width * o.scale, o.height * o.scale, o.scale); };
    switch (o.format) {
        case Format::Svg: return canvas_to_svg(canvas(), theme, o.svg);
        case Format::Png: return render_png(canvas(), theme);
        case Format::Csv: return figure_to_csv(figure);
        case Format::Json: {
            nlohmann::json j;
            j["version"] = kStateVersion;
            j["plot"] = figure.id;
            j["state"] = state_to_json(state);
            j["figure"] = figure_to_json(figure);
            return j.dump(2) + "\n";
        }
    }
    return Error{"format", "unknown format"};
}

// The command that regenerates an "export all" folder, run from inside it.
std::string regenerate_command(const Options& o) {
    char scale[32];
    std::snprintf(scale, sizeof scale, "%g", static_cast<double>(o.scale));
    std::string command = "ropescope-cli export --plot all --state state.json --format " +
                          std::string(extension(o.format)) + " --out .";
    if (o.format == Format::Svg || o.format == Format::Png) {
        command += " --size " + std::to_string(static_cast<int>(o.width)) + "x" +
                   std::to_string(static_cast<int>(o.height)) + " --scale " + scale + " --theme " +
                   theme_name(o.theme);
    }
    if (o.format == Format::Svg && o.svg.units == SvgUnits::Inches) {
        char dpi[32];
        std::snprintf(dpi, sizeof dpi, "%g", static_cast<double>(o.svg.dpi));
        command += std::string(" --svg-units in --dpi ") + dpi;
    }
    return command;
}

}  // namespace

int run_export(int argc, char** argv, int first) {
    ArgSpec spec;
    add_setup_args(spec);
    spec.options.insert({"plot", "format", "out", "state", "size", "scale", "theme", "svg-units", "dpi", "animate",
                         "frames", "fps"});
    spec.flags.insert({"help", "progress"});
    auto args = parse_args("export", spec, argc, argv, first);
    if (!args) return usage_error(args.error().message);
    if (args->flags.count("help")) {
        std::fputs(kHelp, stdout);
        std::fputs(export_animate_help(), stdout);
        std::fputs(setup_args_help(), stdout);
        return kExitOk;
    }

    // What to plot, in which format, where.
    const auto plot = args->get("plot");
    if (!plot)
        return usage_error("--plot: missing; use all or one of wavelength, scale, ramp, decay, coverage, heatmap.");
    const bool all = *plot == "all";
    if (!all && std::find(plot_ids().begin(), plot_ids().end(), *plot) == plot_ids().end()) {
        std::string list;
        for (const auto& id : plot_ids()) list += (list.empty() ? "" : ", ") + id;
        return usage_error("--plot: \"" + *plot + "\" is not a known plot; use all or one of " + list + ".");
    }
    const auto out = args->get("out");
    if (!out || out->empty()) return usage_error("--out: missing; give the output file (or folder for --plot all).");
    if (args->has("animate")) return run_export_animate(*args, *plot, *out, state_from_args);
    for (const char* animation_only : {"frames", "fps"})
        if (args->has(animation_only)) return usage_error(std::string("--") + animation_only + ": only with --animate.");
    Options o;
    if (const auto format = args->get("format")) {
        const auto parsed = parse_format(*format);
        if (!parsed) return usage_error("--format: \"" + *format + "\" is not allowed; use svg, png, csv or json.");
        o.format = *parsed;
    } else {
        // A folder of figures is SVG unless told otherwise; one file takes its --out extension.
        const std::string ext = fs::path(*out).extension().string();  // ".svg"
        const auto parsed = all ? std::optional<Format>(Format::Svg)
                                : ext.empty() ? std::nullopt : parse_format(ext.substr(1));
        if (!parsed)
            return usage_error("--format: missing, and the --out extension is not .svg, .png, .csv or .json.");
        o.format = *parsed;
    }
    if (const auto size = args->get("size")) {
        const auto parsed = parse_size(*size);
        if (!parsed) return usage_error(parsed.error().message);
        o.width = static_cast<float>(parsed->first);
        o.height = static_cast<float>(parsed->second);
    }
    auto scale = args->number("scale");
    if (!scale) return usage_error(scale.error().message);
    if (*scale) {
        if (!(**scale >= 0.25 && **scale <= 8))
            return usage_error("--scale: " + *args->get("scale") + " is out of range; use a number from 0.25 to 8.");
        o.scale = static_cast<float>(**scale);
    }
    if (o.format == Format::Png && (o.width * o.scale > kMaxRasterSide || o.height * o.scale > kMaxRasterSide))
        return usage_error("--size x --scale: the PNG would be larger than " + std::to_string(kMaxRasterSide) +
                           " px on a side; lower --scale or --size.");
    const std::string theme = args->get("theme").value_or("light");
    if (theme == "light") o.theme = ThemeKind::Light;
    else if (theme == "dark") o.theme = ThemeKind::Dark;
    else return usage_error("--theme: \"" + theme + "\" is not allowed; use light or dark.");
    const std::string units = args->get("svg-units").value_or("px");
    if (units == "in") o.svg.units = SvgUnits::Inches;
    else if (units != "px") return usage_error("--svg-units: \"" + units + "\" is not allowed; use px or in.");
    auto dpi = args->integer("dpi", 10, 2400);
    if (!dpi) return usage_error(dpi.error().message);
    if (*dpi) o.svg.dpi = static_cast<float>(**dpi);

    // The state, and every enabled method computed.
    std::vector<std::string> warnings;
    auto state = state_from_args(*args, warnings);
    if (!state) return usage_error(state.error().message);
    std::vector<std::string> errors;
    const auto entries = compute_entries(*state, &errors);
    if (!errors.empty()) {
        std::string message = errors.front();
        for (std::size_t k = 1; k < errors.size(); ++k) message += "\n       " + errors[k];
        return usage_error(message);
    }
    if (entries.empty()) return usage_error("no method is enabled in the state; enable one or pass --method.");
    for (const auto& entry : entries)
        for (const auto& w : entry.result.warnings)
            warnings.push_back(std::string(method_name(entry.result.kind)) + ": " + w);
    for (const auto& w : warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());

    // Render everything in memory first: a failure here writes nothing.
    struct File {
        std::string name, bytes;
    };
    std::vector<File> files;
    std::vector<ReadmeFile> listing;
    const std::vector<std::string> ids = all ? plot_ids() : std::vector<std::string>{*plot};
    Progress progress("export", args->flags.count("progress") > 0);
    for (std::size_t k = 0; k < ids.size(); ++k) {
        progress.update(static_cast<double>(k) / static_cast<double>(ids.size()), ids[k]);
        auto figure = build_figure(ids[k], entries, state->plot);
        if (!figure) {
            progress.end_line();
            return usage_error(figure.error().message);
        }
        auto bytes = render(*figure, *state, o);
        if (!bytes) {
            progress.end_line();
            return usage_error(bytes.error().message);
        }
        files.push_back({ids[k] + "." + extension(o.format), std::move(bytes).value()});
        listing.push_back({files.back().name, figure->title});
    }
    progress.done(std::to_string(ids.size()) + (ids.size() == 1 ? " figure" : " figures") + " drawn");

    if (!all) {
        std::string path = *out;
        std::error_code ec;
        if (fs::is_directory(path, ec)) path = (fs::path(path) / files.front().name).string();
        if (auto status = write_file_atomic(path, files.front().bytes); !status)
            return io_error(status.error().message);
        std::printf("wrote %s\n", path.c_str());
        return kExitOk;
    }

    listing.push_back({"state.json", "the lab state: setup, methods and their parameters, plot options"});
    files.push_back({"state.json", state_to_json(*state).dump(2) + "\n"});
    files.push_back({"README.md", state_readme(*state, listing, regenerate_command(o))});
    std::vector<NamedFile> named;
    for (auto& f : files) named.push_back({f.name, std::move(f.bytes)});
    if (auto status = write_files_atomic(*out, named); !status) return io_error(status.error().message);
    std::printf("wrote %zu files to %s\n", files.size(), out->c_str());
    return kExitOk;
}

}  // namespace ropescope::cli
