#include "export_actions.h"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include <imgui.h>

#include "app.h"
#include "widgets.h"
#include "ropescope/export.h"
#include "ropescope/render.h"
#include "ropescope/validate.h"
#if defined(ROPESCOPE_HAVE_RASTER)
#include "ropescope/raster.h"
#endif

namespace ropescope::gui {

namespace fs = std::filesystem;

namespace {

// The figure of plot `id` exactly as on screen (A/B comparison, zoom, hidden series).
Figure shown_figure(App& app, const std::string& id) {
    const PlotSlot& slot = app.plots[id];
    const Figure figure = slot.built ? slot.figure
                                     : compose_figure(id, app.entries, app.state.view.pinned_a ? &app.entries_a : nullptr,
                                                      app.state.lab.plot, app.state.view.compare);
    return apply_view(figure, app.state.view.plots[id]);
}

// The bytes of a figure's export file, as on screen at the export size.
Result<std::string> figure_bytes(App& app, const Figure& figure, ExportFormat format, ThemeKind kind) {
    const Theme theme = ropescope::theme(kind);
    const auto layout = [&] {
        return layout_figure(figure, theme, static_cast<float>(app.state.view.export_width),
                             static_cast<float>(app.state.view.export_height), 1.0f);
    };
    switch (format) {
        case ExportFormat::Svg: return canvas_to_svg(layout(), theme);
        case ExportFormat::Csv: return figure_to_csv(figure);
        case ExportFormat::Json: return figure_to_json(figure).dump(2) + "\n";
        case ExportFormat::Png:
#if defined(ROPESCOPE_HAVE_RASTER)
            return render_png(layout(), theme);
#else
            return Error{"format", "PNG export is not available in this build (ropescope_raster missing)."};
#endif
    }
    return Error{"format", "unknown export format"};
}

Status write_figure(App& app, const Figure& figure, const std::string& path, ExportFormat format, ThemeKind kind) {
    auto bytes = figure_bytes(app, figure, format, kind);
    if (!bytes) return bytes.error();
    return write_file_atomic(path, *bytes);
}

std::string timestamp() {
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y%m%d-%H%M%S", &local);
    return buffer;
}

}  // namespace

const char* export_extension(ExportFormat format) {
    switch (format) {
        case ExportFormat::Svg: return "svg";
        case ExportFormat::Png: return "png";
        case ExportFormat::Csv: return "csv";
        case ExportFormat::Json: return "json";
    }
    return "out";
}

bool png_export_available() {
#if defined(ROPESCOPE_HAVE_RASTER)
    return true;
#else
    return false;
#endif
}

std::string export_directory(App& app) {
    if (!app.state.view.export_dir.empty()) return app.state.view.export_dir;
    std::error_code ec;
    return (fs::current_path(ec) / "ropescope-export").string();
}

void export_plot(App& app, const std::string& id, ExportFormat format, ThemeKind theme) {
    export_figure(app, shown_figure(app, id), id, format, theme);
}

void export_figure_menu(App& app, const Figure& figure, const std::string& name) {
    const struct {
        const char* label;
        ExportFormat format;
        ThemeKind theme;
    } items[] = {
        {"SVG, light (slides, papers)", ExportFormat::Svg, ThemeKind::Light},
        {"SVG, dark", ExportFormat::Svg, ThemeKind::Dark},
        {"PNG, light", ExportFormat::Png, ThemeKind::Light},
        {"PNG, dark", ExportFormat::Png, ThemeKind::Dark},
        {"CSV (the numbers)", ExportFormat::Csv, ThemeKind::Light},
        {"JSON (the figure)", ExportFormat::Json, ThemeKind::Light},
    };
    for (const auto& item : items) {
        const bool enabled = item.format != ExportFormat::Png || png_export_available();
        if (ImGui::MenuItem(item.label, nullptr, false, enabled)) export_figure(app, figure, name, item.format, item.theme);
    }
    ImGui::Separator();
    ImGui::TextDisabled("to %s", export_directory(app).c_str());
}

float fit_export_buttons_width() {
    const ImGuiStyle& style = ImGui::GetStyle();
    return ImGui::CalcTextSize("Fit").x + ImGui::CalcTextSize("Export").x + style.FramePadding.x * 4 +
           style.ItemSpacing.x;
}

void FitExportButtons(App& app, PlotView& view, const Figure& shown, const std::string& name) {
    ImGui::BeginDisabled(!view.x && !view.y);
    if (ImGui::SmallButton("Fit")) {
        view.x.reset();
        view.y.reset();
        ++view.version;
    }
    ImGui::EndDisabled();
    Tooltip("Back to the full data range (also: double-click the plot).");
    ImGui::SameLine();
    if (ImGui::SmallButton("Export")) ImGui::OpenPopup("##export");
    Tooltip("Export this plot as shown: SVG, PNG, CSV or JSON.");
    if (ImGui::BeginPopup("##export")) {
        export_figure_menu(app, shown, name);
        ImGui::EndPopup();
    }
}

void export_figure(App& app, const Figure& figure, const std::string& name, ExportFormat format, ThemeKind theme) {
    const std::string& id = name;
    const std::string dir = export_directory(app);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        app.toasts.Error("Export: cannot create " + dir + " (" + ec.message() + ").");
        return;
    }
    const std::string suffix = format == ExportFormat::Csv || format == ExportFormat::Json
                                   ? ""
                                   : std::string("-") + theme_name(theme);
    const std::string path = (fs::path(dir) / (id + suffix + "." + export_extension(format))).string();
    const Status status = write_figure(app, figure, path, format, theme);
    if (status) app.toasts.Info("Wrote " + path);
    else app.toasts.Error("Export failed: " + status.error().message);
}

