// The attention workspace: how sharply one query can still single out the key D tokens back,
// for every enabled method, from the core's CPU attention kernel (docs/resolution.md).
//
//   [ kernel settings + progress / timing ] [ metrics table, one row per method ]
//   [ weights around the target | all keys   ] [ logits heatmap (GPU)         ]
//   [ resolution curves: target weight, FWHM, adjacent-token distinguishability ]
//
// The kernel runs on the panel's own worker (attention_worker.h): a settings change or new
// results of the lab start a new job after a short pause (cancelling the running one); the
// frame loop only draws.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <thread>

#include "app.h"
#include "attention_worker.h"
#include "export_actions.h"
#include "formula.h"
#include "logits_heatmap.h"
#include "ropescope/color.h"
#include "ropescope/validate.h"
#include "widgets.h"

namespace ropescope::gui {

namespace {

using Clock = std::chrono::steady_clock;

// No pause before submitting: the worker cancels a stale job and posts every job's queries as
// soon as they are done (milliseconds for the default 5 methods at 32K keys), so the plots follow
// a slider drag frame by frame; only the resolution curves wait for the drag to stop.
constexpr auto kDebounce = std::chrono::milliseconds(0);
constexpr const char* kSettingsKey = "attention";
constexpr int kSettingCount = 10;  // fields in the settings grid

// A whole number with thin thousands separators: 2,097,152.
std::string grouped(std::int64_t v) {
    std::string digits = std::to_string(v < 0 ? -v : v), out;
    for (std::size_t k = 0; k < digits.size(); ++k) {
        if (k > 0 && (digits.size() - k) % 3 == 0) out += ',';
        out += digits[k];
    }
    return v < 0 ? "-" + out : out;
}

// Milliseconds as "22.9 ms" or "1.69 s".
std::string duration(double ms) {
    char text[32];
    if (ms < 1000)
        std::snprintf(text, sizeof text, ms < 10 ? "%.2f ms" : "%.1f ms", ms);
    else
        std::snprintf(text, sizeof text, "%.2f s", ms / 1000);
    return text;
}

std::string setup_caption(const LabState& lab) {
    const RopeSetup& s = lab.setup;
    return "d=" + std::to_string(s.rotary_dim()) + ", rope_theta=" + format_number(s.rope_theta) +
           ", L=" + std::to_string(s.original_max_position_embeddings) + ", s=" + format_number(s.factor) +
           ", L'=" + std::to_string(s.target_context());
}

}  // namespace

struct AttentionPanel {
    AttentionSettings settings;
    nlohmann::json saved;  // what panel_settings holds (written when it differs)

    // Requests.
    AttentionSettings seen_settings;  // the settings and lab generation last seen...
    std::uint64_t seen_generation = ~std::uint64_t{0};
    Clock::time_point changed_at;  // ...and when they last changed
    bool dirty = true;             // a job for the current settings is still to be submitted
    std::uint64_t serial = 0;      // the last submitted job
    bool user_cancelled = false;

    // What is shown.
    std::optional<AttentionOutput> output;  // the newest output (partial while curves run)
    bool resolution_stale = false;          // the curves shown belong to an older job
    Figure resolution_figure;               // kept across partial outputs until the new curves arrive
    std::uint64_t figure_generation = 0;    // bumps when the window figure changes
    std::uint64_t resolution_generation = 0;
    std::uint64_t logits_generation = 0;
    Figure logits_figure;
    int logits_index = -1;  // the run the heatmap shows
    float settings_height = 0;  // measured last frame (0: not yet)

