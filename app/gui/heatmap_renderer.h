// The rotation heatmap on the GPU: a fragment shader (shaders/heatmap.frag) evaluates
// cos(m * theta'_i) per pixel from per-pair frequency textures that are uploaded only when the
// parameters change. Drawn inside the plot area through an ImDrawList callback; the axes,
// labels and colour bar come from the figure, drawn by the plot widget. The shader renders into
// an offscreen texture of one row per pair and one column per pixel across the plot, only when
// the parameters, the x range or the width change; every frame blits (and stretches) it onto the
// plot (a software GL pays per shaded pixel: a drag shades width x pairs, not the whole plot).
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include <epoxy/gl.h>
#include <imgui.h>

#include "ropescope/figure.h"
#include "ropescope/render.h"
#include "ropescope/rope.h"

namespace ropescope::gui {

class HeatmapRenderer {
public:
    static constexpr int kSlots = 2;  // one per panel (A and B side by side)

    // Compiles the shaders found in `shaders_dir`; false (with `error`) if they are missing or
    // do not compile: the plot then shows the figure's CPU image instead.
    bool Init(const std::string& shaders_dir, std::string* error);
    void Shutdown();
    bool Ready() const { return program_ != 0; }

    // Uploads the frequencies of `a` (and of `b` to show a - b; may be null) for a slot, only
    // if `generation` differs from the last upload.
    void SetSlot(int slot, const RopeResult& a, const RopeResult* b, std::uint64_t generation);

    // Adds the callbacks that draw the slot's heatmap into `layout.plot` (offset by `origin`,
    // screen coordinates) with the figure's heatmap rows and colour range.
    void Draw(ImDrawList* draw_list, int slot, const PanelLayout& layout, ImVec2 origin, const Heatmap& heatmap);

    // Milliseconds spent in the last upload (perf overlay).
    double last_upload_ms() const { return last_upload_ms_; }
    // Shader passes so far (the cache is reused in between).
    int renders() const { return slots_[0].renders + slots_[1].renders; }

private:
    // Everything the picture depends on: when it equals the rendered one, the cache is blitted.
    struct Key {
        std::uint64_t generation = ~std::uint64_t{0};
        int width = 0, height = 0, x_log = 0, rows = 0;
        float m0[3] = {}, x_start = 0, x_step = 0, y_top = 0, y_step = 0, rows_y0 = 0, row_height = 0,
              value_min = 0, value_max = 0;
        bool operator==(const Key&) const = default;
    };
    struct Slot {
        HeatmapRenderer* owner = nullptr;
        GLuint texture = 0;           // per-pair frequencies
        GLuint fbo = 0, picture = 0;  // the rendered heatmap (cache)
        int picture_width = 0, picture_height = 0;
        Key rendered;                 // what `picture` shows
        int renders = 0;
        int pairs = 0;
        bool compare = false;
        float n_hat_a = 0, n_hat_b = 0;
        std::uint64_t generation = ~std::uint64_t{0};
        // Per-draw parameters, filled by Draw() and read by the callback at render time.
        float rect[4] = {};          // plot area in ImGui display coordinates: x0, y0 (top), x1, y1
        int x_log = 0;
        float m0[3] = {};
        float x_start = 0, x_step = 0;
        float y_top = 0, y_step = 0;
        float rows_y0 = 0, row_height = 1;
        double y_min = 0, y_max = 1;  // the plot's y range (data)
        int rows = 0;
        float value_min = -1, value_max = 1;
    };

    static void Callback(const ImDrawList* list, const ImDrawCmd* cmd);
    // What the slot's callback paints, summed up for the retained frame (retained_frame.h).
    static std::uint64_t ContentOf(const Slot& slot);
    void Render(Slot& slot, const ImDrawCmd& cmd);
    void Shade(Slot& slot, const Key& key);

    GLuint program_ = 0;
    GLuint vao_ = 0;
    GLuint lut_ = 0;
    std::array<Slot, kSlots> slots_{};
    double last_upload_ms_ = 0;
    // Uniform locations.
    GLint u_freqs_ = -1, u_lut_ = -1, u_rect_ = -1, u_x_log_ = -1, u_m0_ = -1, u_x_start_ = -1, u_x_step_ = -1,
          u_y_top_ = -1, u_y_step_ = -1, u_rows_y0_ = -1, u_row_height_ = -1, u_rows_ = -1, u_compare_ = -1,
          u_n_hat_a_ = -1, u_n_hat_b_ = -1, u_value_min_ = -1, u_value_max_ = -1;
};

}  // namespace ropescope::gui