std::string window_screenshot_path(App& app) {
    const std::string dir = export_directory(app);
    std::error_code ec;
    fs::create_directories(dir, ec);
    return (fs::path(dir) / ("window-" + timestamp() + ".png")).string();
}

void export_all(App& app) {
    const auto start = std::chrono::steady_clock::now();
    const std::string dir = (fs::path(export_directory(app)) / ("ropescope-" + timestamp())).string();
    const ThemeKind theme = app.state.view.export_theme;
    // Everything rendered in memory, then written as one change (write_files_atomic): the folder
    // holds either the whole export or nothing.
    std::vector<NamedFile> files;
    std::string failures;
    std::vector<ReadmeFile> listing;
    for (const auto& id : plot_ids()) {
        const Figure figure = shown_figure(app, id);
        for (const ExportFormat format : {ExportFormat::Svg, ExportFormat::Png, ExportFormat::Csv}) {
            if (format == ExportFormat::Png && !png_export_available()) continue;
            const std::string name = id + "." + export_extension(format);
            auto bytes = figure_bytes(app, figure, format, theme);
            if (bytes) {
                files.push_back({name, std::move(bytes).value()});
                listing.push_back({name, figure.title});
            } else {
                failures += "\n" + name + ": " + bytes.error().message;
            }
        }
    }
    listing.push_back({"state.json", "the lab state: setup, methods and their parameters, plot options"});
    // The CLI regenerates the figures as the defaults show them (zoom and hidden series are GUI-only).
    const std::string command = std::string("ropescope-cli export --plot all --state state.json --theme ") +
                                theme_name(theme) + " --out DIR";
    files.push_back({"state.json", state_to_json(app.state.lab).dump(2) + "\n"});
    files.push_back({"README.md", state_readme(app.state.lab, listing, command)});
    if (!failures.empty()) {
        app.toasts.Error("Export all: nothing written; some figures could not be rendered:" + failures);
        return;
    }
    if (auto status = write_files_atomic(dir, files); !status) {
        app.toasts.Error("Export all: nothing written (" + status.error().message + ")");
        return;
    }
    const std::size_t written = files.size();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    char took[32];
    std::snprintf(took, sizeof took, "%.1f s", seconds);
    app.toasts.Info("Exported " + std::to_string(written) + " files to " + dir + " (" + took + ")");
}

}  // namespace ropescope::gui
