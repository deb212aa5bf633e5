// The application frame: recompute on change, the window layout, files, pinning.
#include "app.h"

#include <epoxy/gl.h>
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>

#include <algorithm>
#include <chrono>

#include "engine_compare.h"
#include "export_actions.h"
#include "ropescope/hf_config.h"
#include "ropescope/text_input.h"
#include "widgets.h"

namespace ropescope::gui {

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

void apply_result(App& app, ComputeResult result) {
    app.entries = std::move(result.entries);
    app.entries_a = std::move(result.entries_a);
    app.setup_error = std::move(result.setup_error);
    app.method_status = std::move(result.method_status);
    app.applied_serial = std::max(app.applied_serial, result.serial);
    ++app.generation;
    for (auto& [id, figure] : result.figures) {
        PlotSlot& slot = app.plots[id];
        slot.figure = std::move(figure);
        slot.generation = app.generation;
        slot.built = true;
    }
    ++app.timing.recomputes;
    app.timing.recompute_ms = result.entries_ms;
    app.timing.figures_ms = result.figures_ms;
    if (result.serial == app.serial) app.timing.latency_ms = ms_since(app.request_time);
}

}  // namespace

void app_update(App& app) {
    if (std::string note = fit_longrope_lists(app.state.lab); !note.empty()) app.longrope_note = note;
    if (app.state.view.pinned_a) fit_longrope_lists(*app.state.view.pinned_a);
    std::string signature = state_to_json(app.state.lab).dump();
    if (app.state.view.pinned_a)
        signature += state_to_json(*app.state.view.pinned_a).dump() +
                     (app.state.view.compare == CompareMode::Overlay ? "overlay" : "side");
    if (signature != app.signature) {
        app.signature = std::move(signature);
        ComputeJob job;
        job.serial = ++app.serial;
        job.lab = app.state.lab;
        job.pinned = app.state.view.pinned_a;
        job.compare = app.state.view.compare;
        job.gpu_heatmap = app.heatmap.Ready();
        app.request_time = Clock::now();
        app.computer->Submit(std::move(job));
    }
    if (app.sync_compute) app.computer->Wait();
    if (auto result = app.computer->Take()) apply_result(app, std::move(*result));
}

void app_apply_config(App& app, const ModelConfig& c, const std::string& source) {
    apply_config(app.state.lab, c.model_name, c.setup, c.method);
    // A config has no sequence length; look at the target context, as the defaults do.
    if (app.state.lab.setup.seq_len == 0) app.state.lab.setup.seq_len = app.state.lab.setup.target_context();
    app.longrope_note.clear();
    if (std::string note = fit_longrope_lists(app.state.lab); !note.empty()) app.longrope_note = note;
    app.state.view.selected_method = static_cast<int>(kind_of(c.method));
    app.loaded_config = c;
    app.loaded_source = c.model_name.empty() ? source : c.model_name;
    std::string message = "Loaded " + app.loaded_source + " (" + std::string(method_label(kind_of(c.method))) + ")";
    for (const auto& w : c.warnings) message += "\nnote: " + w;
    app.toasts.Info(message);
}

void app_paste_config(App& app) {
    const char* clipboard = ImGui::GetClipboardText();
    if (!clipboard || !*clipboard) {
        app.toasts.Error("Paste config: the clipboard is empty. Copy a config.json or a rope_scaling block first.");
        return;
    }
    auto config = parse_pasted_config(clipboard, app.state.lab.setup);
    if (!config) {
        const auto& e = config.error();
        app.toasts.Error("Paste config: " + (e.field.empty() || e.message.find(e.field) != std::string::npos
                                                 ? e.message
                                                 : e.field + ": " + e.message));
        return;
    }
    app_apply_config(app, *config, "the clipboard");
}

