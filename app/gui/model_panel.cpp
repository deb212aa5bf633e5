// The Model tab: a small RoPE transformer trained on this machine, and every method applied to
// its weights. Top: the model, evaluation, training, fine-tuning and search settings with their
// buttons; then progress and Cancel; then perplexity against length (the methods' colours), the
// passkey heatmap (length x method), the loss curve of the last training run and the table.
// All work runs on ModelWorker's thread (model_worker.h) with the functions of the model engine,
// which ModelEngineLoader loads (LibTorch) after the first frame; until then the tab shows the
// model file's description and its cached evaluation. This file only draws.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include "app.h"
#include "export_actions.h"
#include "formula.h"
#include "model_engine_loader.h"
#include "model_worker.h"
#include "plot_cell.h"
#include "ropescope/color.h"
#include "ropescope/model/eval_report.h"
#include "ropescope/model/model_figures.h"
#include "ropescope/model/model_file.h"
#include "ropescope/text_input.h"
#include "ropescope/validate.h"
#include "widgets.h"

namespace ropescope::gui {

struct ModelPanel {
    ModelEngineLoader engine_loader;  // LibTorch, loaded after the first frame
    ModelSettings settings;
    ModelWorker worker;
    model::ModelInfo info;            // the model the tab works on: what its file says ...
    bool has_info = false;
    model::Model model;               // ... and its weights, once the engine has loaded them
    std::string weights_path;         // the file whose weights wait for the engine ("" : none waiting)
    std::string startup_file;         // the shipped model's file, not read yet ("" : read or none)
    bool eval_when_ready = false;     // evaluate as soon as the engine and the weights are there
    std::string model_label;          // its file name, or "trained in this session"
    std::string load_error;
    char path_buffer[1024] = {};
    model::EvalReport report;         // the last evaluation of `model`
    bool has_report = false;
    std::vector<double> losses;       // the last training or fine-tuning run
    std::string losses_title = "Training loss";
    ModelSnapshot snap;
    std::uint64_t snap_version = 0;
    ModelJob consumed_job = ModelJob::None;  // the finished job whose result was taken
    Figure perplexity, passkey, loss;
    std::uint64_t figures_generation = 0;
    PlotWidget perplexity_widget, passkey_widget, loss_widget;
    bool first_draw = true;
    float stacked_settings_h = 0;  // the settings' height two by two, measured at the last frame

