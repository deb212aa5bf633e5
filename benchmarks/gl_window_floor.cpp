// The floor under `ropescope --bench`'s "start to first frame": a bare GLFW window with an OpenGL
// 3.3 core context (as RopeScope asks for), one cleared frame swapped and finished, timed from the
// process start the same way. On a software GL (Mesa llvmpipe under Xvfb) most of RopeScope's
// start-up is this: the X connection, the GL driver and LLVM loading, the context. Run by
// benchmarks/start_time.sh next to the app.
// Usage: gl_window_floor [WIDTHxHEIGHT]   (default 1600x1000)
#include <epoxy/gl.h>
#include <GLFW/glfw3.h>

#include <cstdio>

#include "process_clock.h"

int main(int argc, char** argv) {
    int width = 1600, height = 1000;
    if (argc > 1 && std::sscanf(argv[1], "%dx%d", &width, &height) != 2) {
        std::fprintf(stderr, "usage: gl_window_floor [WIDTHxHEIGHT]\n");
        return 2;
    }
    if (!glfwInit()) {
        std::fprintf(stderr, "gl_window_floor: no display\n");
        return 1;
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    GLFWwindow* window = glfwCreateWindow(width, height, "gl_window_floor", nullptr, nullptr);
    if (!window) {
        std::fprintf(stderr, "gl_window_floor: cannot open an OpenGL 3.3 window\n");
        glfwTerminate();
        return 1;
    }
    glfwMakeContextCurrent(window);
    const double context = ropescope::gui::seconds_since_process_start();
    glClearColor(0.1f, 0.1f, 0.12f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    glfwSwapBuffers(window);
    glFinish();
    const double frame = ropescope::gui::seconds_since_process_start();
    std::printf("bare GLFW window %dx%d: context %.0f ms, first frame %.0f ms (from process start)\n", width, height,
                context * 1000.0, frame * 1000.0);
    glfwDestroyWindow(window);
    glfwTerminate();
    return 0;
}
