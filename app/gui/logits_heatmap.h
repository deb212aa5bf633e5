// The attention panel's logits heatmap on the GPU: the (query x key) logits of one result are
// uploaded once as a single-channel float texture (GL_R32F) and coloured per pixel by a fragment
// shader (shaders/logits.frag) through the exporters' diverging colour map. It draws inside a plot
// widget's heatmap rectangle through an ImDrawList callback; the widget draws the axes, the colour
// bar and the crosshair. Nothing is uploaded per frame: a frame costs one textured quad.
#pragma once

#include <cstdint>
#include <string>

#include <epoxy/gl.h>
#include <imgui.h>

#include "attention_worker.h"
#include "ropescope/render.h"

namespace ropescope::gui {

class LogitsHeatmap {
public:
    LogitsHeatmap() = default;
    LogitsHeatmap(const LogitsHeatmap&) = delete;
    LogitsHeatmap& operator=(const LogitsHeatmap&) = delete;
    ~LogitsHeatmap() { Shutdown(); }

    // Compiles shaders/logits.{vert,frag} from `shaders_dir`; false (with `error`) if they are
    // missing or do not compile: the plot then shows the figure's CPU image.
    bool Init(const std::string& shaders_dir, std::string* error);
    // Frees the GL objects (needs the GL context current).
    void Shutdown();
    bool Ready() const { return program_ != 0; }

    // Uploads `grid` unless `key` is the key of the texture already uploaded.
    void Upload(const LogitGrid& grid, std::uint64_t key);
    bool HasTexture() const { return texture_ != 0 && columns_ > 0 && rows_ > 0; }
    // Uploads so far (tests and the perf readout: one per result or per method switch).
    int Uploads() const { return uploads_; }

    // Queues the callback that draws the texture into the heatmap's rectangle of `layout`
    // (screen position = origin + layout coordinates), clipped to the plot area.
    void Draw(ImDrawList* draw_list, const PanelLayout& layout, ImVec2 origin, const Heatmap& heatmap);

private:
    static void Callback(const ImDrawList* list, const ImDrawCmd* cmd);
    void Render(const ImDrawCmd& cmd);

    GLuint program_ = 0, vao_ = 0, lut_ = 0, texture_ = 0;
    GLint u_rect_ = -1, u_logits_ = -1, u_lut_ = -1, u_value_min_ = -1, u_value_max_ = -1, u_masked_ = -1;
    int columns_ = 0, rows_ = 0;
    std::uint64_t key_ = ~std::uint64_t{0};
    int uploads_ = 0;
    // This frame's draw (read by the callback at render time).
    float rect_[4] = {};  // heatmap rectangle in ImGui display coordinates: x0, y0 (top), x1, y1
    float value_min_ = -1, value_max_ = 1;
};

}  // namespace ropescope::gui
