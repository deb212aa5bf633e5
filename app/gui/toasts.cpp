#include "toasts.h"

#include <algorithm>
#include <cstdio>

#include "style.h"
#include "widgets.h"

namespace ropescope::gui {

namespace {
constexpr double kInfoSeconds = 6.0;
constexpr double kErrorSeconds = 15.0;
}  // namespace

void Toasts::Info(std::string text) {
    std::fprintf(stderr, "ropescope: %s\n", text.c_str());
    if (!quiet_info_) live_.push_back(Toast{text, false, 0, false});
    history_.push_back(Toast{std::move(text), false, 0, true});
}

void Toasts::Error(std::string text) {
    std::fprintf(stderr, "ropescope: error: %s\n", text.c_str());
    live_.push_back(Toast{text, true, 0, false});
    history_.push_back(Toast{std::move(text), true, 0, true});
}

void Toasts::Draw(ImVec2 corner, float max_width) {
    const double now = ImGui::GetTime();
    const float s = UiScale();
    float bottom = corner.y;
    for (std::size_t i = live_.size(); i-- > 0;) {
        Toast& toast = live_[i];
        if (!toast.shown) {
            toast.shown = true;
            toast.created = now;
        }
        const double age = now - toast.created;
        const double life = toast.error ? kErrorSeconds : kInfoSeconds;
        const float alpha = static_cast<float>(std::clamp((life - age) / 0.6, 0.0, 1.0));
        char id[32];
        std::snprintf(id, sizeof id, "##toast%zu", i);
        ImGui::SetNextWindowPos(ImVec2(corner.x, bottom), ImGuiCond_Always, ImVec2(1.0f, 1.0f));
        ImGui::SetNextWindowSizeConstraints(ImVec2(0, 0), ImVec2(max_width, 400.0f * s));
        ImGui::SetNextWindowBgAlpha(0.94f * alpha);
        ImGui::PushStyleVar(ImGuiStyleVar_Alpha, alpha);
        ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 1.0f);
        ImGui::PushStyleColor(ImGuiCol_Border, toast.error ? kErrorColor : kOkColor);
        ImGui::Begin(id, nullptr,
                     ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings |
                         ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoMove);
        if (toast.error) {
            ImGui::PushStyleColor(ImGuiCol_Text, kErrorColor);
            ImGui::TextUnformatted("Error");
            ImGui::PopStyleColor();
        }
        // Wrapped at spaces only: numbers, words and paths stay whole (a path breaks after a '/').
        TextWrappedWords(toast.text, max_width - ImGui::GetStyle().WindowPadding.x * 2);
        const bool dismissed = ImGui::IsWindowHovered() && ImGui::IsMouseClicked(ImGuiMouseButton_Left);
        if (ImGui::IsWindowHovered()) toast.created = now - 1.0;  // hovering keeps it
        bottom -= ImGui::GetWindowHeight() + 6.0f * s;
        ImGui::End();
        ImGui::PopStyleColor();
        ImGui::PopStyleVar(2);
        if (dismissed || age > life) live_.erase(live_.begin() + static_cast<std::ptrdiff_t>(i));
    }
}

}  // namespace ropescope::gui
