// See input_events.h.
#include "input_events.h"

#include <GLFW/glfw3.h>

namespace ropescope::gui {

namespace {

// The counter (GLFW callbacks carry no user data of their own, and the window's user pointer
// already belongs to the app; the app has one window).
std::uint64_t* input_counter = nullptr;
std::uint64_t exposures = 0;

void count(GLFWwindow*) {
    if (input_counter) ++*input_counter;
}

}  // namespace

void count_input_events(GLFWwindow* window, std::uint64_t* counter) {
    input_counter = counter;
    glfwSetCursorPosCallback(window, [](GLFWwindow* w, double, double) { count(w); });
    glfwSetMouseButtonCallback(window, [](GLFWwindow* w, int, int, int) { count(w); });
    glfwSetScrollCallback(window, [](GLFWwindow* w, double, double) { count(w); });
    glfwSetKeyCallback(window, [](GLFWwindow* w, int, int, int, int) { count(w); });
    glfwSetCharCallback(window, [](GLFWwindow* w, unsigned int) { count(w); });
    glfwSetWindowFocusCallback(window, [](GLFWwindow* w, int) { count(w); });
    glfwSetCursorEnterCallback(window, [](GLFWwindow* w, int) { count(w); });
    glfwSetFramebufferSizeCallback(window, [](GLFWwindow* w, int, int) {
        ++exposures;
        count(w);
    });
    glfwSetWindowRefreshCallback(window, [](GLFWwindow* w) {
        ++exposures;
        count(w);
    });
}

std::uint64_t window_exposures() { return exposures; }

}  // namespace ropescope::gui
