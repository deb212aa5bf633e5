// How a finished frame reaches the window. A swap hands the whole back buffer over; on a software
// OpenGL (Mesa llvmpipe) under X11 that is a copy of every pixel of the window into the X server,
// about 10 ms at 1600x1000 even when one slider changed. Where the GL can copy a rectangle of the
// back buffer to the window instead (GLX_MESA_copy_sub_buffer), the frame is never swapped: the
// back buffer keeps the whole picture from frame to frame (a buffer's contents are only undefined
// after a swap), each frame redraws the damaged tiles in it (retained_frame.h), and only those
// rectangles are copied to the window.
//
// Only on a software rasterizer: a GPU's swap is cheap and paces frames to the display, which the
// copies would not.
#pragma once

#include <vector>

#include "tile_damage.h"

struct GLFWwindow;

namespace ropescope::gui {

class WindowPresenter {
public:
    // Chooses how to present, for `window` whose context is current: copies of damaged rectangles
    // when the context is GLX, the renderer a software one, the extension present and `allow`;
    // otherwise swaps. Resolves the GLX functions it calls (gl_entry_points.h says why).
    void Init(GLFWwindow* window, bool allow);
    bool CopiesRectangles() const { return copies_; }
    // After the window was exposed (uncovered, restored, resized): the next Present copies the
    // whole back buffer, whatever changed in it.
    void WindowExposed() { whole_window_ = true; }
    // Shows the frame drawn in the back buffer: swaps, or copies `damage` (framebuffer pixels,
    // origin top-left) of a `width` x `height` frame to the window. Returns false when the back
    // buffer's contents are undefined afterwards (it swapped): the next frame is drawn whole.
    bool Present(const std::vector<PixelRect>& damage, int width, int height);

    // What the window shows, read back from the X server as top-down opaque RGBA rows: the test
    // of the copies (--check-window). Empty where it cannot be read: not an X11 window, a part of
    // it off the screen (the X error is caught), or a visual with other than 8-bit channels.
    std::vector<unsigned char> ReadWindow(int width, int height) const;

private:
    GLFWwindow* window_ = nullptr;
    void* display_ = nullptr;     // the X display (Display*; Xlib stays out of this header)
    unsigned long drawable_ = 0;  // the window's GLXDrawable
    unsigned long x_window_ = 0;  // the X window it draws into
    bool copies_ = false;
    bool whole_window_ = true;  // the window shows nothing of the back buffer yet
    int width_ = 0, height_ = 0;  // the size of the last frame presented
};

}  // namespace ropescope::gui
