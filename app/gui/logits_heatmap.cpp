#include "logits_heatmap.h"

#include <cmath>
#include <fstream>
#include <sstream>
#include <vector>

#include "ropescope/color.h"

namespace ropescope::gui {

namespace {

constexpr int kLutSize = 1025;  // the diverging map's knots (t = -1, -0.5, 0, 0.5, 1) land on texel centres

bool read_text(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::stringstream buffer;
    buffer << in.rdbuf();
    out = buffer.str();
    return true;
}

GLuint compile(GLenum type, const std::string& source, const std::string& name, std::string* error) {
    const GLuint shader = glCreateShader(type);
    const char* text = source.c_str();
    glShaderSource(shader, 1, &text, nullptr);
    glCompileShader(shader);
    GLint ok = 0;
    glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
    if (!ok) {
        char log[2048] = {};
        glGetShaderInfoLog(shader, sizeof log, nullptr, log);
        if (error) *error = name + " does not compile: " + log;
        glDeleteShader(shader);
        return 0;
    }
    return shader;
}

}  // namespace

bool LogitsHeatmap::Init(const std::string& shaders_dir, std::string* error) {
    std::string vert_source, frag_source;
    const std::string vert_path = shaders_dir + "/logits.vert", frag_path = shaders_dir + "/logits.frag";
    if (shaders_dir.empty() || !read_text(vert_path, vert_source) || !read_text(frag_path, frag_source)) {
        if (error)
            *error = "logits heatmap shaders not found (looked for logits.vert/.frag in " +
                     (shaders_dir.empty() ? std::string("the data directories") : shaders_dir) +
                     "); the logits heatmap is drawn from the CPU image.";
        return false;
    }
    const GLuint vert = compile(GL_VERTEX_SHADER, vert_source, vert_path, error);
    if (!vert) return false;
    const GLuint frag = compile(GL_FRAGMENT_SHADER, frag_source, frag_path, error);
    if (!frag) {
        glDeleteShader(vert);
        return false;
    }
    program_ = glCreateProgram();
    glAttachShader(program_, vert);
    glAttachShader(program_, frag);
    glLinkProgram(program_);
    glDeleteShader(vert);
    glDeleteShader(frag);
    GLint ok = 0;
    glGetProgramiv(program_, GL_LINK_STATUS, &ok);
    if (!ok) {
        char log[2048] = {};
        glGetProgramInfoLog(program_, sizeof log, nullptr, log);
        if (error) *error = std::string("logits heatmap shaders do not link: ") + log;
        glDeleteProgram(program_);
        program_ = 0;
        return false;
    }
    u_rect_ = glGetUniformLocation(program_, "u_rect");
    u_logits_ = glGetUniformLocation(program_, "u_logits");
    u_lut_ = glGetUniformLocation(program_, "u_lut");
    u_value_min_ = glGetUniformLocation(program_, "u_value_min");
    u_value_max_ = glGetUniformLocation(program_, "u_value_max");
    u_masked_ = glGetUniformLocation(program_, "u_masked");
    glGenVertexArrays(1, &vao_);

    // The colour map: the core's diverging_color on the dark theme (what the colour bar shows).
    std::vector<unsigned char> lut(static_cast<std::size_t>(kLutSize) * 4);
    const Theme theme = dark_theme();
    for (int k = 0; k < kLutSize; ++k) {
        const Color c = diverging_color(-1.0f + 2.0f * static_cast<float>(k) / (kLutSize - 1), theme);
        const std::size_t at = static_cast<std::size_t>(k) * 4;
        lut[at] = c.r;
        lut[at + 1] = c.g;
        lut[at + 2] = c.b;
        lut[at + 3] = 255;
    }
    glGenTextures(1, &lut_);
    glBindTexture(GL_TEXTURE_2D, lut_);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, kLutSize, 1, 0, GL_RGBA, GL_UNSIGNED_BYTE, lut.data());
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glBindTexture(GL_TEXTURE_2D, 0);
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