    ~ModelPanel() {
        worker.Stop();
        worker.Wait();
    }
};

namespace {

constexpr const char* kSettingsKey = "model";

void save_settings(App& app, const ModelPanel& p) {
    app.state.view.panel_settings[kSettingsKey] = model_settings_to_json(p.settings);
}

void rebuild_figures(ModelPanel& p) {
    const std::string caption = "ropescope-cli model eval (" + p.model_label + ")";
    p.perplexity = model::perplexity_figure(p.report, caption);
    p.passkey = model::passkey_figure(p.report, caption);
    p.loss = model::loss_figure(p.losses, p.losses_title, p.model_label);
    ++p.figures_generation;
}

// The cached evaluation next to a model file (NAME.eval.json), if it belongs to this very file.
void load_cached_report(ModelPanel& p, const std::string& model_path) {
    std::string cache = model_path;
    if (cache.size() > 8 && cache.ends_with(".rsmodel")) cache.resize(cache.size() - 8);
    cache += ".eval.json";
    std::error_code ec;
    if (!std::filesystem::is_regular_file(cache, ec)) return;
    auto text = read_text_file(cache, std::size_t{1} << 20, "an evaluation report");
    if (!text) return;
    auto json = parse_json_text(*text, cache);
    if (!json) return;
    std::uint64_t checksum = 0;
    auto report = model::eval_report_from_json(*json, &checksum);
    if (!report || checksum != p.info.checksum) return;
    p.report = std::move(*report);
    p.has_report = true;
}

const model::ModelEngine* engine(const ModelPanel& p) { return p.engine_loader.Engine(); }

void adopt_model(ModelPanel& p, model::Model m) {
    p.model = std::move(m);
    p.info = p.model.info();
    p.has_info = true;
}

// Checks the file and shows what it says at once (no LibTorch needed); its weights are loaded by
// the engine, now if it is ready, else as soon as it is (load_waiting_weights). A file that fails
// the checks keeps the current model.
void load_model_file(App& app, ModelPanel& p, const std::string& path) {
    auto file = model::read_model_file(path);
    if (!file) {
        p.load_error = file.error().message;
        app.toasts.Error(file.error().message);
        return;
    }
    p.load_error.clear();
    p.info = std::move(file->info);
    p.has_info = true;
    p.model = {};
    p.weights_path = path;
    p.model_label = std::filesystem::path(path).filename().string();
    p.has_report = false;
    p.report = {};
    load_cached_report(p, path);
    rebuild_figures(p);
}

// The shipped model's file, which make_model_panel left for after the first frame.
void load_startup_file(App& app, ModelPanel& p) {
    if (p.startup_file.empty()) return;
    load_model_file(app, p, std::exchange(p.startup_file, ""));
}

void load_waiting_weights(App& app, ModelPanel& p) {
    const model::ModelEngine* e = engine(p);
    if (!e || p.weights_path.empty()) return;
    const std::string path = std::exchange(p.weights_path, "");
    auto m = e->load_model(path);
    if (!m) {  // changed on disk since it was read, for instance: say so where the model was shown
        p.load_error = m.error().message;
        p.has_info = false;
        app.toasts.Error(m.error().message);
        return;
    }
    const bool same_file = m->info().checksum == p.info.checksum;
    adopt_model(p, std::move(*m));
    if (!same_file) {
        p.has_report = false;
        load_cached_report(p, path);
        rebuild_figures(p);
    }
}

void start_eval(ModelPanel& p) {
    const model::ModelEngine* e = engine(p);
    if (!e || p.model.empty()) return;
    p.worker.StartEval(*e, p.model, p.settings.corpus,
                       eval_options(p.settings, p.model.shape().train_context, p.model.info().longrope));
}

void start_train(ModelPanel& p) {
    const model::ModelEngine* e = engine(p);
    if (!e) return;
    model::TrainOptions o;
    o.shape = p.settings.shape;
    o.recipe = p.settings.recipe;
    o.threads = p.settings.threads;
    if (p.worker.StartTrain(*e, p.settings.corpus, o)) {
        p.losses_title = "Training loss (new model)";
    }
}

void start_finetune(ModelPanel& p) {
    const model::ModelEngine* e = engine(p);
    if (!e || p.model.empty()) return;
    model::FinetuneOptions o;
    o.method = default_method(static_cast<MethodKind>(p.settings.finetune_method));
    o.factor = p.settings.finetune_factor;
    o.steps = p.settings.finetune_steps;
    o.threads = p.settings.threads;
    if (p.worker.StartFinetune(*e, p.model, p.settings.corpus, o))
        p.losses_title = "Fine-tuning loss (" + std::string(method_label(kind_of(o.method))) + ", s = " +
                         fmt(o.factor) + ")";
}

void start_search(ModelPanel& p) {
    const model::ModelEngine* e = engine(p);
    if (!e || p.model.empty()) return;
    model::ModelSearchOptions o;
    o.factor = p.settings.search_factor;
    o.search.iterations = p.settings.search_iterations;
    o.search.population = p.settings.search_population;
    o.search.parents = std::max(2, p.settings.search_population / 2);
    o.threads = p.settings.threads;
    p.worker.StartSearch(*e, p.model, p.settings.corpus, o);
}

// Takes the worker's snapshot; adopts a finished run's model and report.
void refresh(App& app, ModelPanel& p) {
    if (p.worker.Version() == p.snap_version) return;
    p.snap_version = p.worker.Version();
    p.snap = p.worker.Snapshot();
    bool rebuild = false;
    if (p.snap.job == ModelJob::Train || p.snap.job == ModelJob::Finetune) {
        p.losses = p.snap.losses;
        rebuild = true;
    }
    if (p.snap.finished && p.consumed_job == ModelJob::None) {
        p.consumed_job = p.snap.job;
        if (!p.snap.error.empty()) app.toasts.Error(std::string(model_job_name(p.snap.job)) + ": " + p.snap.error);
        if (p.snap.job == ModelJob::Eval && p.snap.has_report) {
            p.report = p.snap.report;
            p.has_report = true;
            rebuild = true;
        }
        if (auto m = p.worker.TakeModel()) {
            adopt_model(p, std::move(*m));
            if (p.snap.job == ModelJob::Search) {
                app.toasts.Info("LongRoPE factors searched on the model: perplexity " +
                                fmt(p.model.info().longrope->perplexity, 4) + " at " +
                                fmt(p.settings.search_factor * static_cast<double>(p.model.shape().train_context)) +
                                " tokens. The longrope method now uses them (enable it under Evaluate).");
                p.settings.methods[static_cast<std::size_t>(MethodKind::LongRope)] = true;
            } else {
                p.model_label = p.snap.job == ModelJob::Train ? "trained in this session" : p.model_label + " (fine-tuned)";
                p.has_report = false;
                start_eval(p);  // the new weights' curves
            }
        }
    }
    if (p.snap.running) p.consumed_job = ModelJob::None;
    if (rebuild) rebuild_figures(p);
}

// ---------------------------------------------------------------------------------------------
// Settings columns

bool IntField(const char* label, const char* id, const char* tip, int& v, int lo, int hi, float lw = 86.0f) {
    RowLabel(label, tip, lw);
    const bool changed = ImGui::DragInt(id, &v, 0.2f, lo, hi, "%d", ImGuiSliderFlags_AlwaysClamp);
    Tooltip(tip);
    return changed;
}

bool DoubleField(const char* label, const char* id, const char* tip, double& v, double lo, double hi,
                 const char* format = "%.4g", float lw = 86.0f) {
    RowLabel(label, tip, lw);
    const float speed = static_cast<float>(std::max(0.001, std::abs(v) * 0.01));
    const bool changed = ImGui::DragScalar(id, ImGuiDataType_Double, &v, speed, &lo, &hi, format,
                                           ImGuiSliderFlags_AlwaysClamp);
    Tooltip(tip);
    return changed;
}

void ModelColumn(App& app, ModelPanel& p, bool running) {
    SectionHeading("Model");
    if (!p.has_info) {
        ErrorText(p.load_error.empty() ? "No model loaded." : p.load_error);
    } else {
        const auto& i = p.info;
        const auto& s = i.shape;
        ImGui::TextUnformatted(p.model_label.c_str());
        ImGui::PushStyleColor(ImGuiCol_Text, kMutedColor);
        ImGui::Text("%d layers, d_model %d, %d heads (head_dim %d)", s.layers, s.d_model, s.heads, s.head_dim());
        ImGui::Text("L = %lld, rope_theta %s, %lld parameters", static_cast<long long>(s.train_context),
                    fmt(s.rope_theta).c_str(), static_cast<long long>(model::parameter_count(s)));
        ImGui::Text("%lld steps x %d, loss %.3f", static_cast<long long>(i.steps), i.recipe.batch, i.final_loss);
        for (const auto& f : i.finetunes)
            ImGui::Text("fine-tuned: %s, s = %s, %d steps", f.method.c_str(), fmt(f.factor).c_str(), f.steps);
        ImGui::PopStyleColor();
        Tooltip(("Trained on " + i.corpus + " with seed " + std::to_string(i.recipe.seed) + ".").c_str());
    }
    ImGui::BeginDisabled(running);
    ImGui::SetNextItemWidth(-60.0f * UiScale());
    ImGui::InputTextWithHint("##model_path", "model file (.rsmodel)", p.path_buffer, sizeof p.path_buffer);
    Tooltip("A model file written by 'ropescope-cli model train' or by Save below.");
    ImGui::SameLine();
    if (ImGui::Button("Load")) load_model_file(app, p, p.path_buffer);
    ImGui::BeginDisabled(p.model.empty());
    if (ImGui::Button("Save model")) {
        const std::string path = export_directory(app) + "/model.rsmodel";
        if (auto st = engine(p)->save_model(p.model, path); !st) app.toasts.Error(st.error().message);
        else app.toasts.Info("Wrote " + path + " (load it with 'ropescope-cli model eval --model " + path + "').");
    }
    ImGui::EndDisabled();
    Tooltip("Write the current model (e.g. after training or fine-tuning) to model.rsmodel in the export directory.");
    ImGui::EndDisabled();
}

// One method's checkbox with its colour; LongRoPE only once factors were searched on the model.
bool MethodCheckbox(const ModelPanel& p, ModelSettings& s, MethodKind k) {
    const bool longrope_missing = k == MethodKind::LongRope && !p.info.longrope;
    ImGui::PushID(static_cast<int>(k));
    ColorSwatch(to_imu32(method_color(k)));
    ImGui::SameLine();
    bool on = s.methods[static_cast<std::size_t>(k)];
    ImGui::BeginDisabled(longrope_missing);
    const bool changed = ImGui::Checkbox(std::string(method_name(k)).c_str(), &on);
    if (changed) s.methods[static_cast<std::size_t>(k)] = on;
    ImGui::EndDisabled();
    if (longrope_missing) Tooltip("LongRoPE needs per-pair factors: run \"Search factors on this model\" first.");
    else Tooltip(std::string(method_label(k)).c_str());
    ImGui::PopID();
    return changed;
}

// The methods to evaluate: three checkboxes a row when the column is wide enough for the longest
// name, else one drop-down list of the same checkboxes (a 1280 x 720 window), so no name runs under
// its neighbour.
bool MethodChoice(const ModelPanel& p, ModelSettings& s) {
    float widest = 0;
    for (const MethodKind k : kAllMethods)
        widest = std::max(widest, ImGui::CalcTextSize(std::string(method_name(k)).c_str()).x);
    const ImGuiStyle& style = ImGui::GetStyle();
    const float cell_need = ImGui::GetFrameHeight() * 2.0f + style.ItemSpacing.x * 2.0f + style.ItemInnerSpacing.x + widest;
    const float cell_w = std::floor(ImGui::GetContentRegionAvail().x / 3.0f);
    bool changed = false;
    if (cell_w >= cell_need) {
        int shown = 0;
        for (const MethodKind k : kAllMethods) {
            changed |= MethodCheckbox(p, s, k);
            if (++shown % 3 != 0) ImGui::SameLine(static_cast<float>(shown % 3) * cell_w);
        }
        if (shown % 3 != 0) ImGui::NewLine();
        return changed;
    }
    std::string chosen;
    for (const MethodKind k : kAllMethods)
        if (s.methods[static_cast<std::size_t>(k)]) chosen += (chosen.empty() ? "" : ", ") + std::string(method_name(k));
    RowLabel("methods", "The methods evaluated on the model.", 70);
    ImGui::SetNextItemWidth(-1);
    if (ImGui::BeginCombo("##eval_methods", chosen.empty() ? "none" : chosen.c_str(), ImGuiComboFlags_HeightLarge)) {
        for (const MethodKind k : kAllMethods) changed |= MethodCheckbox(p, s, k);
        ImGui::EndCombo();
    }
    Tooltip(chosen.empty() ? "No method chosen." : chosen.c_str());
    return changed;
}

void EvalColumn(App& app, ModelPanel& p, bool running) {
    SectionHeading("Evaluate");
    ModelSettings& s = p.settings;
    bool changed = false;
    ImGui::BeginDisabled(running);
    changed |= MethodChoice(p, s);
    changed |= IntField("up to xL", "##max_multiple", "Lengths L, 2L, 4L, ... up to this multiple of L.",
                        s.max_multiple, 1, 64);
    changed |= DoubleField("factor", "##factor", "Extension factor s; 0 = auto: s = max(1, T / L) for each length T.",
                           s.factor, 0.0, 1024.0, s.factor == 0 ? "auto" : "%.3g");
    ImGui::EndDisabled();
    if (changed) save_settings(app, p);
    ImGui::BeginDisabled(running || p.model.empty());
    if (ImGui::Button("Evaluate", ImVec2(-1, 0))) start_eval(p);
    ImGui::EndDisabled();
    Tooltip("Held-out perplexity (last quarter of each window) and passkey accuracy for every checked method at "
            "every length, on the model's held-out text. CLI: ropescope-cli model eval.");
}

void TrainColumn(App& app, ModelPanel& p, bool running) {
    SectionHeading("Train a new model");
    ModelSettings& s = p.settings;
    bool changed = false;
    ImGui::BeginDisabled(running);
    if (ImGui::BeginTable("##train", 2)) {
        ImGui::TableNextColumn();
        ImGui::PushItemWidth(-1);
        changed |= IntField("layers", "##layers", "Transformer blocks (--layers).", s.shape.layers, 1, model::kMaxLayers, 62);
        changed |= IntField("d_model", "##d_model", "Residual width (--d-model).", s.shape.d_model, 8, model::kMaxDModel, 62);
        changed |= IntField("heads", "##heads", "Attention heads; d_model / heads must be even (--heads).", s.shape.heads,
                            1, model::kMaxHeads, 62);
        int context = static_cast<int>(s.shape.train_context);
        if (IntField("context", "##context", "Training context L (--context).", context, 16,
                     static_cast<int>(model::kMaxTrainContext), 62)) {
            s.shape.train_context = context;
            changed = true;
        }
        ImGui::PopItemWidth();
        ImGui::TableNextColumn();
        ImGui::PushItemWidth(-1);
        if (IntField("steps", "##steps", "Optimizer steps (--steps).", s.recipe.steps, 1, 1000000, 48)) {
            // The copy warm-up must fit in the run: keep the recipe's share (200 of 1200) when it no longer does.
            if (s.recipe.copy_warmup_steps > s.recipe.steps) s.recipe.copy_warmup_steps = s.recipe.steps / 6;
            changed = true;
        }
        changed |= IntField("warm-up", "##copy_warmup",
                            "Steps at the start spent on copy rows only (a random string repeated), so that copying, "
                            "which passkey retrieval needs, forms first; at most the steps (--copy-warmup).",
                            s.recipe.copy_warmup_steps, 0, s.recipe.steps, 48);
        changed |= IntField("batch", "##batch", "Sequences per step (--batch).", s.recipe.batch, 1, 4096, 48);
        changed |= DoubleField("lr", "##lr", "Peak learning rate, AdamW with warm-up and cosine decay (--lr).",
                               s.recipe.learning_rate, 1e-5, 1.0, "%.2g", 48);
        int seed = static_cast<int>(s.recipe.seed);
        if (IntField("seed", "##seed", "Seed of weights, batches and passkeys (--seed).", seed, 0, 1 << 30, 48)) {
            s.recipe.seed = static_cast<std::uint64_t>(seed);
            changed = true;
        }
        ImGui::PopItemWidth();
        ImGui::EndTable();
    }
    // The corpus and Train share the last row (the table above has five rows).
    const float train_w = ImGui::CalcTextSize("Train").x + 2 * ImGui::GetStyle().FramePadding.x;
    char corpus[1024];
    std::snprintf(corpus, sizeof corpus, "%s", s.corpus.c_str());
    ImGui::SetNextItemWidth(std::max(1.0f, ImGui::GetContentRegionAvail().x - train_w - ImGui::GetStyle().ItemSpacing.x));
    if (ImGui::InputTextWithHint("##corpus", "corpus: /usr/include/eigen3/Eigen (default)", corpus, sizeof corpus)) {
        s.corpus = corpus;
        changed = true;
    }
    Tooltip("A text file or a folder of text files (--corpus); every 10th file is held out for evaluation. "
            "Empty: the Eigen headers.");
    ImGui::EndDisabled();
    if (changed) save_settings(app, p);
    ImGui::SameLine();
    ImGui::BeginDisabled(running || !engine(p));
    if (ImGui::Button("Train", ImVec2(train_w, 0))) start_train(p);
    ImGui::EndDisabled();
    Tooltip("Train a new model from scratch with these settings (the loss curve updates live; Cancel stops it and "
            "keeps the current model). CLI: ropescope-cli model train.");
}

void TuneColumn(App& app, ModelPanel& p, bool running) {
    SectionHeading("Fine-tune / search");
    ModelSettings& s = p.settings;
    bool changed = false;
    ImGui::BeginDisabled(running || p.model.empty());
    RowLabel("method", "The method the model is fine-tuned under.", 62);
    const std::string current(method_name(static_cast<MethodKind>(s.finetune_method)));
    if (ImGui::BeginCombo("##ft_method", current.c_str())) {
        for (const MethodKind k : kAllMethods) {
            if (k == MethodKind::LongRope) continue;
            if (ImGui::Selectable(std::string(method_name(k)).c_str(), static_cast<int>(k) == s.finetune_method)) {
                s.finetune_method = static_cast<int>(k);
                changed = true;
            }
        }
        ImGui::EndCombo();
    }
    ImGui::PushItemWidth(-1);
    changed |= DoubleField("factor", "##ft_factor", "Fine-tune at context s * L (--factor).", s.finetune_factor, 1.0, 64.0,
                           "%.3g", 62);
    changed |= IntField("steps", "##ft_steps", "Fine-tuning steps (--steps).", s.finetune_steps, 1, 100000, 62);
    ImGui::PopItemWidth();
    if (ImGui::Button("Fine-tune", ImVec2(-1, 0))) start_finetune(p);
    Tooltip("Continue training a copy of the model at s * L under the method (the PI and YaRN papers' recipe), then "
            "evaluate it. CLI: ropescope-cli model finetune.");
    ImGui::PushItemWidth(-1);
    changed |= DoubleField("search s", "##search_factor", "The search targets length s * L (--factor).",
                           s.search_factor, 1.01, 64.0, "%.3g", 62);
    ImGui::PopItemWidth();
    if (ImGui::Button("Search factors on this model", ImVec2(-1, 0))) start_search(p);
    Tooltip("LongRoPE's evolutionary search with the model's held-out perplexity at s * L as fitness (the paper's "
            "choice). The result becomes the longrope method's factors. CLI: ropescope-cli model search.");
    ImGui::EndDisabled();
    if (changed) save_settings(app, p);
}

std::string progress_text(const ModelPanel& p, float& fraction) {
    const ModelSnapshot& s = p.snap;
    char text[256];
    fraction = 0;
    if (p.engine_loader.Loading()) return "loading the model engine (LibTorch) ...";
    if (!engine(p)) return "the model engine is not available";
    if (s.job == ModelJob::None) return "ready";
    if (!s.error.empty()) return std::string(model_job_name(s.job)) + " refused its input";
    switch (s.job) {
        case ModelJob::Train:
        case ModelJob::Finetune:
            fraction = s.steps > 0 ? static_cast<float>(s.losses.size()) / static_cast<float>(s.steps) : 0;
            std::snprintf(text, sizeof text, "%s: step %zu/%d   loss %.3f   %.0f tokens/s   %.1f s", model_job_name(s.job),
                          s.losses.size(), s.steps, s.losses.empty() ? 0.0 : s.losses.back(), s.tokens_per_second,
                          s.elapsed_seconds);
            break;
        case ModelJob::Eval:
            fraction = s.points_total > 0 ? static_cast<float>(s.points_done) / static_cast<float>(s.points_total) : 0;
            std::snprintf(text, sizeof text, "evaluation: %d/%d points", s.points_done, s.points_total);
            break;
        case ModelJob::Search:
            fraction = s.generations > 0 ? static_cast<float>(s.generation + 1) / static_cast<float>(s.generations + 1) : 0;
            std::snprintf(text, sizeof text, "LongRoPE search: generation %d/%d   best perplexity %.3f",
                          std::max(0, s.generation), s.generations, s.best_perplexity);
            break;
        case ModelJob::None: break;
    }
    std::string out = text;
    if (!s.running) {
        if (s.cancelled) out += "   (cancelled)";
        else fraction = 1, out += "   (done)";
    }
    return out;
}

void ResultsTable(const ModelPanel& p) {
    SectionHeading("Perplexity per method and length (passkey accuracy)");
    if (!p.has_report) {
        MutedText("Press Evaluate: held-out perplexity and passkey accuracy per method per length.");
        return;
    }
    std::vector<std::int64_t> lengths;
    for (const auto& q : p.report.results)
        if (std::find(lengths.begin(), lengths.end(), q.length) == lengths.end()) lengths.push_back(q.length);
    const int cols = 1 + static_cast<int>(lengths.size());
    // Columns as wide as their contents; when they do not all fit, the table scrolls sideways
    // instead of cutting numbers.
    if (!ImGui::BeginTable("##results", cols,
                           ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingFixedFit |
                               ImGuiTableFlags_ScrollX))
        return;
    ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
    ImGui::TableNextColumn();
    MutedText("method");
    for (const auto T : lengths) {
        ImGui::TableNextColumn();
        MutedText("T = " + std::to_string(T));
    }
    MethodKind last = MethodKind::LongRope;
    bool first = true;
    for (const auto& q : p.report.results) {
        if (first || q.kind != last) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ColorSwatch(to_imu32(method_color(q.kind)));
            ImGui::SameLine();
            ImGui::TextUnformatted(std::string(method_name(q.kind)).c_str());  // short: the CLI's name
            Tooltip(std::string(method_label(q.kind)).c_str());
            last = q.kind;
            first = false;
        }
        ImGui::TableNextColumn();
        ImGui::Text("%.2f (%.0f%%)", q.perplexity, 100 * q.passkey_accuracy);
        Tooltip(("perplexity " + fmt(q.perplexity, 4) + ", passkey accuracy " + fmt(100 * q.passkey_accuracy, 3) +
                 "% over " + std::to_string(q.windows) + " windows, s = " + fmt(q.factor))
                    .c_str());
    }
    ImGui::EndTable();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Entry points

std::shared_ptr<ModelPanel> make_model_panel(App& app) {
    auto p = std::make_shared<ModelPanel>();
    const auto it = app.state.view.panel_settings.find(kSettingsKey);
    if (it != app.state.view.panel_settings.end()) p->settings = model_settings_from_json(it->second);
    const std::string path = model::default_model_path();
    if (path.empty()) {
        p->load_error = "The shipped model (assets/model/default.rsmodel) was not found; load one or train one.";
    } else {
        std::snprintf(p->path_buffer, sizeof p->path_buffer, "%s", path.c_str());
        p->startup_file = path;  // read after the first frame (load_startup_file): 1.7 MB, ~15 ms
    }
    rebuild_figures(*p);
    return p;
}

void start_model_engine(App& app) {
    if (!app.model_panel) return;
    load_startup_file(app, *app.model_panel);
    app.model_panel->engine_loader.Start();
}

bool model_engine_loaded(const App& app, double& seconds) {
    seconds = app.model_panel ? app.model_panel->engine_loader.LoadSeconds() : 0;
    return app.model_panel && app.model_panel->engine_loader.Started() && !app.model_panel->engine_loader.Loading();
}

void wait_for_model_engine(App& app) {
    if (app.model_panel) app.model_panel->engine_loader.Wait();
}

bool model_panel_jobs_running(const App& app) {
    return app.model_panel && (app.model_panel->worker.Running() || app.model_panel->engine_loader.Loading());
}

void draw_model_panel(App& app) {
    if (!app.model_panel) return;
    ModelPanel& p = *app.model_panel;
    const float s = UiScale();
    load_startup_file(app, p);  // if the first frame shows this tab, before main() asked
    p.engine_loader.Start();
    if (app.sync_compute) p.engine_loader.Wait();  // a screenshot shows the tab as it ends up
    if (p.first_draw) {
        p.first_draw = false;
        p.eval_when_ready = p.settings.autostart_eval || (!p.has_report && p.has_info);
    }
    load_waiting_weights(app, p);
    if (p.eval_when_ready && engine(p) && !p.model.empty()) {
        p.eval_when_ready = false;
        start_eval(p);
    }
    if (app.sync_compute && p.worker.Running()) p.worker.Wait();
    refresh(app, p);
    const bool running = p.snap.running;
    const float gap = 6.0f * s;

    // The four groups of settings side by side when the tab is wide enough for them, else two by
    // two (a small window, or scale 2); the tab scrolls when it is too short for them and the
    // plots at a readable height.
    const float settings_row_h =
        std::floor(ImGui::GetFrameHeightWithSpacing() * 6 + ImGui::GetTextLineHeightWithSpacing() * 1.5f + 14.0f * s);
    const float min_group_w = 215.0f * s, min_plots_h = 2 * 190.0f * s + gap;
    const int groups_per_row = ImGui::GetContentRegionAvail().x >= 4 * min_group_w ? 4 : 2;
    const float settings_h = groups_per_row == 4        ? settings_row_h
                             : p.stacked_settings_h > 0 ? p.stacked_settings_h
                                                        : settings_row_h * 2;
    const float needed_h = settings_h + ImGui::GetFrameHeightWithSpacing() * 2 + min_plots_h;
    const bool scrolls = ImGui::GetContentRegionAvail().y < needed_h;
    if (scrolls) ImGui::BeginChild("##model_scroll", ImGui::GetContentRegionAvail(), false);
    const ImVec2 avail = ImGui::GetContentRegionAvail();

    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(10.0f * s, 4.0f * s));
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(6.0f * s, 4.0f * s));
    ImGui::BeginChild("##model_settings", ImVec2(avail.x, settings_h), true, ImGuiWindowFlags_NoScrollbar);
    if (ImGui::BeginTable("##model_cols", groups_per_row, ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp)) {
        const float weights[4] = {1.0f, 1.15f, 1.2f, 0.9f};  // model, evaluate, train, fine-tune
        for (int c = 0; c < groups_per_row; ++c)
            ImGui::TableSetupColumn(nullptr, ImGuiTableColumnFlags_WidthStretch,
                                    groups_per_row == 4 ? weights[c] : 1.0f);
        const auto group = [&](auto draw) {
            ImGui::TableNextColumn();
            draw();
        };
        group([&] { ModelColumn(app, p, running); });
        group([&] { EvalColumn(app, p, running); });
        group([&] { TrainColumn(app, p, running); });
        group([&] { TuneColumn(app, p, running); });
        ImGui::EndTable();
        if (groups_per_row == 2) p.stacked_settings_h = std::ceil(ImGui::GetCursorPosY() + ImGui::GetStyle().WindowPadding.y);
    }
    ImGui::EndChild();
    ImGui::PopStyleVar(2);

