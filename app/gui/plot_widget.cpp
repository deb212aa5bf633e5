#include "plot_widget.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <set>

#include "formula.h"
#include "retained_frame.h"
#include "plot_math.h"
#include "ropescope/color.h"

#include <backends/imgui_impl_opengl3.h>

namespace ropescope::gui {

PlotWidget* PlotWidget::maximised_ = nullptr;
int PlotWidget::refresh_budget_ = 1 << 20;
int PlotWidget::longest_wait_ = 0;
int PlotWidget::longest_wait_now_ = 0;

namespace {
// A plot waits at most this many frames for its refresh.
constexpr int kMaxWaitFrames = 4;
}  // namespace

void PlotWidget::BeginFrame(int refreshes) {
    refresh_budget_ = refreshes;
    longest_wait_ = longest_wait_now_;
    longest_wait_now_ = 0;
}

namespace {

Theme g_plot_theme = dark_theme();

ImVec2 at(ImVec2 origin, Vec2 p) { return ImVec2(origin.x + p.x, origin.y + p.y); }

bool has_area(const Rect& r) { return r.width() > 0 && r.height() > 0; }

// Which axes a mouse position over a panel controls: 3 inside the plot, 1 over the x axis
// band (below the plot), 2 over the y axis band (left of it), 0 elsewhere.
int axes_at(const PanelLayout& l, Vec2 m) {
    if (l.plot.contains(m)) return 3;
    if (m.x >= l.plot.x0 && m.x <= l.plot.x1 && m.y > l.plot.y1 && m.y <= l.frame.y1) return 1;
    if (m.y >= l.plot.y0 && m.y <= l.plot.y1 && m.x < l.plot.x0 && m.x >= l.frame.x0) return 2;
    return 0;
}

int panel_at(const Canvas& canvas, Vec2 m, int* axes) {
    for (std::size_t i = 0; i < canvas.panels.size(); ++i) {
        const int a = axes_at(canvas.panels[i], m);
        if (a) {
            if (axes) *axes = a;
            return static_cast<int>(i);
        }
    }
    return -1;
}

// Legend entry under the mouse: (panel, series index) or (-1, -1).
std::pair<int, int> legend_at(const Canvas& canvas, Vec2 m) {
    for (std::size_t p = 0; p < canvas.panels.size(); ++p) {
        const PanelLayout& l = canvas.panels[p];
        for (std::size_t e = 0; e < l.legend_entries.size() && e < l.legend_series.size(); ++e)
            if (l.legend_entries[e].contains(m)) return {static_cast<int>(p), l.legend_series[e]};
    }
    return {-1, -1};
}

// Text at a primitive's anchor with its alignment and baseline; vertical text is drawn
// horizontally, then its vertices are rotated 90 degrees counter-clockwise about the anchor.
void draw_text(ImDrawList* dl, ImVec2 origin, const Primitive& p, const Fonts& fonts) {
    if (p.points.empty() || p.text.empty()) return;
    ImFont* font = plot_font(fonts, p.size, p.bold);
    if (!font) return;
    const char* begin = p.text.c_str();
    const char* end = begin + p.text.size();
    const float width = font->CalcTextSizeA(p.size, 1e9f, 0.0f, begin, end).x;
    const float start = p.align == TextAlign::Left ? 0.0f : p.align == TextAlign::Center ? -width * 0.5f : -width;
    const float ascent = font->Ascent * p.size / font->FontSize;
    const float top = baseline_offset(p.baseline, p.size) - ascent;  // anchor -> top of ImGui's line box
    const ImVec2 anchor = at(origin, p.points[0]);
    const ImU32 color = to_imu32(p.color);
    if (!p.vertical) {
        const int first = dl->VtxBuffer.Size;
        dl->AddText(font, p.size, ImVec2(std::round(anchor.x + start), std::round(anchor.y + top)), color, begin, end);
        // Glyph quads (4 vertices each) thinner than a pixel, e.g. a hyphen or an underscore in small
        // caption text, can fall between pixel centres and vanish: widen them to one pixel row.
        for (int i = first; i + 3 < dl->VtxBuffer.Size; i += 4) {
            ImDrawVert* q = &dl->VtxBuffer[i];  // top-left, top-right, bottom-right, bottom-left
            const float y0 = q[0].pos.y, y1 = q[2].pos.y;
            if (y1 - y0 >= 1.0f || y1 <= y0) continue;
            const float row = std::floor((y0 + y1) * 0.5f);
            q[0].pos.y = q[1].pos.y = row;
            q[2].pos.y = q[3].pos.y = row + 1.0f;
        }
        return;
    }
    // ImGui culls glyphs outside the clip rectangle before we rotate them: draw unclipped.
    const int first = dl->VtxBuffer.Size;
    dl->PushClipRect(ImVec2(-1e6f, -1e6f), ImVec2(1e6f, 1e6f), false);
    dl->AddText(font, p.size, ImVec2(anchor.x + start, anchor.y + top), color, begin, end);
    dl->PopClipRect();
    for (int i = first; i < dl->VtxBuffer.Size; ++i) {
        ImVec2& v = dl->VtxBuffer[i].pos;
        const float dx = v.x - anchor.x, dy = v.y - anchor.y;
        v = ImVec2(anchor.x + dy, anchor.y - dx);  // screen y down: (dx, dy) -> (dy, -dx) is CCW
    }
}

// Line widths on screen are whole pixels: ImGui then antialiases thick lines with its baked line
// texture (2 triangles a segment) instead of geometry fringes (6 or more), which is most of what
// a software GL rasterizes for a plot. The exported files keep the exact widths.
float screen_width(float width) { return std::max(1.0f, std::round(width)); }

void draw_polyline(ImDrawList* dl, ImVec2 origin, const Primitive& p) {
    const ImU32 color = to_imu32(p.color);
    const float width = screen_width(p.width);
    // Non-finite points break the line (the layout already splits runs; this is a guard).
    std::vector<Vec2> run;
    std::vector<ImVec2> pts;
    const auto flush = [&] {
        for (const auto& piece : dash_polyline(run, p.style, p.width)) {
            pts.clear();
            for (const Vec2 v : piece) pts.push_back(at(origin, v));
            dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), color, ImDrawFlags_None, width);
        }
        run.clear();
    };
    for (const Vec2 v : p.points) {
        if (std::isfinite(v.x) && std::isfinite(v.y)) run.push_back(v);
        else flush();
    }
    flush();
}

