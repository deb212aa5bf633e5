// File > Export: the plots as SVG, PNG, CSV and JSON through the core's exporters (the same
// layout the screen shows), written atomically; the result is reported in a toast.
#pragma once

#include <string>

#include "ropescope/color.h"
#include "ropescope/figure.h"

namespace ropescope::gui {

struct App;

enum class ExportFormat { Svg, Png, Csv, Json };

// `figure` without its hidden series (what every export writes: hidden on screen, absent in the file).
Figure without_hidden_series(const Figure& figure);

// "svg", "png", "csv", "json".
const char* export_extension(ExportFormat format);
// False if this build has no PNG writer (the ropescope_raster library).
bool png_export_available();

// The directory exports go to (the view state's, else ./ropescope-export), created if needed.
std::string export_directory(App& app);

// Writes plot `id` as currently shown (zoom and hidden series applied) to the export directory.
void export_plot(App& app, const std::string& id, ExportFormat format, ThemeKind theme);

// Writes `figure` (already as shown: view applied) as `<name>[-theme].<ext>` to the export
// directory; reports the path or the error in a toast. For panels outside the plot grid.
void export_figure(App& app, const Figure& figure, const std::string& name, ExportFormat format, ThemeKind theme);

// The items of an Export popup (SVG/PNG light and dark, CSV, JSON) for `figure`; call between
// ImGui::BeginPopup and EndPopup.
void export_figure_menu(App& app, const Figure& figure, const std::string& name);

struct PlotView;
class PlotWidget;

// Width of FitExportButtons at the current style (to right-align them in a toolbar).
float fit_export_buttons_width();
// The buttons at the right of every plot toolbar: Maximise (fill the workspace / restore), Fit
// (reset the view's zoom; disabled when not zoomed) and Export (a popup with export_figure_menu
// for the figure as drawn).
void FitExportButtons(App& app, PlotView& view, PlotWidget& widget, const std::string& name);
// The same without Maximise (its place stays empty), for callers without the widget at hand.
void FitExportButtons(App& app, PlotView& view, const Figure& shown, const std::string& name);

// A new file name for a window screenshot in the export directory (created).
std::string window_screenshot_path(App& app);

// Opens the "Export all" dialog: every plot (SVG, PNG if available, CSV) plus state.json and
// README.md listing the parameters, into a folder (default: a new time-stamped one in the export
// directory); a folder that already holds files is only written after the user confirms.
void export_all(App& app);
// The dialog (call every frame).
void draw_export_all_dialog(App& app);
// Writes everything into `dir` (created if needed) and reports in a toast.
void export_all_to(App& app, const std::string& dir);

}  // namespace ropescope::gui
