// The GUI's view state: a plain struct, saved with the lab state and restored at start
// (Tracy-style). The file is JSON:
//   { "ropescope_gui_state": 1, "lab": <state_to_json>, "pinned_a": <state_to_json> | null,
//     "compare": "side_by_side" | "overlay", "window": {"width", "height"}, "view": {...} }
// A bare LabState JSON (what `ropescope-cli export` writes as state.json) is accepted too.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ropescope/color.h"
#include "ropescope/result.h"
#include "ropescope/state.h"
#include "plot_math.h"

namespace ropescope::gui {

inline constexpr int kGuiStateVersion = 1;

// Per-plot view: what the user zoomed to and which series they hid.
struct PlotView {
    bool visible = true;                 // shown in the grid (View menu)
    std::optional<Range> x, y;           // zoomed range; unset: the figure's own (fit)
    std::set<std::string> hidden;        // series_key() of hidden series
    std::optional<LegendAnchor> legend_anchor;  // where the legend was dragged (unset: placed automatically)
    bool legend_collapsed = false;       // legend shown as one "n methods" box
    std::uint64_t version = 0;           // bumped on every change (layout cache key); not saved
};

// Presentation mode (a projector): light theme, large text, one or two plots, a few sliders.
struct PresentationSettings {
    bool active = false;                 // not saved: every start is in the normal mode unless --present
    std::vector<std::string> plots = {"decay", "wavelength"};  // one or two plot ids, left to right
    std::vector<std::string> sliders = {"factor", "rope_theta"};  // presentation_slider_ids() the teacher picked
    float text_scale = 1.25f;            // plot text, relative to the normal plot text (the UI is 1.4x as well)
};

// The sliders presentation mode can show, in menu order: factor, rope_theta, original_context,
// seq_len, head_dim, beta_fast, beta_slow, alpha, beta, low_freq_factor, high_freq_factor.
const std::vector<std::string>& presentation_slider_ids();

// How a pinned "A" state is compared with the current "B".
enum class CompareMode { SideBySide, Overlay };

// The tab the main area shows: the RoPE plots, the attention kernel, the LongRoPE search, what
// each inference engine computes, or the trained model.
enum class Workspace { Plots, Attention, Search, Engines, Model };
inline constexpr Workspace kAllWorkspaces[] = {Workspace::Plots, Workspace::Attention, Workspace::Search,
                                               Workspace::Engines, Workspace::Model};
const char* workspace_name(Workspace workspace);   // "plots", "attention", "search", "engines", "model"
const char* workspace_label(Workspace workspace);  // the tab's title

struct ViewState {
    std::map<std::string, PlotView> plots;  // by plot id (plot_ids())
    bool show_perf_overlay = false;
    bool show_controls = true;              // the control and formula panels (off: plots use the whole window)
    float plot_text_scale = 1.0f;           // "plot text size": multiplies every plot's text (0.75 .. 2.5)
    PresentationSettings presentation;
    CompareMode compare = CompareMode::SideBySide;
    Workspace workspace = Workspace::Plots;
    // Settings of the attention and search panels, each owned and parsed by its panel (saved as
    // view.panels.<name>; a panel ignores what it cannot read and keeps its defaults).
    std::map<std::string, nlohmann::json> panel_settings;
    std::optional<LabState> pinned_a;       // set: compare A (pinned) with B (current)
    int selected_method = static_cast<int>(MethodKind::Yarn);  // formula panel (MethodKind index)
    int window_width = 1600, window_height = 1000;
    // Export settings (File > Export).
    std::string export_dir;                 // "" : ./ropescope-export
    ThemeKind export_theme = ThemeKind::Light;
    int export_width = 1600, export_height = 1000;
};

// The plots of the attention and search tabs, whose views (zoom, hidden series) are saved with
// the RoPE plots' in view.plots: "attention.window", "attention.logits", "attention.resolution",
// "search.factors", "search.fitness".
const std::vector<std::string>& panel_plot_ids();

// Everything the state file holds.
struct GuiState {
    LabState lab;
    ViewState view;
};

GuiState default_gui_state();

nlohmann::json gui_state_to_json(const GuiState& state);
// Accepts the GUI file format or a bare LabState. Errors name the key; never throws.
Result<GuiState> gui_state_from_json(const nlohmann::json& json);
// Reads and parses `path`; errors name the path.
Result<GuiState> load_gui_state(const std::string& path);
// True if `json` says it is a RopeScope state: it has "ropescope_gui_state", or it is a bare lab
// state (the state.json `export` writes: "version", "setup" and "methods"). Anything else that
// File > Open reads is a model config, and its errors are the config's.
bool is_state_json(const nlohmann::json& json);
// Writes atomically (temporary file in the same directory, then rename); creates the directory.
Status save_gui_state(const GuiState& state, const std::string& path);

// $XDG_CONFIG_HOME/ropescope/state.json, else ~/.config/ropescope/state.json ("" if neither is known).
std::string default_state_path();

// Writes `contents` to `path` atomically (the core's write_file_atomic), creating missing parent
// directories first. Leaves no partial file on failure.
Status write_text_atomic(const std::string& path, const std::string& contents);

// Key identifying a series across recomputes (its label changes with parameters):
// method/quantity, plus "/A" for the pinned state's series in overlays; the label if no method.
std::string series_key(const Series& series);

}  // namespace ropescope::gui
