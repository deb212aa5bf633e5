#include "view_state.h"

#include "ropescope/export.h"
#include "ropescope/text_input.h"

#include <algorithm>
#include <cmath>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ropescope::gui {

namespace fs = std::filesystem;

namespace {

const char* compare_name(CompareMode mode) { return mode == CompareMode::Overlay ? "overlay" : "side_by_side"; }

nlohmann::json range_json(const std::optional<Range>& range) {
    if (!range) return nullptr;
    return nlohmann::json::array({range->min, range->max});
}

// Reads an optional [min, max] pair; anything else gives nullopt (view ranges are a convenience).
std::optional<Range> range_from(const nlohmann::json& json) {
    if (!json.is_array() || json.size() != 2 || !json[0].is_number() || !json[1].is_number()) return std::nullopt;
    const Range r{json[0].get<double>(), json[1].get<double>()};
    if (!(r.min < r.max)) return std::nullopt;
    return r;
}

Error key_error(const std::string& key, const std::string& what) {
    return Error{key, "state file: \"" + key + "\" " + what};
}

}  // namespace

const char* workspace_name(Workspace workspace) {
    switch (workspace) {
        case Workspace::Plots: return "plots";
        case Workspace::Attention: return "attention";
        case Workspace::Search: return "search";
        case Workspace::Engines: return "engines";
        case Workspace::Model: return "model";
    }
    return "plots";
}

const char* workspace_label(Workspace workspace) {
    switch (workspace) {
        case Workspace::Plots: return "RoPE plots";
        case Workspace::Attention: return "Attention kernel";
        case Workspace::Search: return "LongRoPE search";
        case Workspace::Engines: return "Engines";
        case Workspace::Model: return "Trained model";
    }
    return "RoPE plots";
}

const std::vector<std::string>& panel_plot_ids() {
    static const std::vector<std::string> ids = {"attention.window", "attention.logits", "attention.resolution",
                                                 "search.factors", "search.fitness"};
    return ids;
}

GuiState default_gui_state() {
    GuiState state;
    state.lab = default_lab_state();
    for (const auto& id : plot_ids()) state.view.plots[id] = PlotView{};
    for (const auto& id : panel_plot_ids()) state.view.plots[id] = PlotView{};
    return state;
}

const std::vector<std::string>& presentation_slider_ids() {
    static const std::vector<std::string> ids = {"factor",   "rope_theta", "original_context", "seq_len",
                                                 "head_dim", "beta_fast",  "beta_slow",        "alpha",
                                                 "beta",     "low_freq_factor", "high_freq_factor"};
    return ids;
}

nlohmann::json gui_state_to_json(const GuiState& state) {
    nlohmann::json json;
    json["ropescope_gui_state"] = kGuiStateVersion;
    json["lab"] = state_to_json(state.lab);
    json["pinned_a"] = state.view.pinned_a ? state_to_json(*state.view.pinned_a) : nlohmann::json(nullptr);
    json["compare"] = compare_name(state.view.compare);
    json["window"] = {{"width", state.view.window_width}, {"height", state.view.window_height}};
    nlohmann::json view;
    view["show_perf_overlay"] = state.view.show_perf_overlay;
    view["show_controls"] = state.view.show_controls;
    view["plot_text_scale"] = state.view.plot_text_scale;
    view["presentation"] = {{"plots", state.view.presentation.plots},
                            {"sliders", state.view.presentation.sliders},
                            {"text_scale", state.view.presentation.text_scale}};
    view["selected_method"] = std::string(method_name(static_cast<MethodKind>(state.view.selected_method)));
    view["workspace"] = workspace_name(state.view.workspace);
    view["panels"] = nlohmann::json::object();
    for (const auto& [name, settings] : state.view.panel_settings) view["panels"][name] = settings;
    nlohmann::json plots = nlohmann::json::object();
    for (const auto& [id, plot] : state.view.plots) {
        plots[id] = {{"visible", plot.visible},
                     {"x", range_json(plot.x)},
                     {"y", range_json(plot.y)},
                     {"hidden", nlohmann::json(std::vector<std::string>(plot.hidden.begin(), plot.hidden.end()))},
                     {"legend_collapsed", plot.legend_collapsed}};
        if (plot.legend_anchor)
            plots[id]["legend_anchor"] = {{"x", plot.legend_anchor->x}, {"y", plot.legend_anchor->y}};
    }
    view["plots"] = std::move(plots);
    view["export"] = {{"dir", state.view.export_dir},
                      {"theme", theme_name(state.view.export_theme)},
                      {"width", state.view.export_width},
                      {"height", state.view.export_height}};
    json["view"] = std::move(view);
    return json;
}

