#include "retained_frame.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <unordered_map>
#include <vector>

#include <backends/imgui_impl_opengl3.h>

namespace ropescope::gui {

namespace {

// What the callbacks queued this frame paint (NoteCallbackContent); emptied by each Render.
std::unordered_map<const void*, std::uint64_t>& callback_contents() {
    static std::unordered_map<const void*, std::uint64_t> contents;
    return contents;
}
std::uint64_t g_texture_epoch = 0;
std::uint64_t g_frames = 0;

std::uint64_t bits(float value) { return std::bit_cast<std::uint32_t>(value); }

std::uint64_t hash_vertex(const ImDrawVert& v) {
    std::uint64_t h = hash_mix(bits(v.pos.x), bits(v.pos.y));
    h = hash_mix(h, bits(v.uv.x) << 32 | bits(v.uv.y));
    return hash_mix(h, v.col);
}

std::uint64_t hash_rect(std::uint64_t seed, const ImVec4& r) {
    return hash_mix(hash_mix(seed, bits(r.x) << 32 | bits(r.y)), bits(r.z) << 32 | bits(r.w));
}

// Feeds every triangle and callback of the frame to `damage`, in drawing order.
void add_draw_data(TileDamage& damage, const ImDrawData& data) {
    const ImVec2 pos = data.DisplayPos, scale = data.FramebufferScale;
    const ImTextureID font_texture = ImGui::GetIO().Fonts->TexID;
    auto& contents = callback_contents();
    std::vector<std::uint64_t> vertex_hashes;
    for (int l = 0; l < data.CmdListsCount; ++l) {
        const ImDrawList& list = *data.CmdLists[l];
        vertex_hashes.resize(static_cast<std::size_t>(list.VtxBuffer.Size));
        for (int i = 0; i < list.VtxBuffer.Size; ++i) vertex_hashes[static_cast<std::size_t>(i)] = hash_vertex(list.VtxBuffer[i]);
        for (const ImDrawCmd& cmd : list.CmdBuffer) {
            const float cx0 = (cmd.ClipRect.x - pos.x) * scale.x, cy0 = (cmd.ClipRect.y - pos.y) * scale.y;
            const float cx1 = (cmd.ClipRect.z - pos.x) * scale.x, cy1 = (cmd.ClipRect.w - pos.y) * scale.y;
            if (cmd.UserCallback) {
                if (cmd.UserCallback == ImDrawCallback_ResetRenderState) continue;
                const auto found = contents.find(cmd.UserCallbackData);
                // Undescribed: different every frame, so always redrawn.
                const std::uint64_t content = found != contents.end() ? found->second : hash_mix(~g_frames, l);
                std::uint64_t h = hash_mix(std::bit_cast<std::uintptr_t>(cmd.UserCallback), content);
                damage.Add(cx0, cy0, cx1, cy1, hash_rect(h, cmd.ClipRect));
                continue;
            }
            std::uint64_t seed = hash_rect(std::bit_cast<std::uintptr_t>(cmd.TextureId), cmd.ClipRect);
            if (cmd.TextureId != font_texture) seed = hash_mix(seed, g_texture_epoch);
            const ImDrawIdx* idx = list.IdxBuffer.Data + cmd.IdxOffset;
            for (unsigned t = 0; t + 2 < cmd.ElemCount; t += 3) {
                const unsigned a = idx[t] + cmd.VtxOffset, b = idx[t + 1] + cmd.VtxOffset, c = idx[t + 2] + cmd.VtxOffset;
                if (c >= static_cast<unsigned>(list.VtxBuffer.Size) || a >= static_cast<unsigned>(list.VtxBuffer.Size) ||
                    b >= static_cast<unsigned>(list.VtxBuffer.Size))
                    continue;
                const ImVec2 pa = list.VtxBuffer[static_cast<int>(a)].pos, pb = list.VtxBuffer[static_cast<int>(b)].pos,
                             pc = list.VtxBuffer[static_cast<int>(c)].pos;
                const float x0 = std::max(cx0, (std::min({pa.x, pb.x, pc.x}) - pos.x) * scale.x);
                const float y0 = std::max(cy0, (std::min({pa.y, pb.y, pc.y}) - pos.y) * scale.y);
                const float x1 = std::min(cx1, (std::max({pa.x, pb.x, pc.x}) - pos.x) * scale.x);
                const float y1 = std::min(cy1, (std::max({pa.y, pb.y, pc.y}) - pos.y) * scale.y);
                std::uint64_t h = hash_mix(seed, vertex_hashes[a]);
                h = hash_mix(h, vertex_hashes[b]);
                damage.Add(x0, y0, x1, y1, hash_mix(h, vertex_hashes[c]));
            }
        }
    }
}

ImVec4 intersect(const ImVec4& a, const ImVec4& b) {
    ImVec4 r(std::max(a.x, b.x), std::max(a.y, b.y), std::min(a.z, b.z), std::min(a.w, b.w));
    if (r.z < r.x) r.z = r.x;  // empty: the backend skips it, the callbacks draw nothing
    if (r.w < r.y) r.w = r.y;
    return r;
}

}  // namespace

void NoteCallbackContent(const void* user_data, std::uint64_t content) { callback_contents()[user_data] = content; }

void NoteTextureUpload() { ++g_texture_epoch; }

bool RetainedFrame::EnsureTarget(int width, int height) {
    if (fbo_ && width == width_ && height == height_) return true;
    if (!fbo_) glGenFramebuffers(1, &fbo_);
    if (!color_) glGenRenderbuffers(1, &color_);
    glBindRenderbuffer(GL_RENDERBUFFER, color_);
    glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, width, height);
    glBindRenderbuffer(GL_RENDERBUFFER, 0);
    glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
    glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, color_);
    const bool complete = glCheckFramebufferStatus(GL_FRAMEBUFFER) == GL_FRAMEBUFFER_COMPLETE;
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    width_ = width;
    height_ = height;
    damage_.Invalidate();
    if (!complete) Shutdown();
    return complete;
}

