// The status area: short-lived messages (load errors, written paths) stacked in a corner.
// Errors stay longer and are never fatal.
#pragma once

#include <string>
#include <vector>

#include <imgui.h>

namespace ropescope::gui {

struct Toast {
    std::string text;
    bool error = false;
    double created = 0;  // ImGui::GetTime() when shown (set on first draw)
    bool shown = false;
};

class Toasts {
public:
    void Info(std::string text);
    void Error(std::string text);
    // Draws the live toasts with their bottom-right corner at `corner`; drops expired ones.
    void Draw(ImVec2 corner, float max_width);
    // Every message of this session, oldest first (Help > Messages).
    const std::vector<Toast>& History() const { return history_; }
    bool Empty() const { return live_.empty(); }
    // Screenshots: information messages go to stderr only (errors are still shown).
    void SetQuietInfo(bool quiet) { quiet_info_ = quiet; }

private:
    std::vector<Toast> live_;
    std::vector<Toast> history_;
    bool quiet_info_ = false;
};

}  // namespace ropescope::gui
