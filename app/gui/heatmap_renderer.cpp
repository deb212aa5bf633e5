#include "heatmap_renderer.h"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <vector>

#include "plot_math.h"
#include "retained_frame.h"
#include "gl_program.h"
#include "ropescope/color.h"

namespace ropescope::gui {

namespace {

// Texels per pair: 3 (f, g1, g2) x {A theta', A theta, B theta', B theta}; blocks of 1024 pairs.
constexpr int kTexelsPerPair = 12;
constexpr int kBlockPairs = 1024;

}  // namespace

bool HeatmapRenderer::Init(const std::string& shaders_dir, std::string* error) {
    program_ = load_shader_program(shaders_dir, "heatmap", "heatmap", error);
    if (!program_) return false;
    const auto loc = [this](const char* name) { return glGetUniformLocation(program_, name); };
    u_freqs_ = loc("u_freqs");
    u_lut_ = loc("u_lut");
    u_rect_ = loc("u_rect");
    u_x_log_ = loc("u_x_log");
    u_m0_ = loc("u_m0");
    u_x_start_ = loc("u_x_start");
    u_x_step_ = loc("u_x_step");
    u_y_top_ = loc("u_y_top");
    u_y_step_ = loc("u_y_step");
    u_rows_y0_ = loc("u_rows_y0");
    u_row_height_ = loc("u_row_height");
    u_rows_ = loc("u_rows");
    u_compare_ = loc("u_compare");
    u_n_hat_a_ = loc("u_n_hat_a");
    u_n_hat_b_ = loc("u_n_hat_b");
    u_value_min_ = loc("u_value_min");
    u_value_max_ = loc("u_value_max");

    glGenVertexArrays(1, &vao_);

    lut_ = create_color_map_texture();
    for (auto& slot : slots_) slot.owner = this;
    return true;
}

void HeatmapRenderer::Shutdown() {
    for (auto& slot : slots_) {
        if (slot.texture) glDeleteTextures(1, &slot.texture);
        if (slot.picture) glDeleteTextures(1, &slot.picture);
        if (slot.fbo) glDeleteFramebuffers(1, &slot.fbo);
        slot.texture = slot.picture = slot.fbo = 0;
    }
    if (lut_) glDeleteTextures(1, &lut_);
    if (vao_) glDeleteVertexArrays(1, &vao_);
    if (program_) glDeleteProgram(program_);
    lut_ = vao_ = program_ = 0;
}

void HeatmapRenderer::SetSlot(int index, const RopeResult& a, const RopeResult* b, std::uint64_t generation) {
    if (!Ready() || index < 0 || index >= kSlots) return;
    Slot& slot = slots_[static_cast<std::size_t>(index)];
    if (slot.generation == generation) return;
    const auto start = std::chrono::steady_clock::now();
    slot.generation = generation;
    slot.pairs = a.num_pairs();
    slot.compare = b != nullptr;
    slot.n_hat_a = static_cast<float>(a.n_hat);
    slot.n_hat_b = b ? static_cast<float>(b->n_hat) : 0.0f;

    const int blocks = std::max(1, (slot.pairs + kBlockPairs - 1) / kBlockPairs);
    std::vector<float> data(static_cast<std::size_t>(kBlockPairs) * blocks * kTexelsPerPair * 4, 0.0f);
    const auto put = [&](int pair, int k, const std::array<float, 3>& v) {
        const std::size_t x = static_cast<std::size_t>(pair % kBlockPairs);
        const std::size_t y = static_cast<std::size_t>((pair / kBlockPairs) * kTexelsPerPair + k);
        float* texel = &data[(y * kBlockPairs + x) * 4];
        texel[0] = v[0];
        texel[1] = v[1];
        texel[2] = v[2];
    };
    const auto put_frequency = [&](int pair, int k0, double theta) {
        const auto parts = shader_frequency(theta);
        for (int j = 0; j < 3; ++j) put(pair, k0 + j, parts[static_cast<std::size_t>(j)]);
    };
    for (int i = 0; i < slot.pairs; ++i) {
        const auto u = static_cast<std::size_t>(i);
        put_frequency(i, 0, a.inv_freq[u]);
        put_frequency(i, 3, a.inv_freq_original[u]);
        if (b && i < b->num_pairs()) {
            put_frequency(i, 6, b->inv_freq[u]);
            put_frequency(i, 9, b->inv_freq_original[u]);
        }
    }
    if (!slot.texture) glGenTextures(1, &slot.texture);
    glBindTexture(GL_TEXTURE_2D, slot.texture);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA32F, kBlockPairs, blocks * kTexelsPerPair, 0, GL_RGBA, GL_FLOAT, data.data());
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glBindTexture(GL_TEXTURE_2D, 0);
    last_upload_ms_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

void HeatmapRenderer::Draw(ImDrawList* draw_list, int index, const PanelLayout& layout, ImVec2 origin,
                           const Heatmap& heatmap) {
    if (!Ready() || index < 0 || index >= kSlots) return;
    Slot& slot = slots_[static_cast<std::size_t>(index)];
    if (!slot.texture) return;
    const Rect& plot = layout.plot;
    slot.rect[0] = origin.x + plot.x0;
    slot.rect[1] = origin.y + plot.y0;
    slot.rect[2] = origin.x + plot.x1;
    slot.rect[3] = origin.y + plot.y1;
    const double width = std::max(1.0f, plot.width());
    const double height = std::max(1.0f, plot.height());
    // The x mapping per display pixel; the callback converts to framebuffer pixels.
    slot.x_log = layout.x_scale == AxisScale::Log ? 1 : 0;
    if (slot.x_log) {
        const double lo = std::log10(std::max(layout.x_min, 1e-300)), hi = std::log10(std::max(layout.x_max, 1e-300));
        slot.x_start = static_cast<float>(lo);
        slot.x_step = static_cast<float>((hi - lo) / width);
        slot.m0[0] = slot.m0[1] = slot.m0[2] = 0;
    } else {
        // M0: the (non-negative) whole position nearest the left edge, as exact digits.
        const double left = layout.x_min + 0.5;
        const double m0 = std::clamp(std::floor(left), 0.0, 2147483647.0);
        const auto m = static_cast<std::int64_t>(m0);
        slot.m0[0] = static_cast<float>(m / 16777216);
        slot.m0[1] = static_cast<float>((m / 4096) % 4096);
        slot.m0[2] = static_cast<float>(m % 4096);
        slot.x_start = static_cast<float>(left - m0);
        slot.x_step = static_cast<float>((layout.x_max - layout.x_min) / width);
    }
    slot.y_top = static_cast<float>(layout.y_max);
    slot.y_step = static_cast<float>((layout.y_max - layout.y_min) / height);
    slot.y_min = layout.y_min;
    slot.y_max = layout.y_max;
    slot.rows = std::min(heatmap.rows, slot.pairs);
    slot.rows_y0 = static_cast<float>(heatmap.y_min);
    slot.row_height = static_cast<float>((heatmap.y_max - heatmap.y_min) / std::max(1, heatmap.rows));
    slot.value_min = heatmap.value_min;
    slot.value_max = heatmap.value_max;

    NoteCallbackContent(&slot, ContentOf(slot));
    draw_list->PushClipRect(ImVec2(slot.rect[0], slot.rect[1]), ImVec2(slot.rect[2], slot.rect[3]), true);
    draw_list->AddCallback(&HeatmapRenderer::Callback, &slot);
    draw_list->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
    draw_list->PopClipRect();
}

std::uint64_t HeatmapRenderer::ContentOf(const Slot& slot) {
    // Everything Render reads (the picture follows from these and the uploaded frequencies).
    const auto f = [](float v) { return static_cast<std::uint64_t>(std::bit_cast<std::uint32_t>(v)); };
    std::uint64_t h = hash_mix(slot.generation, static_cast<std::uint64_t>(slot.compare) << 32 | static_cast<std::uint32_t>(slot.pairs));
    for (const float v : {slot.n_hat_a, slot.n_hat_b, slot.rect[0], slot.rect[1], slot.rect[2], slot.rect[3], slot.m0[0],
                          slot.m0[1], slot.m0[2], slot.x_start, slot.x_step, slot.y_top, slot.y_step, slot.rows_y0,
                          slot.row_height, slot.value_min, slot.value_max})
        h = hash_mix(h, f(v));
    h = hash_mix(h, std::bit_cast<std::uint64_t>(slot.y_min));
    h = hash_mix(h, std::bit_cast<std::uint64_t>(slot.y_max));
    return hash_mix(h, static_cast<std::uint64_t>(slot.x_log) << 32 | static_cast<std::uint32_t>(slot.rows));
}

void HeatmapRenderer::Callback(const ImDrawList*, const ImDrawCmd* cmd) {
    auto* slot = static_cast<Slot*>(cmd->UserCallbackData);
    slot->owner->Render(*slot, *cmd);
}

void HeatmapRenderer::Render(Slot& slot, const ImDrawCmd& cmd) {
    const ImDrawData* draw_data = ImGui::GetDrawData();
    if (!draw_data) return;
    const ImVec2 scale = draw_data->FramebufferScale;
    const ImVec2 offset = draw_data->DisplayPos;
    const float fb_height = draw_data->DisplaySize.y * scale.y;
    // Plot area and clip rectangle in framebuffer pixels (GL: origin bottom-left).
    const float x0 = std::round((slot.rect[0] - offset.x) * scale.x);
    const float x1 = std::round((slot.rect[2] - offset.x) * scale.x);
    const float y_top = std::round((slot.rect[1] - offset.y) * scale.y);
    const float y_bottom = std::round((slot.rect[3] - offset.y) * scale.y);
    const int w = static_cast<int>(x1 - x0), h = static_cast<int>(y_bottom - y_top);
    if (w <= 0 || h <= 0) return;
    const float cx0 = std::max(x0, (cmd.ClipRect.x - offset.x) * scale.x);
    const float cy0 = std::max(y_top, (cmd.ClipRect.y - offset.y) * scale.y);
    const float cx1 = std::min(x1, (cmd.ClipRect.z - offset.x) * scale.x);
    const float cy1 = std::min(y_bottom, (cmd.ClipRect.w - offset.y) * scale.y);
    if (cx1 <= cx0 || cy1 <= cy0) return;

    if (slot.rows <= 0 || !(slot.row_height > 0) || !(slot.y_max > slot.y_min)) return;
    GLint target_fbo = 0;
    glGetIntegerv(GL_DRAW_FRAMEBUFFER_BINDING, &target_fbo);
    // The picture has one texel row per pair and one column per framebuffer pixel across the
    // plot: the shader runs width x pairs times (not width x height), and the rows are stretched
    // onto the plot by the blit. So a y zoom or pan needs no new shading either.
    Key key;
    key.generation = slot.generation;
    key.width = w;
    key.height = slot.rows;
    key.x_log = slot.x_log;
    key.rows = slot.rows;
    std::copy(std::begin(slot.m0), std::end(slot.m0), std::begin(key.m0));
    key.x_start = slot.x_start;
    key.x_step = slot.x_step / scale.x;
    key.rows_y0 = slot.rows_y0;
    key.row_height = slot.row_height;
    key.y_step = slot.row_height;  // one texel row per pair
    key.y_top = slot.rows_y0 + static_cast<float>(slot.rows) * slot.row_height;
    key.value_min = slot.value_min;
    key.value_max = slot.value_max;
    if (!(key == slot.rendered) || !slot.picture) Shade(slot, key);

    // The rows in view, and where their edges fall in the framebuffer (y linear: pairs).
    const double span = slot.y_max - slot.y_min;
    const auto fb_y = [&](double value) {  // framebuffer y (origin bottom-left) of a data value
        const double display = slot.rect[3] - (value - slot.y_min) / span * (slot.rect[3] - slot.rect[1]);
        return fb_height - (display - offset.y) * scale.y;
    };
    const int r0 = std::clamp(static_cast<int>(std::floor((slot.y_min - slot.rows_y0) / slot.row_height)), 0, slot.rows);
    const int r1 = std::clamp(static_cast<int>(std::ceil((slot.y_max - slot.rows_y0) / slot.row_height)), 0, slot.rows);
    if (r1 <= r0) return;
    const auto dst_y0 = static_cast<GLint>(std::lround(fb_y(slot.rows_y0 + r0 * static_cast<double>(slot.row_height))));
    const auto dst_y1 = static_cast<GLint>(std::lround(fb_y(slot.rows_y0 + r1 * static_cast<double>(slot.row_height))));

    glBindFramebuffer(GL_READ_FRAMEBUFFER, slot.fbo);
    glBindFramebuffer(GL_DRAW_FRAMEBUFFER, static_cast<GLuint>(target_fbo));
    glEnable(GL_SCISSOR_TEST);
    glScissor(static_cast<GLint>(cx0), static_cast<GLint>(fb_height - cy1), static_cast<GLsizei>(cx1 - cx0),
              static_cast<GLsizei>(cy1 - cy0));
    glBlitFramebuffer(0, r0, w, r1, static_cast<GLint>(x0), dst_y0, static_cast<GLint>(x0) + w, dst_y1,
                      GL_COLOR_BUFFER_BIT, GL_NEAREST);
    glBindFramebuffer(GL_FRAMEBUFFER, static_cast<GLuint>(target_fbo));
    // ImDrawCallback_ResetRenderState (queued right after) restores ImGui's program, buffers and viewport.
}

void HeatmapRenderer::Shade(Slot& slot, const Key& key) {
    if (!slot.fbo) glGenFramebuffers(1, &slot.fbo);
    if (!slot.picture || slot.picture_width != key.width || slot.picture_height != key.height) {
        if (!slot.picture) glGenTextures(1, &slot.picture);
        glBindTexture(GL_TEXTURE_2D, slot.picture);
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, key.width, key.height, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
        glBindFramebuffer(GL_FRAMEBUFFER, slot.fbo);
        glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, slot.picture, 0);
        slot.picture_width = key.width;
        slot.picture_height = key.height;
    }
    glBindFramebuffer(GL_FRAMEBUFFER, slot.fbo);
    glViewport(0, 0, key.width, key.height);
    glDisable(GL_SCISSOR_TEST);
    glDisable(GL_BLEND);
    // Outside the pairs (discarded fragments) the plot background shows, as on the CPU path.
    const Color background = dark_theme().plot_background;
    glClearColor(static_cast<float>(background.r) / 255.0f, static_cast<float>(background.g) / 255.0f,
                 static_cast<float>(background.b) / 255.0f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    glUseProgram(program_);
    glBindVertexArray(vao_);
    glActiveTexture(GL_TEXTURE1);
    glBindTexture(GL_TEXTURE_2D, lut_);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, slot.texture);
    glUniform1i(u_freqs_, 0);
    glUniform1i(u_lut_, 1);
    glUniform4f(u_rect_, 0, 0, static_cast<float>(key.width), static_cast<float>(key.height));
    glUniform1i(u_x_log_, key.x_log);
    glUniform3f(u_m0_, key.m0[0], key.m0[1], key.m0[2]);
    glUniform1f(u_x_start_, key.x_start);
    glUniform1f(u_x_step_, key.x_step);
    glUniform1f(u_y_top_, key.y_top);
    glUniform1f(u_y_step_, key.y_step);
    glUniform1f(u_rows_y0_, key.rows_y0);
    glUniform1f(u_row_height_, key.row_height);
    glUniform1i(u_rows_, key.rows);
    glUniform1i(u_compare_, slot.compare ? 1 : 0);
    glUniform1f(u_n_hat_a_, slot.n_hat_a);
    glUniform1f(u_n_hat_b_, slot.n_hat_b);
    glUniform1f(u_value_min_, key.value_min);
    glUniform1f(u_value_max_, key.value_max);
    glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
    glBindVertexArray(0);
    glEnable(GL_BLEND);
    slot.rendered = key;
    ++slot.renders;
}

}  // namespace ropescope::gui
