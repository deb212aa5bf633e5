#include "style.h"

#include <cmath>
#include <filesystem>

namespace ropescope::gui {

namespace {

constexpr const char* kSans = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
constexpr const char* kSansBold = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
constexpr const char* kMono = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf";

// Latin-1, Greek letters, dashes, primes, super/subscripts, a few arrows and maths signs, the
// triangles and dot of the UI: what the plots and panels write (the text metrics of the core know
// the same characters, scripts/gen_text_metrics.cpp). Few glyphs keep the atlas quick to build.
const ImWchar kGlyphRanges[] = {0x0020, 0x00FF, 0x0391, 0x03A9, 0x03B1, 0x03C9, 0x2013, 0x2014, 0x2026, 0x2026,
                                0x2032, 0x2033, 0x2070, 0x2082, 0x1D62, 0x1D62, 0x2190, 0x2194, 0x21D2, 0x21D2,
                                0x2202, 0x2202, 0x2206, 0x2206, 0x2211, 0x2212, 0x221A, 0x221A, 0x221E, 0x221E,
                                0x2248, 0x2248, 0x2260, 0x2260, 0x2264, 0x2265, 0x25B8, 0x25B8, 0x25BE, 0x25BE,
                                0x25CF, 0x25CF, 0};

// Plot text sizes at scale 1 (the layout asks for any size from 11 px up; the nearest smaller one
// is drawn, at most ~15% enlarged).
constexpr float kPlotSizes[] = {11, 12.5f, 14, 16, 18, 20.5f, 23.5f, 27, 31, 36, 42};
constexpr float kPlotBoldSizes[] = {14, 16, 18, 20.5f, 23.5f, 27, 31, 36, 42};

bool exists(const char* path) {
    std::error_code ec;
    return std::filesystem::is_regular_file(path, ec);
}

ImFont* add_ttf(ImFontAtlas* atlas, const char* path, float px) {
    ImFontConfig config;
    config.OversampleH = px < 24 ? 2 : 1;  // large text is sharp without horizontal oversampling
    config.OversampleV = 1;
    config.PixelSnapH = true;
    return atlas->AddFontFromFileTTF(path, std::round(px), &config, kGlyphRanges);
}

ImFont* add_default(ImFontAtlas* atlas, float px) {
    ImFontConfig config;
    config.SizePixels = std::round(px);
    return atlas->AddFontDefault(&config);
}

}  // namespace

Fonts load_fonts(float scale, ImFontAtlas* atlas) {
    if (!atlas) atlas = ImGui::GetIO().Fonts;
    atlas->Clear();
    Fonts fonts;
    fonts.scale = scale;
    fonts.dejavu = exists(kSans);
    if (fonts.dejavu) {
        const char* bold = exists(kSansBold) ? kSansBold : kSans;
        fonts.ui = add_ttf(atlas, kSans, 15.0f * scale);  // first font added: the default
        fonts.ui_bold = add_ttf(atlas, bold, 15.0f * scale);
        fonts.mono = add_ttf(atlas, exists(kMono) ? kMono : kSans, 13.0f * scale);
        for (const float px : kPlotSizes) fonts.plot.push_back(add_ttf(atlas, kSans, px * scale));
        for (const float px : kPlotBoldSizes) fonts.plot_bold.push_back(add_ttf(atlas, bold, px * scale));
    } else {
        // ProggyClean is a 13 px bitmap font: integer multiples stay crisp.
        const float px = 13.0f * std::max(1.0f, std::round(scale));
        fonts.ui = fonts.ui_bold = fonts.mono = add_default(atlas, px);
        fonts.plot = fonts.plot_bold = {fonts.ui};
    }
    atlas->Build();
    return fonts;
}

ImFont* plot_font(const Fonts& fonts, float px, bool bold) {
    // The largest font not larger than px: scaled up, never down. Scaled down, a glyph one pixel
    // tall (a hyphen) can fall between pixel centres and vanish.
    ImFont* best = nullptr;
    ImFont* smallest = nullptr;
    for (ImFont* font : bold && !fonts.plot_bold.empty() ? fonts.plot_bold : fonts.plot) {
        if (!font) continue;
        if (!smallest || font->FontSize < smallest->FontSize) smallest = font;
        if (font->FontSize <= px + 0.25f && (!best || font->FontSize > best->FontSize)) best = font;
    }
    return best ? best : smallest;
}

void apply_style(float scale, bool light) {
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
    if (light) {
        // Presentation mode: black on white like the light plots, strong accents for a projector.
        ImGui::StyleColorsLight(&style);
        c[ImGuiCol_Text] = rgb(0x111111);
        c[ImGuiCol_TextDisabled] = rgb(0x555555);
        c[ImGuiCol_WindowBg] = rgb(0xffffff);
        c[ImGuiCol_ChildBg] = rgb(0xffffff);
        c[ImGuiCol_PopupBg] = rgb(0xf7f7f7, 0.99f);
        c[ImGuiCol_Border] = rgb(0xc8c8c8);
        c[ImGuiCol_FrameBg] = rgb(0xe8eaee);
        c[ImGuiCol_FrameBgHovered] = rgb(0xdde2ea);
        c[ImGuiCol_FrameBgActive] = rgb(0xd0d8e6);
        c[ImGuiCol_MenuBarBg] = rgb(0xf0f0f0);
        c[ImGuiCol_SliderGrab] = rgb(0x2f6db5);
        c[ImGuiCol_SliderGrabActive] = rgb(0x1d4f8c);
        c[ImGuiCol_Button] = rgb(0xe2e6ec);
        c[ImGuiCol_ButtonHovered] = rgb(0xd2dae6);
        c[ImGuiCol_ButtonActive] = rgb(0xbfcbdc);
        c[ImGuiCol_CheckMark] = rgb(0x1d4f8c);
        c[ImGuiCol_Header] = rgb(0xe2e6ec);
        c[ImGuiCol_HeaderHovered] = rgb(0xd2dae6);
        c[ImGuiCol_HeaderActive] = rgb(0xbfcbdc);
    }
    style.ScaleAllSizes(scale);
    ImGui::GetStyle() = style;
}

}  // namespace ropescope::gui
