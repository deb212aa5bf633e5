// Copies an offscreen framebuffer into the window at a draw-list position, clipped like the
// surrounding ImGui drawing: a glBlitFramebuffer through an ImDrawList callback. On a software GL
// a blit is a memory copy, much cheaper than drawing a textured quad of the same size.
#pragma once

#include <cstdint>

#include <epoxy/gl.h>
#include <imgui.h>

namespace ropescope::gui {

// What one blit copies; must stay alive until ImGui has rendered the frame.
struct BlitRequest {
    GLuint framebuffer = 0;      // source FBO (colour attachment 0)
    int width = 0, height = 0;   // source size in framebuffer pixels
    ImVec2 top_left;             // destination, ImGui display coordinates
    std::uint64_t content = 0;   // changes whenever the source's pixels do (retained_frame.h)
};

// Queues the blit (and ImGui's state reset after it) in `draw_list`.
void AddBlit(ImDrawList* draw_list, BlitRequest* request);

// Performs a blit now, inside a draw callback: `clip` is the command's clip rectangle.
void BlitNow(const BlitRequest& request, const ImVec4& clip);

}  // namespace ropescope::gui