Result<GuiState> gui_state_from_json(const nlohmann::json& json) {
    GuiState state = default_gui_state();
    if (!json.is_object()) return Error{"", "state file: expected a JSON object."};
    if (!json.contains("ropescope_gui_state")) {
        // A bare LabState (e.g. the state.json that `ropescope-cli export` writes).
        auto lab = state_from_json(json);
        if (!lab) return lab.error();
        state.lab = std::move(lab).value();
        return state;
    }
    const auto& version = json["ropescope_gui_state"];
    // Compared as written: 4294967297 must not wrap to version 1.
    if (!version.is_number_integer() || version != kGuiStateVersion)
        return key_error("ropescope_gui_state", "is " + version.dump() + "; this RopeScope reads version " +
                                                    std::to_string(kGuiStateVersion) + ".");
    if (!json.contains("lab")) return key_error("lab", "is missing.");
    auto lab = state_from_json(json["lab"]);
    if (!lab) return Error{"lab." + lab.error().field, lab.error().message};
    state.lab = std::move(lab).value();

    if (json.contains("pinned_a") && !json["pinned_a"].is_null()) {
        auto pinned = state_from_json(json["pinned_a"]);
        if (!pinned) return Error{"pinned_a." + pinned.error().field, pinned.error().message};
        state.view.pinned_a = std::move(pinned).value();
    }
    if (json.contains("compare")) {
        const auto& mode = json["compare"];
        if (mode == "overlay")
            state.view.compare = CompareMode::Overlay;
        else if (mode == "side_by_side")
            state.view.compare = CompareMode::SideBySide;
        else
            return key_error("compare", "is " + mode.dump() + "; use \"side_by_side\" or \"overlay\".");
    }
    if (json.contains("window") && json["window"].is_object()) {
        const auto& window = json["window"];
        if (window.contains("width") && window["width"].is_number_integer())
            state.view.window_width = std::clamp(window["width"].get<int>(), 320, 16384);
        if (window.contains("height") && window["height"].is_number_integer())
            state.view.window_height = std::clamp(window["height"].get<int>(), 240, 16384);
    }
    if (json.contains("view") && json["view"].is_object()) {
        const auto& view = json["view"];
        if (view.contains("show_perf_overlay") && view["show_perf_overlay"].is_boolean())
            state.view.show_perf_overlay = view["show_perf_overlay"].get<bool>();
        if (view.contains("show_controls") && view["show_controls"].is_boolean())
            state.view.show_controls = view["show_controls"].get<bool>();
        if (view.contains("plot_text_scale") && view["plot_text_scale"].is_number()) {
            const double v = view["plot_text_scale"].get<double>();
            if (std::isfinite(v)) state.view.plot_text_scale = static_cast<float>(std::clamp(v, 0.75, 2.5));
        }
        if (view.contains("presentation") && view["presentation"].is_object()) {
            const auto& p = view["presentation"];
            PresentationSettings& present = state.view.presentation;
            const auto ids = [](const nlohmann::json& list, const std::vector<std::string>& known, std::size_t most) {
                std::vector<std::string> out;
                for (const auto& item : list)
                    if (item.is_string() && std::find(known.begin(), known.end(), item.get<std::string>()) != known.end() &&
                        std::find(out.begin(), out.end(), item.get<std::string>()) == out.end() && out.size() < most)
                        out.push_back(item.get<std::string>());
                return out;
            };
            if (p.contains("plots") && p["plots"].is_array()) {
                auto plots = ids(p["plots"], plot_ids(), 2);
                if (!plots.empty()) present.plots = std::move(plots);
            }
            if (p.contains("sliders") && p["sliders"].is_array())
                present.sliders = ids(p["sliders"], presentation_slider_ids(), 6);
            if (p.contains("text_scale") && p["text_scale"].is_number()) {
                const double v = p["text_scale"].get<double>();
                if (std::isfinite(v)) present.text_scale = static_cast<float>(std::clamp(v, 1.0, 3.0));
            }
        }
        if (view.contains("selected_method") && view["selected_method"].is_string())
            if (auto kind = method_from_name(view["selected_method"].get<std::string>()))
                state.view.selected_method = static_cast<int>(*kind);
        if (view.contains("workspace") && view["workspace"].is_string())
            for (const Workspace w : kAllWorkspaces)
                if (view["workspace"] == workspace_name(w)) state.view.workspace = w;
        if (view.contains("panels") && view["panels"].is_object())
            for (const auto& [name, settings] : view["panels"].items()) state.view.panel_settings[name] = settings;
        if (view.contains("export") && view["export"].is_object()) {
            const auto& e = view["export"];
            if (e.contains("dir") && e["dir"].is_string()) state.view.export_dir = e["dir"].get<std::string>();
            if (e.contains("theme") && e["theme"].is_string())
                state.view.export_theme = e["theme"] == "dark" ? ThemeKind::Dark : ThemeKind::Light;
            if (e.contains("width") && e["width"].is_number_integer())
                state.view.export_width = std::clamp(e["width"].get<int>(), 64, 16384);
            if (e.contains("height") && e["height"].is_number_integer())
                state.view.export_height = std::clamp(e["height"].get<int>(), 64, 16384);
        }
        if (view.contains("plots") && view["plots"].is_object()) {
            for (const auto& [id, plot_json] : view["plots"].items()) {
                if (!state.view.plots.contains(id) || !plot_json.is_object()) continue;  // unknown plots ignored
                PlotView& plot = state.view.plots[id];
                if (plot_json.contains("visible") && plot_json["visible"].is_boolean())
                    plot.visible = plot_json["visible"].get<bool>();
                if (plot_json.contains("x")) plot.x = range_from(plot_json["x"]);
                if (plot_json.contains("y")) plot.y = range_from(plot_json["y"]);
                if (plot_json.contains("hidden") && plot_json["hidden"].is_array())
                    for (const auto& key : plot_json["hidden"])
                        if (key.is_string()) plot.hidden.insert(key.get<std::string>());
                if (plot_json.contains("legend_collapsed") && plot_json["legend_collapsed"].is_boolean())
                    plot.legend_collapsed = plot_json["legend_collapsed"].get<bool>();
                if (plot_json.contains("legend_anchor") && plot_json["legend_anchor"].is_object()) {
                    const auto& a = plot_json["legend_anchor"];
                    if (a.contains("x") && a["x"].is_number() && a.contains("y") && a["y"].is_number()) {
                        const double x = a["x"].get<double>(), y = a["y"].get<double>();
                        if (std::isfinite(x) && std::isfinite(y))
                            plot.legend_anchor = LegendAnchor{static_cast<float>(std::clamp(x, 0.0, 1.0)),
                                                              static_cast<float>(std::clamp(y, 0.0, 1.0))};
                    }
                }
            }
        }
    }
    return state;
}