    PlotWidget window_widget, resolution_widget, logits_widget;
    LogitsHeatmap heatmap;   // GL objects: freed when the panel is destroyed (context current)
    AttentionWorker worker;  // last: destroyed first (cancels and joins the run)
};

std::shared_ptr<AttentionPanel> make_attention_panel(App& app) {
    auto panel = std::make_shared<AttentionPanel>();
    const auto it = app.state.view.panel_settings.find(kSettingsKey);
    if (it != app.state.view.panel_settings.end()) panel->settings = attention_settings_from_json(it->second);
    panel->saved = attention_settings_to_json(panel->settings);
    std::string error;
    if (!panel->heatmap.Init(app.shaders_dir, &error)) app.toasts.Error(error);  // the CPU image is shown instead
    return panel;
}

namespace {

// ---------------------------------------------------------------------------------------------
// Jobs and results

void select_logits(AttentionPanel& p) {
    if (!p.output || p.output->grids.empty()) {
        p.logits_index = -1;
        p.logits_figure = Figure{};
        ++p.logits_generation;
        return;
    }
    const auto& grids = p.output->grids;
    int index = 0;
    for (std::size_t k = 0; k < grids.size(); ++k)
        if (std::string(method_name(grids[k].kind)) == p.settings.heatmap_method) index = static_cast<int>(k);
    p.logits_index = index;
    const LogitGrid& grid = grids[static_cast<std::size_t>(index)];
    std::string caption = p.output->window_figure.caption;
    p.logits_figure = logits_figure(grid, caption);
    ++p.logits_generation;
    // One upload per result and method: the key changes only with them.
    p.heatmap.Upload(grid, p.output->serial * 64 + static_cast<std::uint64_t>(index));
}

void apply_output(AttentionPanel& p, AttentionOutput out) {
    if (out.cancelled) {
        // Stopped by the user (a superseded job never reports): keep what is on screen.
        if (!out.grids.empty() && (!p.output || p.output->serial != out.serial)) {
            // Queries finished before the cancel: show them, the curves stay stale.
            out.complete = false;
        } else {
            return;
        }
    }
    const bool new_job = !p.output || p.output->serial != out.serial;
    if (out.complete && out.error.empty()) {
        p.resolution_figure = out.resolution_figure;
        p.resolution_stale = false;
        ++p.resolution_generation;
    } else if (!out.error.empty()) {
        p.resolution_figure = Figure{};
        p.resolution_stale = false;
        ++p.resolution_generation;
    } else {
        p.resolution_stale = true;
    }
    if (new_job || out.complete) {
        p.output = std::move(out);
        ++p.figure_generation;
        select_logits(p);
    }
}

// Submits a job when the settings or the lab's results changed (after a short pause), takes
// finished outputs, and saves the settings when they changed.
void update(App& app, AttentionPanel& p) {
    if (!p.settings.SameJob(p.seen_settings) || app.generation != p.seen_generation) {
        p.seen_settings = p.settings;
        p.seen_generation = app.generation;
        p.changed_at = Clock::now();
        p.dirty = true;
        p.user_cancelled = false;
    } else if (p.settings.heatmap_method != p.seen_settings.heatmap_method) {
        p.seen_settings = p.settings;
        select_logits(p);
    }
    const nlohmann::json json = attention_settings_to_json(p.settings);
    if (json != p.saved) {
        p.saved = json;
        app.state.view.panel_settings[kSettingsKey] = json;
    }
    if (p.dirty && app.generation > 0 && (app.sync_compute || Clock::now() - p.changed_at >= kDebounce)) {
        p.dirty = false;
        AttentionJob job;
        job.serial = ++p.serial;
        job.entries = app.entries;
        job.settings = p.settings;
        job.target_context = app.state.lab.setup.target_context();
        job.setup_caption = setup_caption(app.state.lab);
        p.worker.Submit(std::move(job));
    }
    if (app.sync_compute) p.worker.Wait();  // screenshots show finished results
    while (auto out = p.worker.Take()) {
        if (!out->cancelled && !out->grids.empty()) {
            app.timing.attention_ms = out->queries_ms;
            ++app.timing.attention_updates;
        }
        apply_output(p, std::move(*out));
    }
}

// ---------------------------------------------------------------------------------------------
// Settings

// A labelled field inside a grid cell: the label, then the control filling the cell.
void Field(const char* label, const char* tooltip, float label_width) {
    const float x = ImGui::GetCursorPosX();
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(label);
    Tooltip(tooltip);
    ImGui::SameLine();
    ImGui::SetCursorPosX(x + label_width);
    ImGui::SetNextItemWidth(-FLT_MIN);
}

// A log slider with an "auto" toggle: 0 in `value` means automatic (shown as `automatic`).
bool AutoSlider(const char* id, std::int64_t* value, std::int64_t automatic, std::int64_t min, std::int64_t max,
                const char* auto_tooltip) {
    const float s = UiScale();
    const bool is_auto = *value <= 0;
    const float button = ImGui::CalcTextSize("auto").x + ImGui::GetStyle().FramePadding.x * 2;
    ImGui::SetNextItemWidth(
        std::max(40.0f * s, ImGui::GetContentRegionAvail().x - button - ImGui::GetStyle().ItemSpacing.x));
    std::int64_t shown = is_auto ? automatic : *value;
    char format[32];
    std::snprintf(format, sizeof format, "%s", is_auto ? "%lld (auto)" : "%lld");
    bool changed = false;
    ImGui::PushID(id);
    if (SliderInt64Log("##slider", &shown, min, max, format)) {
        *value = std::max<std::int64_t>(1, shown);
        changed = true;
    }
    ImGui::SameLine();
    if (is_auto) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyle().Colors[ImGuiCol_ButtonActive]);
    if (ImGui::Button("auto") && !is_auto) {
        *value = 0;
        changed = true;
    }
    if (is_auto) ImGui::PopStyleColor();
    Tooltip(auto_tooltip);
    ImGui::PopID();
    return changed;
}

void DrawSettings(App& app, AttentionPanel& p, int columns) {
    AttentionSettings& st = p.settings;
    const float s = UiScale();
    const std::int64_t target_context = app.state.lab.setup.target_context();
    const AttentionOptions resolved = resolve_attention(st, target_context);
    const float label_width = 86.0f * s;
    const bool needle = st.content == ContentModel::Needle;
    const unsigned hardware = std::max(1u, std::thread::hardware_concurrency());

    ImGui::PushStyleVar(ImGuiStyleVar_CellPadding, ImVec2(8.0f * s, 2.0f * s));
    if (!ImGui::BeginTable("##settings", columns, ImGuiTableFlags_SizingStretchSame)) {
        ImGui::PopStyleVar();
        return;
    }
    const auto cell = [&] { ImGui::TableNextColumn(); };

    cell();
    Field("Content",
          "What the query and the keys carry besides their positions. CLI: --content.\n\n"
          "positional: the query points D tokens back, as a trained head attending to a fixed offset; "
          "the logits peak at distance D, and the peak's width and side peaks measure how well RoPE still "
          "separates neighbouring tokens there.\n\n"
          "identical: query and every key carry the same content; the logits are the decay curve, and "
          "attention goes to the nearest keys whatever D is.\n\n"
          "needle: a Gaussian query, the key at distance D carries the same vector, every other key "
          "Gaussian noise; content retrieval against RoPE's decay.",
          label_width);
    {
        static constexpr ContentModel kModels[] = {ContentModel::Positional, ContentModel::Identical,
                                                   ContentModel::Needle};
        const std::string current(content_model_name(st.content));
        if (ImGui::BeginCombo("##content", current.c_str())) {
            for (const ContentModel m : kModels)
                if (ImGui::Selectable(std::string(content_model_name(m)).c_str(), m == st.content)) st.content = m;
            ImGui::EndCombo();
        }
    }

    cell();
    Field("Keys N",
          "Number of keys, at positions 0 .. N-1; the query sits at the last one. CLI: --keys "
          "(also --max-distance N-1 of `ropescope-cli resolution`).\n\nauto: the target context L' of the "
          "setup, at least 256 and at most 2,097,152 (the kernel's limit). Ctrl+click to type a value.",
          label_width);
    if (AutoSlider("keys", &st.keys, resolved.num_keys, kAttentionMinKeys, kMaxAttentionKeys,
                   "Follow the setup's target context L' (capped at 2,097,152).") &&
        st.distance > 0)
        st.distance = std::min(st.distance, std::max<std::int64_t>(1, st.keys - 1));

    cell();
    Field("Distance D",
          "How far back the target key sits: the key at position m - D. CLI: --needle-distance.\n\n"
          "auto: N / 2. At most N - 1 (a larger value is capped).",
          label_width);
    AutoSlider("distance", &st.distance, resolved.target_distance, 1, std::max<std::int64_t>(2, resolved.num_keys - 1),
               "N / 2, following N.");

    cell();
    Field("Query scale",
          "Multiplies the query: an inverse temperature. Larger is sharper (a trained head's logits "
          "are larger than these unit-content ones). CLI: --query-scale.",
          label_width);
    SliderDoubleLog("##query_scale", &st.query_scale, 0.1, 100.0, "%.3g");
    if (!(st.query_scale > 0)) st.query_scale = 1.0;

    cell();
    Field("Phases",
          "The number format RoPE's phases are computed in: position, frequency, angle, cos and sin "
          "rounded to it (contents and the softmax are not). fp64 is exact; bf16 shows how far positions "
          "blur at long range. CLI: --precision.",
          label_width);
    {
        static constexpr PhasePrecision kFormats[] = {PhasePrecision::Fp64, PhasePrecision::Fp32, PhasePrecision::Bf16,
                                                      PhasePrecision::Fp16};
        if (ImGui::BeginCombo("##precision", std::string(phase_precision_name(st.precision)).c_str())) {
            for (const PhasePrecision f : kFormats)
                if (ImGui::Selectable(std::string(phase_precision_name(f)).c_str(), f == st.precision))
                    st.precision = f;
            ImGui::EndCombo();
        }
    }

    cell();
    Field("Threads", "Kernel threads (0: all cores; a thread takes at least 16,384 keys). CLI: --threads.",
          label_width);
    ImGui::SliderInt("##threads", &st.threads, 0, static_cast<int>(std::max(hardware, 8u)),
                     st.threads == 0 ? "all cores" : "%d");

    cell();
    ImGui::BeginDisabled(!needle);
    Field("Noise",
          "Needle content: standard deviation of the distractor keys' components (0: only RoPE "
          "separates the needle). CLI: --noise.",
          label_width);
    SliderDouble("##noise", &st.noise, 0.0, 4.0, "%.2f");
    st.noise = std::max(0.0, st.noise);
    ImGui::EndDisabled();

    cell();
    ImGui::BeginDisabled(!needle);
    Field("Seed", "Needle content: seed of the query and the distractor vectors. CLI: --seed.", label_width);
    {
        std::int64_t seed = static_cast<std::int64_t>(
            std::min<std::uint64_t>(st.seed, static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())));
        if (InputInt64("##seed", &seed)) st.seed = static_cast<std::uint64_t>(std::max<std::int64_t>(0, seed));
    }
    ImGui::EndDisabled();

