// The plots: a grid of plot widgets (2 columns x 3 rows), each with a small toolbar; pinned
// comparisons (A vs B) side by side or overlaid; the optional performance overlay.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>

#include "app.h"
#include "export_actions.h"
#include "formula.h"
#include "ropescope/plots.h"
#include "widgets.h"

namespace ropescope::gui {

namespace {

const char* plot_name(const std::string& id) {
    if (id == "wavelength") return "Wavelength";
    if (id == "scale") return "Frequency scale";
    if (id == "ramp") return "Ramp";
    if (id == "decay") return "Decay";
    if (id == "coverage") return "Coverage";
    if (id == "heatmap") return "Heatmap";
    if (id == "dynamic") return "Dynamic: theta' vs seq_len";
    return id.c_str();
}

// The results the heatmap of a panel shows: (shown, compared or null), as heatmap_figure picks them.
std::pair<const RopeResult*, const RopeResult*> heatmap_results(const App& app, int panel) {
    const bool pinned = app.state.view.pinned_a.has_value();
    const std::vector<PlotEntry>& entries = pinned && panel == 0 ? app.entries_a : app.entries;
    if (entries.empty()) return {nullptr, nullptr};
    const PlotOptions& o = app.state.lab.plot;
    const int n = static_cast<int>(entries.size());
    const int shown = std::clamp(o.heatmap_method, 0, n - 1);
    const RopeResult* b = o.heatmap_compare >= 0 && o.heatmap_compare < n && o.heatmap_compare != shown
                              ? &entries[static_cast<std::size_t>(o.heatmap_compare)].result
                              : nullptr;
    return {&entries[static_cast<std::size_t>(shown)].result, b};
}

PlotHooks heatmap_hooks(App& app) {
    PlotHooks hooks;
    hooks.gpu_heatmap = [&app](int panel) { return app.heatmap.Ready() && panel < HeatmapRenderer::kSlots; };
    hooks.draw_heatmap = [&app](ImDrawList* dl, int panel, const PanelLayout& layout, ImVec2 origin,
                                const Heatmap& map) {
        const auto [a, b] = heatmap_results(app, panel);
        if (!a) return;
        app.heatmap.SetSlot(panel, *a, b, app.generation);
        app.heatmap.Draw(dl, panel, layout, origin, map);
    };
    hooks.heatmap_readout = [&app](int panel, double x, double y) {
        const auto [a, b] = heatmap_results(app, panel);
        if (!a) return std::string();
        const auto m = static_cast<std::int64_t>(std::llround(std::max(0.0, x)));
        const int pair = static_cast<int>(std::lround(y));  // rows are centred on whole pair indices
        if (pair < 0 || pair >= a->num_pairs()) return std::string("position m = ") + std::to_string(m);
        char text[512];
        const auto row = a->pairs[static_cast<std::size_t>(pair)];
        if (b) {
            const double ca = rotation_cos(*a, m, pair), cb = rotation_cos(*b, m, pair);
            std::snprintf(text, sizeof text, "position m = %lld, pair %d\n%s: cos = %s\n%s: cos = %s\ndifference = %s",
                          static_cast<long long>(m), pair, std::string(method_label(a->kind)).c_str(), fmt(ca, 4).c_str(),
                          std::string(method_label(b->kind)).c_str(), fmt(cb, 4).c_str(), fmt(ca - cb, 4).c_str());
        } else {
            std::snprintf(text, sizeof text,
                          "position m = %lld, pair %d\ncos(m·θ′ᵢ) = %s\nθ′ᵢ = %s rad/token, wavelength %s tokens",
                          static_cast<long long>(m), pair, fmt(rotation_cos(*a, m, pair), 4).c_str(),
                          fmt(row.inv_freq, 4).c_str(), fmt(row.wavelength, 5).c_str());
        }
        return std::string(text);
    };
    return hooks;
}

// The toolbar above a plot: plot-specific options left, Fit and Export right.
void Toolbar(App& app, const std::string& id, PlotView& view) {
    PlotOptions& o = app.state.lab.plot;
    const float s = UiScale();
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(4.0f * s, 1.0f * s));
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(8.0f * s, 2.0f * s));
    const ImGuiStyle& style = ImGui::GetStyle();
    const float right_width = fit_export_buttons_width();
    const float start_x = ImGui::GetCursorPosX();
    const float full = ImGui::GetContentRegionAvail().x;
    if (id == "decay") {
        ImGui::Checkbox("q = k", &o.decay_logit);
        Tooltip("The logit between identical query and key vectors at each distance: meanᵢ cos(distance · θ′ᵢ).\n"
                "CLI: --decay-logit.");
        ImGui::SameLine();
        ImGui::Checkbox("bound", &o.decay_bound);
        Tooltip("RoFormer's relative upper bound on |q.k| with distance (dashed).");
        ImGui::SameLine();
        ImGui::Checkbox("× attn²", &o.decay_attention_factor);
        Tooltip("Multiply by attention_factor²: YaRN and LongRoPE scale cos and sin by attention_factor, so the "
                "logits scale by its square (DeepSeek's mscale_all_dim too).\n"
                "HF: rope_scaling.attention_factor / mscale.");
        ImGui::SameLine();
        bool log_grid = o.decay_grid == GridKind::Log;
        if (ImGui::Checkbox("log x", &log_grid)) {
            o.decay_grid = log_grid ? GridKind::Log : GridKind::Linear;
            view.x.reset();
            ++view.version;
        }
        Tooltip("Distances on a log axis (1 .. L') or a linear one (0 .. L').");
    } else if (id == "heatmap") {
        const float combo_width = 92.0f * s;
        ImGui::SetNextItemWidth(combo_width);
        const int n = static_cast<int>(app.entries.size());
        const int shown = n > 0 ? std::clamp(o.heatmap_method, 0, n - 1) : 0;
        const std::string current = n > 0 ? std::string(method_label(app.entries[static_cast<std::size_t>(shown)].result.kind)) : "-";
        if (ImGui::BeginCombo("##hm_method", current.c_str())) {
            for (int i = 0; i < n; ++i)
                if (ImGui::Selectable(std::string(method_label(app.entries[static_cast<std::size_t>(i)].result.kind)).c_str(), i == shown))
                    o.heatmap_method = i;
            ImGui::EndCombo();
        }
        Tooltip("The method whose rotations cos(m·θ′ᵢ) are shown.");
        ImGui::SameLine();
        ImGui::TextUnformatted("−");
        ImGui::SameLine();
        ImGui::SetNextItemWidth(combo_width);
        const bool comparing = o.heatmap_compare >= 0 && o.heatmap_compare < n && o.heatmap_compare != shown;
        const std::string other = comparing ? std::string(method_label(app.entries[static_cast<std::size_t>(o.heatmap_compare)].result.kind)) : "nothing";
        if (ImGui::BeginCombo("##hm_compare", other.c_str())) {
            if (ImGui::Selectable("nothing", !comparing)) o.heatmap_compare = -1;
            for (int i = 0; i < n; ++i) {
                if (i == shown) continue;
                if (ImGui::Selectable(std::string(method_label(app.entries[static_cast<std::size_t>(i)].result.kind)).c_str(), i == o.heatmap_compare))
                    o.heatmap_compare = i;
            }
            ImGui::EndCombo();
        }
        Tooltip("Show the difference of two methods' cos(m·θ′ᵢ) (range −2..2).");
        ImGui::SameLine();
        ImGui::SetNextItemWidth(std::max(60.0f * s, full - (ImGui::GetCursorPosX() - start_x) - right_width -
                                                        ImGui::GetStyle().ItemSpacing.x));
        std::int64_t positions = o.heatmap_positions;
        if (SliderInt64Log("##hm_positions", &positions, 16, kMaxContext, "m to %lld")) {
            o.heatmap_positions = std::max<std::int64_t>(2, positions);
            view.x.reset();
            ++view.version;
        }
        Tooltip("Positions m shown along x (0 .. this). The shader evaluates every pixel exactly, even at millions of "
                "tokens; zoom with the wheel to see single positions.");
    } else if (view.x || view.y || ImGui::IsWindowHovered(ImGuiHoveredFlags_ChildWindows)) {
        ImGui::PushStyleColor(ImGuiCol_Text, kMutedColor);
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(view.x || view.y ? "zoomed: double-click or Fit to reset"
                                                : "wheel: zoom   drag: pan   double-click: fit   legend: hide");
        ImGui::PopStyleColor();
    } else {
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted("");
    }
    // Fit and Export at the right end of the line, or of the next one when the options fill it.
    const float right_x = start_x + full - right_width;
    const float used = ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x + style.ItemSpacing.x;
    if (used <= right_x) ImGui::SameLine(right_x);
    else ImGui::SetCursorPosX(right_x);
    FitExportButtons(app, view, *app.plots[id].widget, id);
    ImGui::PopStyleVar(2);
}