void draw_stroke_rect(ImDrawList* dl, ImVec2 origin, const Primitive& p) {
    const ImVec2 pts[4] = {at(origin, {p.rect.x0, p.rect.y0}), at(origin, {p.rect.x1, p.rect.y0}),
                           at(origin, {p.rect.x1, p.rect.y1}), at(origin, {p.rect.x0, p.rect.y1})};
    dl->AddPolyline(pts, 4, to_imu32(p.color), ImDrawFlags_Closed, screen_width(p.width));
}

GLuint upload_image(const Primitive& p) {
    if (p.image_width <= 0 || p.image_height <= 0 ||
        p.pixels.size() < static_cast<std::size_t>(p.image_width) * static_cast<std::size_t>(p.image_height) * 4)
        return 0;
    GLuint texture = 0;
    glGenTextures(1, &texture);
    glBindTexture(GL_TEXTURE_2D, texture);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, p.image_width, p.image_height, 0, GL_RGBA, GL_UNSIGNED_BYTE,
                 p.pixels.data());
    // Heatmap cells are discrete: nearest keeps their edges sharp; a 1-pixel-wide colour bar is smooth along y.
    const GLint filter = p.image_width == 1 ? GL_LINEAR : GL_NEAREST;
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, filter);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, filter);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glBindTexture(GL_TEXTURE_2D, 0);
    NoteTextureUpload();  // the name may be one just freed: what draws it must be redrawn
    return texture;
}

// The heatmap image of a panel (as opposed to its colour bar): the Image clipped to the plot
// whose size is the heatmap grid.
bool is_heatmap_image(const Primitive& p, const Figure& figure) {
    if (p.panel_index < 0 || p.panel_index >= static_cast<int>(figure.panels.size())) return false;
    const auto& map = figure.panels[static_cast<std::size_t>(p.panel_index)].heatmap;
    return map && has_area(p.clip) && p.image_width == map->columns && p.image_height == map->rows;
}

// The legend (box) of a panel under the mouse, or -1.
int legend_box_at(const Canvas& canvas, Vec2 m) {
    for (std::size_t p = 0; p < canvas.panels.size(); ++p)
        if (canvas.panels[p].legend_box.contains(m)) return static_cast<int>(p);
    return -1;
}

}  // namespace

void SetPlotTheme(const Theme& theme) { g_plot_theme = theme; }
const Theme& PlotTheme() { return g_plot_theme; }

