// The window's picture is kept between frames (in the window's back buffer where it is never
// swapped, window_present.h, else in an offscreen framebuffer copied to the window each frame), and
// each frame redraws only the tiles whose content changed (tile_damage.h). ImGui
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
#include <vector>

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

// Where the retained picture lives.
enum class RetainedIn {
    Offscreen,   // an offscreen framebuffer, copied whole into the window's back buffer each frame
    BackBuffer,  // the window's back buffer itself, which is never swapped (window_present.h)
    Nowhere,     // nothing is kept: every frame is drawn whole into the back buffer (--full-redraw)
                 // (with --swap too, --full-redraw redraws the offscreen picture whole instead: the
                 // reference for it, as a software GL may round blending differently per format)
};

class RetainedFrame {
public:
    RetainedFrame() = default;
    RetainedFrame(const RetainedFrame&) = delete;
    RetainedFrame& operator=(const RetainedFrame&) = delete;
    ~RetainedFrame() = default;  // GL objects go with the context; Shutdown frees them earlier

    // Renders ImGui's draw data, on `clear` as the background, redrawing only the damaged parts of
    // the picture kept `in` (all of it for Nowhere or `redraw_all`), and leaves the frame in the
    // window's back buffer (framebuffer 0 bound). `frame_key` changes when every pixel may.
    // Returns the rectangles of the back buffer that changed (framebuffer pixels, origin top-left).
    std::vector<PixelRect> Render(ImDrawData* draw_data, Color clear, std::uint64_t frame_key, RetainedIn in,
                                  bool redraw_all = false);
    void Shutdown();
    // The kept picture is gone (the back buffer it lived in was swapped): the next frame is drawn whole.
    void Invalidate() { damage_.Invalidate(); }

    // The last frame: the fraction of the window's pixels redrawn.
    double LastRedrawnFraction() const { return redrawn_fraction_; }

private:
    bool EnsureTarget(int width, int height);
    void DrawPasses(ImDrawData* data, Color clear, const std::vector<PixelRect>& rects, GLuint framebuffer, int height);

    GLuint fbo_ = 0, color_ = 0;
    int width_ = 0, height_ = 0;
    RetainedIn last_in_ = RetainedIn::Nowhere;
    TileDamage damage_;
    double redrawn_fraction_ = 1;
};

}  // namespace ropescope::gui
