// Presentation mode, for a projector: the light theme, large text, one or two chosen plots filling
// the window (each with its one-sentence caption from the core), and only the few sliders the
// teacher picked (View > Presentation). F5 enters and leaves it, Escape leaves it, and so does
// `ropescope --present` start in it.
#include <algorithm>
#include <string>

#include "app.h"
#include "export_actions.h"
#include "formula.h"
#include "widgets.h"

namespace ropescope::gui {

namespace {

// What a presentation slider edits, or null if its method is off (the slider is then left out).
struct SliderTarget {
    const char* label;  // as the teacher says it
    const char* tooltip;
};

SliderTarget slider_target(const std::string& id) {
    if (id == "factor") return {"factor s", "s = L\u2032 / L: how much longer the context becomes (HF: rope_scaling.factor)."};
    if (id == "rope_theta") return {"rope_theta b", "The base of the frequencies \u03b8\u1d62 = b^(\u22122i/d) (HF: rope_theta)."};
    if (id == "original_context") return {"context L", "The context the model was trained with."};
    if (id == "seq_len") return {"seq_len", "The current sequence length (dynamic methods, LongRoPE's list)."};
    if (id == "head_dim") return {"head_dim", "Per-head dimension: d/2 rotary pairs."};
    if (id == "beta_fast") return {"YaRN \u03b2_fast", "Rotations in L above which a pair is kept."};
    if (id == "beta_slow") return {"YaRN \u03b2_slow", "Rotations in L below which a pair is interpolated."};
    if (id == "alpha") return {"NTK-by-parts \u03b1", "Pairs with fewer rotations in L are interpolated."};
    if (id == "beta") return {"NTK-by-parts \u03b2", "Pairs with more rotations in L are kept."};
    if (id == "low_freq_factor") return {"Llama 3 low_freq_factor", "Wavelengths above L / this are divided by s."};
    if (id == "high_freq_factor") return {"Llama 3 high_freq_factor", "Wavelengths below L / this are kept."};
    return {"?", ""};
}

// The slider `id` over the lab; false if it does not apply (its method is not enabled).
bool PresentationSlider(App& app, const std::string& id) {
    LabState& lab = app.state.lab;
    RopeSetup& setup = lab.setup;
    const SliderTarget t = slider_target(id);
    const auto row = [&](auto&& slider) {
        ImGui::BeginGroup();
        ImGui::TextUnformatted(t.label);
        ImGui::SetNextItemWidth(-1.0f);
        slider();
        ImGui::EndGroup();
        Tooltip(t.tooltip);
        return true;
    };
    if (id == "factor") return row([&] { SliderDoubleLog("##p_factor", &setup.factor, 1.0, 512.0, "%.4g"); });
    if (id == "rope_theta") return row([&] { SliderDoubleLog("##p_theta", &setup.rope_theta, 100.0, 1e8, "%.6g"); });
    if (id == "original_context")
        return row([&] {
            std::int64_t L = setup.original_max_position_embeddings;
            if (SliderInt64Log("##p_L", &L, 256, 1 << 20)) setup.original_max_position_embeddings = std::max<std::int64_t>(1, L);
        });
    if (id == "seq_len")
        return row([&] {
            std::int64_t seq = setup.seq_len;
            if (SliderInt64Log("##p_seq", &seq, 1, kMaxContext)) setup.seq_len = std::max<std::int64_t>(1, seq);
        });
    if (id == "head_dim")
        return row([&] {
            std::int64_t d = setup.head_dim;
            if (SliderInt64Log("##p_head", &d, 16, 1024)) setup.head_dim = static_cast<int>(std::clamp<std::int64_t>(d / 2 * 2, 2, 65536));
        });
    MethodSlot& yarn = slot(lab, MethodKind::Yarn);
    if ((id == "beta_fast" || id == "beta_slow") && yarn.enabled) {
        auto& y = std::get<YarnMethod>(yarn.method);
        if (id == "beta_fast") return row([&] { SliderDoubleLog("##p_bf", &y.beta_fast, 1.0, 256.0, "%.4g"); });
        return row([&] { SliderDoubleLog("##p_bs", &y.beta_slow, 0.01, 64.0, "%.4g"); });
    }
    MethodSlot& parts = slot(lab, MethodKind::NtkByParts);
    if ((id == "alpha" || id == "beta") && parts.enabled) {
        auto& m = std::get<NtkByPartsMethod>(parts.method);
        if (id == "alpha") return row([&] { SliderDoubleLog("##p_a", &m.alpha, 0.01, 64.0, "%.4g"); });
        return row([&] { SliderDoubleLog("##p_b", &m.beta, 0.1, 512.0, "%.4g"); });
    }
    MethodSlot& llama = slot(lab, MethodKind::Llama3);
    if ((id == "low_freq_factor" || id == "high_freq_factor") && llama.enabled) {
        auto& m = std::get<Llama3Method>(llama.method);
        if (id == "low_freq_factor") return row([&] { SliderDoubleLog("##p_lf", &m.low_freq_factor, 0.1, 16.0, "%.4g"); });
        return row([&] { SliderDoubleLog("##p_hf", &m.high_freq_factor, 0.1, 64.0, "%.4g"); });
    }
    return false;
}

}  // namespace

void draw_presentation_menu(App& app) {
    PresentationSettings& p = app.state.view.presentation;
    if (ImGui::MenuItem("Presentation mode", "F5", p.active)) p.active = !p.active;
    Tooltip("For a projector: light theme, large text, the plots and sliders chosen below, a one-sentence caption "
            "per plot. F5 or Escape leaves it; ropescope --present starts in it.");
    if (ImGui::BeginMenu("Presentation plots (one or two)")) {
        for (const auto& id : plot_ids()) {
            auto it = std::find(p.plots.begin(), p.plots.end(), id);
            bool on = it != p.plots.end();
            if (ImGui::MenuItem(id.c_str(), nullptr, &on)) {
                if (!on && p.plots.size() > 1) p.plots.erase(it);
                else if (on) {
                    p.plots.push_back(id);
                    if (p.plots.size() > 2) p.plots.erase(p.plots.begin());  // the oldest choice gives way
                }
            }
        }
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Presentation sliders")) {
        for (const auto& id : presentation_slider_ids()) {
            auto it = std::find(p.sliders.begin(), p.sliders.end(), id);
            bool on = it != p.sliders.end();
            if (ImGui::MenuItem(slider_target(id).label, nullptr, &on)) {
                if (!on) p.sliders.erase(it);
                else if (p.sliders.size() < 6) p.sliders.push_back(id);
            }
        }
        ImGui::TextDisabled("up to six; a method's sliders show when it is enabled");
        ImGui::EndMenu();
    }
    ImGui::SetNextItemWidth(200.0f * UiScale());
    SliderFloatClear("presentation text", &p.text_scale, 1.0f, 3.0f, "%.2fx");
    Tooltip("Plot text in presentation mode, relative to the normal plot text size.");
}

void draw_presentation(App& app) {
    PresentationSettings& p = app.state.view.presentation;
    const float s = UiScale();
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(viewport->WorkPos);
    ImGui::SetNextWindowSize(viewport->WorkSize);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(10.0f * s, 8.0f * s));
    ImGui::Begin("##presentation", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse);
    ImGui::PopStyleVar();

