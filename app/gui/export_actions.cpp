#include "export_actions.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "app.h"
#include "plot_widget.h"
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

}  // namespace

Figure without_hidden_series(const Figure& figure) {
    Figure out = figure;
    for (auto& panel : out.panels) std::erase_if(panel.series, [](const Series& s) { return !s.visible; });
    return out;
}

namespace {

// The bytes of a figure's export file, as on screen at the export size. A series hidden on
// screen is left out of the file: no greyed legend entry, no CSV column.
Result<std::string> figure_bytes(App& app, const Figure& shown, ExportFormat format, ThemeKind kind) {
    const Figure figure = without_hidden_series(shown);
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
    // The RoPE plots can also be animated over a parameter sweep.
    if (std::find(plot_ids().begin(), plot_ids().end(), name) != plot_ids().end()) {
        ImGui::Separator();
        if (ImGui::MenuItem("Animation (GIF, APNG, MP4)...")) open_animation_dialog(app, name);
        Tooltip("Sweep one parameter (e.g. the factor s from 1 to 32) and write every step as a frame, drawn like "
                "this plot with the value in its corner. Same as ropescope-cli export --animate.");
    }
    ImGui::Separator();
    ImGui::TextDisabled("to %s", export_directory(app).c_str());
}

float fit_export_buttons_width() {
    const ImGuiStyle& style = ImGui::GetStyle();
    return ImGui::GetFrameHeight() + ImGui::CalcTextSize("Fit").x + ImGui::CalcTextSize("Export").x +
           style.FramePadding.x * 4 + style.ItemSpacing.x * 2;
}

namespace {

// A small square button with a "fill the frame" (or "restore") icon: four corner marks.
bool MaximiseButton(bool maximised) {
    const float size = ImGui::GetFrameHeight();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const bool pressed = ImGui::InvisibleButton("##maximise", ImVec2(size, size));
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImU32 bg = ImGui::GetColorU32(ImGui::IsItemActive()    ? ImGuiCol_ButtonActive
                                        : ImGui::IsItemHovered() ? ImGuiCol_ButtonHovered
                                                                 : ImGuiCol_Button);
    dl->AddRectFilled(p, ImVec2(p.x + size, p.y + size), bg, ImGui::GetStyle().FrameRounding);
    const ImU32 fg = ImGui::GetColorU32(ImGuiCol_Text);
    const float m = size * 0.25f, l = size * 0.2f, w = std::max(1.0f, size * 0.08f);
    const float x0 = p.x + m, y0 = p.y + m, x1 = p.x + size - m, y1 = p.y + size - m;
    const float d = maximised ? -l : l;  // restore: the marks point inwards
    const float ax0 = maximised ? x0 + l : x0, ay0 = maximised ? y0 + l : y0;
    const float ax1 = maximised ? x1 - l : x1, ay1 = maximised ? y1 - l : y1;
    dl->AddLine(ImVec2(ax0, ay0), ImVec2(ax0 + d, ay0), fg, w);
    dl->AddLine(ImVec2(ax0, ay0), ImVec2(ax0, ay0 + d), fg, w);
    dl->AddLine(ImVec2(ax1, ay0), ImVec2(ax1 - d, ay0), fg, w);
    dl->AddLine(ImVec2(ax1, ay0), ImVec2(ax1, ay0 + d), fg, w);
    dl->AddLine(ImVec2(ax0, ay1), ImVec2(ax0 + d, ay1), fg, w);
    dl->AddLine(ImVec2(ax0, ay1), ImVec2(ax0, ay1 - d), fg, w);
    dl->AddLine(ImVec2(ax1, ay1), ImVec2(ax1 - d, ay1), fg, w);
    dl->AddLine(ImVec2(ax1, ay1), ImVec2(ax1, ay1 - d), fg, w);
    return pressed;
}

}  // namespace

void FitExportButtons(App& app, PlotView& view, PlotWidget& widget, const std::string& name) {
    if (MaximiseButton(widget.IsMaximised())) widget.ToggleMaximised();
    Tooltip(widget.IsMaximised() ? "Back to every plot (Escape; or double-click the plot's title)."
                                 : "Fill the workspace with this plot (or double-click its title); Escape restores.");
    ImGui::SameLine();
    FitExportButtons(app, view, widget.Shown(), name);
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
    const bool replacing = fs::exists(path, ec);
    const Status status = write_figure(app, figure, path, format, theme);
    if (!status) app.toasts.Error("Export failed: " + status.error().message);
    else if (replacing) app.toasts.Info("Wrote " + path + ", replacing the earlier export of the same name.");
    else app.toasts.Info("Wrote " + path);
}

std::string window_screenshot_path(App& app) {
    const std::string dir = export_directory(app);
    std::error_code ec;
    fs::create_directories(dir, ec);
    return (fs::path(dir) / ("window-" + timestamp() + ".png")).string();
}

void export_all(App& app) {
    app.export_all.open = true;
    app.export_all.confirm = false;
    app.export_all.folder = (fs::path(export_directory(app)) / ("ropescope-" + timestamp())).string();
}

namespace {

// Files already in `dir` (0 if it does not exist or cannot be read).
int files_in(const std::string& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return 0;
    int n = 0;
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) ++n;
    return n;
}

}  // namespace

void draw_export_all_dialog(App& app) {
    ExportAllDialog& d = app.export_all;
    if (d.open) {
        ImGui::OpenPopup("Export all");
        d.open = false;
    }
    ImGui::SetNextWindowSize(ImVec2(560.0f * UiScale(), 0));
    if (!ImGui::BeginPopupModal("Export all", nullptr, ImGuiWindowFlags_NoSavedSettings)) return;
    TextWrappedWords("Every plot as SVG, PNG and CSV (" + std::string(theme_name(app.state.view.export_theme)) +
                     " theme, as shown: zoom and hidden series), with state.json and a README.md, into the folder:");
    ImGui::SetNextItemWidth(-1.0f);
    if (ImGui::InputText("##folder", &d.folder)) d.confirm = false;
    const int existing = files_in(d.folder);
    if (d.confirm) {
        WarningText(d.folder + " already holds " + std::to_string(existing) +
                    (existing == 1 ? " file" : " files") + ": files with the same names (wavelength.svg ...) are replaced, "
                    "the others are kept.");
        if (ImGui::Button("Replace them")) {
            export_all_to(app, d.folder);
            ImGui::CloseCurrentPopup();
        }
        ImGui::SameLine();
        if (ImGui::Button("Back")) d.confirm = false;
    } else {
        if (ImGui::Button("Export") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter), false)) {
            if (existing > 0) {
                d.confirm = true;  // a non-empty folder: ask first
            } else {
                export_all_to(app, d.folder);
                ImGui::CloseCurrentPopup();
            }
        }
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
}

void export_all_to(App& app, const std::string& dir) {
    const auto start = std::chrono::steady_clock::now();
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        app.toasts.Error("Export all: cannot create " + dir + " (" + ec.message() + ").");
        return;
    }
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