Figure apply_view(const Figure& figure, const PlotView& view) {
    Figure out = figure;
    for (auto& panel : out.panels) {
        if (view.x) {
            panel.x.min = view.x->min;
            panel.x.max = view.x->max;
        }
        if (view.y) {
            panel.y.min = view.y->min;
            panel.y.max = view.y->max;
        }
        for (auto& series : panel.series) series.visible = series.visible && !view.hidden.contains(series_key(series));
        if (view.legend_anchor) panel.legend_anchor = view.legend_anchor;
        panel.legend_collapsed = panel.legend_collapsed || view.legend_collapsed;
    }
    return out;
}

PlotWidget::~PlotWidget() {
    if (maximised_ == this) maximised_ = nullptr;
    ReleaseTextures();
    ReleaseCache();
}

void PlotWidget::SetBusy(bool busy) {
    if (busy && !busy_) busy_since_ = ImGui::GetTime();
    busy_ = busy;
}

void PlotWidget::ToggleMaximised() {
    maximised_ = maximised_ == this ? nullptr : this;
}

void PlotWidget::BusyMark(ImDrawList* dl, ImVec2 origin) const {
    // Only a recompute that takes noticeably long gets a mark (a drag's frames stay clean).
    const double age = ImGui::GetTime() - busy_since_;
    if (!busy_ || age < 0.15) return;
    const float font = ImGui::GetFontSize();
    const char* text = "updating\u2026";
    const ImVec2 size = ImGui::CalcTextSize(text);
    const float r = font * 0.4f, pad = font * 0.35f;
    const ImVec2 box_max(origin.x + width_ - pad, origin.y + pad + size.y + pad * 2);
    const ImVec2 box_min(box_max.x - size.x - r * 2 - pad * 4, origin.y + pad);
    const Theme& theme = PlotTheme();
    dl->AddRectFilled(box_min, box_max, to_imu32(theme.plot_background), font * 0.3f);
    dl->AddRect(box_min, box_max, to_imu32(theme.axis), font * 0.3f);
    const ImVec2 centre(box_min.x + pad + r, (box_min.y + box_max.y) * 0.5f);
    const float start = static_cast<float>(age * 6.0);
    dl->PathArcTo(centre, r, start, start + 4.2f, 16);
    dl->PathStroke(to_imu32(theme.text), ImDrawFlags_None, std::max(1.5f, font * 0.12f));
    dl->AddText(ImVec2(centre.x + r + pad, (box_min.y + box_max.y - size.y) * 0.5f), to_imu32(theme.text), text);
}

void PlotWidget::ReleaseTextures() {
    for (GLuint& t : textures_)
        if (t) glDeleteTextures(1, &t);
    textures_.clear();
    cache_valid_ = false;
}

void PlotWidget::ReleaseCache() {
    if (cache_texture_) glDeleteTextures(1, &cache_texture_);
    if (cache_fbo_) glDeleteFramebuffers(1, &cache_fbo_);
    cache_texture_ = cache_fbo_ = 0;
    cache_width_ = cache_height_ = 0;
    cache_valid_ = false;
}

