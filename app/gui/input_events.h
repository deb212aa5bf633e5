// Counting the window's input, for the frame pacer (frame_pacing.h): it draws after input and
// sleeps without it.
#pragma once

#include <cstdint>

struct GLFWwindow;

namespace ropescope::gui {

// Installs GLFW callbacks that count input into `*counter` (mouse, keys, text, scroll, focus,
// resize, expose; one window: a second call moves the counting to it). Call it before ImGui's
// GLFW backend installs its own, which chain to these.
void count_input_events(GLFWwindow* window, std::uint64_t* counter);

// How many times the window asked to be drawn again (exposed, restored, resized) so far, counted
// by the callbacks above: the window's pixels may be gone (window_present.h).
std::uint64_t window_exposures();

}  // namespace ropescope::gui
