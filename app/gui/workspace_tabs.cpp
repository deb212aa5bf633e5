// The strip of tabs above the main area: RoPE plots, attention kernel, LongRoPE search, engines,
// trained model.
// Drawn as buttons rather than an ImGui tab bar so that keyboard shortcuts and a loaded state
// switch the tab the same frame.
#include <imgui.h>

#include "app.h"
#include "widgets.h"

namespace ropescope::gui {

namespace {

const char* workspace_tooltip(Workspace workspace) {
    switch (workspace) {
        case Workspace::Plots:
            return "Wavelengths, frequency scale, ramp, decay, coverage and the rotation heatmap of every enabled "
                   "method (Ctrl+1).";
        case Workspace::Attention:
            return "The CPU attention kernel: how sharply one query can still single out the token D positions back, "
                   "for every enabled method (Ctrl+2).";
        case Workspace::Search:
            return "LongRoPE's evolutionary search for per-pair factors on a proxy fitness, next to Phi-3's published "
                   "factors (Ctrl+3).";
        case Workspace::Engines:
            return "What transformers, vLLM and llama.cpp compute from the current setting, and the setting written in "
                   "each engine's format (Ctrl+4).";
        case Workspace::Model:
            return "A small RoPE transformer trained on this machine: perplexity and passkey retrieval past its "
                   "training context for every method, training, fine-tuning and LongRoPE search on it (Ctrl+5).";
    }
    return "";
}

}  // namespace

void draw_workspace_tabs(App& app) {
    const float s = UiScale();
    const ImGuiStyle& style = ImGui::GetStyle();
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(12.0f * s, 4.0f * s));
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(2.0f * s, 0));
    ImGui::PushStyleVar(ImGuiStyleVar_FrameRounding, 3.0f * s);
    for (const Workspace workspace : kAllWorkspaces) {
        const bool active = app.state.view.workspace == workspace;
        ImGui::PushStyleColor(ImGuiCol_Button, style.Colors[active ? ImGuiCol_TabActive : ImGuiCol_Tab]);
        ImGui::PushStyleColor(ImGuiCol_ButtonHovered, style.Colors[ImGuiCol_TabHovered]);
        ImGui::PushStyleColor(ImGuiCol_ButtonActive, style.Colors[ImGuiCol_TabActive]);
        if (ImGui::Button(workspace_label(workspace))) app.state.view.workspace = workspace;
        ImGui::PopStyleColor(3);
        Tooltip(workspace_tooltip(workspace));
        ImGui::SameLine();
    }
    ImGui::NewLine();
    ImGui::PopStyleVar(3);
    // A line under the tabs, in the active tab's colour.
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddLine(p, ImVec2(p.x + ImGui::GetContentRegionAvail().x, p.y),
                                        ImGui::GetColorU32(ImGuiCol_TabActive), 2.0f * s);
    ImGui::Dummy(ImVec2(0, 4.0f * s));
}

}  // namespace ropescope::gui