bool PlotWidget::RenderCache(const Fonts& fonts, const PlotHooks& hooks) {
    const ImGuiIO& io = ImGui::GetIO();
    const ImVec2 fb_scale = io.DisplayFramebufferScale.x > 0 ? io.DisplayFramebufferScale : ImVec2(1, 1);
    const int w = static_cast<int>(std::lround(width_ * fb_scale.x));
    const int h = static_cast<int>(std::lround(height_ * fb_scale.y));
    if (w <= 0 || h <= 0) return false;
    if (!cache_fbo_) glGenFramebuffers(1, &cache_fbo_);
    GLint previous = 0;
    glGetIntegerv(GL_FRAMEBUFFER_BINDING, &previous);
    glBindFramebuffer(GL_FRAMEBUFFER, cache_fbo_);
    if (!cache_texture_ || w != cache_width_ || h != cache_height_) {
        if (!cache_texture_) glGenTextures(1, &cache_texture_);
        glBindTexture(GL_TEXTURE_2D, cache_texture_);
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RGB8, w, h, 0, GL_RGB, GL_UNSIGNED_BYTE, nullptr);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
        glBindTexture(GL_TEXTURE_2D, 0);
        glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, cache_texture_, 0);
        cache_width_ = w;
        cache_height_ = h;
    }
    if (glCheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE) {
        glBindFramebuffer(GL_FRAMEBUFFER, static_cast<GLuint>(previous));
        ReleaseCache();
        return false;
    }
    // The canvas into a draw list of its own, rendered by ImGui's backend into the FBO.
    ImDrawList list(ImGui::GetDrawListSharedData());
    list._ResetForNewFrame();
    list.PushTextureID(io.Fonts->TexID);
    list.PushClipRect(ImVec2(0, 0), ImVec2(width_, height_), false);
    DrawCanvas(&list, ImVec2(0, 0), fonts, hooks);
    list.PopClipRect();
    list.PopTextureID();
    ImDrawList* lists[] = {&list};
    ImDrawData data;
    data.Valid = true;
    data.CmdLists = lists;
    data.CmdListsCount = 1;
    data.TotalVtxCount = list.VtxBuffer.Size;
    data.TotalIdxCount = list.IdxBuffer.Size;
    data.DisplayPos = ImVec2(0, 0);
    data.DisplaySize = ImVec2(width_, height_);
    data.FramebufferScale = fb_scale;
    const Color background = PlotTheme().background;
    glDisable(GL_SCISSOR_TEST);
    glClearColor(static_cast<float>(background.r) / 255.0f, static_cast<float>(background.g) / 255.0f,
                 static_cast<float>(background.b) / 255.0f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(&data);  // saves and restores the GL state it changes
    glBindFramebuffer(GL_FRAMEBUFFER, static_cast<GLuint>(previous));
    cache_valid_ = true;
    ++cache_renders_;
    static std::uint64_t renders_of_every_plot = 0;  // unique per picture, whichever widget drew it
    cache_content_ = ++renders_of_every_plot;
    return true;
}

void PlotWidget::Relayout(const Figure& figure, const PlotView& view, float width, float height, float scale) {
    const auto start = std::chrono::steady_clock::now();
    shown_ = apply_view(figure, view);
    canvas_ = layout_figure(shown_, PlotTheme(), width, height, scale);
    ReleaseTextures();
    textures_.assign(canvas_.primitives.size(), 0);
    last_layout_ms_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

void PlotWidget::Draw(const char* id, const Figure& figure, std::uint64_t figure_generation, PlotView& view,
                      ImVec2 size, const Fonts& fonts, float scale, const PlotHooks& hooks) {
    args_ = Args{id, &figure, figure_generation, &view, hooks, ImGui::GetFrameCount()};
    if (maximised_) {
        // Another plot fills the workspace (over this one), or this one does: keep the place only.
        const ImVec2 cursor = ImGui::GetCursorScreenPos();
        ImGui::InvisibleButton(id, ImVec2(std::max(size.x, 1.0f), std::max(size.y, 1.0f)));
        if (maximised_ == this)
            ImGui::GetWindowDrawList()->AddText(ImVec2(cursor.x + 8, cursor.y + 8), kMutedColor,
                                                "maximised (Escape restores)");
        return;
    }
    DrawAt(id, figure, figure_generation, view, size, fonts, scale, hooks);
}

void PlotWidget::DrawMaximised(ImVec2 pos, ImVec2 size, const Fonts& fonts, float scale) {
    PlotWidget* w = maximised_;
    if (!w) return;
    if (w->args_.frame != ImGui::GetFrameCount() || !w->args_.figure || !w->args_.view) {
        maximised_ = nullptr;  // its owner did not draw it this frame (another tab): back to normal
        return;
    }
    ImGui::SetNextWindowPos(pos);
    ImGui::SetNextWindowSize(size);
    ImGui::PushStyleColor(ImGuiCol_WindowBg, to_imvec4(PlotTheme().background));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(4.0f * scale, 4.0f * scale));
    ImGui::Begin("##maximised_plot", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoFocusOnAppearing);
    ImGui::PopStyleVar();
    if (ImGui::SmallButton("Back")) maximised_ = nullptr;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Back to every plot (Escape, or double-click the plot's title).");
    ImGui::SameLine();
    ImGui::TextDisabled("maximised: double-click the title or press Escape to restore");
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) maximised_ = nullptr;
    if (maximised_ == w) {
        const Args a = w->args_;
        w->DrawAt(a.id.c_str(), *a.figure, a.generation, *a.view, ImGui::GetContentRegionAvail(), fonts, scale, a.hooks);
    }
    ImGui::End();
    ImGui::PopStyleColor();
}