void app_load_file(App& app, const std::string& path) {
    // A file is a RopeScope state only when it says so (is_state_json); anything else is a model
    // config, and a config that fails to read reports its own error. Either way a failure leaves
    // the current setting untouched.
    auto text = read_text_file(path, kMaxStateBytes, "a config.json or a RopeScope state file");
    if (!text) {
        app.toasts.Error(text.error().message);
        return;
    }
    auto parsed = parse_json_text(*text, "json");
    if (parsed && is_state_json(*parsed)) {
        auto state = load_gui_state(path);
        if (!state) {
            app.toasts.Error(state.error().message);
            return;
        }
        const int w = app.state.view.window_width, h = app.state.view.window_height;
        app.state = std::move(state).value();
        app.state.view.window_width = w;
        app.state.view.window_height = h;
        app.longrope_note.clear();
        app.toasts.Info("Loaded state " + path);
        return;
    }
    auto config = load_hf_config(path);
    if (!config) {
        app.toasts.Error(config.error().message);
        return;
    }
    app_apply_config(app, *config, path);
}

void app_save_state(App& app, bool quiet) {
    if (app.state_path.empty()) {
        if (!quiet) app.toasts.Error("No state file in this session (started with --no-persist or --screenshot).");
        return;
    }
    if (app.window) {
        int w = 0, h = 0;
        glfwGetWindowSize(app.window, &w, &h);
        if (w > 0 && h > 0) {
            app.state.view.window_width = w;
            app.state.view.window_height = h;
        }
    }
    const Status status = save_gui_state(app.state, app.state_path);
    if (!status) app.toasts.Error("Could not save the state: " + status.error().message);
    else if (!quiet) app.toasts.Info("Saved " + app.state_path);
}

void app_pin(App& app, bool toggle) {
    if (app.state.view.pinned_a && toggle) {
        app.state.view.pinned_a.reset();
        app.toasts.Info("Unpinned A: back to a single state.");
    } else {
        app.state.view.pinned_a = app.state.lab;
        app.toasts.Info("Pinned the current settings as A. Change parameters: every plot compares A with B.");
    }
    app_fit_all(app);
}

void app_fit_all(App& app) {
    for (auto& [id, view] : app.state.view.plots) {
        view.x.reset();
        view.y.reset();
        ++view.version;
    }
}

void app_init(App& app) {
    app.exe_dir = executable_dir();
    app.presets_dir = find_data_dir("presets", app.exe_dir);
    app.shaders_dir = find_data_dir("shaders", app.exe_dir);
    app.presets = list_presets(app.presets_dir);
    std::string error;
    if (!app.heatmap.Init(app.shaders_dir, &error)) app.toasts.Error(error);
    for (const auto& id : plot_ids()) app.plots[id];
    app.attention_panel = make_attention_panel(app);
    app.search_panel = make_search_panel(app);
    app.animation = make_animation_export();
    app.model_panel = make_model_panel(app);
}

void app_shutdown(App& app) {
    app.animation.reset();  // cancels and joins a running animation export
    app.computer.reset();  // joins the worker
    app.attention_panel.reset();  // joins its worker, frees its GL objects while the context is current
    app.search_panel.reset();     // cancels and joins a running search
    app.model_panel.reset();      // cancels and joins a running training, evaluation or search
    app.plots.clear();  // the widgets free their GL textures while the context is current
    app.heatmap.Shutdown();
}

Activity app_activity(const App& app) {
    if (app.applied_serial < app.serial || !app.toasts.Empty() || PlotWidget::AnyWaiting() || app.fonts_dirty ||
        !app.screenshot_request.empty() || !app.dropped_paths.empty() ||
        ImGui::IsAnyMouseDown())  // held buttons repeat (+/- buttons) and drags follow the mouse
        return Activity::Animating;
    if (attention_panel_jobs_running(app) || search_panel_jobs_running(app) || model_panel_jobs_running(app) ||
        animation_export_jobs_running(app))
        return Activity::Jobs;
    return Activity::Idle;
}

