// File > Export > Animation: a plot over a sweep of one parameter, encoded on a thread of its own
// (render_sweep_animation of core/anim, the same code as `ropescope-cli export --animate`), with
// the plot as shown (hidden series, A/B comparison) and a progress bar with Cancel.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>

#include <imgui.h>

#include "app.h"
#include "export_actions.h"
#include "ropescope/animation.h"
#include "ropescope/export.h"
#include "ropescope/validate.h"
#include "ui_wake.h"
#include "widgets.h"

namespace ropescope::gui {

namespace fs = std::filesystem;

struct AnimationExport {
    // The dialog.
    bool open = false;
    std::string plot;
    int parameter = 0;  // index into sweep_parameters()
    double from = 1, to = 32;
    bool log = true;
    int frames = 60;
    int format = 0;     // AnimationFormat
    // The running job.
    std::thread thread;
    std::atomic<int> done{0}, total{0};
    std::atomic<bool> running{false}, cancel{false}, finished{false};
    std::mutex mutex;
    std::string message;  // the result, for a toast
    bool failed = false;

    ~AnimationExport() {
        cancel = true;
        if (thread.joinable()) thread.join();
    }
};

std::shared_ptr<AnimationExport> make_animation_export() { return std::make_shared<AnimationExport>(); }

void open_animation_dialog(App& app, const std::string& id) {
    AnimationExport& a = *app.animation;
    a.plot = id;
    a.open = true;
}

namespace {

void start(App& app) {
    AnimationExport& a = *app.animation;
    if (a.thread.joinable()) a.thread.join();
    auto sweep = parse_sweep(sweep_parameters()[static_cast<std::size_t>(a.parameter)] + "=" + format_number(a.from) + ":" +
                                 format_number(a.to) + (a.log ? ":log" : ":lin"),
                             a.frames);
    if (!sweep) {
        app.toasts.Error("Animation: " + sweep.error().message);
        return;
    }
    AnimationOptions o;
    o.format = static_cast<AnimationFormat>(a.format);
    o.width = app.state.view.export_width;
    o.height = app.state.view.export_height;
    o.theme = app.state.view.export_theme;
    const std::string dir = export_directory(app);
    std::error_code ec;
    fs::create_directories(dir, ec);
    const std::string path = (fs::path(dir) / (a.plot + "-" + sweep->parameter + "." +
                                               (o.format == AnimationFormat::Apng ? std::string("png")
                                                                                   : animation_format_name(o.format))))
                                 .string();
    // What the frames show: this plot as on screen (its comparison with A, its hidden series).
    const std::string id = a.plot;
    const std::optional<LabState> pinned = app.state.view.pinned_a;
    const CompareMode compare = app.state.view.compare;
    PlotView view = app.state.view.plots[id];
    view.x.reset();  // the sweep moves the data: the axes follow it (shared by every frame)
    view.y.reset();
    const FrameFigure figure_for = [id, pinned, compare, view](const LabState& state) -> Result<Figure> {
        std::vector<std::string> errors;
        const auto entries = compute_entries(state, &errors);
        if (!errors.empty()) return Error{"animate", errors.front()};
        std::vector<PlotEntry> entries_a;
        if (pinned) {
            entries_a = compute_entries(*pinned, nullptr);
            for (auto& e : entries_a) e.style = LineStyle::Dashed;
        }
        return without_hidden_series(
            apply_view(compose_figure(id, entries, pinned ? &entries_a : nullptr, state.plot, compare), view));
    };
    a.done = 0;
    a.total = sweep->frames;
    a.cancel = false;
    a.finished = false;
    a.running = true;
    a.thread = std::thread([&a, lab = app.state.lab, sweep = *sweep, figure_for, o, path] {
        const auto t0 = std::chrono::steady_clock::now();
        auto bytes = render_sweep_animation(lab, sweep, figure_for, o, [&a](int done, int) {
            a.done = done;
            wake_ui();  // the dialog's progress
            return !a.cancel.load();
        });
        std::string message;
        bool failed = false;
        if (!bytes) {
            message = "Animation: " + bytes.error().message;
            failed = !a.cancel;
        } else if (auto status = write_file_atomic(path, *bytes); !status) {
            message = "Animation: " + status.error().message;
            failed = true;
        } else {
            char took[32];
            std::snprintf(took, sizeof took, "%.1f s", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
            message = "Wrote " + path + " (" + std::to_string(sweep.frames) + " frames, " + took + ")";
        }
        std::lock_guard lock(a.mutex);
        a.message = message;
        a.failed = failed;
        a.finished = true;
        a.running = false;
        wake_ui();
    });
}

}  // namespace

bool animation_export_jobs_running(const App& app) {
    return app.animation && (app.animation->running.load() || app.animation->finished.load());
}

void draw_animation_dialog(App& app) {
    AnimationExport& a = *app.animation;
    if (a.finished.exchange(false)) {
        std::lock_guard lock(a.mutex);
        if (a.failed) app.toasts.Error(a.message);
        else app.toasts.Info(a.message);
    }
    if (a.running) {
        // Progress in the corner while it encodes; the lab stays usable.
        const ImGuiViewport* vp = ImGui::GetMainViewport();
        ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x * 0.5f, vp->WorkPos.y + 40.0f * UiScale()),
                                ImGuiCond_Always, ImVec2(0.5f, 0));
        ImGui::Begin("##animation_progress", nullptr,
                     ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings);
        ImGui::Text("Animating %s: frame %d of %d", a.plot.c_str(), a.done.load(), a.total.load());
        ImGui::ProgressBar(a.total > 0 ? static_cast<float>(a.done) / static_cast<float>(a.total) : 0.0f,
                           ImVec2(320.0f * UiScale(), 0));
        ImGui::SameLine();
        if (ImGui::Button("Cancel")) a.cancel = true;
        ImGui::End();
    }
    if (a.open) {
        ImGui::OpenPopup("Export animation");
        a.open = false;
    }
    ImGui::SetNextWindowSize(ImVec2(520.0f * UiScale(), 0));
    if (!ImGui::BeginPopupModal("Export animation", nullptr, ImGuiWindowFlags_NoSavedSettings)) return;
    TextWrappedWords("The " + a.plot + " plot as an animation: one frame per value of a parameter, with the value in "
                     "the frame's corner, on axes that stay still.");
    const auto& names = sweep_parameters();
    RowLabel("parameter", "What changes from frame to frame (a method's parameter needs its method enabled).", 120.0f);
    if (ImGui::BeginCombo("##param", names[static_cast<std::size_t>(a.parameter)].c_str())) {
        for (std::size_t i = 0; i < names.size(); ++i)
            if (ImGui::Selectable(names[i].c_str(), static_cast<int>(i) == a.parameter)) a.parameter = static_cast<int>(i);
        ImGui::EndCombo();
    }
    RowLabel("from", nullptr, 120.0f);
    ImGui::InputDouble("##from", &a.from, 0, 0, "%.6g");
    RowLabel("to", nullptr, 120.0f);
    ImGui::InputDouble("##to", &a.to, 0, 0, "%.6g");
    RowLabel("steps", "Geometric steps suit factors and bases (1, 2, 4 ... 32); even steps suit the rest.", 120.0f);
    ImGui::Checkbox("geometric (log)", &a.log);
    RowLabel("frames", nullptr, 120.0f);
    ImGui::InputInt("##frames", &a.frames);
    a.frames = std::clamp(a.frames, 2, 1000);
    RowLabel("format", nullptr, 120.0f);
    const char* formats[] = {"GIF", "APNG (animated PNG)", "MP4"};
    if (ImGui::BeginCombo("##format", formats[a.format])) {
        for (int f = 0; f < 3; ++f) {
            const bool available = animation_format_available(static_cast<AnimationFormat>(f));
            if (ImGui::Selectable(available ? formats[f] : "MP4 (not in this build: no libavcodec)", f == a.format,
                                  available ? 0 : ImGuiSelectableFlags_Disabled))
                a.format = f;
        }
        ImGui::EndCombo();
    }
    ImGui::TextDisabled("%d x %d px, %s theme, into %s (File > Export settings)", app.state.view.export_width,
                        app.state.view.export_height, theme_name(app.state.view.export_theme),
                        export_directory(app).c_str());
    ImGui::BeginDisabled(a.running);
    if (ImGui::Button("Export")) {
        start(app);
        ImGui::CloseCurrentPopup();
    }
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
}

}  // namespace ropescope::gui