void PlotWidget::DrawAt(const char* id, const Figure& figure, std::uint64_t figure_generation, PlotView& view,
                        ImVec2 size, const Fonts& fonts, float scale, const PlotHooks& hooks) {
    size.x = std::max(size.x, 60.0f);
    size.y = std::max(size.y, 60.0f);
    const float width = std::floor(size.x), height = std::floor(size.y);
    last_layout_ms_ = 0;
    ++stable_frames_;
    const Theme& theme = PlotTheme();
    const bool resized = width != width_ || height != height_ || scale != scale_ || theme.kind != theme_kind_ ||
                         theme.text_scale != text_scale_;
    const bool changed = figure_generation != generation_ || view.version != view_version_;
    // New data (not a new size or view) may wait a few frames if this frame's refreshes are spent,
    // or if another plot has waited longer: its last picture stays up meanwhile.
    const bool may_wait = !resized && view.version == view_version_ && cache_valid_ && !hooks.draw_heatmap;
    const bool defer = changed && may_wait && waiting_ < kMaxWaitFrames &&
                       (refresh_budget_ <= 0 || waiting_ < longest_wait_);
    if (defer) {
        ++waiting_;
        longest_wait_now_ = std::max(longest_wait_now_, waiting_);
    } else if (changed || resized) {
        --refresh_budget_;
        waiting_ = 0;
        Relayout(figure, view, width, height, scale);
        generation_ = figure_generation;
        view_version_ = view.version;
        width_ = width;
        height_ = height;
        scale_ = scale;
        theme_kind_ = theme.kind;
        text_scale_ = theme.text_scale;
        stable_frames_ = 0;
    }
    const ImVec2 cursor = ImGui::GetCursorScreenPos();
    const ImVec2 origin(std::floor(cursor.x), std::floor(cursor.y));  // whole pixels: crisp lines, exact blits
    ImGui::InvisibleButton(id, ImVec2(width, height), ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->PushClipRect(origin, ImVec2(origin.x + width, origin.y + height), true);
    // Plots with a GPU heatmap are drawn live (their shader output is cached by the renderer);
    // the others render into their cache when they change, and every frame blits it (a deferred
    // refresh keeps blitting the previous picture).
    const bool live = hooks.gpu_heatmap && hooks.draw_heatmap;
    if (!live && (cache_valid_ || RenderCache(fonts, hooks))) {
        blit_ = BlitRequest{cache_fbo_, cache_width_, cache_height_, origin, cache_content_};
        AddBlit(dl, &blit_);
    } else
        DrawCanvas(dl, origin, fonts, hooks);
    Interact(view, origin, hooks);
    BusyMark(dl, origin);
    dl->PopClipRect();
}

void PlotWidget::DrawCanvas(ImDrawList* dl, ImVec2 origin, const Fonts& fonts, const PlotHooks& hooks) {
    std::set<int> heatmap_drawn;
    for (std::size_t i = 0; i < canvas_.primitives.size(); ++i) {
        const Primitive& p = canvas_.primitives[i];
        // The canvas background: the window and the cache are cleared to that colour already (one
        // full layer less for a software GL to blend on every changed frame).
        if (i == 0 && p.type == Primitive::Type::FillRect && p.color == PlotTheme().background) continue;
        const bool clipped = has_area(p.clip);
        if (clipped) dl->PushClipRect(at(origin, {p.clip.x0, p.clip.y0}), at(origin, {p.clip.x1, p.clip.y1}), true);
        switch (p.type) {
            case Primitive::Type::Polyline: draw_polyline(dl, origin, p); break;
            case Primitive::Type::FillRect:
                dl->AddRectFilled(at(origin, {p.rect.x0, p.rect.y0}), at(origin, {p.rect.x1, p.rect.y1}),
                                  to_imu32(p.color));
                break;
            case Primitive::Type::StrokeRect: draw_stroke_rect(dl, origin, p); break;
            case Primitive::Type::Circle:
                if (p.points.empty()) break;
                // Explicit segment counts: hundreds of small dots, each as round as the eye can tell.
                if (p.color.a > 0)
                    dl->AddCircleFilled(at(origin, p.points[0]), p.radius, to_imu32(p.color), p.radius < 4 ? 8 : 12);
                if (p.width > 0)
                    dl->AddCircle(at(origin, p.points[0]), p.radius, to_imu32(p.stroke_color), p.radius < 6 ? 10 : 16,
                                  screen_width(p.width));
                break;
            case Primitive::Type::Polygon: {
                if (p.points.size() < 3) break;
                ImVec2 pts[16];
                const int count = static_cast<int>(std::min<std::size_t>(p.points.size(), 16));
                for (int k = 0; k < count; ++k) pts[k] = at(origin, p.points[static_cast<std::size_t>(k)]);
                if (p.color.a > 0) dl->AddConvexPolyFilled(pts, count, to_imu32(p.color));
                if (p.width > 0)
                    dl->AddPolyline(pts, count, to_imu32(p.stroke_color), ImDrawFlags_Closed, screen_width(p.width));
                break;
            }
            case Primitive::Type::Text: draw_text(dl, origin, p, fonts); break;
            case Primitive::Type::Image: {
                if (is_heatmap_image(p, shown_) && hooks.gpu_heatmap && hooks.gpu_heatmap(p.panel_index) &&
                    hooks.draw_heatmap) {
                    const auto& panel = shown_.panels[static_cast<std::size_t>(p.panel_index)];
                    if (heatmap_drawn.insert(p.panel_index).second)
                        hooks.draw_heatmap(dl, p.panel_index, canvas_.panels[static_cast<std::size_t>(p.panel_index)],
                                           origin, *panel.heatmap);
                    break;
                }
                if (!textures_[i]) textures_[i] = upload_image(p);  // once per layout, not per frame
                if (textures_[i])
                    dl->AddImage(reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(textures_[i])),
                                 at(origin, {p.rect.x0, p.rect.y0}), at(origin, {p.rect.x1, p.rect.y1}));
                break;
            }
        }
        if (clipped) dl->PopClipRect();
    }
}

