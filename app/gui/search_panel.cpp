// The LongRoPE search panel (Search tab): the search's settings, Start/Stop with a progress bar,
// the fitness per generation and the best factors so far plotted live (against PI, NTK-aware,
// YaRN and Phi-3's published long factors), the fitness terms of the result against the seeds,
// and "Use these factors", which makes the result the lab's LongRoPE method.
// The search runs on SearchWorker's thread (search_worker.h); this file only draws.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "app.h"
#include "export_actions.h"
#include "plot_cell.h"
#include "formula.h"
#include "ropescope/color.h"
#include "ropescope/engines.h"
#include "ropescope/hf_config.h"
#include "ropescope/validate.h"
#include "search_worker.h"
#include "widgets.h"

namespace ropescope::gui {

struct SearchPanel {
    SearchSettings settings;
    SearchWorker worker;
    SearchSettings run_settings;           // what the last run was started with (caption, table)
    SearchSnapshot snap;                   // the worker's latest snapshot
    std::uint64_t snap_version = 0;
    std::vector<FactorReference> references;  // Phi-3's published long factors (any length)
    std::string references_error;             // a preset could not be read
    // Figures, rebuilt when the snapshot or the setup they show changes.
    Figure factors, fitness;
    std::string figures_key;
    std::uint64_t figures_generation = 0;
    PlotWidget factors_widget, fitness_widget;
    bool first_draw = true;

