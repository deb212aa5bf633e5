// How long this process has existed, for start-up timings that include loading the executable
// and its shared libraries (ropescope --bench, benchmarks/gl_window_floor). Linux /proc only.
#pragma once

namespace ropescope::gui {

// Seconds since this process started (the kernel's start time, 10 ms resolution); -1 if unknown.
double seconds_since_process_start();

}  // namespace ropescope::gui
