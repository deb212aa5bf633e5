// Exporters of figures: SVG (vector), CSV (the numbers), JSON (the figure description), and an
// atomic file writer. PNG lives in the separate ropescope_raster library (raster.h), so the core
// needs no graphics library.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ropescope/figure.h"
#include "ropescope/render.h"
#include "ropescope/result.h"

namespace ropescope {

// Units of the SVG's width/height attributes (the drawing itself is always in px via viewBox).
enum class SvgUnits { Pixels, Inches };

struct SvgOptions {
    SvgUnits units = SvgUnits::Pixels;
    float dpi = 96;  // px per inch when units are inches (CSS: 96)
};

// The canvas as a standalone SVG 1.1 document: paths, text as <text>, heatmaps as embedded PNG.
std::string canvas_to_svg(const Canvas& canvas, const Theme& theme);
std::string canvas_to_svg(const Canvas& canvas, const Theme& theme, const SvgOptions& options);

// The data of every series as CSV: columns named method_quantity_unit (e.g. yarn_wavelength_tokens),
// series on the same x grid share its column, others get their own x column. A heatmap is written
// in long form (x, y, value). With more than one block (several panels, or series and a heatmap)
// each block starts with a "# panel N: title" line and blocks are separated by a blank line.
// Numbers in shortest round-trip form, so they read back exactly; NaN is an empty cell.
std::string figure_to_csv(const Figure& figure);

// The whole figure description (axes, series with their data, markers, heatmap) as JSON.
nlohmann::json figure_to_json(const Figure& figure);

// Column name for CSV headers: lower case, runs of other characters as '_', e.g.
// "wavelength (tokens)" -> "wavelength_tokens".
std::string csv_column_name(std::string_view text);

// Writes `bytes` to `path` atomically: a temporary file in the same directory (NAME.tmp-PID-XXXXXX),
// fsync, rename. On failure the temporary file is removed, `path` is untouched, and the error names
// the path and the OS reason. A symlink is followed (its target is replaced, the link stays); a
// character device or FIFO (--out /dev/null, a pipe) is written in place, never replaced; a FIFO
// that no program reads is an error, not a hang.
Status write_file_atomic(const std::string& path, std::string_view bytes);

// One file of a folder export.
struct NamedFile {
    std::string name;   // file name inside the folder
    std::string bytes;  // its contents
};
// Writes every file into `dir` (created if missing) as one change: all temporary files first (a
// failure or a signal leaves the folder as it was), then all renames with SIGINT/SIGTERM/SIGHUP
// held. Stale temporary files of dead processes in `dir` are removed first.
Status write_files_atomic(const std::string& dir, const std::vector<NamedFile>& files);

// Removes NAME.tmp-PID-XXXXXX files in `dir` whose process is gone (and older NAME.tmp-XXXXXX
// files untouched for 10 minutes); returns how many.
int remove_stale_temporaries(const std::string& dir);

// Installs SIGINT, SIGTERM and SIGHUP handlers that remove the temporary files being written, then
// end the process as the signal would have. Call once from main().
void remove_temporary_files_on_signals();

// Encodes RGBA8 pixels (row 0 at the top) as PNG bytes (stb_image_write).
std::string encode_png_rgba(const std::uint8_t* pixels, int width, int height);

}  // namespace ropescope
