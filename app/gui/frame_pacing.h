// Frame pacing: the GUI draws frames while something changes on screen (input, a toast fading, a
// plot waiting for its refresh), when a background job publishes (ui_wake.h), and otherwise sleeps
// in glfwWaitEventsTimeout, so an idle window costs no CPU. On a software OpenGL (Mesa llvmpipe) an
// unchanged frame costs nearly as much as a changed one: about 20 ms of two cores at 1600x1000, so
// drawing it 50 times a second kept a core busy for a window nobody touched, and took that core
// from the training, evaluation or search running behind it.
#pragma once

#include <cstdint>

namespace ropescope::gui {

// What the screen is doing without input.
enum class Activity {
    Idle,       // nothing will change until input
    Jobs,       // a background job runs: its progress and results arrive over time
    Animating,  // the next frame differs (a toast fading, a plot refreshing, a button held)
};

class FramePacer {
public:
    // Frames drawn after the last input: ImGui settles hover, focus and popups over a frame or two.
    static constexpr int kSettleFrames = 3;
    // The longest wait between frames while a job runs: its results and progress wake the loop at
    // once (ui_wake.h), as input does; this only paces spinners and progress bars, so that the
    // job keeps the cores.
    static constexpr double kJobWaitSeconds = 0.25;
    // The longest sleep without input (a safety net: anything not counted as activity still shows
    // within this), and the sleep while a text field has focus (its cursor blinks).
    static constexpr double kIdleTimeoutSeconds = 2.0;
    static constexpr double kTypingTimeoutSeconds = 0.5;

    // After a frame: how long the loop may wait for input before drawing the next one, in seconds
    // (0: draw the next frame at once). `input_events` counts every input so far (see
    // count_input_events in input_events.h).
    double NextWait(Activity activity, bool typing, std::uint64_t input_events);

private:
    std::uint64_t seen_events_ = 0;
    int settle_frames_ = kSettleFrames;  // the first frames after start are drawn regardless
    bool job_seen_ = false;              // a job was running at the last paced frame
};

}  // namespace ropescope::gui
