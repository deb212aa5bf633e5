#include "widgets.h"

#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

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
    TextWrappedWords(text, ImGui::GetFontSize() * 28.0f);
    ImGui::EndTooltip();
}

void RowLabel(const char* label, const char* tooltip, float label_width) {
    ImGui::AlignTextToFramePadding();
    const float x0 = ImGui::GetCursorScreenPos().x;  // where the row starts (a window or a table cell)
    ImGui::TextUnformatted(label);
    if (tooltip) Tooltip(tooltip);
    // The field starts label_width after the row's start, unless the label (a larger font, a
    // narrow table column) is wider: then right after it, so the field never covers its letters.
    const float text_end = ImGui::CalcTextSize(label).x + ImGui::GetStyle().ItemInnerSpacing.x;
    ImGui::SameLine();
    ImGui::SetCursorScreenPos(ImVec2(x0 + std::max(label_width * g_scale, text_end), ImGui::GetCursorScreenPos().y));
    ImGui::SetNextItemWidth(-1.0f);
}

namespace {

// Where the grab sits, 0 (left) .. 1 (right), as ImGui places it.
double slider_ratio(double v, double lo, double hi, bool log) {
    if (!(hi > lo) || !std::isfinite(v)) return 0;
    v = std::clamp(v, lo, hi);
    if (log && lo > 0) return std::log(v / lo) / std::log(hi / lo);
    return (v - lo) / (hi - lo);
}

// Runs `slider` (an ImGui slider with id `id`) with its value text hidden, then writes `text` on
// the side of the frame away from the grab, so the handle never covers a digit. While the
// slider is being typed into (Ctrl+click) ImGui's own text field shows.
template <typename Slider>
bool SliderClearOfGrab(const char* id, double ratio, const char* text, Slider slider) {
    const ImGuiID item = ImGui::GetID(id);
    if (ImGui::TempInputIsActive(item)) return slider();
    const float frame_width = ImGui::CalcItemWidth();  // the item rect also spans a visible label
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(0, 0, 0, 0));
    const bool changed = slider();
    ImGui::PopStyleColor();
    const ImVec2 a = ImGui::GetItemRectMin();
    const ImVec2 b(a.x + frame_width, a.y + ImGui::GetFrameHeight());
    const ImGuiStyle& style = ImGui::GetStyle();
    const float grab = style.GrabMinSize, pad = 2.0f;
    const float grab_x = a.x + pad + grab * 0.5f + static_cast<float>(ratio) * (b.x - a.x - 2 * pad - grab);
    const ImVec2 size = ImGui::CalcTextSize(text);
    const float inner = style.FramePadding.x;
    // Centred when that clears the grab, else on the roomier side.
    float x = (a.x + b.x - size.x) * 0.5f;
    const bool clear = x + size.x < grab_x - grab * 0.5f - 2 || x > grab_x + grab * 0.5f + 2;
    if (!clear) x = ratio > 0.5 ? a.x + inner : b.x - inner - size.x;
    const float y = (a.y + b.y - size.y) * 0.5f;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->PushClipRect(a, b, true);
    if (x < grab_x + grab * 0.5f && x + size.x > grab_x - grab * 0.5f)  // too narrow to avoid it: text on top
        dl->AddRectFilled(ImVec2(x - 2, y), ImVec2(x + size.x + 2, y + size.y), ImGui::GetColorU32(ImGuiCol_FrameBg));
    dl->AddText(ImVec2(std::floor(x), std::floor(y)), ImGui::GetColorU32(ImGuiCol_Text), text);
    dl->PopClipRect();
    return changed;
}

}  // namespace

bool SliderDoubleLog(const char* id, double* value, double min, double max, const char* format) {
    char text[64];
    std::snprintf(text, sizeof text, format, *value);
    return SliderClearOfGrab(id, slider_ratio(*value, min, max, true), text, [&] {
        return ImGui::SliderScalar(id, ImGuiDataType_Double, value, &min, &max, format,
                                   ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_NoRoundToFormat);
    });
}

bool SliderDouble(const char* id, double* value, double min, double max, const char* format) {
    char text[64];
    std::snprintf(text, sizeof text, format, *value);
    return SliderClearOfGrab(id, slider_ratio(*value, min, max, false), text, [&] {
        return ImGui::SliderScalar(id, ImGuiDataType_Double, value, &min, &max, format, ImGuiSliderFlags_NoRoundToFormat);
    });
}

bool SliderInt64Log(const char* id, std::int64_t* value, std::int64_t min, std::int64_t max, const char* format) {
    static_assert(sizeof(std::int64_t) == sizeof(ImS64));
    ImS64 v = static_cast<ImS64>(*value);
    const ImS64 lo = static_cast<ImS64>(min), hi = static_cast<ImS64>(max);
    char text[64];
    std::snprintf(text, sizeof text, format, static_cast<long long>(v));
    const bool changed = SliderClearOfGrab(
        id, slider_ratio(static_cast<double>(v), static_cast<double>(lo), static_cast<double>(hi), true), text,
        [&] { return ImGui::SliderScalar(id, ImGuiDataType_S64, &v, &lo, &hi, format, ImGuiSliderFlags_Logarithmic); });
    if (changed) *value = static_cast<std::int64_t>(v);
    return changed;
}

bool SliderFloatClear(const char* id, float* value, float min, float max, const char* format) {
    char text[64];
    std::snprintf(text, sizeof text, format, static_cast<double>(*value));
    return SliderClearOfGrab(id, slider_ratio(*value, min, max, false), text,
                             [&] { return ImGui::SliderFloat(id, value, min, max, format); });
}

std::string WrapAtSpaces(const std::string& text, float width) {
    const auto w = [](const std::string& s) { return ImGui::CalcTextSize(s.c_str()).x; };
    std::string out;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        const std::string paragraph = text.substr(start, end - start);
        std::string line;
        std::size_t at = 0;
        while (at <= paragraph.size()) {
            std::size_t space = paragraph.find(' ', at);
            if (space == std::string::npos) space = paragraph.size();
            std::string word = paragraph.substr(at, space - at);
            at = space + 1;
            const std::string candidate = line.empty() ? word : line + " " + word;
            if (line.empty() || w(candidate) <= width) {
                line = candidate;
            } else {
                out += line + "\n";
                line = word;
            }
            // A word (a path) wider than the line: break it after its slashes.
            while (w(line) > width && line.find('/') != std::string::npos) {
                std::size_t cut = std::string::npos;
                for (std::size_t k = line.find('/'); k != std::string::npos && k + 1 < line.size(); k = line.find('/', k + 1))
                    if (w(line.substr(0, k + 1)) <= width) cut = k + 1;
                if (cut == std::string::npos || cut >= line.size()) break;
                out += line.substr(0, cut) + "\n";
                line = line.substr(cut);
            }
            if (space >= paragraph.size()) break;
        }
        out += line;
        if (end >= text.size()) break;
        out += "\n";
        start = end + 1;
    }
    return out;
}

void TextWrappedWords(const std::string& text, float width) {
    if (width <= 0) width = ImGui::GetContentRegionAvail().x;
    ImGui::TextUnformatted(WrapAtSpaces(text, std::max(width, 1.0f)).c_str());
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
    TextWrappedWords(text);
    ImGui::PopStyleColor();
}

void WarningText(const std::string& text) {
    ImGui::PushStyleColor(ImGuiCol_Text, kWarningColor);
    TextWrappedWords(text);
    ImGui::PopStyleColor();
}

void MutedText(const std::string& text) {
    ImGui::PushStyleColor(ImGuiCol_Text, kMutedColor);
    TextWrappedWords(text);
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