    cell();
    Field("Window",
          "Keys shown around the target: D - R .. D + R (the weights plot and the table). "
          "CLI: --window R.",
          label_width);
    {
        std::int64_t radius = st.window;
        if (SliderInt64Log("##window", &radius, 4, 1024, "+-%lld"))
            st.window = static_cast<int>(std::clamp<std::int64_t>(radius, 1, 4096));
    }

    cell();
    Field("Grid points",
          "Distances of the resolution curves: log-spaced from 1 to N - 1 (duplicates dropped); each "
          "point is one query over all N keys. CLI: `ropescope-cli resolution --points`.",
          label_width);
    ImGui::SliderInt("##points", &st.points, 2, 64);
    st.points = std::clamp(st.points, 2, 200);

    // The status line goes into the free cells of the last row, else under the grid.
    const bool inline_status = kSettingCount % columns != 0;
    ImVec2 status_at;
    if (inline_status) {
        ImGui::TableNextColumn();
        status_at = ImGui::GetCursorScreenPos();
    }
    ImGui::EndTable();
    ImGui::PopStyleVar();
    if (inline_status)
        ImGui::SetCursorScreenPos(status_at);
    else
        ImGui::Dummy(ImVec2(0, 2.0f * s));
}

// The line under the settings: progress and Cancel while running, else the totals.
void DrawStatus(AttentionPanel& p) {
    if (p.worker.Busy() || p.dirty) {
        const double f = p.worker.Progress();
        const float cancel_width = ImGui::CalcTextSize("Cancel").x + ImGui::GetStyle().FramePadding.x * 2;
        char overlay[64];
        std::snprintf(overlay, sizeof overlay, p.dirty && !p.worker.Busy() ? "waiting" : "computing %.0f%%", 100.0 * f);
        ImGui::ProgressBar(static_cast<float>(f),
                           ImVec2(ImGui::GetContentRegionAvail().x - cancel_width - ImGui::GetStyle().ItemSpacing.x, 0),
                           overlay);
        ImGui::SameLine();
        if (ImGui::Button("Cancel")) {
            p.worker.Cancel();
            p.dirty = false;
            p.user_cancelled = true;
        }
        Tooltip(
            "Stop the kernel now; the results shown stay as they are. Change a setting (or press Run) to "
            "compute again.");
        return;
    }
    if (p.user_cancelled) {
        ImGui::AlignTextToFramePadding();
        ImGui::PushStyleColor(ImGuiCol_Text, kWarningColor);
        const bool current = p.output && p.output->serial == p.serial;
        ImGui::TextUnformatted(current ? "Cancelled before the resolution curves were done."
                                       : "Cancelled: what is shown is for older settings.");
        ImGui::PopStyleColor();
        ImGui::SameLine();
        if (ImGui::Button("Run")) {
            p.dirty = true;
            p.changed_at = Clock::now() - kDebounce;
            p.user_cancelled = false;
        }
        Tooltip("Compute with the current settings.");
        return;
    }
    if (!p.output) return;
    const AttentionOutput& out = *p.output;
    if (!out.error.empty()) {
        ImGui::AlignTextToFramePadding();
        ImGui::PushStyleColor(ImGuiCol_Text, kErrorColor);
        ImGui::TextUnformatted("Not computed: a setting is out of range (below).");
        ImGui::PopStyleColor();
        return;
    }
    double kernel = 0;
    for (const auto& run : out.runs) kernel += run.query_ms + run.resolution_ms;
    ImGui::AlignTextToFramePadding();
    ImGui::PushStyleColor(ImGuiCol_Text, kMutedColor);
    ImGui::Text("N = %s   D = %s   kernel %s   wall %s", grouped(out.options.num_keys).c_str(),
                grouped(out.options.target_distance).c_str(), duration(kernel).c_str(), duration(out.wall_ms).c_str());
    ImGui::PopStyleColor();
    Tooltip(
        "Kernel: the attention kernel's own time (tables, logits, softmax) for every query and every resolution "
        "point. Wall: the whole job (metrics, heatmaps, figures) on the panel's worker thread; the UI never waits "
        "for it.");
}