    // The teacher's sliders in one row, then "Leave" at the right.
    std::vector<std::string> shown;
    const float leave_w = ImGui::CalcTextSize("Leave (F5)").x + ImGui::GetStyle().FramePadding.x * 2;
    const float avail = ImGui::GetContentRegionAvail().x - leave_w - ImGui::GetStyle().ItemSpacing.x * 2;
    const std::size_t n = std::max<std::size_t>(p.sliders.size(), 1);
    const float slot_w = std::min(avail / static_cast<float>(n) - ImGui::GetStyle().ItemSpacing.x * 2, 420.0f * s);
    int drawn = 0;
    for (const auto& id : p.sliders) {
        ImGui::PushID(id.c_str());
        ImGui::BeginChild("##slider", ImVec2(slot_w, ImGui::GetFrameHeightWithSpacing() * 2.1f), false,
                          ImGuiWindowFlags_NoScrollbar);
        const bool applies = PresentationSlider(app, id);
        ImGui::EndChild();
        ImGui::PopID();
        if (applies) {
            ++drawn;
            ImGui::SameLine(0, ImGui::GetStyle().ItemSpacing.x * 2);
        }
    }
    if (drawn == 0) {
        ImGui::AlignTextToFramePadding();
        ImGui::TextDisabled("Choose the sliders in View > Presentation sliders.");
        ImGui::SameLine();
    }
    ImGui::SetCursorPosX(ImGui::GetWindowContentRegionMax().x - leave_w);
    if (ImGui::Button("Leave (F5)")) p.active = false;
    Tooltip("Back to the lab (F5 or Escape).");

    // One or two plots filling the rest: side by side on a wide window, else one above the other.
    std::vector<std::string> plots;
    for (const auto& id : p.plots)
        if (app.plots.contains(id)) plots.push_back(id);
    if (plots.empty()) plots.push_back("decay");
    const ImVec2 area = ImGui::GetContentRegionAvail();
    const float gap = 10.0f * s;
    const bool side = plots.size() == 2 && area.x > area.y * 1.3f;
    const ImVec2 cell = plots.size() == 1 ? area
                        : side ? ImVec2(std::floor((area.x - gap) * 0.5f), area.y)
                               : ImVec2(area.x, std::floor((area.y - gap) * 0.5f));
    for (std::size_t i = 0; i < plots.size(); ++i) {
        if (i > 0 && side) ImGui::SameLine(0, gap);
        PlotSlot& slot = app.plots[plots[i]];
        PlotView& view = app.state.view.plots[plots[i]];
        ImGui::PushID(plots[i].c_str());
        slot.widget->SetBusy(app.applied_serial < app.serial);
        if (app.generation == 0) ImGui::Dummy(cell);
        else slot.widget->Draw(plots[i].c_str(), slot.figure, slot.generation, view, cell, app.fonts, s);
        ImGui::PopID();
    }
    ImGui::End();
    // A maximised plot fills the window below the sliders as well.
    PlotWidget::DrawMaximised(viewport->WorkPos, viewport->WorkSize, app.fonts, s);
}

}  // namespace ropescope::gui
