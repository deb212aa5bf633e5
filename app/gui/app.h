// The application: one plain struct holding the lab state, the view state and the caches, and
// one function per panel (Tracy-style: each panel in its own file).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "assets.h"
#include "compute.h"
#include "frame_pacing.h"
#include "heatmap_renderer.h"
#include "plot_widget.h"
#include "ropescope/hf_config.h"
#include "ropescope/plots.h"
#include "ropescope/state.h"
#include "style.h"
#include "toasts.h"
#include "view_state.h"

struct GLFWwindow;

namespace ropescope::gui {

// The attention-kernel, LongRoPE-search and model panels keep their own state and worker threads,
// defined in their own files (attention_panel.cpp, search_panel.cpp, model_panel.cpp).
struct AttentionPanel;
struct SearchPanel;
struct ModelPanel;

// Command-line options.
struct Options {
    std::string state_path;       // --state FILE
    std::string config_path;      // --config FILE (a Hugging Face config.json)
    std::string screenshot_path;  // --screenshot FILE: render, save, exit
    int frames = 5;               // --frames N
    int width = 0, height = 0;    // --size WxH (0: restored or default)
    float scale = 0;              // --scale F (0: the monitor's content scale)
    bool pin_a = false;           // --pin-a: pin the loaded state as A (tests, docs)
    bool present = false;         // --present: start in presentation mode
    bool no_persist = false;      // --no-persist: neither restore nor save the user state file
    int bench_frames = 0;         // --bench N: nudge rope_theta every frame (a slider drag), print timings, exit
    bool full_redraw = false;     // --full-redraw: no retained frame (retained_frame.h)
    bool swap = false;            // --swap: swap the window whole even where rectangles can be copied
    bool check_window = false;    // --check-window: after --screenshot, compare the window with the frame
    int drag_frames = 0;          // --drag N: with --screenshot, nudge rope_theta over 2N frames first
};

// One plot's cached figure.
struct PlotSlot {
    Figure figure;                      // from the latest compute result (A and B when pinned)
    std::uint64_t generation = 0;       // the result generation it came from
    bool built = false;
    std::unique_ptr<PlotWidget> widget = std::make_unique<PlotWidget>();
};

struct Timing {
    double frame_ms = 0;          // wall time between frames (smoothed)
    double cpu_ms = 0;            // time to build this frame's UI (smoothed)
    double last_cpu_ms = 0;       // the same, this frame
    double recompute_ms = 0;      // last recompute of results (compute_entries + validation), worker thread
    double figures_ms = 0;        // last rebuild of the figures, worker thread
    double latency_ms = 0;        // from a parameter change to its figures on screen
    double layout_ms = 0;         // sum of the last layouts of the visible plots
    int recomputes = 0;
    double attention_ms = 0;      // attention tab: the last job's queries for every method (worker thread)
    int attention_updates = 0;    // attention tab: query outputs received
};

// File > Export all: the dialog's state.
struct ExportAllDialog {
    bool open = false;      // open it this frame
    bool confirm = false;   // the folder holds files: asking before writing
    std::string folder;
};

// File > Export > Animation: the dialog and the encoding running on its own thread
// (animation_export.cpp).
struct AnimationExport;

struct App {
    Options options;
    GuiState state;                         // lab + view: what is saved
    std::string state_path;                 // the user state file ("" when not persisting)
    bool persist = true;

    // Derived from state.lab by the worker; requested only when the state's serialization changes.
    std::string signature;                  // lab + pinned + compare mode of the last request
    std::uint64_t serial = 0;               // last request
    std::chrono::steady_clock::time_point request_time;  // when it was made (latency in the perf overlay)
    std::unique_ptr<Computer> computer = std::make_unique<Computer>();
    bool sync_compute = false;              // wait for results in the same frame (screenshots)
    std::uint64_t generation = 0;           // bumps on every result received
    std::uint64_t applied_serial = 0;       // the request whose result is on screen (< serial: plots are stale)
    std::vector<PlotEntry> entries;         // the current state ("B" when pinned)
    std::vector<PlotEntry> entries_a;       // the pinned state
    std::string setup_error;                // the rotary setup itself is invalid
    std::array<MethodStatus, kAllMethods.size()> method_status;
    std::string longrope_note;              // fit_longrope_lists seeded the lists
    std::optional<ModelConfig> loaded_config;  // the last config loaded (engines differ on keys the lab drops)
    std::string loaded_source;                 // where it came from (file name, "the clipboard")
    std::map<std::string, PlotSlot> plots;  // by plot id
    std::shared_ptr<AttentionPanel> attention_panel;  // created by app_init, released by app_shutdown
    std::shared_ptr<SearchPanel> search_panel;
    std::shared_ptr<ModelPanel> model_panel;

