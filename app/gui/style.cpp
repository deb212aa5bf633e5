#include "style.h"

#include <cmath>
#include <filesystem>

namespace ropescope::gui {

namespace {

constexpr const char* kSans = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
constexpr const char* kSansBold = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
constexpr const char* kMono = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf";

// Latin-1, Greek, general punctuation, super/subscripts, arrows, maths operators.
const ImWchar kGlyphRanges[] = {0x0020, 0x00FF, 0x0370, 0x03FF, 0x2000, 0x206F, 0x2070, 0x209F,
                                0x2190, 0x21FF, 0x2200, 0x22FF, 0x25A0, 0x25FF, 0};

bool exists(const char* path) {
    std::error_code ec;
    return std::filesystem::is_regular_file(path, ec);
}

ImFont* add_ttf(const char* path, float px) {
    ImFontConfig config;
    config.OversampleH = 2;
    config.OversampleV = 1;
    config.PixelSnapH = true;
    return ImGui::GetIO().Fonts->AddFontFromFileTTF(path, std::round(px), &config, kGlyphRanges);
}

ImFont* add_default(float px) {
    ImFontConfig config;
    config.SizePixels = std::round(px);
    return ImGui::GetIO().Fonts->AddFontDefault(&config);
}

}  // namespace

Fonts load_fonts(float scale) {
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    Fonts fonts;
    fonts.scale = scale;
    const Theme theme = dark_theme();
    fonts.dejavu = exists(kSans);
    if (fonts.dejavu) {
        const char* bold = exists(kSansBold) ? kSansBold : kSans;
        fonts.ui = add_ttf(kSans, 15.0f * scale);  // first font added: the default
        fonts.ui_bold = add_ttf(bold, 15.0f * scale);
        fonts.mono = add_ttf(exists(kMono) ? kMono : kSans, 13.0f * scale);
        fonts.plot = add_ttf(kSans, theme.font_size * scale);
        fonts.plot_title = add_ttf(bold, theme.title_size * scale);
        fonts.plot_small = add_ttf(kSans, (theme.font_size - 2) * scale);
        fonts.plot_tiny = add_ttf(kSans, (theme.font_size - 4) * scale);
    } else {
        // ProggyClean is a 13 px bitmap font: integer multiples stay crisp.
        const float px = 13.0f * std::max(1.0f, std::round(scale));
        fonts.ui = fonts.ui_bold = fonts.mono = fonts.plot = fonts.plot_title = fonts.plot_small = fonts.plot_tiny =
            add_default(px);
    }
    io.Fonts->Build();
    return fonts;
}

ImFont* plot_font(const Fonts& fonts, float px, bool bold) {
    if (bold && fonts.plot_title) return fonts.plot_title;
    // The largest font not larger than px: scaled up, never down. Scaled down, a glyph one pixel
    // tall (a hyphen) can fall between pixel centres and vanish.
    ImFont* best = nullptr;
    ImFont* smallest = nullptr;
    for (ImFont* font : {fonts.plot, fonts.plot_small, fonts.plot_tiny, fonts.ui}) {
        if (!font) continue;
        if (!smallest || font->FontSize < smallest->FontSize) smallest = font;
        if (font->FontSize <= px + 0.25f && (!best || font->FontSize > best->FontSize)) best = font;
    }
    return best ? best : smallest;
}

void apply_style(float scale) {
    ImGuiStyle style;
    ImGui::StyleColorsDark(&style);
    style.WindowPadding = ImVec2(10, 10);
    style.FramePadding = ImVec2(6, 3);
    style.ItemSpacing = ImVec2(8, 5);
    style.ItemInnerSpacing = ImVec2(6, 4);
    style.IndentSpacing = 14;
    style.ScrollbarSize = 12;
    style.GrabMinSize = 9;
    style.WindowRounding = 4;
    style.ChildRounding = 4;
    style.FrameRounding = 3;
    style.PopupRounding = 4;
    style.ScrollbarRounding = 6;
    style.GrabRounding = 3;
    style.TabRounding = 3;
    style.WindowBorderSize = 0;
    style.ChildBorderSize = 1;
    style.PopupBorderSize = 1;
    style.FrameBorderSize = 0;

    // Colours: the plots' dark theme (#1b1d22 background) with a calm blue accent.
    const auto rgb = [](int hex, float alpha = 1.0f) {
        return ImVec4(static_cast<float>((hex >> 16) & 0xff) / 255.0f, static_cast<float>((hex >> 8) & 0xff) / 255.0f,
                      static_cast<float>(hex & 0xff) / 255.0f, alpha);
    };
    ImVec4* c = style.Colors;
    c[ImGuiCol_Text] = rgb(0xe6e8eb);
    c[ImGuiCol_TextDisabled] = rgb(0x7d838d);
    c[ImGuiCol_WindowBg] = rgb(0x17191d);
    c[ImGuiCol_ChildBg] = rgb(0x1b1d22);
    c[ImGuiCol_PopupBg] = rgb(0x22252b, 0.98f);
    c[ImGuiCol_Border] = rgb(0x30343c);
    c[ImGuiCol_BorderShadow] = rgb(0x000000, 0.0f);
    c[ImGuiCol_FrameBg] = rgb(0x2a2e36);
    c[ImGuiCol_FrameBgHovered] = rgb(0x333843);
    c[ImGuiCol_FrameBgActive] = rgb(0x3b4150);
    c[ImGuiCol_TitleBg] = rgb(0x17191d);
    c[ImGuiCol_TitleBgActive] = rgb(0x1f2227);
    c[ImGuiCol_MenuBarBg] = rgb(0x1f2227);
    c[ImGuiCol_ScrollbarBg] = rgb(0x17191d, 0.0f);
    c[ImGuiCol_ScrollbarGrab] = rgb(0x3a3f49);
    c[ImGuiCol_ScrollbarGrabHovered] = rgb(0x4a505c);
    c[ImGuiCol_ScrollbarGrabActive] = rgb(0x5a616f);
    c[ImGuiCol_CheckMark] = rgb(0x8fc1ff);
    c[ImGuiCol_SliderGrab] = rgb(0x5b8fd6);
    c[ImGuiCol_SliderGrabActive] = rgb(0x8fc1ff);
    c[ImGuiCol_Button] = rgb(0x2d323c);
    c[ImGuiCol_ButtonHovered] = rgb(0x3a4150);
    c[ImGuiCol_ButtonActive] = rgb(0x4a5366);
    c[ImGuiCol_Header] = rgb(0x262a32);
    c[ImGuiCol_HeaderHovered] = rgb(0x313743);
    c[ImGuiCol_HeaderActive] = rgb(0x3a4150);
    c[ImGuiCol_Separator] = rgb(0x30343c);
    c[ImGuiCol_SeparatorHovered] = rgb(0x5b8fd6);
    c[ImGuiCol_SeparatorActive] = rgb(0x8fc1ff);
    c[ImGuiCol_ResizeGrip] = rgb(0x5b8fd6, 0.2f);
    c[ImGuiCol_Tab] = rgb(0x262a32);
    c[ImGuiCol_TabHovered] = rgb(0x3a4150);
    c[ImGuiCol_TabActive] = rgb(0x313743);
    c[ImGuiCol_TableHeaderBg] = rgb(0x22252b);
    c[ImGuiCol_TableBorderStrong] = rgb(0x30343c);
    c[ImGuiCol_TableBorderLight] = rgb(0x262a32);
    c[ImGuiCol_TextSelectedBg] = rgb(0x5b8fd6, 0.35f);
    c[ImGuiCol_NavHighlight] = rgb(0x8fc1ff);
    c[ImGuiCol_ModalWindowDimBg] = rgb(0x000000, 0.5f);
    style.ScaleAllSizes(scale);
    ImGui::GetStyle() = style;
}

}  // namespace ropescope::gui
