#include "widgets.h"

#include <algorithm>

#include "style.h"

namespace ropescope::gui {

namespace {
float g_scale = 1.0f;
}

float UiScale() { return g_scale; }
void SetUiScale(float scale) { g_scale = scale; }

void Tooltip(const char* text) {
    if (!ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) return;
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 28.0f);
    ImGui::TextUnformatted(text);
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
}

void RowLabel(const char* label, const char* tooltip, float label_width) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(label);
    if (tooltip) Tooltip(tooltip);
    ImGui::SameLine(label_width * g_scale);
    ImGui::SetNextItemWidth(-1.0f);
}

bool SliderDoubleLog(const char* id, double* value, double min, double max, const char* format) {
    return ImGui::SliderScalar(id, ImGuiDataType_Double, value, &min, &max, format,
                               ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_NoRoundToFormat);
}

bool SliderDouble(const char* id, double* value, double min, double max, const char* format) {
    return ImGui::SliderScalar(id, ImGuiDataType_Double, value, &min, &max, format, ImGuiSliderFlags_NoRoundToFormat);
}

bool SliderInt64Log(const char* id, std::int64_t* value, std::int64_t min, std::int64_t max, const char* format) {
    static_assert(sizeof(std::int64_t) == sizeof(ImS64));
    ImS64 v = static_cast<ImS64>(*value);
    const ImS64 lo = static_cast<ImS64>(min), hi = static_cast<ImS64>(max);
    const bool changed = ImGui::SliderScalar(id, ImGuiDataType_S64, &v, &lo, &hi, format, ImGuiSliderFlags_Logarithmic);
    if (changed) *value = static_cast<std::int64_t>(v);
    return changed;
}

bool InputInt64(const char* id, std::int64_t* value) {
    ImS64 v = static_cast<ImS64>(*value);
    const ImS64 step = 1, step_fast = 1024;
    const bool changed = ImGui::InputScalar(id, ImGuiDataType_S64, &v, &step, &step_fast, "%lld");
    if (changed) *value = static_cast<std::int64_t>(v);
    return changed;
}

void ColorSwatch(ImU32 color, float size) {
    if (size <= 0) size = ImGui::GetTextLineHeight() * 0.8f;
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    const float pad = (ImGui::GetFrameHeight() - size) * 0.5f;
    ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(pos.x, pos.y + pad), ImVec2(pos.x + size, pos.y + pad + size),
                                              color, 2.0f * g_scale);
    ImGui::Dummy(ImVec2(size, ImGui::GetFrameHeight()));
}

void ErrorText(const std::string& text) {
    ImGui::PushStyleColor(ImGuiCol_Text, kErrorColor);
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(text.c_str());
    ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
}

void WarningText(const std::string& text) {
    ImGui::PushStyleColor(ImGuiCol_Text, kWarningColor);
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(text.c_str());
    ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
}

void MutedText(const std::string& text) {
    ImGui::PushStyleColor(ImGuiCol_Text, kMutedColor);
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(text.c_str());
    ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
}

void SectionHeading(const char* text) {
    ImGui::Spacing();
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(143, 193, 255, 255));
    ImGui::TextUnformatted(text);
    ImGui::PopStyleColor();
    ImGui::Separator();
}

}  // namespace ropescope::gui