// ---------------------------------------------------------------------------------------------
// Metrics table

void HeaderCell(const char* name, const char* tooltip) {
    ImGui::TableNextColumn();
    ImGui::TableHeader(name);
    Tooltip(tooltip);
}

void DrawTable(AttentionPanel& p) {
    const float s = UiScale();
    if (!p.output) return;
    const AttentionOutput& out = *p.output;
    if (!out.error.empty()) return;
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                  ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_ScrollY |
                                  ImGuiTableFlags_PadOuterX;
    ImGui::PushStyleVar(ImGuiStyleVar_CellPadding, ImVec2(5.0f * s, 3.0f * s));
    if (!ImGui::BeginTable("##metrics", 9, flags, ImGui::GetContentRegionAvail())) {
        ImGui::PopStyleVar();
        return;
    }
    ImGui::TableSetupScrollFreeze(0, 1);
    // The method column fits the longest label (with its swatch); the numbers share the rest.
    float method_width = 0;
    for (const auto& run : out.runs)
        method_width = std::max(method_width, ImGui::CalcTextSize(std::string(method_label(run.kind)).c_str()).x);
    method_width += ImGui::GetTextLineHeight() * 0.8f + ImGui::GetStyle().ItemSpacing.x + 4.0f * s;
    ImGui::TableSetupColumn("Method", ImGuiTableColumnFlags_WidthFixed, method_width);
    // argmax holds "1,048,576 (12)": wider than the other numbers.
    for (int k = 0; k < 8; ++k)
        ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthStretch,
                                k == 0                       ? 1.6f
                                : k == 1 || k == 5 || k == 7 ? 1.2f
                                                             : 1.0f);
    ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
    HeaderCell("Method", "The enabled methods, in their plot colours.");
    HeaderCell("argmax",
               "Distance m - n of the key with the largest logit: where attention actually goes. Green when "
               "it is the target (error 0), amber otherwise (the error in tokens in brackets).");
    HeaderCell("target w", "Softmax weight on the target key (the needle weight), over all N keys.");
    HeaderCell("FWHM",
               "Full width at half maximum of the attention peak around the target, in tokens: how many "
               "neighbours share the attention (1: a single key). '>' : the peak runs past the keys.");
    HeaderCell("entropy", "Entropy of the attention weights, in nats (0: one-hot; ln N: uniform).");
    HeaderCell("side pk",
               "Largest weight outside the target's main lobe over the peak weight: < 1, the target's "
               "peak wins; > 1, another peak is higher.");
    HeaderCell("adjacent",
               "Adjacent-token distinguishability: (logit(D) - logit(D+1)) / (logit spread). Near 0: the "
               "target and its neighbour look alike.");
    HeaderCell("ms",
               "The query's kernel time (tables, logits, softmax; wall clock) and, on hover, its "
               "throughput. CLI: elapsed_ms of `ropescope-cli attention`.");
    HeaderCell("GFLOP/s", "2 x head_dim FLOPs per key (the q.k dot product) over the kernel time.");
    for (const auto& run : out.runs) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ColorSwatch(to_imu32(method_color(run.kind)));
        ImGui::SameLine();
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(std::string(method_label(run.kind)).c_str());
        if (!run.error.empty()) Tooltip(run.error.c_str());
        if (run.query && !run.query->warnings.empty()) {
            std::string text;
            for (const auto& w : run.query->warnings) text += (text.empty() ? "" : "\n") + w;
            ImGui::SameLine(0, 4.0f * s);
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kWarningColor), "!");
            Tooltip(text.c_str());
        }
        if (!run.query) {
            ImGui::TableNextColumn();
            ImGui::PushStyleColor(ImGuiCol_Text, kErrorColor);
            ImGui::TextUnformatted(run.error.c_str());
            ImGui::PopStyleColor();
            continue;
        }
        const AttentionResult& r = *run.query;
        const AttentionMetrics& m = r.metrics;
        ImGui::TableNextColumn();
        if (m.argmax_error == 0)
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kOkColor), "%s", grouped(m.argmax_distance).c_str());
        else
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kWarningColor), "%s (%s)",
                               grouped(m.argmax_distance).c_str(), grouped(m.argmax_error).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(fmt(m.target_weight, 3).c_str());
        ImGui::TableNextColumn();
        ImGui::Text("%s%s", m.peak_width_truncated ? ">" : "", fmt(m.peak_width, 3).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(fmt(m.entropy, 3).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(fmt(m.side_peak_ratio, 3).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(
            std::isfinite(m.adjacent_distinguishability) ? fmt(m.adjacent_distinguishability, 3).c_str() : "-");
        ImGui::TableNextColumn();
        ImGui::Text("%.2f", run.query_ms);
        char detail[256];
        std::snprintf(detail, sizeof detail,
                      "query: %.3f ms on %d thread%s (%s), metrics %.3f ms\nresolution curve: %.1f ms for %zu points",
                      run.query_ms, r.threads, r.threads == 1 ? "" : "s", r.isa.c_str(), r.metrics_ms,
                      run.resolution_ms, run.curve ? run.curve->points.size() : std::size_t{0});
        Tooltip(detail);
        ImGui::TableNextColumn();
        ImGui::Text("%.2f", r.gflops);
    }
    ImGui::EndTable();
    ImGui::PopStyleVar();
}

// ---------------------------------------------------------------------------------------------
// Plots

// The strip above a plot: its name (and extra controls), Fit and Export at the right.
template <typename Extra>
void PlotToolbar(App& app, const char* title, PlotWidget& widget, PlotView& view, const char* export_name,
                 Extra extra) {
    const float s = UiScale();
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(4.0f * s, 1.0f * s));
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(8.0f * s, 2.0f * s));
    const float right_width = fit_export_buttons_width();
    const float start_x = ImGui::GetCursorPosX();
    const float full = ImGui::GetContentRegionAvail().x;
    ImGui::AlignTextToFramePadding();
    ImGui::PushFont(app.fonts.ui_bold);
    ImGui::TextUnformatted(title);
    ImGui::PopFont();
    extra();
    ImGui::SameLine(start_x + full - right_width);
    FitExportButtons(app, view, widget, export_name);
    ImGui::PopStyleVar(2);
}

