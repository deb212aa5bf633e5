// The menu bar (File, Presets, View, Help), the keyboard shortcuts and the Help windows.
#include <epoxy/gl.h>
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <string>

#include "app.h"
#include "export_actions.h"
#include "widgets.h"

namespace ropescope::gui {

namespace {

struct Shortcut {
    const char* keys;
    const char* action;
};

constexpr Shortcut kShortcuts[] = {
    {"Ctrl+O", "Open a config.json (or a saved state)"},
    {"Ctrl+Shift+V", "Load a config.json or rope_scaling block from the clipboard"},
    {"Ctrl+S", "Save the state (parameters, view, window size)"},
    {"Ctrl+E", "Export all plots (SVG, PNG, CSV, state.json, README.md)"},
    {"Ctrl+1 .. Ctrl+5", "Show the RoPE plots, the attention kernel, the LongRoPE search, the engines, the trained model"},
    {"P", "Pin the current settings as A / unpin"},
    {"F", "Fit every plot (undo zoom and pan)"},
    {"F5", "Presentation mode on / off (light theme, large text, the chosen plots and sliders)"},
    {"Escape", "Leave a maximised plot, or presentation mode"},
    {"Double-click a plot's title", "Maximise the plot (fill the workspace) / restore"},
    {"Drag a legend", "Move it; right-click a plot to collapse its legend or put it back"},
    {"F1", "This list"},
    {"F12", "Save a screenshot of the window (PNG, export directory)"},
    {"Ctrl+Q", "Quit (the state is saved)"},
    {"Mouse wheel", "Zoom around the cursor (over an axis: that axis only)"},
    {"Drag", "Pan a plot"},
    {"Double-click", "Fit a plot"},
    {"Click a legend entry", "Hide or show that series"},
    {"Ctrl+click a slider", "Type an exact value"},
    {"Drop a file", "Drop a config.json onto the window to load it"},
};

}  // namespace

void handle_shortcuts(App& app) {
    const ImGuiIO& io = ImGui::GetIO();
    const bool ctrl = io.KeyCtrl;
    const bool typing = io.WantTextInput;
    if (ctrl && ImGui::IsKeyPressed(GLFW_KEY_O, false)) app.open_dialog = true;
    if (ctrl && io.KeyShift && !typing && ImGui::IsKeyPressed(GLFW_KEY_V, false)) app_paste_config(app);
    if (ctrl && ImGui::IsKeyPressed(GLFW_KEY_S, false)) app_save_state(app, false);
    if (ctrl && ImGui::IsKeyPressed(GLFW_KEY_E, false)) export_all(app);
    if (ctrl && ImGui::IsKeyPressed(GLFW_KEY_Q, false)) app.quit = true;
    for (int i = 0; i < 5; ++i)
        if (ctrl && ImGui::IsKeyPressed(GLFW_KEY_1 + i, false)) app.state.view.workspace = kAllWorkspaces[i];
    if (ImGui::IsKeyPressed(GLFW_KEY_F1, false)) app.show_help = true;
    if (ImGui::IsKeyPressed(GLFW_KEY_F5, false)) app.state.view.presentation.active = !app.state.view.presentation.active;
    if (ImGui::IsKeyPressed(GLFW_KEY_ESCAPE, false) && !typing && !PlotWidget::Maximised() && !ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopupId))
        app.state.view.presentation.active = false;
    if (ImGui::IsKeyPressed(GLFW_KEY_F12, false)) app.screenshot_request = window_screenshot_path(app);
    if (!ctrl && !typing && !io.KeyAlt) {
        if (ImGui::IsKeyPressed(GLFW_KEY_P, false)) app_pin(app, true);
        if (ImGui::IsKeyPressed(GLFW_KEY_F, false)) app_fit_all(app);
    }
}

