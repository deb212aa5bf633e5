#include "gl_blit.h"

#include "retained_frame.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace ropescope::gui {

namespace {

void blit_callback(const ImDrawList*, const ImDrawCmd* cmd) {
    BlitNow(*static_cast<const BlitRequest*>(cmd->UserCallbackData), cmd->ClipRect);
}

}  // namespace

void AddBlit(ImDrawList* draw_list, BlitRequest* request) {
    // Everything BlitNow reads, for the retained frame.
    std::uint64_t content = hash_mix(request->content, request->framebuffer);
    content = hash_mix(content, static_cast<std::uint64_t>(request->width) << 32 | static_cast<std::uint32_t>(request->height));
    content = hash_mix(content, static_cast<std::uint64_t>(std::bit_cast<std::uint32_t>(request->top_left.x)) << 32 |
                                    std::bit_cast<std::uint32_t>(request->top_left.y));
    NoteCallbackContent(request, content);
    draw_list->AddCallback(blit_callback, request);
    draw_list->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
}

void BlitNow(const BlitRequest& r, const ImVec4& clip) {
    const ImDrawData* draw_data = ImGui::GetDrawData();
    if (!draw_data || !r.framebuffer || r.width <= 0 || r.height <= 0) return;
    const ImVec2 scale = draw_data->FramebufferScale;
    const ImVec2 offset = draw_data->DisplayPos;
    const float fb_height = draw_data->DisplaySize.y * scale.y;
    const float x0 = std::round((r.top_left.x - offset.x) * scale.x);
    const float y0 = std::round((r.top_left.y - offset.y) * scale.y);  // from the top
    const float cx0 = std::max(x0, (clip.x - offset.x) * scale.x);
    const float cy0 = std::max(y0, (clip.y - offset.y) * scale.y);
    const float cx1 = std::min(x0 + static_cast<float>(r.width), (clip.z - offset.x) * scale.x);
    const float cy1 = std::min(y0 + static_cast<float>(r.height), (clip.w - offset.y) * scale.y);
    if (cx1 <= cx0 || cy1 <= cy0) return;
    GLint target = 0;
    glGetIntegerv(GL_DRAW_FRAMEBUFFER_BINDING, &target);
    glBindFramebuffer(GL_READ_FRAMEBUFFER, r.framebuffer);
    glEnable(GL_SCISSOR_TEST);
    glScissor(static_cast<GLint>(cx0), static_cast<GLint>(fb_height - cy1), static_cast<GLsizei>(cx1 - cx0),
              static_cast<GLsizei>(cy1 - cy0));
    const auto dst_x = static_cast<GLint>(x0);
    const auto dst_y = static_cast<GLint>(fb_height - y0) - r.height;  // GL: bottom-left origin
    glBlitFramebuffer(0, 0, r.width, r.height, dst_x, dst_y, dst_x + r.width, dst_y + r.height, GL_COLOR_BUFFER_BIT,
                      GL_NEAREST);
    glBindFramebuffer(GL_READ_FRAMEBUFFER, static_cast<GLuint>(target));
}

}  // namespace ropescope::gui