void PerfOverlay(App& app, ImVec2 corner) {
    const float s = UiScale();
    ImGui::SetNextWindowPos(ImVec2(corner.x - 10.0f * s, corner.y + 10.0f * s), ImGuiCond_Always, ImVec2(1, 0));
    ImGui::SetNextWindowBgAlpha(0.85f);
    ImGui::Begin("##perf", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoInputs);
    const Timing& t = app.timing;
    ImGui::PushFont(app.fonts.mono);
    ImGui::Text("frame     %6.2f ms  (%3.0f fps)", t.frame_ms, t.frame_ms > 0 ? 1000.0 / t.frame_ms : 0.0);
    ImGui::Text("UI build  %6.2f ms", t.cpu_ms);
    ImGui::Text("recompute %6.2f ms  (#%d, worker)", t.recompute_ms, t.recomputes);
    ImGui::Text("figures   %6.2f ms  (worker)", t.figures_ms);
    ImGui::Text("latency   %6.2f ms  (edit -> screen)", t.latency_ms);
    ImGui::Text("layout    %6.2f ms", t.layout_ms);
    ImGui::Text("heatmap   %6.2f ms upload, %d shader passes", app.heatmap.last_upload_ms(), app.heatmap.renders());
    ImGui::Text("geometry  %d vertices", ImGui::GetIO().MetricsRenderVertices);
    int pairs = app.entries.empty() ? 0 : app.entries.front().result.num_pairs();
    ImGui::Text("%zu methods x %d pairs", app.entries.size(), pairs);
    ImGui::PopFont();
    ImGui::End();
}

}  // namespace

