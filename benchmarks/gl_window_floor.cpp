// The floor under `ropescope --bench`'s "start to first frame": a bare GLFW window with an OpenGL
// 3.3 core context (as RopeScope asks for), one cleared frame swapped and finished, timed from the
// process start the same way. On a software GL (Mesa llvmpipe under Xvfb) most of RopeScope's
// start-up is this: the X connection, the GL driver and LLVM loading, the context. Run by
// benchmarks/start_time.sh next to the app.
// Then FRAMES more frames that only clear and swap: the floor under every frame the app draws at
// that size (clearing the back buffer, and on Xvfb copying the whole window to the X server).
// Usage: gl_window_floor [WIDTHxHEIGHT [FRAMES]]   (defaults 1600x1000, 30)
#include <epoxy/gl.h>
#include <GLFW/glfw3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "process_clock.h"

int main(int argc, char** argv) {
    int width = 1600, height = 1000, frames = 30;
    if ((argc > 1 && (std::sscanf(argv[1], "%dx%d", &width, &height) != 2 || width < 1 || height < 1 ||
                      width > 16384 || height > 16384)) ||
        (argc > 2 && (std::sscanf(argv[2], "%d", &frames) != 1 || frames < 0 || frames > 100000)) || argc > 3) {
        std::fprintf(stderr, "usage: gl_window_floor [WIDTHxHEIGHT [FRAMES]]   (sizes 1 to 16384, frames 0 to 100000)\n");
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
    glfwSwapInterval(0);  // as ropescope --bench
    std::vector<double> ms;
    for (int i = 0; i < frames; ++i) {
        const auto start = std::chrono::steady_clock::now();
        glClear(GL_COLOR_BUFFER_BIT);
        glfwSwapBuffers(window);
        glFinish();
        glfwPollEvents();
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    if (!ms.empty()) {
        std::sort(ms.begin(), ms.end());
        std::printf("clear and swap only, %d frames: median %.2f ms, min %.2f ms\n", frames, ms[ms.size() / 2], ms.front());
    }
    glfwDestroyWindow(window);
    glfwTerminate();
    return 0;
}