// A bordered cell with a toolbar and a plot filling the rest; `empty` (if not null) replaces the plot.
template <typename Extra>
void PlotCell(App& app, const char* id, ImVec2 size, const char* title, PlotWidget& widget, PlotView& view,
              const Figure& figure, std::uint64_t generation, const char* export_name, const PlotHooks& hooks,
              const std::string& empty, const std::string& overlay, Extra extra) {
    const float s = UiScale();
    ImGui::PushID(id);
    ImGui::PushStyleColor(ImGuiCol_ChildBg, to_imvec4(dark_theme().background));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(4.0f * s, 4.0f * s));
    ImGui::BeginChild("##cell", size, true, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    PlotToolbar(app, title, widget, view, export_name, extra);
    if (!empty.empty()) {
        ImGui::Dummy(ImVec2(0, 20.0f * s));
        ImGui::Indent(16.0f * s);
        MutedText(empty);
        ImGui::Unindent(16.0f * s);
    } else {
        const ImVec2 at = ImGui::GetCursorScreenPos();
        widget.Draw(title, figure, generation, view, ImGui::GetContentRegionAvail(), app.fonts, s, hooks);
        if (!overlay.empty()) {
            // A note over the plot's top-left corner (e.g. "updating 40%").
            const ImVec2 text = ImGui::CalcTextSize(overlay.c_str());
            const ImVec2 pad(6.0f * s, 3.0f * s);
            const ImVec2 p0(at.x + 64.0f * s, at.y + 6.0f * s);
            ImDrawList* dl = ImGui::GetWindowDrawList();
            dl->AddRectFilled(p0, ImVec2(p0.x + text.x + 2 * pad.x, p0.y + text.y + 2 * pad.y),
                              IM_COL32(30, 34, 42, 230), 3.0f * s);
            dl->AddText(ImVec2(p0.x + pad.x, p0.y + pad.y), kWarningColor, overlay.c_str());
        }
    }
    ImGui::EndChild();
    ImGui::PopStyleVar();
    ImGui::PopStyleColor();
    ImGui::PopID();
}

