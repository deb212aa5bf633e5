#include "gl_program.h"

#include <fstream>
#include <sstream>
#include <vector>

#include "ropescope/render.h"

namespace ropescope::gui {

namespace {

bool read_text(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::stringstream buffer;
    buffer << in.rdbuf();
    out = buffer.str();
    return true;
}

GLuint compile(GLenum type, const std::string& source, const std::string& path, std::string* error) {
    const GLuint shader = glCreateShader(type);
    const char* text = source.c_str();
    glShaderSource(shader, 1, &text, nullptr);
    glCompileShader(shader);
    GLint ok = 0;
    glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
    if (!ok) {
        char log[2048] = {};
        glGetShaderInfoLog(shader, sizeof log, nullptr, log);
        if (error) *error = path + " does not compile: " + log;
        glDeleteShader(shader);
        return 0;
    }
    return shader;
}

}  // namespace

GLuint load_shader_program(const std::string& shaders_dir, const std::string& name, const std::string& what,
                           std::string* error) {
    std::string vert_source, frag_source;
    const std::string vert_path = shaders_dir + "/" + name + ".vert", frag_path = shaders_dir + "/" + name + ".frag";
    if (shaders_dir.empty() || !read_text(vert_path, vert_source) || !read_text(frag_path, frag_source)) {
        if (error)
            *error = what + " shaders not found (looked for " + name + ".vert/.frag in " +
                     (shaders_dir.empty() ? std::string("the data directories") : shaders_dir) + "); the " + what +
                     " is drawn from the CPU image.";
        return 0;
    }
    const GLuint vert = compile(GL_VERTEX_SHADER, vert_source, vert_path, error);
    if (!vert) return 0;
    const GLuint frag = compile(GL_FRAGMENT_SHADER, frag_source, frag_path, error);
    if (!frag) {
        glDeleteShader(vert);
        return 0;
    }
    GLuint program = glCreateProgram();
    glAttachShader(program, vert);
    glAttachShader(program, frag);
    glLinkProgram(program);
    glDeleteShader(vert);
    glDeleteShader(frag);
    GLint ok = 0;
    glGetProgramiv(program, GL_LINK_STATUS, &ok);
    if (!ok) {
        char log[2048] = {};
        glGetProgramInfoLog(program, sizeof log, nullptr, log);
        if (error) *error = what + " shaders do not link: " + log;
        glDeleteProgram(program);
        return 0;
    }
    return program;
}

GLuint create_color_map_texture() {
    std::vector<unsigned char> texels(static_cast<std::size_t>(kColorMapTexels) * 4);
    const Theme theme = dark_theme();
    for (int k = 0; k < kColorMapTexels; ++k) {
        const Color c = diverging_color(-1.0f + 2.0f * static_cast<float>(k) / (kColorMapTexels - 1), theme);
        const std::size_t at = static_cast<std::size_t>(k) * 4;
        texels[at] = c.r;
        texels[at + 1] = c.g;
        texels[at + 2] = c.b;
        texels[at + 3] = 255;
    }
    GLuint texture = 0;
    glGenTextures(1, &texture);
    glBindTexture(GL_TEXTURE_2D, texture);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, kColorMapTexels, 1, 0, GL_RGBA, GL_UNSIGNED_BYTE, texels.data());
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glBindTexture(GL_TEXTURE_2D, 0);
    return texture;
}

}  // namespace ropescope::gui