    ~SearchPanel() {  // app_shutdown: cancel and join a running search
        worker.Stop();
        worker.Wait();
    }
};

namespace {

constexpr const char* kSettingsKey = "search";

// ---------------------------------------------------------------------------------------------
// Helpers

void save_settings(App& app, const SearchPanel& p) {
    app.state.view.panel_settings[kSettingsKey] = search_settings_to_json(p.settings);
}

// Phi-3's long factors from the bundled presets (the same files the CLI's --svg uses).
void load_references(App& app, SearchPanel& p) {
    const std::pair<const char*, const char*> presets[] = {
        {"phi-3-mini-128k-instruct", "Phi-3-mini-128k long_factor"},
        {"phi-3.5-mini-instruct", "Phi-3.5-mini long_factor"}};
    for (const auto& [stem, label] : presets) {
        std::string path;
        for (const auto& preset : app.presets)
            if (preset.stem == stem) path = preset.path;
        if (path.empty()) {
            p.references_error = std::string("preset ") + stem + ".json not found in " +
                                 (app.presets_dir.empty() ? "assets/presets" : app.presets_dir);
            continue;
        }
        auto config = load_hf_config(path);
        if (!config) {
            p.references_error = config.error().message;
            continue;
        }
        if (const auto* m = std::get_if<LongRopeMethod>(&config->method))
            p.references.push_back(FactorReference{label, m->long_factor});
    }
}

// Same rotary frequencies (what the factors were searched for).
bool same_rotary(const RopeSetup& a, const RopeSetup& b) {
    return a.num_pairs() == b.num_pairs() && a.rope_theta == b.rope_theta &&
           a.original_max_position_embeddings == b.original_max_position_embeddings && a.factor == b.factor;
}

std::string setup_summary(const RopeSetup& s) {
    char text[256];
    std::snprintf(text, sizeof text, "d %d (%d pairs), b %s\nL %s -> L' %s (s = %s)", s.rotary_dim(), s.num_pairs(),
                  fmt(s.rope_theta).c_str(), fmt(static_cast<double>(s.original_max_position_embeddings)).c_str(),
                  fmt(static_cast<double>(s.target_context())).c_str(), fmt(s.factor).c_str());
    return text;
}

// The CLI command that reproduces the run (the figures' caption).
std::string cli_command(const RopeSetup& setup, const SearchSettings& s) {
    char text[512];
    std::snprintf(text, sizeof text,
                  "ropescope-cli search --head-dim %d --original-max-position-embeddings %lld --factor %s "
                  "--rope-theta %s --seed %llu --iterations %d --population %d --parents %d --mutations %d "
                  "--crossovers %d --weight-range %s --weight-fidelity %s --weight-width %s",
                  setup.rotary_dim(), static_cast<long long>(setup.original_max_position_embeddings),
                  fmt(setup.factor, 8).c_str(), fmt(setup.rope_theta, 8).c_str(),
                  static_cast<unsigned long long>(s.seed), s.iterations, s.population, s.parents, s.mutations,
                  s.crossovers, fmt(s.weights.range, 8).c_str(), fmt(s.weights.fidelity, 8).c_str(),
                  fmt(s.weights.width, 8).c_str());
    return text;
}

void start_search(App& app, SearchPanel& p) {
    const RopeSetup setup = search_setup(p.settings, app.state.lab.setup);
    if (!p.worker.Start(setup, search_options(p.settings))) return;
    p.run_settings = p.settings;
    for (const char* id : {"search.factors", "search.fitness"}) {  // a new run: fit its data
        PlotView& view = app.state.view.plots[id];
        view.x.reset();
        view.y.reset();
        ++view.version;
    }
}

// Takes the worker's snapshot if it changed; rebuilds the figures if what they show changed.
void refresh(App& app, SearchPanel& p) {
    if (p.worker.Version() != p.snap_version) {
        p.snap_version = p.worker.Version();
        p.snap = p.worker.Snapshot();
    }
    const bool has_run = p.snap.running || p.snap.has_best;
    const RopeSetup setup = has_run ? p.snap.setup : search_setup(p.settings, app.state.lab.setup);
    // The caption names the run's settings; the settings edited since show up at the next run.
    std::string key = std::to_string(p.snap_version) + "|" + std::to_string(setup.num_pairs()) + "|" +
                      fmt(setup.rope_theta, 12) + "|" + std::to_string(setup.original_max_position_embeddings) + "|" +
                      fmt(setup.factor, 12);
    if (key == p.figures_key) return;
    p.figures_key = std::move(key);
    const std::string caption = has_run ? cli_command(setup, p.run_settings) : "";
    p.factors = longrope_factors_figure(setup, p.snap.result, p.references, caption);
    if (!p.snap.has_best)  // before the first generation: the seeds and references only
        for (auto& panel : p.factors.panels)
            std::erase_if(panel.series, [](const Series& s) { return s.method == "longrope"; });
    p.fitness = longrope_fitness_figure(p.snap.result, caption);
    ++p.figures_generation;
}

// ---------------------------------------------------------------------------------------------
// Settings

bool IntRow(const char* label, const char* id, const char* tooltip, int& value, int min, int max, float label_width,
            const char* format = "%d") {
    RowLabel(label, tooltip, label_width);
    const bool changed = ImGui::DragInt(id, &value, 0.25f, min, max, format, ImGuiSliderFlags_AlwaysClamp);
    Tooltip(tooltip);
    return changed;
}

bool WeightRow(const char* label, const char* id, const char* tooltip, double& value, float label_width) {
    RowLabel(label, tooltip, label_width);
    const double lo = 0, hi = kSearchMaxWeight;
    const float speed = static_cast<float>(std::max(0.01, std::abs(value) * 0.01));
    const bool changed = ImGui::DragScalar(id, ImGuiDataType_Double, &value, speed, &lo, &hi, "%.4g",
                                           ImGuiSliderFlags_AlwaysClamp);
    Tooltip(tooltip);
    return changed;
}

// A two-state segmented button; returns true when clicked.
bool Segment(const char* label, bool active, float width) {
    const ImGuiStyle& style = ImGui::GetStyle();
    ImGui::PushStyleColor(ImGuiCol_Button, style.Colors[active ? ImGuiCol_ButtonActive : ImGuiCol_FrameBg]);
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, style.Colors[ImGuiCol_ButtonHovered]);
    const bool clicked = ImGui::Button(label, ImVec2(width, 0));
    ImGui::PopStyleColor(2);
    return clicked;
}

void SetupColumn(App& app, SearchPanel& p, bool running) {
    SectionHeading("Setup searched");
    const float half = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
    ImGui::BeginDisabled(running);
    if (Segment("Lab setup", p.settings.setup == SearchSetupSource::Lab, half)) {
        p.settings.setup = SearchSetupSource::Lab;
        save_settings(app, p);
    }
    Tooltip("Search on the lab's current rotary setup (head_dim, rope_theta, L and s from the control panel).");
    ImGui::SameLine();
    if (Segment("Phi-3 setup", p.settings.setup == SearchSetupSource::Phi3, half)) {
        p.settings.setup = SearchSetupSource::Phi3;
        save_settings(app, p);
    }
    Tooltip("Search on Phi-3-mini's setup: head_dim 96, rope_theta 10000, L 4096, s 32 (L' 131072), so the result "
            "compares like for like with Phi-3's published long factors. The lab's setup is not changed (\"Use these "
            "factors\" offers to switch it).");
    ImGui::EndDisabled();
    const RopeSetup setup = search_setup(p.settings, app.state.lab.setup);
    ImGui::PushStyleColor(ImGuiCol_Text, kMutedColor);
    ImGui::TextUnformatted(setup_summary(setup).c_str());
    ImGui::PopStyleColor();
    ImGui::BeginDisabled(running);
    RowLabel("seed", nullptr, 58.0f);
    ImU64 seed = p.settings.seed;
    const ImU64 step = 1;
    if (ImGui::InputScalar("##seed", ImGuiDataType_U64, &seed, &step, nullptr, "%llu")) {
        p.settings.seed = seed;
        save_settings(app, p);
    }
    Tooltip("Seed of the random generator (std::mt19937_64): the same seed gives the same factors, whatever the "
            "number of threads.\nCLI: --seed.");
    ImGui::EndDisabled();
}

void SearchColumn(App& app, SearchPanel& p, bool running) {
    SectionHeading("Evolution");
    SearchSettings& o = p.settings;
    bool changed = false;
    const float label_width = 82.0f;
    ImGui::BeginDisabled(running);
    if (ImGui::BeginTable("##evo", 2, ImGuiTableFlags_None)) {
        ImGui::TableNextColumn();
        ImGui::PushItemWidth(-1);
        changed |= IntRow("iterations", "##iterations",
                          "Generations after the initial one; each keeps the best `parents` and adds "
                          "`mutations` + `crossovers` children.\nCLI: --iterations (default 40).",
                          o.iterations, 0, kSearchMaxIterations, label_width);
        changed |= IntRow("population", "##population",
                          "Size of the initial population: the PI, NTK-aware and YaRN seeds plus mutations of them.\n"
                          "CLI: --population (default 64).",
                          o.population, kSearchMinPopulation, kSearchMaxPopulation, label_width);
        changed |= IntRow("parents", "##parents",
                          "Survivors kept each generation (elitist: the best is never lost).\nCLI: --parents "
                          "(default 32; at most the population).",
                          o.parents, kSearchMinParents, std::max(kSearchMinParents, o.population), label_width);
        ImGui::TableNextColumn();
        changed |= IntRow("mutations", "##mutations",
                          "Children by mutation per generation: a random run of pairs moves by +-k * 0.01, "
                          "monotonicity restored; n_hat may move to a neighbouring choice.\nCLI: --mutations "
                          "(default 16).",
                          o.mutations, 0, kSearchMaxChildren, label_width);
        changed |= IntRow("crossovers", "##crossovers",
                          "Children by crossover per generation: each pair's factor from one of two parents, then a "
                          "running max keeps the factors non-decreasing.\nCLI: --crossovers (default 16).",
                          o.crossovers, 0, kSearchMaxChildren, label_width);
        char threads_format[64];
        std::snprintf(threads_format, sizeof threads_format, "%s",
                      o.threads == 0 ? "all cores" : "%d");
        changed |= IntRow("threads", "##threads",
                          "Threads evaluating the candidates' fitness in parallel (0: every hardware thread). The "
                          "result does not depend on it.\nCLI: --threads.",
                          o.threads, 0, kSearchMaxThreads, label_width, threads_format);
        ImGui::PopItemWidth();
        ImGui::EndTable();
    }
    ImGui::EndDisabled();
    if (changed) {
        o = clamp_search_settings(o);
        save_settings(app, p);
    }
}

void WeightsColumn(App& app, SearchPanel& p, bool running) {
    SectionHeading("Fitness weights (lower fitness is better)");
    FitnessWeights& w = p.settings.weights;
    bool changed = false;
    const float label_width = 92.0f;
    ImGui::BeginDisabled(running);
    changed |= WeightRow("range  w_R", "##w_range",
                         "R, leaving the trained range: for every pair that never completed a turn in training "
                         "(L theta_i < 2 pi), how far its largest angle at L' exceeds the largest angle seen in "
                         "training, in log terms: sum max(0, ln(L' theta_i / lambda_i) - ln(L theta_i)). PI costs 0; "
                         "plain RoPE and NTK-aware pay.\nCLI: --weight-range (default 1).",
                         w.range, label_width);
    changed |= WeightRow("fidelity  w_F", "##w_fidelity",
                         "F, short-range logit fidelity: the mean squared difference between the candidate's and the "
                         "original RoPE's logit (identical q and k) for distances 1..L/4 and several key positions, "
                         "n_hat rule included. Interpolating the fast pairs blurs nearby positions and costs here.\n"
                         "CLI: --weight-fidelity (default 20).",
                         w.fidelity, label_width);
    changed |= WeightRow("width  w_W", "##w_width",
                         "W, attention peak broadening: from the attention kernel (one query, 512 keys, a head that "
                         "attends D tokens back), mean over D = 8, 64, 256 of max(0, ln(FWHM / FWHM of plain RoPE)).\n"
                         "CLI: --weight-width (default 0.5).",
                         w.width, label_width);
    ImGui::EndDisabled();
    ImGui::PushStyleColor(ImGuiCol_Text, kMutedColor);
    ImGui::Text("fitness = %s R + %s F + %s W", fmt(w.range, 4).c_str(), fmt(w.fidelity, 4).c_str(),
                fmt(w.width, 4).c_str());
    ImGui::PopStyleColor();
    const FitnessWeights d;
    if (w.range != d.range || w.fidelity != d.fidelity || w.width != d.width) {
        ImGui::SameLine();
        ImGui::BeginDisabled(running);
        if (ImGui::SmallButton("defaults")) {
            w = d;
            changed = true;
        }
        ImGui::EndDisabled();
        Tooltip("Back to the default weights 1, 20, 0.5 (docs/longrope.md).");
    }
    if (changed) {
        p.settings = clamp_search_settings(p.settings);
        save_settings(app, p);
    }
}

// ---------------------------------------------------------------------------------------------
// Actions

void use_factors(App& app, const SearchPanel& p) {
    const SearchSnapshot& snap = p.snap;
    LabState& lab = app.state.lab;
    const bool switch_setup = !same_rotary(lab.setup, snap.setup);
    if (switch_setup) {
        lab.setup = snap.setup;
        if (lab.setup.seq_len == 0) lab.setup.seq_len = lab.setup.target_context();
        lab.model_name.clear();
    }
    MethodSlot& m = slot(lab, MethodKind::LongRope);
    m.enabled = true;
    m.method = to_longrope_method(snap.result);
    app.state.view.selected_method = static_cast<int>(MethodKind::LongRope);
    app.longrope_note.clear();
    const RopeSetup& u = snap.setup;
    std::string message = "LongRoPE now uses the searched factors (n_hat " + std::to_string(snap.result.best.n_hat) +
                          ", fitness " + fmt(snap.result.best.fitness, 4) +
                          ").\nlong_factor = searched, short_factor = 1; every plot in the RoPE plots tab shows it.";
    if (switch_setup)
        message += "\nThe lab's setup was switched to the searched one: head_dim " + std::to_string(u.head_dim) +
                   ", rope_theta " + fmt(u.rope_theta) + ", L " +
                   fmt(static_cast<double>(u.original_max_position_embeddings)) + ", s " + fmt(u.factor) + ".";
    if (lab.setup.seq_len > 0 && lab.setup.seq_len <= lab.setup.original_max_position_embeddings)
        message += "\nseq_len <= L: HF picks short_factor (all ones); raise seq_len above L to see the long factors.";
    app.toasts.Info(message);
}

void save_json(App& app, const SearchPanel& p) {
    const std::string path = export_directory(app) + "/longrope-search.json";
    const Status status = write_text_atomic(path, to_hf_json(p.snap.setup, to_longrope_method(p.snap.result)));
    if (!status) app.toasts.Error("Could not save the factors: " + status.error().message);
    else app.toasts.Info("Wrote the rope_scaling block (long_factor = searched) to " + path);
}

std::string progress_text(const SearchPanel& p, double live_ms) {
    const SearchSnapshot& s = p.snap;
    char text[256];
    const double elapsed_s = (s.running ? std::max(live_ms, s.elapsed_ms) : s.elapsed_ms) / 1000.0;
    if (!s.running && !s.finished) return "not run yet";
    if (!s.error.empty()) return "the search refused its input";
    if (s.iteration < 0) {
        std::snprintf(text, sizeof text, "evaluating generation 0 ...   %.2f s", elapsed_s);
        return text;
    }
    const char* state = s.running ? "generation" : s.result.cancelled ? "stopped at generation" : "done:";
    std::snprintf(text, sizeof text, "%s %d/%d   best %s   %.2f s", state, s.iteration, s.iterations,
                  fmt(s.best_fitness, 4).c_str(), elapsed_s);
    return text;
}

void ActionBar(App& app, SearchPanel& p, const Status& valid) {
    const float s = UiScale();
    const SearchSnapshot& snap = p.snap;
    const bool running = snap.running;
    const ImGuiStyle& style = ImGui::GetStyle();
    const float button_w = 88.0f * s;
    if (!running) {
        ImGui::BeginDisabled(!valid);
        ImGui::PushStyleColor(ImGuiCol_Button, IM_COL32(46, 112, 70, 255));
        ImGui::PushStyleColor(ImGuiCol_ButtonHovered, IM_COL32(58, 138, 86, 255));
        ImGui::PushStyleColor(ImGuiCol_ButtonActive, IM_COL32(70, 160, 100, 255));
        if (ImGui::Button("Start", ImVec2(button_w, 0))) start_search(app, p);
        ImGui::PopStyleColor(3);
        ImGui::EndDisabled();
        Tooltip("Run the search with these settings on a worker thread; the plots update after every generation.");
    } else {
        ImGui::PushStyleColor(ImGuiCol_Button, IM_COL32(150, 60, 52, 255));
        ImGui::PushStyleColor(ImGuiCol_ButtonHovered, IM_COL32(178, 72, 62, 255));
        ImGui::PushStyleColor(ImGuiCol_ButtonActive, IM_COL32(200, 84, 72, 255));
        if (ImGui::Button("Stop", ImVec2(button_w, 0))) p.worker.Stop();
        ImGui::PopStyleColor(3);
        Tooltip("Stop before the next generation; the best candidate so far is kept.");
    }
    ImGui::SameLine();
    const char* use_label = "Use these factors";
    const char* save_label = "Save rope_scaling JSON";
    const float right = ImGui::CalcTextSize(use_label).x + ImGui::CalcTextSize(save_label).x +
                        style.FramePadding.x * 4 + style.ItemSpacing.x * 2;
    const float bar_w = std::max(120.0f * s, ImGui::GetContentRegionAvail().x - right);
    float fraction = 0;
    if (snap.running || snap.finished)
        fraction = snap.iterations >= 0 ? static_cast<float>(snap.iteration + 1) / static_cast<float>(snap.iterations + 1)
                                        : 0.0f;
    if (snap.finished && !snap.result.cancelled && snap.error.empty()) fraction = 1;
    ImGui::PushStyleColor(ImGuiCol_PlotHistogram, to_imvec4(method_color(MethodKind::LongRope)));
    ImGui::ProgressBar(std::clamp(fraction, 0.0f, 1.0f), ImVec2(bar_w, ImGui::GetFrameHeight()),
                       progress_text(p, running ? p.worker.RunningMs() : 0).c_str());
    ImGui::PopStyleColor();
    if (ImGui::IsItemHovered() && snap.has_best) {
        char text[256];
        std::snprintf(text, sizeof text,
                      "%d fitness evaluations on %d thread%s; generation 0 is the initial population (seeds and "
                      "their mutations).",
                      p.settings.population + snap.iteration * (p.settings.mutations + p.settings.crossovers),
                      snap.result.threads, snap.result.threads == 1 ? "" : "s");
        Tooltip(text);
    }
    ImGui::SameLine();
    const bool has_best = snap.has_best && snap.error.empty();
    const bool switch_setup = has_best && !same_rotary(app.state.lab.setup, snap.setup);
    ImGui::BeginDisabled(!has_best);
    if (ImGui::Button(use_label)) use_factors(app, p);
    ImGui::EndDisabled();
    if (switch_setup)
        Tooltip("Make the best factors so far the lab's LongRoPE method (enabled and selected), shown by every plot.\n"
                "The search ran on another setup than the lab's: the lab's setup is switched to it too, since the "
                "factors only mean something for the frequencies they were searched on.");
    else
        Tooltip("Make the best factors so far the lab's LongRoPE method (enabled and selected in the formula panel): "
                "long_factor = the searched factors, short_factor = all ones, n_hat = the searched value. Every plot "
                "shows it.");
    ImGui::SameLine();
    ImGui::BeginDisabled(!has_best);
    if (ImGui::Button(save_label)) save_json(app, p);
    ImGui::EndDisabled();
    Tooltip("Write the HF config fragment (head_dim, rope_theta, max_position_embeddings, rope_scaling with rope_type "
            "longrope, long_factor, short_factor, n_hat) to longrope-search.json in the export directory, as "
            "`ropescope-cli search --out` does. `--config` and File > Open read it back.");
}

// ---------------------------------------------------------------------------------------------
// Plots and table

void TermsRow(const char* label, ImU32 color, std::int64_t n_hat, const FitnessTerms& t, const FitnessTerms* best,
              bool bold, const Fonts& fonts) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ColorSwatch(color);
    ImGui::SameLine();
    if (bold && fonts.ui_bold) ImGui::PushFont(fonts.ui_bold);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(label);
    if (bold && fonts.ui_bold) ImGui::PopFont();
    auto cell = [](const std::string& text) {
        ImGui::TableNextColumn();
        const float w = ImGui::CalcTextSize(text.c_str()).x;
        ImGui::SetCursorPosX(ImGui::GetCursorPosX() + ImGui::GetContentRegionAvail().x - w);
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(text.c_str());
    };
    cell(n_hat >= 0 ? std::to_string(n_hat) : "-");
    cell(fmt(t.range, 3));
    cell(fmt(t.fidelity, 3));
    cell(fmt(t.width, 3));
    cell(fmt(t.total, 4));
    if (best && best->total > 0) {
        const double ratio = t.total / best->total;
        char text[32];
        if (t.total == best->total) std::snprintf(text, sizeof text, "1");
        else if (ratio >= 100) std::snprintf(text, sizeof text, "x %.0f", ratio);
        else std::snprintf(text, sizeof text, "x %s", fmt(ratio, 3).c_str());
        cell(text);
    }
    else cell("");
}