void draw_menu_bar(App& app) {
    if (!ImGui::BeginMainMenuBar()) return;
    if (ImGui::BeginMenu("File")) {
        if (ImGui::MenuItem("Open config.json...", "Ctrl+O")) app.open_dialog = true;
        Tooltip("Load a Hugging Face config.json (its rope_scaling, rope_theta, head_dim ...), or a saved RopeScope "
                "state. You can also drop the file onto the window.");
        if (ImGui::MenuItem("Paste config from clipboard", "Ctrl+Shift+V")) app_paste_config(app);
        Tooltip("A config.json, a fragment of one, or a bare rope_scaling / rope_parameters block.");
        if (ImGui::BeginMenu("Presets")) {
            if (app.presets.empty()) ImGui::TextDisabled("no presets found (looked for assets/presets)");
            for (const auto& preset : app.presets) {
                if (ImGui::MenuItem(preset.name.c_str())) app_load_file(app, preset.path);
                Tooltip(preset.path.c_str());
            }
            ImGui::EndMenu();
        }
        ImGui::Separator();
        if (ImGui::BeginMenu("Export current plot")) {
            for (const auto& id : plot_ids()) {
                if (!app.state.view.plots[id].visible) continue;
                if (ImGui::BeginMenu(id.c_str())) {
                    for (const auto& [label, format] : {std::pair{"SVG", ExportFormat::Svg}, std::pair{"PNG", ExportFormat::Png},
                                                         std::pair{"CSV", ExportFormat::Csv}, std::pair{"JSON", ExportFormat::Json}}) {
                        const bool enabled = format != ExportFormat::Png || png_export_available();
                        if (ImGui::MenuItem(label, nullptr, false, enabled))
                            export_plot(app, id, format, app.state.view.export_theme);
                    }
                    ImGui::EndMenu();
                }
            }
            ImGui::EndMenu();
        }
        if (ImGui::MenuItem("Export all", "Ctrl+E")) export_all(app);
        if (ImGui::MenuItem("Screenshot of the window", "F12")) app.screenshot_request = window_screenshot_path(app);
        Tooltip("Every plot as SVG, PNG and CSV, with state.json and a README.md listing the parameters, into a new "
                "folder of the export directory.");
        if (ImGui::BeginMenu("Export settings")) {
            bool light = app.state.view.export_theme == ThemeKind::Light;
            if (ImGui::MenuItem("Light theme (slides, papers)", nullptr, light)) app.state.view.export_theme = ThemeKind::Light;
            if (ImGui::MenuItem("Dark theme (as on screen)", nullptr, !light)) app.state.view.export_theme = ThemeKind::Dark;
            ImGui::Separator();
            ImGui::SetNextItemWidth(220.0f * UiScale());
            int size[2] = {app.state.view.export_width, app.state.view.export_height};
            if (ImGui::InputInt2("size (px)", size)) {
                app.state.view.export_width = std::clamp(size[0], 64, 16384);
                app.state.view.export_height = std::clamp(size[1], 64, 16384);
            }
            ImGui::SetNextItemWidth(320.0f * UiScale());
            ImGui::InputTextWithHint("directory", "./ropescope-export", &app.state.view.export_dir);
            ImGui::TextDisabled("%s", export_directory(app).c_str());
            ImGui::EndMenu();
        }
        ImGui::Separator();
        if (ImGui::MenuItem("Save state", "Ctrl+S")) app_save_state(app, false);
        Tooltip(app.state_path.empty() ? "No state file in this session (--no-persist or --screenshot)."
                                       : app.state_path.c_str());
        if (ImGui::MenuItem("Reset to defaults")) {
            app.state.lab = default_lab_state();
            app.longrope_note.clear();
            app.toasts.Info("Parameters reset to the defaults.");
        }
        ImGui::Separator();
        if (ImGui::MenuItem("Quit", "Ctrl+Q")) app.quit = true;
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("View")) {
        static const char* const kWorkspaceKeys[] = {"Ctrl+1", "Ctrl+2", "Ctrl+3", "Ctrl+4", "Ctrl+5"};
        for (int i = 0; i < 5; ++i)
            if (ImGui::MenuItem(workspace_label(kAllWorkspaces[i]), kWorkspaceKeys[i],
                                app.state.view.workspace == kAllWorkspaces[i]))
                app.state.view.workspace = kAllWorkspaces[i];
        ImGui::Separator();
        ImGui::MenuItem("Control panel", nullptr, &app.state.view.show_controls);
        Tooltip("Hide the controls and the formula to give the plots the whole window (e.g. on a projector).");
        ImGui::SetNextItemWidth(200.0f * UiScale());
        float text = app.state.view.plot_text_scale;
        if (SliderFloatClear("plot text size", &text, 0.75f, 2.5f, "%.2fx")) app.state.view.plot_text_scale = text;
        Tooltip("Every plot's text (ticks, legends, captions, labels) relative to the default; never below 11 px. "
                "Exports keep their own size.");
        ImGui::Separator();
        draw_presentation_menu(app);
        ImGui::Separator();
        for (const auto& id : plot_ids()) {
            PlotView& view = app.state.view.plots[id];
            ImGui::MenuItem(id.c_str(), nullptr, &view.visible);
        }
        ImGui::Separator();
        const bool pinned = app.state.view.pinned_a.has_value();
        if (ImGui::MenuItem(pinned ? "Unpin A" : "Pin current as A", "P")) app_pin(app, true);
        Tooltip("Pin the current settings as A, then change them: every plot compares A with the current B.");
        if (ImGui::MenuItem("Side by side (linked axes)", nullptr, app.state.view.compare == CompareMode::SideBySide,
                            pinned))
            app.state.view.compare = CompareMode::SideBySide;
        if (ImGui::MenuItem("Overlay (A dashed)", nullptr, app.state.view.compare == CompareMode::Overlay, pinned))
            app.state.view.compare = CompareMode::Overlay;
        ImGui::Separator();
        if (ImGui::MenuItem("Fit all plots", "F")) app_fit_all(app);
        ImGui::MenuItem("Performance overlay", nullptr, &app.state.view.show_perf_overlay);
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Help")) {
        if (ImGui::MenuItem("Keyboard shortcuts", "F1")) app.show_help = true;
        if (ImGui::MenuItem("Messages")) app.show_messages = true;
        if (ImGui::MenuItem("About RopeScope")) app.show_about = true;
        ImGui::EndMenu();
    }

    // Right side: what is shown, and the pin state.
    std::string status;
    if (app.state.view.pinned_a)
        status = app.state.view.compare == CompareMode::SideBySide ? "A | B side by side" : "A (dashed) vs B overlaid";
    if (!app.state.lab.model_name.empty()) status += (status.empty() ? "" : "   ") + app.state.lab.model_name;
    if (!status.empty()) {
        const float width = ImGui::CalcTextSize(status.c_str()).x;
        const float x = ImGui::GetWindowWidth() - width - 12.0f * UiScale();
        if (x > ImGui::GetCursorPosX()) {
            ImGui::SetCursorPosX(x);
            ImGui::TextDisabled("%s", status.c_str());
        }
    }
    ImGui::EndMainMenuBar();
}