    // Resources.
    std::string presets_dir, shaders_dir, exe_dir;
    std::vector<Preset> presets;
    HeatmapRenderer heatmap;
    Fonts fonts;
    float content_scale = 1;                // from GLFW (or --scale)
    bool fonts_dirty = false;               // content scale changed: rebuild fonts
    Toasts toasts;
    Timing timing;
    GLFWwindow* window = nullptr;

    // UI requests.
    bool quit = false;
    bool open_dialog = false;
    bool show_help = false;
    bool show_about = false;
    bool show_messages = false;
    ExportAllDialog export_all;
    std::shared_ptr<AnimationExport> animation;  // created by app_init
    std::string screenshot_request;         // F12: save the window as PNG to this path after rendering
    std::vector<std::string> dropped_paths;
    std::uint64_t input_events = 0;         // counted by count_input_events (input_events.h)
};

// What the screen will do without input (frame_pacing.h paces the frames by it): animating (a
// change applied next frame, toasts, a plot waiting for its refresh, a held mouse button), jobs
// (a worker of a panel computing), or idle.
Activity app_activity(const App& app);
bool attention_panel_jobs_running(const App& app);
bool search_panel_jobs_running(const App& app);
bool model_panel_jobs_running(const App& app);
bool animation_export_jobs_running(const App& app);

// Startup (after the GL context and ImGui exist) and shutdown.
void app_init(App& app);
void app_shutdown(App& app);
// One frame of UI (between ImGui::NewFrame and ImGui::Render).
void app_frame(App& app);

// Recomputes entries and figures if the lab state (or pinned state) changed.
void app_update(App& app);
// Loads a config.json (or a state file) into the lab; errors go to the toasts.
void app_load_file(App& app, const std::string& path);
// Applies a parsed config to the lab (setup, its method enabled and selected) and remembers it
// for the engines panel; `source` names where it came from in the toast.
void app_apply_config(App& app, const ModelConfig& config, const std::string& source);
// Loads a config.json, a fragment or a rope_scaling block from the clipboard (Ctrl+Shift+V).
void app_paste_config(App& app);
// Saves the state file now; reports the path or the error.
void app_save_state(App& app, bool quiet);
// Pins the current state as A (or unpins when already pinned and `toggle`).
void app_pin(App& app, bool toggle);
// Resets every plot's zoom (fit all).
void app_fit_all(App& app);

// Panels (each in its own file).
void draw_menu_bar(App& app);
void handle_shortcuts(App& app);
void draw_help_windows(App& app);
void draw_open_dialog(App& app);
void draw_control_panel(App& app);
void draw_formula_panel(App& app);
void draw_plots_panel(App& app);
// Presentation mode (presentation.cpp): the whole window for one or two plots and a few sliders;
// its menu items (View > Presentation ...).
void draw_presentation(App& app);
void draw_presentation_menu(App& app);
// Animation export (animation_export.cpp): the dialog for plot `id` (a sweep of one parameter,
// encoded off the UI thread with progress), opened from a plot's Export menu.
std::shared_ptr<AnimationExport> make_animation_export();
void open_animation_dialog(App& app, const std::string& id);
void draw_animation_dialog(App& app);
void draw_workspace_tabs(App& app);
void draw_engines_panel(App& app);
// Attention kernel (attention_panel.cpp): weights around the target for every enabled method,
// resolution curves, a logits heatmap; heavy runs on a worker thread with progress and cancel.
std::shared_ptr<AttentionPanel> make_attention_panel(App& app);
void draw_attention_panel(App& app);
// LongRoPE search (search_panel.cpp): start/stop, progress, fitness per generation, the factors
// against Phi-3's and PI/NTK/YaRN, "use these factors".
std::shared_ptr<SearchPanel> make_search_panel(App& app);
void draw_search_panel(App& app);
// Trained model (model_panel.cpp): evaluate every method on the shipped (or a trained) model,
// train, fine-tune and search LongRoPE factors on it; work runs on ModelWorker's thread.
std::shared_ptr<ModelPanel> make_model_panel(App& app);
void draw_model_panel(App& app);
// Starts loading the model engine (LibTorch) in the background; main() calls it after the first
// frame is on screen, so the window never waits for it.
void start_model_engine(App& app);
// The engine's state for --bench: true once loading ended; its wall time in `seconds`.
bool model_engine_loaded(const App& app, double& seconds);
void wait_for_model_engine(App& app);

}  // namespace ropescope::gui
