// Waking the UI thread from a worker. The frame loop sleeps while nothing changes (frame_pacing.h),
// so a worker that publishes a result or progress calls wake_ui() and the result shows in the next
// frame, not when the loop's timeout ends. The app sets glfwPostEmptyEvent (thread-safe); without
// a wake function (unit tests) wake_ui() does nothing.
#pragma once

namespace ropescope::gui {

void set_ui_wake(void (*wake)());
void wake_ui();

}  // namespace ropescope::gui