void draw_help_windows(App& app) {
    const float s = UiScale();
    const ImVec2 center = ImGui::GetMainViewport()->GetCenter();
    if (app.show_help) {
        ImGui::SetNextWindowPos(center, ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
        ImGui::Begin("Keyboard shortcuts", &app.show_help,
                     ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoCollapse);
        if (ImGui::BeginTable("##keys", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) {
            for (const auto& shortcut : kShortcuts) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::TextColored(ImVec4(0.56f, 0.76f, 1.0f, 1.0f), "%s", shortcut.keys);
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(shortcut.action);
            }
            ImGui::EndTable();
        }
        ImGui::End();
    }
    if (app.show_about) {
        ImGui::SetNextWindowPos(center, ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
        ImGui::SetNextWindowSize(ImVec2(520.0f * s, 0));
        ImGui::Begin("About RopeScope", &app.show_about, ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoCollapse);
        ImGui::PushFont(app.fonts.ui_bold);
        ImGui::Text("RopeScope %s", ROPESCOPE_VERSION);
        ImGui::PopFont();
        ImGui::PushTextWrapPos(0);
        ImGui::TextUnformatted(
            "A lab for RoPE context-window extension: what PI, NTK-aware, NTK-by-parts, Dynamic NTK, YaRN, dynamic "
            "YaRN, Llama 3 and LongRoPE do to every rotary pair, computed as Hugging Face transformers computes it.");
        ImGui::Spacing();
        ImGui::TextDisabled("Dear ImGui %s, GLFW %s, OpenGL %s", ImGui::GetVersion(), glfwGetVersionString(),
                            reinterpret_cast<const char*>(glGetString(GL_VERSION)));
        ImGui::TextDisabled("presets: %s", app.presets_dir.empty() ? "(none)" : app.presets_dir.c_str());
        ImGui::TextDisabled("shaders: %s", app.shaders_dir.empty() ? "(none)" : app.shaders_dir.c_str());
        ImGui::TextDisabled("state: %s", app.state_path.empty() ? "(not saved)" : app.state_path.c_str());
        ImGui::TextDisabled("headless figures: ropescope-cli export --help");
        ImGui::PopTextWrapPos();
        ImGui::End();
    }
    if (app.show_messages) {
        ImGui::SetNextWindowPos(center, ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
        ImGui::SetNextWindowSize(ImVec2(640.0f * s, 360.0f * s), ImGuiCond_Appearing);
        ImGui::Begin("Messages", &app.show_messages, ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoCollapse);
        if (app.toasts.History().empty()) ImGui::TextDisabled("No messages yet.");
        for (const auto& toast : app.toasts.History()) {
            if (toast.error) ErrorText(toast.text);
            else ImGui::TextWrapped("%s", toast.text.c_str());
        }
        ImGui::End();
    }
}

}  // namespace ropescope::gui