PlotHooks logits_hooks(AttentionPanel& p) {
    PlotHooks hooks;
    hooks.gpu_heatmap = [&p](int panel) { return panel == 0 && p.heatmap.Ready() && p.heatmap.HasTexture(); };
    hooks.draw_heatmap = [&p](ImDrawList* dl, int, const PanelLayout& layout, ImVec2 origin, const Heatmap& map) {
        p.heatmap.Draw(dl, layout, origin, map);
    };
    hooks.heatmap_readout = [&p](int, double x, double y) {
        if (!p.output || p.logits_index < 0) return std::string();
        const LogitGrid& g = p.output->grids[static_cast<std::size_t>(p.logits_index)];
        if (g.keys.empty() || g.queries.empty()) return std::string();
        const auto n = static_cast<std::int64_t>(std::llround(x)), m = static_cast<std::int64_t>(std::llround(y));
        const std::int64_t col = n - g.keys.front(), row = m - g.queries.front();
        std::string text =
            "query m = " + grouped(m) + ", key n = " + grouped(n) + "\ndistance m - n = " + grouped(m - n);
        if (col < 0 || row < 0 || col >= static_cast<std::int64_t>(g.keys.size()) ||
            row >= static_cast<std::int64_t>(g.queries.size()))
            return text;
        const float v = g.logits[static_cast<std::size_t>(row) * g.keys.size() + static_cast<std::size_t>(col)];
        if (std::isnan(v)) return text + "\nmasked: the key comes after the query (causal attention)";
        text += "\nlogit = " + fmt(v, 4);
        if (m - n == p.output->options.target_distance) text += "   (distance D: the target diagonal)";
        return text;
    };
    return hooks;
}

}  // namespace

