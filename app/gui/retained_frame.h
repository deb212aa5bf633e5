// The window's picture is kept in an offscreen framebuffer between frames, and each frame redraws
// only the tiles whose content changed (tile_damage.h), then copies the picture to the window. ImGui
// builds the whole frame's geometry as usual; each redraw pass renders it with every command's clip
// rectangle cut down to the damaged rectangle, so the GL shades only those pixels. On Mesa llvmpipe
// an unchanged 1600x1000 frame went from ~25 ms of shading to a copy, and a slider drag shades the
// slider and the plots it changes.
//
// What a draw callback paints is not in ImGui's vertices, so the owner of a callback says what its
// picture depends on (NoteCallbackContent) in the frame it queues it; a callback nobody described
// is redrawn every frame.
#pragma once

#include <cstdint>

#include <epoxy/gl.h>
#include <imgui.h>

#include "ropescope/color.h"
#include "tile_damage.h"

namespace ropescope::gui {

// The picture a draw callback with `user_data` paints this frame is summed up by `content` (for
// example the version of the offscreen picture it copies).
void NoteCallbackContent(const void* user_data, std::uint64_t content);
// A texture's pixels changed (a new upload, possibly under a recycled name): every textured draw
// other than the font atlas is redrawn once.
void NoteTextureUpload();

class RetainedFrame {
public:
    RetainedFrame() = default;
    RetainedFrame(const RetainedFrame&) = delete;
    RetainedFrame& operator=(const RetainedFrame&) = delete;
    ~RetainedFrame() = default;  // GL objects go with the context; Shutdown frees them earlier

    // Renders ImGui's draw data into the retained picture (only the damaged parts unless
    // `full_redraw`), on `clear` as the background, then copies the picture into the window's
    // back buffer (framebuffer 0 is bound afterwards). `frame_key` changes when every pixel may.
    void Render(ImDrawData* draw_data, Color clear, std::uint64_t frame_key, bool full_redraw);
    void Shutdown();

    // The last frame: the fraction of the window's pixels redrawn, and the redraw passes.
    double LastRedrawnFraction() const { return redrawn_fraction_; }
    int LastPasses() const { return passes_; }

private:
    bool EnsureTarget(int width, int height);

    GLuint fbo_ = 0, color_ = 0;
    int width_ = 0, height_ = 0;
    TileDamage damage_;
    double redrawn_fraction_ = 1;
    int passes_ = 0;
};

}  // namespace ropescope::gui
