// The formula panel: the selected method's formula with the current numbers filled in.
#include <string>

#include "app.h"
#include "formula.h"
#include "ropescope/color.h"
#include "widgets.h"

namespace ropescope::gui {

void draw_formula_panel(App& app) {
    // The selected method's result, or the first enabled one.
    const PlotEntry* entry = nullptr;
    for (const auto& e : app.entries)
        if (static_cast<int>(e.result.kind) == app.state.view.selected_method) entry = &e;
    if (!entry && !app.entries.empty()) entry = &app.entries.front();

    ImGui::AlignTextToFramePadding();
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(143, 193, 255, 255));
    ImGui::TextUnformatted("Formula");
    ImGui::PopStyleColor();
    ImGui::SameLine();
    ImGui::SetNextItemWidth(-1.0f);
    const std::string current = entry ? std::string(method_label(entry->result.kind)) : std::string("(no method)");
    if (ImGui::BeginCombo("##formula_method", current.c_str())) {
        for (const auto& e : app.entries) {
            const int k = static_cast<int>(e.result.kind);
            if (ImGui::Selectable(std::string(method_label(e.result.kind)).c_str(), entry == &e))
                app.state.view.selected_method = k;
        }
        ImGui::EndCombo();
    }
    Tooltip("The method whose formula is shown (click a method's name in the list to choose it too).");
    ImGui::Separator();
    if (!entry) {
        MutedText("Enable a method to see its formula.");
        return;
    }
    ImGui::BeginChild("##formula_text", ImVec2(0, 0), false);
    const ImU32 color = to_imu32(method_color(entry->result.kind));
    ImGui::PushStyleColor(ImGuiCol_Text, color);
    ImGui::TextUnformatted(legend_label(entry->result).c_str());
    ImGui::PopStyleColor();
    ImGui::PushFont(app.fonts.mono);
    ImGui::PushTextWrapPos(0.0f);
    for (const auto& line : formula_lines(entry->result)) {
        switch (line.kind) {
            case FormulaLine::Kind::Heading:
                ImGui::PopFont();
                ImGui::Spacing();
                ImGui::PushStyleColor(ImGuiCol_Text, kMutedColor);
                ImGui::TextUnformatted(line.text.c_str());
                ImGui::PopStyleColor();
                ImGui::PushFont(app.fonts.mono);
                break;
            case FormulaLine::Kind::Formula: ImGui::TextUnformatted(line.text.c_str()); break;
            case FormulaLine::Kind::Note:
                ImGui::PushStyleColor(ImGuiCol_Text, kMutedColor);
                ImGui::TextUnformatted(line.text.c_str());
                ImGui::PopStyleColor();
                break;
            case FormulaLine::Kind::Warning:
                ImGui::PushStyleColor(ImGuiCol_Text, kWarningColor);
                ImGui::TextUnformatted(line.text.c_str());
                ImGui::PopStyleColor();
                break;
        }
    }
    ImGui::PopTextWrapPos();
    ImGui::PopFont();
    ImGui::EndChild();
}

}  // namespace ropescope::gui