bool attention_panel_jobs_running(const App& app) { return app.attention_panel && app.attention_panel->worker.Busy(); }

void draw_attention_panel(App& app) {
    if (!app.attention_panel) return;
    AttentionPanel& p = *app.attention_panel;
    update(app, p);
    const float s = UiScale();
    const float gap = 6.0f * s;
    const ImVec2 avail = ImGui::GetContentRegionAvail();

    // --- Top: settings (with the status line) and the metrics table.
    const bool wide = avail.x >= 1120.0f * s;
    const int setting_columns = wide ? 2 : std::clamp(static_cast<int>(avail.x / (270.0f * s)), 2, 4);
    const int setting_rows =
        (kSettingCount + setting_columns - 1) / setting_columns + (kSettingCount % setting_columns ? 0 : 1);
    const float settings_h = p.settings_height > 0
                                 ? p.settings_height
                                 : static_cast<float>(setting_rows) * (ImGui::GetFrameHeight() + 4.0f * s) + 16.0f * s;
    // Table: a header and one row per method (at most 7 rows before it scrolls).
    const std::size_t methods = std::clamp<std::size_t>(p.output ? p.output->runs.size() : app.entries.size(), 2, 7);
    const float table_h = ImGui::GetTextLineHeight() + 6.0f * s +
                          static_cast<float>(methods) * (ImGui::GetFrameHeight() + 6.0f * s) + 14.0f * s;
    const float settings_w = wide ? std::floor(std::clamp(avail.x * 0.42f, 500.0f * s, 600.0f * s)) : avail.x;

    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(8.0f * s, 6.0f * s));
    const float top_h = wide ? std::max(settings_h, table_h) : settings_h;
    ImGui::BeginChild("##att_settings", ImVec2(settings_w, top_h), true, ImGuiWindowFlags_NoScrollbar);
    DrawSettings(app, p, setting_columns);
    DrawStatus(p);
    p.settings_height =
        std::floor(ImGui::GetCursorPosY() + ImGui::GetStyle().WindowPadding.y - ImGui::GetStyle().ItemSpacing.y + 2.0f);
    ImGui::EndChild();
    if (wide) ImGui::SameLine(0, gap);
    const bool have_error = p.output && !p.output->error.empty();
    if (wide || !have_error) {
        ImGui::BeginChild("##att_table", ImVec2(wide ? 0.0f : avail.x, wide ? top_h : table_h), true);
        if (have_error) {
            ErrorText(p.output->error);
        } else if (!p.output || p.output->runs.empty()) {
            MutedText(app.entries.empty() ? "No method computes: enable a method on the left." : "Computing...");
        } else {
            DrawTable(p);
        }
        ImGui::EndChild();
    }
    ImGui::PopStyleVar();

    // --- Below: the plots.
    const float rest = ImGui::GetContentRegionAvail().y;
    if (have_error) {
        ErrorText(p.output->error);
        MutedText("Fix the setting above (Ctrl+click a slider to type a value; 'auto' restores the default).");
        return;
    }
    const float plots_h = std::max(200.0f * s, rest);
    const float row1_h = std::floor((plots_h - gap) * 0.5f);
    const float row2_h = plots_h - gap - row1_h;
    const float heatmap_w = std::floor(std::clamp(avail.x * 0.36f, 300.0f * s, 560.0f * s));
    const float window_w = avail.x - heatmap_w - gap;

    const bool have = p.output.has_value() && !p.output->runs.empty();
    const std::string waiting =
        app.entries.empty() ? "No method computes: enable a method on the left." : "Computing...";
    PlotCell(app, "window", ImVec2(window_w, row1_h), "Attention weights", p.window_widget, app.state.view.plots["attention.window"],
             have ? p.output->window_figure : Figure{}, p.figure_generation, "attention-window", PlotHooks{},
             have ? "" : waiting, "", [] {});
    ImGui::SameLine(0, gap);

    std::string logits_empty = !have ? waiting : "";
    if (have && p.logits_index >= 0 && !p.output->grids[static_cast<std::size_t>(p.logits_index)].error.empty())
        logits_empty = p.output->grids[static_cast<std::size_t>(p.logits_index)].error;
    const PlotHooks hooks = logits_hooks(p);
    PlotCell(app, "logits", ImVec2(heatmap_w, row1_h), "Logits", p.logits_widget, app.state.view.plots["attention.logits"], p.logits_figure,
             p.logits_generation, "attention-logits", hooks, logits_empty, "", [&] {
                 if (!have) return;
                 ImGui::SameLine();
                 ImGui::SetNextItemWidth(std::min(150.0f * s, ImGui::GetContentRegionAvail().x - 90.0f * s));
                 const auto& grids = p.output->grids;
                 const int shown = std::max(0, p.logits_index);
                 const std::string current(method_label(grids[static_cast<std::size_t>(shown)].kind));
                 if (ImGui::BeginCombo("##logits_method", current.c_str())) {
                     for (std::size_t k = 0; k < grids.size(); ++k)
                         if (ImGui::Selectable(std::string(method_label(grids[k].kind)).c_str(),
                                               static_cast<int>(k) == shown))
                             p.settings.heatmap_method = std::string(method_name(grids[k].kind));
                     ImGui::EndCombo();
                 }
                 Tooltip(
                     "The method whose logits q_m . k_n are shown: 64 query positions (the last is the query) "
                     "against 128 keys around the target. RoPE logits depend on m - n only, so equal distances "
                     "form diagonals; the target's diagonal is m - n = D. Keys after a query are masked (causal). "
                     "Drawn by a fragment shader from a float texture uploaded once per result.");
             });

    std::string overlay;
    if (p.resolution_stale && p.worker.Busy()) {
        char text[64];
        std::snprintf(text, sizeof text, "updating: %.0f%%", 100.0 * p.worker.Progress());
        overlay = text;
    } else if (p.resolution_stale) {
        overlay = "older settings (cancelled)";
    }
    const bool have_curves = !p.resolution_figure.panels.empty();
    PlotCell(app, "resolution", ImVec2(avail.x, row2_h), "Resolution against distance", p.resolution_widget,
             app.state.view.plots["attention.resolution"], p.resolution_figure, p.resolution_generation, "attention-resolution", PlotHooks{},
             have_curves                ? ""
             : p.worker.Busy()          ? "Computing the resolution curves..."
             : p.user_cancelled && have ? "Cancelled: press Run above to compute the resolution curves."
                                        : waiting,
             overlay, [&] {
                 if (!have) return;
                 ImGui::SameLine();
                 ImGui::PushStyleColor(ImGuiCol_Text, kMutedColor);
                 ImGui::TextUnformatted("one query over all N keys per distance; positions 0 .. N-1, the query at N-1");
                 ImGui::PopStyleColor();
             });
}

}  // namespace ropescope::gui
