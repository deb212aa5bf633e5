// The plot widget: draws a core Figure (laid out by layout_figure, the same layout the SVG and
// PNG exporters use) with ImDrawList, and adds the interaction on top: wheel zoom around the
// cursor (log-aware; over an axis zooms that axis only), drag to pan, double-click to fit,
// legend click to hide a series, crosshair with a readout of every visible series.
//
// Rotated text: the y-axis title is drawn horizontally and its vertices are rotated 90 degrees
// counter-clockwise about the anchor, exactly where the layout placed it.
//
// Caching: once its layout has stopped changing, the canvas is rendered into a texture and later
// frames blit it (plus the live crosshair). A plot has ~10-30k vertices of antialiased lines and
// dots; a software GL (llvmpipe) would otherwise rasterize them all on every frame.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <epoxy/gl.h>
#include <imgui.h>

#include "gl_blit.h"
#include "ropescope/figure.h"
#include "ropescope/render.h"
#include "style.h"
#include "view_state.h"

namespace ropescope::gui {

// The theme every plot is drawn with this frame (dark normally, light in presentation mode) and its
// text scale (the "plot text size" setting). Set by the app once per frame.
void SetPlotTheme(const Theme& theme);
const Theme& PlotTheme();

// Optional per-plot behaviour supplied by the owner (the heatmap plot uses all three).
struct PlotHooks {
    // True if the heatmap of `panel` is drawn by `draw_heatmap` (the CPU image is then skipped).
    std::function<bool(int panel)> gpu_heatmap;
    // Draws the heatmap of `panel` into layout.plot (screen position = origin + layout).
    std::function<void(ImDrawList*, int panel, const PanelLayout&, ImVec2 origin, const Heatmap&)> draw_heatmap;
    // Crosshair text for a heatmap panel at data (x, y).
    std::function<std::string(int panel, double x, double y)> heatmap_readout;
};

class PlotWidget {
public:
    PlotWidget() = default;
    PlotWidget(const PlotWidget&) = delete;
    PlotWidget& operator=(const PlotWidget&) = delete;
    ~PlotWidget();

    // Draws `figure` (whose content changes only with `figure_generation`) into a `size` region at
    // the cursor, with `view` applied (zoom ranges, hidden series) and updated by the mouse.
    void Draw(const char* id, const Figure& figure, std::uint64_t figure_generation, PlotView& view, ImVec2 size,
              const Fonts& fonts, float scale, const PlotHooks& hooks = {});

    // The figure as last drawn (view applied): what "Export current plot" writes.
    const Figure& Shown() const { return shown_; }
    // Marks the plot stale (a slow recompute is running): a busy mark shows over it until cleared.
    void SetBusy(bool busy);

    // Maximise: one plot at a time fills the workspace (double-click its title or margins, the
    // toolbar button, or the context menu; Escape or Back restores). While a plot is maximised
    // the others skip their drawing.
    bool IsMaximised() const { return maximised_ == this; }
    void ToggleMaximised();
    // The maximised plot, if any.
    static PlotWidget* Maximised() { return maximised_; }
    // Starts a frame: at most `refreshes` changed plots are laid out and re-rendered in it; the
    // others keep showing their last picture for a frame or a few (longest waiting first), so a
    // slider drag that changes every plot costs a bounded amount per frame.
    static void BeginFrame(int refreshes);
    // Whether a changed plot waited for its refresh in this frame (it needs another frame).
    static bool AnyWaiting() { return longest_wait_now_ > 0; }
    // Draws the maximised plot over `pos`/`size` (the workspace); the app calls it after the
    // workspace, in the same frame as the plot's own Draw.
    static void DrawMaximised(ImVec2 pos, ImVec2 size, const Fonts& fonts, float scale);
    const Canvas& Layout() const { return canvas_; }
    // Times the canvas was rendered into its cache texture.
    int CacheRenders() const { return cache_renders_; }
    // Milliseconds spent laying out in the last Draw (0 when the cached layout was reused).
    double LastLayoutMs() const { return last_layout_ms_; }
    void ReleaseTextures();

private:
    void DrawAt(const char* id, const Figure& figure, std::uint64_t figure_generation, PlotView& view, ImVec2 size,
                const Fonts& fonts, float scale, const PlotHooks& hooks);
    void Relayout(const Figure& figure, const PlotView& view, float width, float height, float scale);
    void Legend(PlotView& view, ImVec2 origin, Vec2 mouse, bool hovered);
    void ContextMenu(PlotView& view);
    void BusyMark(ImDrawList* draw_list, ImVec2 origin) const;
    void DrawCanvas(ImDrawList* draw_list, ImVec2 origin, const Fonts& fonts, const PlotHooks& hooks);
    void Interact(PlotView& view, ImVec2 origin, const PlotHooks& hooks);
    void Crosshair(ImDrawList* draw_list, ImVec2 origin, int panel, ImVec2 mouse, const PlotHooks& hooks);
    // Renders the canvas into cache_texture_ (through ImGui's OpenGL backend, into an FBO).
    bool RenderCache(const Fonts& fonts, const PlotHooks& hooks);
    void ReleaseCache();

    Figure shown_;
    Canvas canvas_;
    std::vector<GLuint> textures_;  // one per Image primitive (0 for skipped ones)
    GLuint cache_fbo_ = 0, cache_texture_ = 0;
    BlitRequest blit_;              // this frame's copy of the cache into the window
    int cache_width_ = 0, cache_height_ = 0;
    bool cache_valid_ = false;
    // Layout cache key.
    std::uint64_t generation_ = ~std::uint64_t{0};
    std::uint64_t view_version_ = ~std::uint64_t{0};
    float width_ = -1, height_ = -1, scale_ = -1;
    double last_layout_ms_ = 0;
    int cache_renders_ = 0;
    std::uint64_t cache_content_ = 0;  // which picture the cache holds (BlitRequest::content)
    int stable_frames_ = 0;         // frames since the last layout change
    ThemeKind theme_kind_ = ThemeKind::Dark;
    float text_scale_ = 1;
    // Drag state.
    int drag_panel_ = -1;
    int drag_axes_ = 0;  // 1: x, 2: y, 3: both
    int legend_drag_panel_ = -1;    // dragging this panel's legend
    Vec2 legend_grab_;              // mouse - legend top-left when the drag started
    // Busy mark.
    bool busy_ = false;
    double busy_since_ = 0;
    // What the last Draw was given, for the maximised view (valid for the rest of that frame).
    struct Args {
        std::string id;
        const Figure* figure = nullptr;
        std::uint64_t generation = 0;
        PlotView* view = nullptr;
        PlotHooks hooks;
        int frame = -1;
    } args_;
    static PlotWidget* maximised_;
    static int refresh_budget_;       // refreshes left this frame
    static int longest_wait_;         // the longest any plot waited, last frame
    static int longest_wait_now_;     // ... this frame
    int waiting_ = 0;                 // frames this plot has shown an outdated picture
};

// Applies a PlotView (zoom ranges, hidden series) to a figure, for layout or export.
Figure apply_view(const Figure& figure, const PlotView& view);

}  // namespace ropescope::gui
