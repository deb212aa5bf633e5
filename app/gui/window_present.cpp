// See window_present.h.
#include "window_present.h"

#include <epoxy/glx.h>  // before GLFW: it declares the X11 and GLX types glfw3native.h uses
#include <X11/Xutil.h>
#define GLFW_EXPOSE_NATIVE_X11
#define GLFW_EXPOSE_NATIVE_GLX
#define GLFW_NATIVE_INCLUDE_NONE
// glfw3native.h also declares XRandR functions; their two types are XIDs (X11/extensions/randr.h),
// declared here instead of depending on libxrandr-dev for a header we do not otherwise use.
using RRCrtc = XID;
using RROutput = XID;
#include <GLFW/glfw3.h>
#include <GLFW/glfw3native.h>

#include <bit>
#include <cstring>

namespace ropescope::gui {

namespace {

bool g_x_error = false;
int note_x_error(Display*, XErrorEvent*) {
    g_x_error = true;
    return 0;
}

// Mesa's software rasterizers: every pixel of a swap is copied by the CPU.
bool software_renderer() {
    const auto* renderer = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
    if (!renderer) return false;
    for (const char* name : {"llvmpipe", "softpipe", "swrast"})
        if (std::strstr(renderer, name)) return true;
    return false;
}

}  // namespace

void WindowPresenter::Init(GLFWwindow* window, bool allow) {
    window_ = window;
    copies_ = false;
    whole_window_ = true;
    const GLXContext context = glfwGetGLXContext(window);  // null unless a GLX context (X11, not EGL)
    const GLXWindow drawable = glfwGetGLXWindow(window);
    Display* display = context ? glXGetCurrentDisplay() : nullptr;  // the window's context is current
    if (!context || !drawable || !display) return;
    display_ = display;
    drawable_ = drawable;
    x_window_ = glfwGetX11Window(window);
    if (!allow || !software_renderer()) return;
    int screen = 0;
    if (glXQueryContext(display, context, GLX_SCREEN, &screen) != Success) return;
    if (!epoxy_has_glx_extension(display, screen, "GLX_MESA_copy_sub_buffer")) return;
    glXCopySubBufferMESA(display, drawable, 0, 0, 0, 0);  // resolved now, not while the model engine loads
    copies_ = true;
}

std::vector<unsigned char> WindowPresenter::ReadWindow(int width, int height) const {
    auto* display = static_cast<Display*>(display_);
    if (!display || !x_window_ || width <= 0 || height <= 0) return {};
    XSync(display, False);  // every copy and swap before this has reached the server
    g_x_error = false;
    const auto previous = XSetErrorHandler(note_x_error);
    XImage* image = XGetImage(display, x_window_, 0, 0, static_cast<unsigned>(width), static_cast<unsigned>(height),
                              AllPlanes, ZPixmap);
    XSync(display, False);
    XSetErrorHandler(previous);
    std::vector<unsigned char> rgba;
    const auto channel_shift = [](unsigned long mask) { return std::countr_zero(mask); };
    const bool eight_bit = image && image->red_mask && image->green_mask && image->blue_mask &&
                           image->red_mask >> channel_shift(image->red_mask) == 0xff &&
                           image->green_mask >> channel_shift(image->green_mask) == 0xff &&
                           image->blue_mask >> channel_shift(image->blue_mask) == 0xff;
    if (!g_x_error && eight_bit) {
        const int r = channel_shift(image->red_mask), g = channel_shift(image->green_mask), b = channel_shift(image->blue_mask);
        rgba.resize(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 4);
        std::size_t i = 0;
        for (int y = 0; y < height; ++y)
            for (int x = 0; x < width; ++x) {
                const unsigned long pixel = XGetPixel(image, x, y);
                rgba[i++] = static_cast<unsigned char>(pixel >> r);
                rgba[i++] = static_cast<unsigned char>(pixel >> g);
                rgba[i++] = static_cast<unsigned char>(pixel >> b);
                rgba[i++] = 255;
            }
    }
    if (image) XDestroyImage(image);
    return rgba;
}

bool WindowPresenter::Present(const std::vector<PixelRect>& damage, int width, int height) {
    const bool resized = width != width_ || height != height_;
    width_ = width;
    height_ = height;
    // A new size: swap once. Mesa's software GLX learns the window's new height at a swap, and
    // until then places copied rectangles as in a window of the old height.
    if (!copies_ || resized) {
        glfwSwapBuffers(window_);
        whole_window_ = true;
        return false;
    }
    auto* display = static_cast<Display*>(display_);
    const auto copy = [&](const PixelRect& r) {  // GLX counts y from the bottom
        glXCopySubBufferMESA(display, drawable_, r.x0, height - r.y1, r.x1 - r.x0, r.y1 - r.y0);
    };
    if (whole_window_) {
        copy(PixelRect{0, 0, width, height});
        whole_window_ = false;
    } else {
        for (const PixelRect& r : damage) copy(r);  // each copy flushes the GL first
    }
    return true;
}

}  // namespace ropescope::gui