void RetainedFrame::Shutdown() {
    if (fbo_) glDeleteFramebuffers(1, &fbo_);
    if (color_) glDeleteRenderbuffers(1, &color_);
    fbo_ = color_ = 0;
    width_ = height_ = 0;
    damage_.Invalidate();
}

void RetainedFrame::DrawPasses(ImDrawData* data, Color clear, const std::vector<PixelRect>& rects, GLuint framebuffer,
                               int height) {
    // Each pass: clear the rectangle, then draw the whole frame clipped to it.
    std::vector<ImVec4> clips;
    for (int l = 0; l < data->CmdListsCount; ++l)
        for (const ImDrawCmd& cmd : data->CmdLists[l]->CmdBuffer) clips.push_back(cmd.ClipRect);
    const ImVec2 pos = data->DisplayPos, scale = data->FramebufferScale;
    for (const PixelRect& rect : rects) {
        glBindFramebuffer(GL_FRAMEBUFFER, framebuffer);  // a callback of the last pass may have left another bound
        glEnable(GL_SCISSOR_TEST);
        glScissor(rect.x0, height - rect.y1, rect.x1 - rect.x0, rect.y1 - rect.y0);
        // Again each pass: a callback in the last one may have set its own.
        glClearColor(static_cast<float>(clear.r) / 255.0f, static_cast<float>(clear.g) / 255.0f,
                     static_cast<float>(clear.b) / 255.0f, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
        const ImVec4 display(static_cast<float>(rect.x0) / scale.x + pos.x, static_cast<float>(rect.y0) / scale.y + pos.y,
                             static_cast<float>(rect.x1) / scale.x + pos.x, static_cast<float>(rect.y1) / scale.y + pos.y);
        std::size_t k = 0;
        for (int l = 0; l < data->CmdListsCount; ++l)
            for (ImDrawCmd& cmd : data->CmdLists[l]->CmdBuffer) cmd.ClipRect = intersect(clips[k++], display);
        ImGui_ImplOpenGL3_RenderDrawData(data);
    }
    std::size_t k = 0;
    for (int l = 0; l < data->CmdListsCount; ++l)
        for (ImDrawCmd& cmd : data->CmdLists[l]->CmdBuffer) cmd.ClipRect = clips[k++];
    glDisable(GL_SCISSOR_TEST);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
}

std::vector<PixelRect> RetainedFrame::Render(ImDrawData* data, Color clear, std::uint64_t frame_key, RetainedIn in,
                                             bool redraw_all) {
    ++g_frames;
    const int width = static_cast<int>(data->DisplaySize.x * data->FramebufferScale.x);
    const int height = static_cast<int>(data->DisplaySize.y * data->FramebufferScale.y);
    if (width <= 0 || height <= 0) {
        callback_contents().clear();
        return {};
    }
    if (in == RetainedIn::Offscreen && !EnsureTarget(width, height)) in = RetainedIn::Nowhere;  // no offscreen target
    if (in != last_in_) damage_.Invalidate();  // what is kept where it now lives is not this picture
    last_in_ = in;
    const PixelRect whole{0, 0, width, height};
    glViewport(0, 0, width, height);
    if (in == RetainedIn::Nowhere) {
        callback_contents().clear();
        DrawPasses(data, clear, {whole}, 0, height);
        redrawn_fraction_ = 1;
        return {whole};
    }
    damage_.Begin(width, height, hash_mix(frame_key, std::bit_cast<std::uintptr_t>(ImGui::GetIO().Fonts->TexID)));
    add_draw_data(damage_, *data);
    callback_contents().clear();
    std::vector<PixelRect> rects = damage_.End();
    redrawn_fraction_ = damage_.LastDamagedFraction();
    if (redraw_all) {
        rects = {whole};
        redrawn_fraction_ = 1;
    }
    if (in == RetainedIn::BackBuffer) {
        DrawPasses(data, clear, rects, 0, height);
        return rects;
    }
    DrawPasses(data, clear, rects, fbo_, height);
    // The picture into the window's back buffer, undefined since the last swap: a same-size copy
    // (a memory copy on a software GL).
    glBindFramebuffer(GL_READ_FRAMEBUFFER, fbo_);
    glBindFramebuffer(GL_DRAW_FRAMEBUFFER, 0);
    glBlitFramebuffer(0, 0, width, height, 0, 0, width, height, GL_COLOR_BUFFER_BIT, GL_NEAREST);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    return {whole};
}

}  // namespace ropescope::gui