void PlotWidget::Legend(PlotView& view, ImVec2 origin, Vec2 mouse, bool hovered) {
    // A collapsed legend lists its entries on hover and expands on click.
    const int box_panel = hovered ? legend_box_at(canvas_, mouse) : -1;
    if (box_panel < 0) return;
    const PanelLayout& l = canvas_.panels[static_cast<std::size_t>(box_panel)];
    if (!l.legend_collapsed) return;
    const auto& series = shown_.panels[static_cast<std::size_t>(box_panel)].series;
    ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
    ImGui::BeginTooltip();
    const float swatch = ImGui::GetTextLineHeight() * 0.7f;
    for (const int index : l.legend_series) {
        const Series& s = series[static_cast<std::size_t>(index)];
        const ImVec2 pos = ImGui::GetCursorScreenPos();
        const float pad = (ImGui::GetTextLineHeight() - swatch) * 0.5f;
        ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(pos.x, pos.y + pad), ImVec2(pos.x + swatch, pos.y + pad + swatch),
                                                  to_imu32(s.color), 2.0f);
        ImGui::Dummy(ImVec2(swatch, ImGui::GetTextLineHeight()));
        ImGui::SameLine();
        if (s.visible) ImGui::TextUnformatted(s.label.c_str());
        else ImGui::TextDisabled("%s (hidden)", s.label.c_str());
    }
    ImGui::TextDisabled("click: show the whole legend");
    ImGui::EndTooltip();
    (void)origin;
    if (ImGui::IsItemClicked(ImGuiMouseButton_Left) && !ImGui::IsMouseDragging(ImGuiMouseButton_Left)) {
        view.legend_collapsed = false;
        ++view.version;
    }
}

void PlotWidget::ContextMenu(PlotView& view) {
    if (ImGui::IsItemClicked(ImGuiMouseButton_Right)) ImGui::OpenPopup("##plot_menu");
    if (!ImGui::BeginPopup("##plot_menu")) return;
    if (ImGui::MenuItem(IsMaximised() ? "Restore (show every plot)" : "Maximise", "double-click title")) ToggleMaximised();
    if (ImGui::MenuItem("Fit", "double-click plot", false, view.x || view.y)) {
        view.x.reset();
        view.y.reset();
        ++view.version;
    }
    ImGui::Separator();
    if (ImGui::MenuItem(view.legend_collapsed ? "Show the whole legend" : "Collapse the legend to one line")) {
        view.legend_collapsed = !view.legend_collapsed;
        ++view.version;
    }
    if (ImGui::MenuItem("Put the legend back in its automatic place", nullptr, false, view.legend_anchor.has_value())) {
        view.legend_anchor.reset();
        ++view.version;
    }
    ImGui::TextDisabled("drag the legend to move it");
    ImGui::EndPopup();
}

