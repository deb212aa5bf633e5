// See input_events.h.
#include "input_events.h"

#include <GLFW/glfw3.h>

#include <map>

namespace ropescope::gui {

namespace {

// The counter of each watched window (GLFW callbacks carry no user data of their own, and the
// window's user pointer already belongs to the app).
std::map<GLFWwindow*, std::uint64_t*>& counters() {
    static std::map<GLFWwindow*, std::uint64_t*> map;
    return map;
}

void count(GLFWwindow* window) {
    const auto it = counters().find(window);
    if (it != counters().end()) ++*it->second;
}

}  // namespace

void count_input_events(GLFWwindow* window, std::uint64_t* counter) {
    counters()[window] = counter;
    glfwSetCursorPosCallback(window, [](GLFWwindow* w, double, double) { count(w); });
    glfwSetMouseButtonCallback(window, [](GLFWwindow* w, int, int, int) { count(w); });
    glfwSetScrollCallback(window, [](GLFWwindow* w, double, double) { count(w); });
    glfwSetKeyCallback(window, [](GLFWwindow* w, int, int, int, int) { count(w); });
    glfwSetCharCallback(window, [](GLFWwindow* w, unsigned int) { count(w); });
    glfwSetWindowFocusCallback(window, [](GLFWwindow* w, int) { count(w); });
    glfwSetCursorEnterCallback(window, [](GLFWwindow* w, int) { count(w); });
    glfwSetFramebufferSizeCallback(window, [](GLFWwindow* w, int, int) { count(w); });
    glfwSetWindowRefreshCallback(window, [](GLFWwindow* w) { count(w); });
}

}  // namespace ropescope::gui
