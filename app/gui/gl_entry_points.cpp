// See gl_entry_points.h: one harmless call per GL function, in alphabetical order.
#include "gl_entry_points.h"

#include <epoxy/gl.h>

namespace ropescope::gui {

void resolve_gl_entry_points() {
    GLint ints[4] = {};
    unsigned char pixel[4] = {};
    glActiveTexture(GL_TEXTURE0);                                 // the default unit
    glAttachShader(0, 0);                                         // GL_INVALID_VALUE
    glBindFramebuffer(GL_FRAMEBUFFER, 0);                         // the default framebuffer
    glBindRenderbuffer(GL_RENDERBUFFER, 0);
    glBindTexture(GL_TEXTURE_2D, 0);
    glBindVertexArray(0);
    glBlitFramebuffer(0, 0, 0, 0, 0, 0, 0, 0, 0, GL_NEAREST);     // mask 0: copies nothing
    glCheckFramebufferStatus(GL_FRAMEBUFFER);
    GLfloat clear[4] = {};
    glGetFloatv(GL_COLOR_CLEAR_VALUE, clear);
    glClearColor(clear[0], clear[1], clear[2], clear[3]);         // unchanged
    glClear(0);                                                   // mask 0: clears nothing
    glCompileShader(0);                                           // GL_INVALID_VALUE
    const GLuint program = glCreateProgram();
    glDeleteProgram(program);
    glCreateShader(0);                                            // GL_INVALID_ENUM, returns 0
    glDeleteFramebuffers(0, nullptr);
    glDeleteProgram(0);                                           // ignored
    glDeleteRenderbuffers(0, nullptr);
    glDeleteShader(0);                                            // ignored
    glDeleteTextures(0, nullptr);
    glDeleteVertexArrays(0, nullptr);
    glDisable(0);                                                 // GL_INVALID_ENUM
    glDrawArrays(GL_TRIANGLES, 0, 0);                             // no vertex array: GL_INVALID_OPERATION
    glEnable(0);                                                  // GL_INVALID_ENUM
    glFinish();
    glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, 0);  // default FB: error
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, 0, 0);  // default FB: error
    glGenFramebuffers(0, nullptr);
    glGenRenderbuffers(0, nullptr);
    glGenTextures(0, nullptr);
    glGenVertexArrays(0, nullptr);
    glGetIntegerv(GL_VIEWPORT, ints);
    // A real buffer and length, not nullptr: tracing tools (apitrace) read the log they are given.
    GLchar log[1] = {};
    GLsizei log_length = 0;
    glGetProgramInfoLog(0, 1, &log_length, log);                  // GL_INVALID_VALUE
    glGetProgramiv(0, GL_LINK_STATUS, ints);                      // GL_INVALID_VALUE
    glGetShaderInfoLog(0, 1, &log_length, log);                   // GL_INVALID_VALUE
    glGetShaderiv(0, GL_COMPILE_STATUS, ints);                    // GL_INVALID_VALUE
    glGetString(GL_VERSION);
    glGetUniformLocation(0, "x");                                 // GL_INVALID_VALUE
    glLinkProgram(0);                                             // GL_INVALID_VALUE
    glPixelStorei(0, 0);                                          // GL_INVALID_ENUM
    glReadBuffer(0);                                              // GL_INVALID_ENUM
    glReadPixels(0, 0, 0, 0, GL_RGBA, GL_UNSIGNED_BYTE, pixel);   // 0 x 0: reads nothing
    glRenderbufferStorage(0, GL_RGBA8, 0, 0);                     // GL_INVALID_ENUM
    glScissor(0, 0, -1, -1);                                      // GL_INVALID_VALUE
    glShaderSource(0, 0, nullptr, nullptr);                       // GL_INVALID_VALUE
    glTexImage2D(0, 0, GL_RGBA, 0, 0, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);  // GL_INVALID_ENUM
    glTexParameteri(0, 0, 0);                                     // GL_INVALID_ENUM
    glUniform1f(-1, 0);                                           // no program: GL_INVALID_OPERATION
    glUniform1i(-1, 0);
    glUniform3f(-1, 0, 0, 0);
    glUniform4f(-1, 0, 0, 0, 0);
    glUseProgram(0);
    glViewport(0, 0, -1, -1);                                     // GL_INVALID_VALUE
    for (int i = 0; i < 64 && glGetError() != GL_NO_ERROR; ++i) {
    }
}

}  // namespace ropescope::gui