void draw_plots_panel(App& app) {
    const float s = UiScale();
    std::vector<std::string> visible;
    // The seq_len plot only when a dynamic method is enabled (it has nothing to show otherwise).
    const bool any_dynamic = std::any_of(app.entries.begin(), app.entries.end(), [](const PlotEntry& e) {
        return e.result.kind == MethodKind::Dynamic || e.result.kind == MethodKind::DynamicYarn;
    });
    for (const auto& id : plot_ids()) {
        auto& view = app.state.view.plots[id];
        if (view.visible && (id != "dynamic" || any_dynamic)) visible.push_back(id);
    }
    const ImVec2 region_min = ImGui::GetCursorScreenPos();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    if (visible.empty()) {
        MutedText("Every plot is hidden: turn them on in the View menu.");
        return;
    }
    if (app.entries.empty()) {
        ImGui::SetCursorPos(ImVec2(ImGui::GetCursorPosX() + 20 * s, ImGui::GetCursorPosY() + 20 * s));
        if (!app.setup_error.empty()) ErrorText("Nothing to plot: " + app.setup_error);
        else MutedText("No method computes: enable a method in the list on the left, or fix the errors shown there.");
    }
    const bool pinned = app.state.view.pinned_a.has_value();
    const bool wide = pinned && app.state.view.compare == CompareMode::SideBySide;
    // Two columns, or one when the window is too narrow for two readable plots (or A|B panels).
    const int columns = wide || visible.size() == 1 || avail.x < 2 * 430.0f * s ? 1 : 2;
    const int rows = static_cast<int>((visible.size() + static_cast<std::size_t>(columns) - 1) / static_cast<std::size_t>(columns));
    const float gap = 6.0f * s;
    const float cell_w = std::floor((avail.x - gap * static_cast<float>(columns - 1)) / static_cast<float>(columns));
    const int rows_on_screen = std::min(rows, 3);
    const float cell_h = std::floor(std::max(220.0f * s, (avail.y - gap * static_cast<float>(rows_on_screen - 1)) /
                                                           static_cast<float>(rows_on_screen)));
    app.timing.layout_ms = 0;
    if (app.generation == 0) {  // the first results are on their way
        MutedText("Computing...");
        return;
    }
    const PlotHooks hooks_heatmap = heatmap_hooks(app);
    for (std::size_t i = 0; i < visible.size(); ++i) {
        const std::string& id = visible[i];
        PlotSlot& slot = app.plots[id];
        PlotView& view = app.state.view.plots[id];
        if (i % static_cast<std::size_t>(columns) != 0) ImGui::SameLine(0, gap);
        ImGui::PushID(id.c_str());
        ImGui::PushStyleColor(ImGuiCol_ChildBg, to_imvec4(PlotTheme().background));
        ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(4.0f * s, 4.0f * s));
        // No child background: the plot (a blit of its cached picture) covers the cell; only the
        // toolbar strip is filled, so a software GL does not paint the cell twice.
        ImGui::BeginChild("##cell", ImVec2(cell_w, cell_h), true,
                          ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoBackground);
        const ImVec2 cell_min = ImGui::GetWindowPos();
        ImDrawList* cell_dl = ImGui::GetWindowDrawList();
        cell_dl->ChannelsSplit(2);  // toolbar background (0) under the toolbar (1)
        cell_dl->ChannelsSetCurrent(1);
        Toolbar(app, id, view);
        const float toolbar_bottom = ImGui::GetCursorScreenPos().y;
        cell_dl->ChannelsSetCurrent(0);
        cell_dl->AddRectFilled(cell_min, ImVec2(cell_min.x + cell_w, toolbar_bottom),
                               to_imu32(PlotTheme().background), ImGui::GetStyle().ChildRounding,
                               ImDrawFlags_RoundCornersTop);
        cell_dl->ChannelsMerge();
        const ImVec2 plot_size = ImGui::GetContentRegionAvail();
        slot.widget->SetBusy(app.applied_serial < app.serial);
        slot.widget->Draw(plot_name(id), slot.figure, slot.generation, view, plot_size, app.fonts, s,
                          id == "heatmap" ? hooks_heatmap : PlotHooks{});
        app.timing.layout_ms += slot.widget->LastLayoutMs();
        ImGui::EndChild();
        ImGui::PopStyleVar();
        ImGui::PopStyleColor();
        ImGui::PopID();
    }
    if (app.state.view.show_perf_overlay) PerfOverlay(app, ImVec2(region_min.x + avail.x, region_min.y));
}

}  // namespace ropescope::gui