bool is_state_json(const nlohmann::json& json) {
    if (!json.is_object()) return false;
    if (json.contains("ropescope_gui_state")) return true;
    return json.contains("version") && json.contains("setup") && json.contains("methods");
}

Result<GuiState> load_gui_state(const std::string& path) {
    auto text = read_text_file(path, kMaxStateBytes, "a RopeScope state file (state.json)");
    if (!text) return text.error();
    auto parsed = parse_json_text(*text, "state");
    if (!parsed) return Error{"path", path + ": " + parsed.error().message};
    const nlohmann::json& json = *parsed;
    auto state = gui_state_from_json(json);
    if (!state) return Error{state.error().field, path + ": " + state.error().message};
    return state;
}

Status write_text_atomic(const std::string& path, const std::string& contents) {
    std::error_code ec;
    const fs::path target(path);
    if (target.has_parent_path()) {
        fs::create_directories(target.parent_path(), ec);
        if (ec) return Error{"path", target.parent_path().string() + ": cannot create directory (" + ec.message() + ")."};
    }
    return write_file_atomic(path, contents);  // temporary file, fsync, rename (core/export.h)
}

Status save_gui_state(const GuiState& state, const std::string& path) {
    return write_text_atomic(path, gui_state_to_json(state).dump(2) + "\n");
}

std::string default_state_path() {
    const char* xdg = std::getenv("XDG_CONFIG_HOME");
    if (xdg && *xdg) return (fs::path(xdg) / "ropescope" / "state.json").string();
    const char* home = std::getenv("HOME");
    if (home && *home) return (fs::path(home) / ".config" / "ropescope" / "state.json").string();
    return "";
}

std::string series_key(const Series& series) {
    if (series.method.empty() && series.quantity.empty()) return series.label;
    std::string key = series.method + "/" + series.quantity;
    if (series.label.size() >= 4 && series.label.compare(series.label.size() - 4, 4, " (A)") == 0) key += "/A";
    return key;
}

}  // namespace ropescope::gui