    // Progress and Cancel.
    float fraction = 0;
    const std::string text = progress_text(p, fraction);
    // Red only while there is something to stop: a faded red button still read as "press me".
    ImGui::BeginDisabled(!running);
    if (running) ImGui::PushStyleColor(ImGuiCol_Button, IM_COL32(150, 60, 52, 255));
    if (ImGui::Button("Cancel", ImVec2(88.0f * s, 0))) p.worker.Stop();
    if (running) ImGui::PopStyleColor();
    ImGui::EndDisabled();
    Tooltip("Stop the running job before its next step; a cancelled training keeps the current model.");
    ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_PlotHistogram, to_imvec4(method_color(MethodKind::Yarn)));
    ImGui::ProgressBar(std::clamp(fraction, 0.0f, 1.0f), ImVec2(-1, ImGui::GetFrameHeight()), text.c_str());
    ImGui::PopStyleColor();
    if (!p.snap.error.empty()) ErrorText(p.snap.error);
    if (const std::string why = p.engine_loader.Error(); !why.empty()) ErrorText(why);

    // Figures: perplexity and passkey on top, loss and the table below.
    ImVec2 rest = ImGui::GetContentRegionAvail();
    rest.y = std::max(rest.y, min_plots_h);
    const float top_h = std::floor((rest.y - gap) * 0.58f);
    const float left_w = std::floor((rest.x - gap) * 0.55f);
    const float right_w = rest.x - gap - left_w;
    const char* waiting = p.has_report                    ? nullptr
                          : running                       ? "Evaluating ..."
                          : p.engine_loader.Loading()     ? "Loading the model engine (LibTorch) ..."
                          : p.eval_when_ready && engine(p) ? "Evaluating ..."
                                                          : "Press Evaluate";
    PlotCell(app, "perplexity", "model-perplexity", p.perplexity, p.figures_generation, p.perplexity_widget,
             app.state.view.plots["model.perplexity"], ImVec2(left_w, top_h), waiting);
    ImGui::SameLine(0, gap);
    PlotCell(app, "passkey", "model-passkey", p.passkey, p.figures_generation, p.passkey_widget,
             app.state.view.plots["model.passkey"], ImVec2(right_w, top_h), waiting);
    const float bottom_h = rest.y - top_h - ImGui::GetStyle().ItemSpacing.y;  // below the top row, as laid out
    PlotCell(app, "loss", "model-loss", p.loss, p.figures_generation, p.loss_widget, app.state.view.plots["model.loss"],
             ImVec2(left_w, bottom_h),
             p.losses.empty() ? "Train or fine-tune: the loss per step appears here, live" : nullptr);
    ImGui::SameLine(0, gap);
    ImGui::BeginChild("##model_table", ImVec2(right_w, bottom_h), false);
    ResultsTable(p);
    ImGui::EndChild();
    if (scrolls) ImGui::EndChild();
}

}  // namespace ropescope::gui