void app_frame(App& app) {
    const auto start = Clock::now();
    for (const auto& path : app.dropped_paths) app_load_file(app, path);
    app.dropped_paths.clear();
    handle_shortcuts(app);
    app_update(app);
    SetUiScale(app.fonts.scale);
    const float s = app.fonts.scale;

    // The plots' theme: the screen's dark one, or the light one on a projector; the text size setting.
    Theme plot_theme = app.state.view.presentation.active ? light_theme() : dark_theme();
    plot_theme.text_scale = app.state.view.presentation.active
                                ? app.state.view.plot_text_scale * app.state.view.presentation.text_scale
                                : app.state.view.plot_text_scale;
    plot_theme.standalone = app.state.view.presentation.active;  // no control panel beside the plots
    SetPlotTheme(plot_theme);
    // At most two changed plots are re-rendered a frame (the others wait a frame or few): a drag
    // that changes all six stays within a frame's time on a software GL.
    PlotWidget::BeginFrame(2);

    draw_menu_bar(app);
    if (app.state.view.presentation.active) {
        draw_presentation(app);
        draw_open_dialog(app);
        draw_help_windows(app);
        app.toasts.Draw(ImVec2(ImGui::GetMainViewport()->WorkPos.x + ImGui::GetMainViewport()->WorkSize.x - 14.0f * s,
                               ImGui::GetMainViewport()->WorkPos.y + ImGui::GetMainViewport()->WorkSize.y - 14.0f * s),
                        460.0f * s);
        const double cpu_ms = ms_since(start);
        app.timing.last_cpu_ms = cpu_ms;
        app.timing.cpu_ms = app.timing.cpu_ms == 0 ? cpu_ms : app.timing.cpu_ms * 0.9 + cpu_ms * 0.1;
        return;
    }

    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(viewport->WorkPos);
    ImGui::SetNextWindowSize(viewport->WorkSize);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(6.0f * s, 6.0f * s));
    ImGui::Begin("##root", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse |
                     ImGuiWindowFlags_NoBackground);  // the clear colour is the window colour: no overdraw
    ImGui::PopStyleVar();

    const float left_width = std::min(360.0f * s, viewport->WorkSize.x * 0.45f);
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float formula_height = std::clamp(avail.y * 0.34f, 150.0f * s, 330.0f * s);
    const float gap = 6.0f * s;

    if (app.state.view.show_controls) {
        ImGui::BeginGroup();
        ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(10.0f * s, 8.0f * s));
        ImGui::BeginChild("##controls", ImVec2(left_width, avail.y - formula_height - gap), true);
        draw_control_panel(app);
        ImGui::EndChild();
        ImGui::Dummy(ImVec2(0, gap - ImGui::GetStyle().ItemSpacing.y));
        ImGui::BeginChild("##formula", ImVec2(left_width, formula_height), true);
        draw_formula_panel(app);
        ImGui::EndChild();
        ImGui::PopStyleVar();
        ImGui::EndGroup();
        ImGui::SameLine(0, gap);
    }
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(gap, gap));
    ImGui::BeginChild("##main", ImVec2(0, avail.y), false, ImGuiWindowFlags_NoBackground);
    draw_workspace_tabs(app);
    const ImVec2 workspace_pos = ImGui::GetCursorScreenPos();
    const ImVec2 workspace_size = ImGui::GetContentRegionAvail();
    ImGui::BeginChild("##workspace", ImVec2(0, 0), false, ImGuiWindowFlags_NoBackground);
    switch (app.state.view.workspace) {
        case Workspace::Plots: draw_plots_panel(app); break;
        case Workspace::Attention: draw_attention_panel(app); break;
        case Workspace::Search: draw_search_panel(app); break;
        case Workspace::Engines: draw_engines_panel(app); break;
        case Workspace::Model: draw_model_panel(app); break;
    }
    ImGui::EndChild();
    ImGui::EndChild();
    ImGui::PopStyleVar(2);
    ImGui::End();
    PlotWidget::DrawMaximised(workspace_pos, workspace_size, app.fonts, s);

    draw_open_dialog(app);
    draw_help_windows(app);
    draw_export_all_dialog(app);
    draw_animation_dialog(app);
    app.toasts.Draw(ImVec2(viewport->WorkPos.x + viewport->WorkSize.x - 14.0f * s,
                           viewport->WorkPos.y + viewport->WorkSize.y - 14.0f * s),
                    460.0f * s);
    const double cpu = ms_since(start);
    app.timing.last_cpu_ms = cpu;
    app.timing.cpu_ms = app.timing.cpu_ms == 0 ? cpu : app.timing.cpu_ms * 0.9 + cpu * 0.1;
}

}  // namespace ropescope::gui
