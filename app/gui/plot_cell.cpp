// A plot in a framed cell with its toolbar (plot_cell.h).
#include "plot_cell.h"

#include <imgui.h>

#include <algorithm>

#include "app.h"
#include "export_actions.h"
#include "style.h"
#include "widgets.h"

namespace ropescope::gui {

// A plot in a framed cell: a toolbar (hint, Fit, Export) over the plot widget.
void PlotCell(App& app, const char* id, const char* export_name, const Figure& figure, std::uint64_t generation,
              PlotWidget& widget, PlotView& view, ImVec2 size, const char* empty_text) {
    const float s = UiScale();
    ImGui::PushID(id);
    ImGui::PushStyleColor(ImGuiCol_ChildBg, to_imvec4(dark_theme().background));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(4.0f * s, 4.0f * s));
    ImGui::BeginChild("##cell", size, true, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(4.0f * s, 1.0f * s));
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(8.0f * s, 2.0f * s));
    const float right_width = fit_export_buttons_width();
    const float start_x = ImGui::GetCursorPosX();
    const float full = ImGui::GetContentRegionAvail().x;
    const float toolbar_y = ImGui::GetCursorPosY();
    // The hint where the toolbar has room for it beside the buttons (shorter, or none, in a narrow cell).
    const float room = full - right_width - ImGui::GetStyle().ItemSpacing.x;
    const bool zoomed = view.x || view.y;
    const char* hint = zoomed ? "zoomed: double-click or Fit to reset" : "wheel: zoom   drag: pan   legend: hide";
    if (ImGui::CalcTextSize(hint).x > room) hint = zoomed ? "zoomed" : "";
    if (ImGui::CalcTextSize(hint).x > room) hint = "";
    ImGui::PushStyleColor(ImGuiCol_Text, kMutedColor);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(hint);
    ImGui::PopStyleColor();
    const float after_y = ImGui::GetCursorPosY();
    ImGui::SetCursorPosY(toolbar_y);
    ImGui::SetCursorPosX(start_x + full - right_width);
    ImGui::BeginDisabled(empty_text != nullptr);  // nothing drawn yet: nothing to fit or export
    FitExportButtons(app, view, widget, export_name);
    ImGui::EndDisabled();
    ImGui::PopStyleVar(2);
    ImGui::SetCursorPosY(std::max(after_y, ImGui::GetCursorPosY()));
    const ImVec2 plot_size = ImGui::GetContentRegionAvail();
    if (empty_text) {
        const ImVec2 text_size = ImGui::CalcTextSize(empty_text);
        ImGui::SetCursorPos(ImVec2(std::max(0.0f, (size.x - text_size.x) * 0.5f), size.y * 0.45f));
        MutedText(empty_text);
    } else {
        widget.Draw(id, figure, generation, view, plot_size, app.fonts, s);
    }
    ImGui::EndChild();
    ImGui::PopStyleVar();
    ImGui::PopStyleColor();
    ImGui::PopID();
}

}  // namespace ropescope::gui