void PlotWidget::Interact(PlotView& view, ImVec2 origin, const PlotHooks& hooks) {
    ImGuiIO& io = ImGui::GetIO();
    const bool hovered = ImGui::IsItemHovered();
    const bool active = ImGui::IsItemActive();
    const Vec2 mouse{io.MousePos.x - origin.x, io.MousePos.y - origin.y};
    int axes = 0;
    const int panel = hovered || active ? panel_at(canvas_, mouse, &axes) : -1;
    const auto [legend_panel, legend_series] = hovered ? legend_at(canvas_, mouse) : std::pair<int, int>{-1, -1};

    const auto range_x = [&](const PanelLayout& l) { return view.x.value_or(Range{l.x_min, l.x_max}); };
    const auto range_y = [&](const PanelLayout& l) { return view.y.value_or(Range{l.y_min, l.y_max}); };

    ContextMenu(view);

    // Dragging a legend moves it (inside the plot, as a fraction of the plot area).
    if (ImGui::IsItemActivated() && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
        legend_drag_panel_ = hovered ? legend_box_at(canvas_, mouse) : -1;
        if (legend_drag_panel_ >= 0) {
            const Rect& box = canvas_.panels[static_cast<std::size_t>(legend_drag_panel_)].legend_box;
            legend_grab_ = Vec2{mouse.x - box.x0, mouse.y - box.y0};
        }
    }
    if (!active) legend_drag_panel_ = -1;
    if (legend_drag_panel_ >= 0 && legend_drag_panel_ < static_cast<int>(canvas_.panels.size())) {
        if (ImGui::IsMouseDragging(ImGuiMouseButton_Left, 4.0f)) {
            const PanelLayout& l = canvas_.panels[static_cast<std::size_t>(legend_drag_panel_)];
            const float w = std::max(1.0f, l.plot.width()), h = std::max(1.0f, l.plot.height());
            const LegendAnchor anchor{std::clamp((mouse.x - legend_grab_.x - l.plot.x0) / w, 0.0f, 1.0f),
                                      std::clamp((mouse.y - legend_grab_.y - l.plot.y0) / h, 0.0f, 1.0f)};
            if (!view.legend_anchor || !(*view.legend_anchor == anchor)) {
                view.legend_anchor = anchor;
                ++view.version;
            }
            ImGui::SetMouseCursor(ImGuiMouseCursor_ResizeAll);
            return;
        }
    }

    Legend(view, origin, mouse, hovered);

    // Legend: click toggles the series (by its stable key).
    if (legend_series >= 0) {
        ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
        const auto& series = shown_.panels[static_cast<std::size_t>(legend_panel)].series;
        if (ImGui::IsMouseReleased(ImGuiMouseButton_Left) && ImGui::IsItemHovered() &&
            ImGui::GetMouseDragDelta(ImGuiMouseButton_Left).x == 0 && ImGui::GetMouseDragDelta(ImGuiMouseButton_Left).y == 0 &&
            legend_series < static_cast<int>(series.size())) {
            const std::string key = series_key(series[static_cast<std::size_t>(legend_series)]);
            if (!view.hidden.erase(key)) view.hidden.insert(key);
            ++view.version;
            drag_panel_ = -1;
            return;
        }
        ImGui::SetTooltip("Click to %s this series; drag to move the legend; right-click for more",
                          series.empty() ? "toggle" : "show or hide");
        return;
    }
    if (hovered && legend_box_at(canvas_, mouse) >= 0) return;  // over the legend box: no zoom, no crosshair

    // Double-click outside the data (title, axes, caption): maximise or restore.
    if (hovered && panel < 0 && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) {
        ToggleMaximised();
        drag_panel_ = -1;
        return;
    }

    // Double-click: fit (back to the figure's own ranges).
    if (hovered && panel >= 0 && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) {
        view.x.reset();
        view.y.reset();
        ++view.version;
        drag_panel_ = -1;
        return;
    }

    // Wheel zoom around the cursor; over an axis band only that axis zooms.
    if (hovered && panel >= 0 && io.MouseWheel != 0.0f) {
        const PanelLayout& l = canvas_.panels[static_cast<std::size_t>(panel)];
        const double factor = wheel_zoom_factor(io.MouseWheel);
        if (axes & 1) view.x = zoom_range(range_x(l), l.x_scale, l.from_px_x(mouse.x), factor);
        if (axes & 2) view.y = zoom_range(range_y(l), l.y_scale, l.from_px_y(mouse.y), factor);
        ++view.version;
    }

    // Drag to pan (the panel and axes are fixed when the drag starts).
    if (ImGui::IsItemActivated()) {
        drag_panel_ = panel;
        drag_axes_ = axes;
    }
    if (active && drag_panel_ >= 0 && drag_panel_ < static_cast<int>(canvas_.panels.size()) &&
        ImGui::IsMouseDragging(ImGuiMouseButton_Left, 2.0f) && (io.MouseDelta.x != 0 || io.MouseDelta.y != 0)) {
        const PanelLayout& l = canvas_.panels[static_cast<std::size_t>(drag_panel_)];
        if (drag_axes_ & 1) view.x = pan_range(range_x(l), l.x_scale, -io.MouseDelta.x, l.plot.width());
        if (drag_axes_ & 2) view.y = pan_range(range_y(l), l.y_scale, io.MouseDelta.y, l.plot.height());
        ++view.version;
        ImGui::SetMouseCursor(ImGuiMouseCursor_ResizeAll);
    }
    if (!active) drag_panel_ = -1;

    if (hovered && !active && panel >= 0 && axes == 3)
        Crosshair(ImGui::GetWindowDrawList(), origin, panel, ImVec2(mouse.x, mouse.y), hooks);
}