void TermsTable(App& app, SearchPanel& p) {
    const SearchSnapshot& snap = p.snap;
    const FitnessWeights& w = snap.running || snap.finished ? p.run_settings.weights : p.settings.weights;
    char heading[160];
    std::snprintf(heading, sizeof heading, "Fitness terms: best so far against the seeds (fitness = %s R + %s F + %s W)",
                  fmt(w.range, 4).c_str(), fmt(w.fidelity, 4).c_str(), fmt(w.width, 4).c_str());
    SectionHeading(heading);
    if (snap.result.seeds.empty() && !snap.has_best) {
        MutedText("Start a search: the table compares the best candidate with its PI, NTK-aware and YaRN seeds, "
                  "term by term (R leaving the trained range, F short-range fidelity, W attention width).");
        return;
    }
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                                  ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_PadOuterX;
    if (!ImGui::BeginTable("##terms", 7, flags)) return;
    ImGui::TableSetupColumn("candidate", ImGuiTableColumnFlags_WidthStretch, 1.9f);
    ImGui::TableSetupColumn("n_hat", ImGuiTableColumnFlags_WidthStretch, 0.6f);
    ImGui::TableSetupColumn("R range", ImGuiTableColumnFlags_WidthStretch, 0.9f);
    ImGui::TableSetupColumn("F fidelity", ImGuiTableColumnFlags_WidthStretch, 1.1f);
    ImGui::TableSetupColumn("W width", ImGuiTableColumnFlags_WidthStretch, 0.9f);
    ImGui::TableSetupColumn("fitness", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableSetupColumn("vs best", ImGuiTableColumnFlags_WidthStretch, 0.8f);
    // Header, right-aligned over the numbers.
    ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
    const char* headers[] = {"candidate", "n_hat", "R range", "F fidelity", "W width", "fitness", "vs best"};
    const char* tips[] = {
        "The best candidate so far and the three seeds it started from (as entered into the population: snapped to "
        "the 0.01 grid, made non-decreasing).",
        "Positions m < n_hat keep the original angle m theta_i (the LongRoPE paper's rule).",
        "R: log excess of the largest angle at L' over the trained one, summed over the pairs that never turned in "
        "training.",
        "F: mean squared logit difference to the original RoPE over distances 1..L/4.",
        "W: attention peak broadening against plain RoPE (attention kernel, D = 8, 64, 256).",
        "The weighted sum (lower is better).",
        "Fitness relative to the best candidate."};
    for (int c = 0; c < 7; ++c) {
        ImGui::TableSetColumnIndex(c);
        if (c > 0) {
            const float wtext = ImGui::CalcTextSize(headers[c]).x;
            ImGui::SetCursorPosX(ImGui::GetCursorPosX() + ImGui::GetContentRegionAvail().x - wtext);
        }
        ImGui::PushStyleColor(ImGuiCol_Text, kMutedColor);
        ImGui::TextUnformatted(headers[c]);
        ImGui::PopStyleColor();
        Tooltip(tips[c]);
    }
    const FitnessTerms* best = snap.has_best ? &snap.result.best_terms : nullptr;
    if (best)
        TermsRow(snap.running ? "best so far" : "searched", to_imu32(method_color(MethodKind::LongRope)),
                 snap.result.best.n_hat, *best, best, true, app.fonts);
    for (const auto& seed : snap.result.seeds)
        TermsRow((seed.label + " seed").c_str(), to_imu32(method_color(seed.kind)), 0, seed.terms, best, false,
                 app.fonts);
    ImGui::EndTable();
}

void NotesColumn(App& app, SearchPanel& p) {
    SectionHeading("Reading it");
    const SearchSnapshot& snap = p.snap;
    const bool has_run = snap.running || snap.has_best;
    const RopeSetup setup = has_run ? snap.setup : search_setup(p.settings, app.state.lab.setup);
    const int pairs = setup.num_pairs();
    std::vector<std::string> hidden;
    for (const auto& ref : p.references)
        if (static_cast<int>(ref.factors.size()) != pairs) hidden.push_back(ref.label);
    if (!p.references_error.empty()) WarningText("Phi-3 reference missing: " + p.references_error);
    if (!hidden.empty()) {
        WarningText("Phi-3's published long factors are hidden: they have " +
                    std::to_string(p.references.front().factors.size()) + " pairs (head_dim 96), this setup has " +
                    std::to_string(pairs) + ". Click \"Phi-3 setup\" to compare like for like.");
    } else if (!p.references.empty()) {
        MutedText("Grey dashed / dotted: Phi-3's published long factors, searched on real perplexity. They exceed "
                  "1 + s for the slowest pairs, outside this search's space [1, 1 + s].");
    }
    ImGui::Spacing();
    MutedText("Pairs right of the r < 1 line never turned in training: R pushes them to s, F keeps the faster pairs "
              "near 1. A proxy, not perplexity: change a weight and watch the step move.");
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Entry points

std::shared_ptr<SearchPanel> make_search_panel(App& app) {
    auto p = std::make_shared<SearchPanel>();
    const auto it = app.state.view.panel_settings.find(kSettingsKey);
    if (it != app.state.view.panel_settings.end()) p->settings = search_settings_from_json(it->second);
    load_references(app, *p);
    return p;
}

bool search_panel_jobs_running(const App& app) { return app.search_panel && app.search_panel->worker.Running(); }

void draw_search_panel(App& app) {
    if (!app.search_panel) return;
    SearchPanel& p = *app.search_panel;
    const float s = UiScale();
    // Autostart (screenshots, demos): the first time the panel is drawn; synchronous when the app
    // waits for its results (--screenshot), so the picture shows the finished run.
    if (p.first_draw) {
        p.first_draw = false;
        if (p.settings.autostart) start_search(app, p);
    }
    if (app.sync_compute && p.worker.Running()) p.worker.Wait();
    refresh(app, p);

    const RopeSetup setup = search_setup(p.settings, app.state.lab.setup);
    const Status valid = validate_search(setup, search_options(p.settings));
    const bool running = p.snap.running;
    const float gap = 6.0f * s;
    const ImVec2 avail = ImGui::GetContentRegionAvail();

    // Settings: three columns in a framed strip.
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(10.0f * s, 4.0f * s));
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(6.0f * s, 4.0f * s));
    const float row = ImGui::GetFrameHeightWithSpacing();
    const float settings_h = std::floor(row * 3 + ImGui::GetTextLineHeightWithSpacing() * 2 + 18.0f * s);
    ImGui::BeginChild("##search_settings", ImVec2(avail.x, settings_h), true, ImGuiWindowFlags_NoScrollbar);
    if (ImGui::BeginTable("##settings_cols", 3, ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp)) {
        ImGui::TableSetupColumn("setup", ImGuiTableColumnFlags_WidthStretch, 0.9f);
        ImGui::TableSetupColumn("evolution", ImGuiTableColumnFlags_WidthStretch, 1.25f);
        ImGui::TableSetupColumn("weights", ImGuiTableColumnFlags_WidthStretch, 1.0f);
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        SetupColumn(app, p, running);
        ImGui::TableNextColumn();
        SearchColumn(app, p, running);
        ImGui::TableNextColumn();
        WeightsColumn(app, p, running);
        ImGui::EndTable();
    }
    ImGui::EndChild();
    ImGui::PopStyleVar(2);

    // Start/Stop, progress, actions.
    ActionBar(app, p, valid);
    if (!valid) ErrorText(valid.error().message);
    if (!p.snap.error.empty()) ErrorText(p.snap.error);

    // Plots (factors, the figure that matters, wider) over the table and notes.
    const float table_rows = 5;
    const float bottom_h = std::floor(ImGui::GetTextLineHeightWithSpacing() * 1.6f +
                                      ImGui::GetFrameHeightWithSpacing() * table_rows + 10.0f * s);
    const ImVec2 rest = ImGui::GetContentRegionAvail();
    const float plots_h = std::max(220.0f * s, rest.y - bottom_h - gap);
    const float factors_w = std::floor((rest.x - gap) * 0.58f);
    const float fitness_w = rest.x - gap - factors_w;
    const bool has_run = p.snap.running || p.snap.has_best;
    PlotCell(app, "factors", "longrope-factors", p.factors, p.figures_generation, p.factors_widget, app.state.view.plots["search.factors"],
             ImVec2(factors_w, plots_h), nullptr);
    ImGui::SameLine(0, gap);
    PlotCell(app, "fitness", "longrope-fitness", p.fitness, p.figures_generation, p.fitness_widget, app.state.view.plots["search.fitness"],
             ImVec2(fitness_w, plots_h),
             has_run && !p.snap.result.best_per_generation.empty() ? nullptr
             : has_run                                             ? "Evaluating generation 0 ..."
                                                                   : "Press Start: best and mean fitness per generation");

    ImGui::BeginChild("##terms_cell", ImVec2(factors_w, 0), false, ImGuiWindowFlags_NoScrollbar);
    TermsTable(app, p);
    ImGui::EndChild();
    ImGui::SameLine(0, gap);
    ImGui::BeginChild("##notes_cell", ImVec2(fitness_w, 0), false);
    NotesColumn(app, p);
    ImGui::EndChild();
}

}  // namespace ropescope::gui
