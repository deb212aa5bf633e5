// File > Open: a small file browser (no native dialog in GLFW): a path field, the folders and
// the .json files of the current folder, and the presets.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "app.h"
#include "widgets.h"

namespace ropescope::gui {

namespace fs = std::filesystem;

namespace {

struct DialogState {
    std::string path;       // the text field
    std::string directory;  // listed directory
    std::vector<fs::path> dirs, files;
    bool listed = false;
};

DialogState& dialog() {
    static DialogState state;
    return state;
}

void list_directory(DialogState& d) {
    d.dirs.clear();
    d.files.clear();
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(d.directory, fs::directory_options::skip_permission_denied, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.empty() || name[0] == '.') continue;
        if (entry.is_directory(ec)) d.dirs.push_back(entry.path());
        else if (entry.path().extension() == ".json") d.files.push_back(entry.path());
    }
    std::sort(d.dirs.begin(), d.dirs.end());
    std::sort(d.files.begin(), d.files.end());
    d.listed = true;
}

}  // namespace

void draw_open_dialog(App& app) {
    DialogState& d = dialog();
    const float s = UiScale();
    if (app.open_dialog) {
        app.open_dialog = false;
        if (d.directory.empty()) {
            std::error_code ec;
            d.directory = fs::current_path(ec).string();
        }
        list_directory(d);
        ImGui::OpenPopup("Open config.json");
    }
    const ImVec2 center = ImGui::GetMainViewport()->GetCenter();
    ImGui::SetNextWindowPos(center, ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(640.0f * s, 460.0f * s), ImGuiCond_Appearing);
    if (!ImGui::BeginPopupModal("Open config.json", nullptr, ImGuiWindowFlags_NoSavedSettings)) return;

    ImGui::TextDisabled("A Hugging Face config.json, a bare rope_scaling object, or a saved RopeScope state.");
    ImGui::SetNextItemWidth(-ImGui::CalcTextSize("Open").x - ImGui::GetStyle().FramePadding.x * 2 -
                            ImGui::GetStyle().ItemSpacing.x);
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
    const bool enter = ImGui::InputTextWithHint("##path", "path/to/config.json", &d.path,
                                                ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::SameLine();
    bool open = ImGui::Button("Open") || enter;

    ImGui::TextDisabled("%s", d.directory.c_str());
    ImGui::BeginChild("##listing", ImVec2(0, -ImGui::GetFrameHeightWithSpacing()), true);
    if (ImGui::Selectable("..")) {
        d.directory = fs::path(d.directory).parent_path().string();
        list_directory(d);
    }
    for (const auto& dir : d.dirs) {
        if (ImGui::Selectable((dir.filename().string() + "/").c_str())) {
            d.directory = dir.string();
            list_directory(d);
            break;
        }
    }
    for (const auto& file : d.files) {
        const bool selected = d.path == file.string();
        if (ImGui::Selectable(file.filename().string().c_str(), selected, ImGuiSelectableFlags_AllowDoubleClick)) {
            d.path = file.string();
            if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) open = true;
        }
    }
    if (!app.presets_dir.empty()) {
        ImGui::Separator();
        ImGui::TextDisabled("Presets (%s)", app.presets_dir.c_str());
        for (const auto& preset : app.presets) {
            if (ImGui::Selectable(preset.name.c_str(), d.path == preset.path, ImGuiSelectableFlags_AllowDoubleClick)) {
                d.path = preset.path;
                if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) open = true;
            }
        }
    }
    ImGui::EndChild();
    if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) ImGui::CloseCurrentPopup();
    if (open && !d.path.empty()) {
        std::error_code ec;
        if (fs::is_directory(d.path, ec)) {
            d.directory = d.path;
            list_directory(d);
        } else {
            app_load_file(app, d.path);
            ImGui::CloseCurrentPopup();
        }
    }
    ImGui::EndPopup();
}

}  // namespace ropescope::gui