void PlotWidget::Crosshair(ImDrawList* dl, ImVec2 origin, int panel_index, ImVec2 mouse, const PlotHooks& hooks) {
    const PanelLayout& l = canvas_.panels[static_cast<std::size_t>(panel_index)];
    const Panel& panel = shown_.panels[static_cast<std::size_t>(panel_index)];
    const Theme& theme = PlotTheme();
    Color line = theme.axis;
    line.a = 150;
    dl->AddLine(at(origin, {mouse.x, l.plot.y0}), at(origin, {mouse.x, l.plot.y1}), to_imu32(line), 1.0f);
    dl->AddLine(at(origin, {l.plot.x0, mouse.y}), at(origin, {l.plot.x1, mouse.y}), to_imu32(line), 1.0f);

    const double x = l.from_px_x(mouse.x);
    const double y = l.from_px_y(mouse.y);
    ImGui::BeginTooltip();
    if (panel.heatmap && hooks.heatmap_readout) {
        ImGui::TextUnformatted(hooks.heatmap_readout(panel_index, x, y).c_str());
        ImGui::EndTooltip();
        return;
    }
    // Snap the readout to the data: the x of the first visible series' nearest point.
    double snapped = x;
    for (const auto& s : panel.series) {
        if (!s.visible || s.x.empty()) continue;
        if (const auto index = nearest_index(s.x, x, l.x_scale)) {
            snapped = s.x[*index];
            break;
        }
    }
    ImGui::TextDisabled("%s: %s", panel.x.title.empty() ? "x" : panel.x.title.c_str(), fmt(snapped).c_str());
    std::set<std::string> shown_labels;
    const float swatch = ImGui::GetTextLineHeight() * 0.7f;
    int rows = 0;
    for (const auto& s : panel.series) {
        if (!s.visible || s.x.empty()) continue;
        if (!shown_labels.insert(s.label).second) continue;  // e.g. a ramp curve and its dots
        const auto index = nearest_index(s.x, x, l.x_scale);
        if (!index || *index >= s.y.size()) continue;
        const ImVec2 pos = ImGui::GetCursorScreenPos();
        const float pad = (ImGui::GetTextLineHeight() - swatch) * 0.5f;
        ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(pos.x, pos.y + pad), ImVec2(pos.x + swatch, pos.y + pad + swatch),
                                                  to_imu32(s.color), 2.0f);
        ImGui::Dummy(ImVec2(swatch, ImGui::GetTextLineHeight()));
        ImGui::SameLine();
        const double sx = s.x[*index];
        if (sx != snapped)
            ImGui::Text("%s: %s  (at %s)", s.label.c_str(), fmt(s.y[*index]).c_str(), fmt(sx).c_str());
        else
            ImGui::Text("%s: %s", s.label.c_str(), fmt(s.y[*index]).c_str());
        ++rows;
    }
    if (rows == 0) ImGui::TextDisabled("%s: %s", panel.y.title.empty() ? "y" : panel.y.title.c_str(), fmt(y).c_str());
    ImGui::EndTooltip();
}

}  // namespace ropescope::gui
