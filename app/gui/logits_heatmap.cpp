#include "logits_heatmap.h"

#include <bit>
#include <cmath>
#include <vector>

#include "gl_program.h"
#include "retained_frame.h"
#include "ropescope/color.h"

namespace ropescope::gui {

bool LogitsHeatmap::Init(const std::string& shaders_dir, std::string* error) {
    program_ = load_shader_program(shaders_dir, "logits", "logits heatmap", error);
    if (!program_) return false;
    u_rect_ = glGetUniformLocation(program_, "u_rect");
    u_logits_ = glGetUniformLocation(program_, "u_logits");
    u_lut_ = glGetUniformLocation(program_, "u_lut");
    u_value_min_ = glGetUniformLocation(program_, "u_value_min");
    u_value_max_ = glGetUniformLocation(program_, "u_value_max");
    u_masked_ = glGetUniformLocation(program_, "u_masked");
    glGenVertexArrays(1, &vao_);

    lut_ = create_color_map_texture();
    return true;
}

void LogitsHeatmap::Shutdown() {
    if (texture_) glDeleteTextures(1, &texture_);
    if (lut_) glDeleteTextures(1, &lut_);
    if (vao_) glDeleteVertexArrays(1, &vao_);
    if (program_) glDeleteProgram(program_);
    texture_ = lut_ = vao_ = program_ = 0;
    columns_ = rows_ = 0;
    key_ = ~std::uint64_t{0};
}

void LogitsHeatmap::Upload(const LogitGrid& grid, std::uint64_t key) {
    if (!program_ || key == key_) return;
    key_ = key;
    const int columns = static_cast<int>(grid.keys.size()), rows = static_cast<int>(grid.queries.size());
    if (columns <= 0 || rows <= 0 ||
        grid.logits.size() != static_cast<std::size_t>(columns) * static_cast<std::size_t>(rows)) {
        columns_ = rows_ = 0;
        return;
    }
    if (!texture_) glGenTextures(1, &texture_);
    glBindTexture(GL_TEXTURE_2D, texture_);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    // Row 0 of the grid (the first query) is the bottom row of the texture, as in GL.
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R32F, columns, rows, 0, GL_RED, GL_FLOAT, grid.logits.data());
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glBindTexture(GL_TEXTURE_2D, 0);
    columns_ = columns;
    rows_ = rows;
    ++uploads_;
}

void LogitsHeatmap::Draw(ImDrawList* draw_list, const PanelLayout& layout, ImVec2 origin, const Heatmap& heatmap) {
    if (!HasTexture()) return;
    rect_[0] = origin.x + layout.to_px_x(heatmap.x_min);
    rect_[1] = origin.y + layout.to_px_y(heatmap.y_max);
    rect_[2] = origin.x + layout.to_px_x(heatmap.x_max);
    rect_[3] = origin.y + layout.to_px_y(heatmap.y_min);
    value_min_ = heatmap.value_min;
    value_max_ = heatmap.value_max;
    draw_list->PushClipRect(ImVec2(origin.x + layout.plot.x0, origin.y + layout.plot.y0),
                            ImVec2(origin.x + layout.plot.x1, origin.y + layout.plot.y1), true);
    std::uint64_t content = hash_mix(key_, static_cast<std::uint64_t>(uploads_));
    for (const float v : {rect_[0], rect_[1], rect_[2], rect_[3], value_min_, value_max_})
        content = hash_mix(content, std::bit_cast<std::uint32_t>(v));
    NoteCallbackContent(this, content);  // retained_frame.h: redrawn when this changes
    draw_list->AddCallback(&LogitsHeatmap::Callback, this);
    draw_list->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
    draw_list->PopClipRect();
}

void LogitsHeatmap::Callback(const ImDrawList*, const ImDrawCmd* cmd) {
    static_cast<LogitsHeatmap*>(cmd->UserCallbackData)->Render(*cmd);
}

void LogitsHeatmap::Render(const ImDrawCmd& cmd) {
    const ImDrawData* draw_data = ImGui::GetDrawData();
    if (!draw_data || !HasTexture()) return;
    const ImVec2 pos = draw_data->DisplayPos, size = draw_data->DisplaySize, scale = draw_data->FramebufferScale;
    if (size.x <= 0 || size.y <= 0) return;
    // Clip rectangle (the plot area) in framebuffer pixels; GL's origin is bottom-left.
    const float fb_height = size.y * scale.y;
    const float cx0 = std::floor((cmd.ClipRect.x - pos.x) * scale.x),
                cy0 = std::floor((cmd.ClipRect.y - pos.y) * scale.y);
    const float cx1 = std::ceil((cmd.ClipRect.z - pos.x) * scale.x),
                cy1 = std::ceil((cmd.ClipRect.w - pos.y) * scale.y);
    if (cx1 <= cx0 || cy1 <= cy0) return;
    glEnable(GL_SCISSOR_TEST);
    glScissor(static_cast<GLint>(cx0), static_cast<GLint>(fb_height - cy1), static_cast<GLsizei>(cx1 - cx0),
              static_cast<GLsizei>(cy1 - cy0));
    glViewport(0, 0, static_cast<GLsizei>(size.x * scale.x), static_cast<GLsizei>(fb_height));
    glDisable(GL_BLEND);
    const auto ndc_x = [&](float x) { return (x - pos.x) / size.x * 2.0f - 1.0f; };
    const auto ndc_y = [&](float y) { return 1.0f - (y - pos.y) / size.y * 2.0f; };
    glUseProgram(program_);
    glBindVertexArray(vao_);
    glActiveTexture(GL_TEXTURE1);
    glBindTexture(GL_TEXTURE_2D, lut_);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, texture_);
    glUniform1i(u_logits_, 0);
    glUniform1i(u_lut_, 1);
    glUniform4f(u_rect_, ndc_x(rect_[0]), ndc_y(rect_[3]), ndc_x(rect_[2]), ndc_y(rect_[1]));
    glUniform1f(u_value_min_, value_min_);
    glUniform1f(u_value_max_, value_max_);
    const Color background = dark_theme().plot_background;
    glUniform3f(u_masked_, static_cast<float>(background.r) / 255.0f, static_cast<float>(background.g) / 255.0f,
                static_cast<float>(background.b) / 255.0f);
    glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
    glBindVertexArray(0);
    glEnable(GL_BLEND);
    // ImDrawCallback_ResetRenderState (queued right after) restores ImGui's program, buffers, viewport.
}

}  // namespace ropescope::gui
