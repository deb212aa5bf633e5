// ropescope: the interactive RoPE context-extension lab (Dear ImGui + GLFW + OpenGL 3.3 core).
#include <epoxy/gl.h>
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include <algorithm>
#include <bit>
#include <cfloat>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <malloc.h>
#include <unistd.h>
#include <string>
#include <thread>
#include <vector>

#include "app.h"
#include "frame_pacing.h"
#include "gl_entry_points.h"
#include "input_events.h"
#include "process_clock.h"
#include "retained_frame.h"
#include "screenshot.h"
#include "ui_wake.h"
#include "widgets.h"
#include "window_present.h"

namespace {

using ropescope::gui::App;
using ropescope::gui::Options;
using ropescope::gui::seconds_since_process_start;

constexpr const char* kUsage = R"(ropescope: the interactive RoPE context-extension lab.

Usage: ropescope [options]

Options:
  --state FILE        start from a saved state (the GUI's state.json, or the state.json that
                      'ropescope-cli export' writes); errors are shown in the window
  --config FILE       load a Hugging Face config.json on top (like File > Open)
  --pin-a             pin the starting settings as "A" (compare A and B)
  --present           start in presentation mode (light theme, large text, the chosen plots and
                      sliders; F5 or Escape leaves it)
  --screenshot FILE   render --frames frames, save the window as PNG, and exit
  --frames N          frames rendered before the screenshot (default 5)
  --drag N            with --screenshot: first nudge rope_theta up over N frames and back over
                      N more, as a slider drag does (--frames then counts from the drag's end);
                      the tests compare the picture with one made with --full-redraw
  --size WxH          window size in screen pixels (default: the saved size, or 1600x1000)
  --scale F           content scale (HiDPI) instead of the monitor's, e.g. 2
  --no-persist        neither restore nor save the state file (implied by --screenshot)
  --bench N           performance check with every method enabled: start to first frame, then
                      N frames unchanged, N frames that each change rope_theta (as a slider drag
                      does), then N more such frames on the attention tab; prints frame,
                      recompute, layout and attention-kernel times of the three phases, then
                      leaves the window alone for 4 s (paced as without --bench: frames drawn
                      and CPU used by an idle window) and exits
  --full-redraw       redraw the whole window every frame instead of only what changed (to
                      compare with --bench, or if a GL driver shows stale parts of the window);
                      with --swap, the whole offscreen picture
  --swap              keep the picture offscreen and swap the whole window every frame, even on
                      a software GL that can copy only the changed rectangles to the window
  --check-window      with --screenshot: then read the window back from the X server and check
                      that it shows the same pixels (exit status 1 if not)
  --help              this text

The state (parameters, enabled methods, view, window size) is saved at exit and with Ctrl+S to
$XDG_CONFIG_HOME/ropescope/state.json (default ~/.config/ropescope/state.json).
Without a display, use ropescope-cli (e.g. 'ropescope-cli export --plot all --out DIR').
)";

int usage_error(const std::string& message) {
    std::fprintf(stderr, "ropescope: %s\nRun 'ropescope --help' for the options.\n", message.c_str());
    return 2;
}

// A whole number from `lo` to `hi` and nothing after it, into `out`; false (and `out` untouched) if not.
bool parse_count(const std::string& text, long lo, long hi, int& out) {
    char* end = nullptr;
    const long value = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end || value < lo || value > hi) return false;
    out = static_cast<int>(value);
    return true;
}

// Parses argv; returns -1 to continue, else an exit status.
int parse_args(int argc, char** argv, Options& o) {
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto value = [&](std::string& out) {
            if (i + 1 >= argc) return false;
            out = argv[++i];
            return true;
        };
        std::string v;
        if (arg == "--help" || arg == "-h") {
            std::fputs(kUsage, stdout);
            return 0;
        } else if (arg == "--state") {
            if (!value(o.state_path)) return usage_error("--state needs a file");
        } else if (arg == "--config") {
            if (!value(o.config_path)) return usage_error("--config needs a file");
        } else if (arg == "--screenshot") {
            if (!value(o.screenshot_path)) return usage_error("--screenshot needs a file");
        } else if (arg == "--frames") {
            if (!value(v)) return usage_error("--frames needs a number");
            if (!parse_count(v, 1, 10000, o.frames)) return usage_error("--frames: \"" + v + "\" is not a number from 1 to 10000");
        } else if (arg == "--size") {
            if (!value(v)) return usage_error("--size needs WxH");
            int w = 0, h = 0;
            char tail = 0;
            if (std::sscanf(v.c_str(), "%dx%d%c", &w, &h, &tail) != 2 || w < 320 || h < 240 || w > 16384 || h > 16384)
                return usage_error("--size: \"" + v + "\" is not WxH with W from 320 and H from 240 to 16384");
            o.width = w;
            o.height = h;
        } else if (arg == "--scale") {
            if (!value(v)) return usage_error("--scale needs a number");
            char* end = nullptr;
            const double scale = std::strtod(v.c_str(), &end);
            if (*end || !(scale >= 0.5 && scale <= 4)) return usage_error("--scale: \"" + v + "\" is not a number from 0.5 to 4");
            o.scale = static_cast<float>(scale);
        } else if (arg == "--bench") {
            if (!value(v)) return usage_error("--bench needs a number of frames");
            if (!parse_count(v, 2, 100000, o.bench_frames))
                return usage_error("--bench: \"" + v + "\" is not a number from 2 to 100000");
            o.no_persist = true;
        } else if (arg == "--pin-a") {
            o.pin_a = true;
        } else if (arg == "--present") {
            o.present = true;
        } else if (arg == "--no-persist") {
            o.no_persist = true;
        } else if (arg == "--drag") {
            if (!value(v)) return usage_error("--drag needs a number of frames");
            if (!parse_count(v, 1, 10000, o.drag_frames)) return usage_error("--drag: \"" + v + "\" is not a number from 1 to 10000");
        } else if (arg == "--full-redraw") {
            o.full_redraw = true;
        } else if (arg == "--swap") {
            o.swap = true;
        } else if (arg == "--check-window") {
            o.check_window = true;
        } else {
            return usage_error("unknown option \"" + arg + "\"");
        }
    }
    if (o.drag_frames > 0 && o.screenshot_path.empty()) return usage_error("--drag works with --screenshot only");
    if (o.check_window && o.screenshot_path.empty()) return usage_error("--check-window works with --screenshot only");
    return -1;
}

// GLFW reports errors through a callback; keep the last one for the messages below.
int g_glfw_error = 0;
std::string g_glfw_message;
void glfw_error(int code, const char* message) {
    g_glfw_error = code;
    g_glfw_message = message ? message : "";
}

void load_startup_state(App& app) {
    using namespace ropescope::gui;
    const Options& o = app.options;
    app.persist = o.screenshot_path.empty() && !o.no_persist;
    app.state_path = app.persist ? default_state_path() : "";
    app.state = default_gui_state();
    if (!o.state_path.empty()) {
        auto loaded = load_gui_state(o.state_path);
        if (loaded) app.state = std::move(loaded).value();
        else app.toasts.Error(loaded.error().message + " Starting from the defaults.");
    } else if (!app.state_path.empty() && std::filesystem::exists(app.state_path)) {
        auto loaded = load_gui_state(app.state_path);
        if (loaded) app.state = std::move(loaded).value();
        else
            app.toasts.Error("The saved state could not be read, so RopeScope starts from the defaults (the file is "
                             "replaced when you quit or save): " + loaded.error().message);
    }
    if (!o.config_path.empty()) app_load_file(app, o.config_path);
    if (o.pin_a) app.state.view.pinned_a = app.state.lab;
    if (o.present) app.state.view.presentation.active = true;
    if (o.bench_frames > 0)  // the demanding case: every method on screen
        for (auto& slot : app.state.lab.methods) slot.enabled = true;
}


// --check-window: presents the last frame as every frame before it was, reads the window back from
// the X server and compares it with the frame. Returns the exit status.
int check_window(ropescope::gui::WindowPresenter& presenter, const std::vector<ropescope::gui::PixelRect>& changed,
                 const std::vector<unsigned char>& frame, int width, int height) {
    presenter.Present(changed, width, height);
    glFinish();
    const std::vector<unsigned char> window = presenter.ReadWindow(width, height);
    if (window.size() != frame.size()) {
        std::fprintf(stderr, "ropescope: --check-window: cannot read the window back from the X server\n");
        return 1;
    }
    long differ = 0;
    int x0 = width, y0 = height, x1 = -1, y1 = -1;
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            const std::size_t i = (static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)) * 4;
            if (std::memcmp(&window[i], &frame[i], 3) == 0) continue;
            ++differ;
            x0 = std::min(x0, x), y0 = std::min(y0, y), x1 = std::max(x1, x), y1 = std::max(y1, y);
        }
    const char* how = presenter.CopiesRectangles() ? "copied rectangles" : "swaps";
    if (differ == 0) {
        std::fprintf(stderr, "ropescope: the window shows the frame pixel for pixel (%dx%d, by %s)\n", width, height, how);
        return 0;
    }
    std::fprintf(stderr, "ropescope: the window differs from the frame in %ld pixels, x %d-%d, y %d-%d (by %s)\n", differ,
                 x0, x1, y0, y1, how);
    return 1;
}

// --bench: timings of one phase.
struct BenchPhase {
    std::vector<double> frame, cpu, recompute, figures, layout, process, redrawn;

    static std::string Stats(std::vector<double> v) {
        if (v.empty()) return "-";
        std::sort(v.begin(), v.end());
        double sum = 0;
        for (const double x : v) sum += x;
        char text[96];
        std::snprintf(text, sizeof text, "mean %7.2f ms  median %7.2f  p95 %7.2f", sum / static_cast<double>(v.size()),
                      v[v.size() / 2], v[v.size() * 95 / 100]);
        return text;
    }
    static void PrintRedrawn(const std::vector<double>& fractions) {
        if (fractions.empty()) return;
        double sum = 0;
        for (const double x : fractions) sum += x;
        std::printf("    window redrawn      mean %5.1f%% of its pixels (retained_frame.h; --full-redraw: 100%%)\n",
                    100.0 * sum / static_cast<double>(fractions.size()));
    }
    void Print(const char* name) const {
        std::printf("  %s, %zu frames:\n", name, frame.size());
        std::printf("    frame (wall)        %s\n", Stats(frame).c_str());
        std::printf("    process CPU         %s  (all threads: UI, GL rasterizer, worker)\n", Stats(process).c_str());
        std::printf("    UI build (CPU)      %s\n", Stats(cpu).c_str());
        std::printf("    layout (in UI)      %s\n", Stats(layout).c_str());
        PrintRedrawn(redrawn);
        if (!recompute.empty()) {
            std::printf("    results (worker)    %s\n", Stats(recompute).c_str());
            std::printf("    figures (worker)    %s\n", Stats(figures).c_str());
        }
    }
};

// Presentation mode draws the whole UI this much larger (fonts and widgets).
constexpr float kPresentationUiScale = 1.4f;

void set_fonts(App& app, float scale, bool light) {
    app.fonts = ropescope::gui::load_fonts(scale);
    ropescope::gui::apply_style(scale, light);
    ropescope::gui::SetUiScale(scale);
}

}  // namespace

int main(int argc, char** argv) {
    const auto main_start = std::chrono::steady_clock::now();
    // Every changed frame allocates and frees layouts and draw lists of a few MB: keep that memory
    // in the heap instead of returning it to the kernel (page faults were ~10% of a drag frame).
    mallopt(M_MMAP_THRESHOLD, 256 << 20);
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
    const double before_main = seconds_since_process_start();
    App app;
    if (const int status = parse_args(argc, argv, app.options); status >= 0) return status;
    const Options& options = app.options;

    glfwSetErrorCallback(glfw_error);
    if (!glfwInit()) {
        std::fprintf(stderr, "ropescope: no display available (GLFW error %d: %s); run ropescope-cli for headless use\n",
                     g_glfw_error, g_glfw_message.c_str());
        return 1;
    }
    if (!options.screenshot_path.empty()) app.toasts.SetQuietInfo(true);  // errors still show
    load_startup_state(app);
    // Start-up work that needs no window runs while the window opens: the first results on the
    // worker thread, the font atlas on another (at the primary monitor's scale; a window on
    // another monitor rebuilds it in its first frame).
    ropescope::gui::app_update(app);
    float startup_scale = options.scale > 0 ? options.scale : 1.0f;
    if (options.scale <= 0)
        if (GLFWmonitor* monitor = glfwGetPrimaryMonitor()) {
            float sx = 1, sy = 1;
            glfwGetMonitorContentScale(monitor, &sx, &sy);
            startup_scale = std::max(1.0f, sx);
        }
    const bool startup_light = app.state.view.presentation.active;
    if (startup_light) startup_scale *= kPresentationUiScale;
    auto* atlas = new ImFontAtlas();
    ropescope::gui::Fonts startup_fonts;
    std::thread font_thread([&] {
        startup_fonts = ropescope::gui::load_fonts(startup_scale, atlas);
        // The RGBA copy that ImGui's OpenGL backend uploads (cached in the atlas): converting the
        // whole 1024x2048 atlas in the first frame's NewFrame took ~15 ms.
        unsigned char* pixels = nullptr;
        int atlas_width = 0, atlas_height = 0;
        atlas->GetTexDataAsRGBA32(&pixels, &atlas_width, &atlas_height);
    });

    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    glfwWindowHint(GLFW_SAMPLES, 0);
    const int width = options.width > 0 ? options.width : app.state.view.window_width;
    const int height = options.height > 0 ? options.height : app.state.view.window_height;
    GLFWwindow* window = glfwCreateWindow(width, height, "RopeScope", nullptr, nullptr);
    if (!window) {
        font_thread.join();
        delete atlas;
        std::fprintf(stderr, "ropescope: cannot open an OpenGL 3.3 window (GLFW error %d: %s); run ropescope-cli for "
                             "headless use\n", g_glfw_error, g_glfw_message.c_str());
        glfwTerminate();
        return 1;
    }
    app.window = window;
    glfwMakeContextCurrent(window);
    ropescope::gui::resolve_gl_entry_points();  // before the model engine's background load (see the header)
    glfwSwapInterval(options.screenshot_path.empty() && options.bench_frames == 0 ? 1 : 0);
    glfwSetWindowUserPointer(window, &app);
    glfwSetDropCallback(window, [](GLFWwindow* w, int count, const char** paths) {
        auto* a = static_cast<App*>(glfwGetWindowUserPointer(w));
        for (int i = 0; i < count; ++i) a->dropped_paths.emplace_back(paths[i]);
    });
    glfwSetWindowContentScaleCallback(window, [](GLFWwindow* w, float, float) {
        static_cast<App*>(glfwGetWindowUserPointer(w))->fonts_dirty = true;
    });
    ropescope::gui::count_input_events(window, &app.input_events);  // before ImGui's callbacks, which chain to these
    ropescope::gui::set_ui_wake(glfwPostEmptyEvent);  // workers' results end the loop's sleep

    IMGUI_CHECKVERSION();
    font_thread.join();
    ImGui::CreateContext(atlas);  // the atlas built meanwhile (not owned by the context: deleted at exit)
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // RopeScope saves its own state
    io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
    float content_scale = 1.0f;
    {
        float sx = 1, sy = 1;
        glfwGetWindowContentScale(window, &sx, &sy);
        content_scale = options.scale > 0 ? options.scale : std::max(1.0f, sx);
    }
    app.content_scale = content_scale;
    bool light_style = app.state.view.presentation.active;
    const auto window_ready = std::chrono::steady_clock::now();
    app.fonts = startup_fonts;
    ropescope::gui::apply_style(startup_scale, light_style);
    ropescope::gui::SetUiScale(startup_scale);
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    ImGui_ImplOpenGL3_Init("#version 330 core");
    const auto fonts_ready = std::chrono::steady_clock::now();
    app_init(app);
    const auto init_done = std::chrono::steady_clock::now();
    double first_frame_s = -1, first_frame_main_s = -1, first_plots_s = -1;
    double engine_seconds = 0;   // --bench: the model engine's background load
    bool engine_waited = false;

    const bool screenshot = !options.screenshot_path.empty();
    app.sync_compute = screenshot;  // a screenshot shows the results of its state, not a frame before them
    const bool bench = options.bench_frames > 0;
    BenchPhase idle_phase, drag_phase, attention_phase;
    ropescope::gui::RetainedFrame retained;
    ropescope::gui::WindowPresenter presenter;
    presenter.Init(window, !options.full_redraw && !options.swap);
    std::uint64_t seen_exposures = ropescope::gui::window_exposures();
    int attention_frames = 0, attention_seen = 0;
    int exit_status = 0;
    auto last = std::chrono::steady_clock::now();
    const auto process_ms = [] {
        timespec t{};
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
        return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) * 1e-6;
    };
    double last_process = process_ms();
    // Idle: sleep until input (frame_pacing.h). --screenshot and --bench draw every frame, except
    // in --bench's last phase, which measures the window left alone.
    ropescope::gui::FramePacer pacer;
    double wait_seconds = 0;
    // The last phase: 1 s for the drag's last results to arrive and show, then 3 s measured.
    bool bench_resting = false, rest_settled = false;
    constexpr double kBenchSettleSeconds = 1, kBenchRestSeconds = 3;
    std::chrono::steady_clock::time_point rest_settle_end, rest_end;
    double rest_process_start = 0;
    int settle_frames = 0, rest_frames = 0;
    for (int frame = 0; !glfwWindowShouldClose(window) && !app.quit; ++frame) {
        if (wait_seconds > 0) {
            if (bench_resting)  // wake at the phase's deadlines
                wait_seconds = std::min(wait_seconds,
                                        std::chrono::duration<double>((rest_settled ? rest_end : rest_settle_end) - last).count());
            if (wait_seconds > 0) glfwWaitEventsTimeout(wait_seconds);
            last = std::chrono::steady_clock::now();  // a frame's time starts when it is due, not while asleep
            last_process = process_ms();
        } else {
            glfwPollEvents();
        }
        if (app.fonts_dirty) {
            app.fonts_dirty = false;
            if (options.scale <= 0) {  // --scale fixes the scale whatever the monitor says
                float sx = 1, sy = 1;
                glfwGetWindowContentScale(window, &sx, &sy);
                app.content_scale = std::max(1.0f, sx);
            }
        }
        // Entering or leaving presentation mode (or a new monitor scale): fonts and style to match.
        const bool presenting = app.state.view.presentation.active;
        const float wanted = app.content_scale * (presenting ? kPresentationUiScale : 1.0f);
        if (wanted != app.fonts.scale || presenting != light_style) {
            light_style = presenting;
            ImGui_ImplOpenGL3_DestroyFontsTexture();
            set_fonts(app, wanted, light_style);
            ImGui_ImplOpenGL3_CreateFontsTexture();
        }
        const bool dragging = bench && !bench_resting && frame > options.bench_frames;
        // Third phase: the same drag on the attention tab, whose worker reruns the kernel each step.
        const bool attention_drag = dragging && frame > 2 * options.bench_frames;
        if (attention_drag) app.state.view.workspace = ropescope::gui::Workspace::Attention;
        if (dragging) app.state.lab.setup.rope_theta *= frame % 2 ? 1.0001 : 1.0 / 1.0001;  // a slider drag
        if (screenshot && frame < 2 * options.drag_frames)  // --drag: up, then back down
            app.state.lab.setup.rope_theta *= frame < options.drag_frames ? 1.01 : 1.0 / 1.01;
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        if (screenshot) io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);  // no hover effects in screenshots
        ImGui::NewFrame();
        ropescope::gui::app_frame(app);
        ImGui::Render();

        int fb_width = 0, fb_height = 0;
        glfwGetFramebufferSize(window, &fb_width, &fb_height);
        // The plots' background: plot widgets then need not paint their own.
        const ropescope::Color clear = ropescope::gui::PlotTheme().background;
        const std::uint64_t frame_key = ropescope::gui::hash_mix(
            static_cast<std::uint64_t>(clear.r) << 16 | static_cast<std::uint64_t>(clear.g) << 8 | clear.b,
            std::bit_cast<std::uint32_t>(app.fonts.scale));
        if (const std::uint64_t exposures = ropescope::gui::window_exposures(); exposures != seen_exposures) {
            seen_exposures = exposures;
            presenter.WindowExposed();
        }
        const auto retained_in = options.full_redraw && !options.swap ? ropescope::gui::RetainedIn::Nowhere
                                 : presenter.CopiesRectangles()          ? ropescope::gui::RetainedIn::BackBuffer
                                                                         : ropescope::gui::RetainedIn::Offscreen;
        const auto changed = retained.Render(ImGui::GetDrawData(), clear, frame_key, retained_in, options.full_redraw);

        if (!app.screenshot_request.empty()) {
            const auto status = ropescope::gui::save_framebuffer_png(fb_width, fb_height, app.screenshot_request);
            if (status) app.toasts.Info("Wrote " + app.screenshot_request);
            else app.toasts.Error(status.error().message);
            app.screenshot_request.clear();
        }
        if (screenshot && frame + 1 >= 2 * options.drag_frames + options.frames) {
            glFinish();
            const auto pixels = ropescope::gui::read_back_buffer(fb_width, fb_height);
            const auto status = ropescope::gui::write_rgba_png(pixels, fb_width, fb_height, options.screenshot_path);
            if (!status) {
                std::fprintf(stderr, "ropescope: %s\n", status.error().message.c_str());
                exit_status = 1;
            } else {
                std::fprintf(stderr, "ropescope: wrote %s (%dx%d)\n", options.screenshot_path.c_str(), fb_width, fb_height);
                if (options.check_window) exit_status = check_window(presenter, changed, pixels, fb_width, fb_height);
            }
            break;
        }
        if (!presenter.Present(changed, fb_width, fb_height) && retained_in == ropescope::gui::RetainedIn::BackBuffer)
            retained.Invalidate();
        const bool paced = !screenshot && (!bench || bench_resting);
        wait_seconds = !paced ? 0 : pacer.NextWait(ropescope::gui::app_activity(app), io.WantTextInput, app.input_events);
        if (first_plots_s < 0 && app.generation > 0) {  // the first frame that shows the plots
            glFinish();
            first_plots_s = seconds_since_process_start();
            if (first_plots_s < 0)
                first_plots_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - main_start).count();
        }
        if (frame == 0) {
            glFinish();
            first_frame_main_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - main_start).count();
            const double since_start = seconds_since_process_start();
            first_frame_s = since_start >= 0 ? since_start : first_frame_main_s + std::max(0.0, before_main);
            ropescope::gui::start_model_engine(app);  // LibTorch, in the background, now that the window shows
        }
        const auto now = std::chrono::steady_clock::now();
        const double ms = std::chrono::duration<double, std::milli>(now - last).count();
        last = now;
        const double process_now = process_ms();
        const double process_frame = process_now - last_process;
        last_process = process_now;
        app.timing.frame_ms = app.timing.frame_ms == 0 ? ms : app.timing.frame_ms * 0.9 + ms * 0.1;
        if (attention_drag) {
            ++attention_frames;
            if (app.timing.attention_updates != attention_seen) {
                attention_seen = app.timing.attention_updates;
                attention_phase.recompute.push_back(app.timing.attention_ms);
            }
            attention_phase.frame.push_back(ms);
            attention_phase.cpu.push_back(app.timing.last_cpu_ms);
            attention_phase.layout.push_back(app.timing.layout_ms);
            attention_phase.redrawn.push_back(retained.LastRedrawnFraction());
        } else if (bench && !bench_resting && frame > 0) {  // frame 0 includes start-up work
            BenchPhase& phase = dragging ? drag_phase : idle_phase;
            phase.frame.push_back(ms);
            phase.cpu.push_back(app.timing.last_cpu_ms);
            phase.layout.push_back(app.timing.layout_ms);
            phase.process.push_back(process_frame);
            phase.redrawn.push_back(retained.LastRedrawnFraction());
            if (dragging) {
                phase.recompute.push_back(app.timing.recompute_ms);
                phase.figures.push_back(app.timing.figures_ms);
            }
        }
        // The drag is measured after the background load has ended, so that it measures the drag.
        if (bench && frame == options.bench_frames) {
            const bool was_loading = !ropescope::gui::model_engine_loaded(app, engine_seconds);
            ropescope::gui::wait_for_model_engine(app);
            ropescope::gui::model_engine_loaded(app, engine_seconds);
            engine_waited = was_loading;
            last = std::chrono::steady_clock::now();
            last_process = process_ms();
        }
        if (bench && !bench_resting && frame >= 3 * options.bench_frames) {
            const auto after = [&](double seconds) {
                return now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                 std::chrono::duration<double>(seconds));
            };
            bench_resting = true;
            rest_settle_end = after(kBenchSettleSeconds);
            rest_end = after(kBenchSettleSeconds + kBenchRestSeconds);
            continue;
        }
        if (bench_resting && !rest_settled) {
            ++settle_frames;
            if (now >= rest_settle_end) {
                rest_settled = true;
                rest_process_start = process_now;
                rest_end = now + (rest_end - rest_settle_end);
            }
        } else if (bench_resting) {
            ++rest_frames;
        }
        if (rest_settled && now >= rest_end) {
            const double rest_seconds =
                kBenchRestSeconds + std::chrono::duration<double>(now - rest_end).count();
            std::printf("bench at %dx%d (scale %.3g): %zu methods x %d pairs, L' = %lld\n", fb_width, fb_height,
                        static_cast<double>(app.fonts.scale), app.entries.size(),
                        app.entries.empty() ? 0 : app.entries.front().result.num_pairs(),
                        static_cast<long long>(app.state.lab.setup.target_context()));
            std::printf("  frames shown by %s (window_present.h)\n",
                        options.full_redraw            ? "drawing the whole window and swapping (--full-redraw)"
                        : presenter.CopiesRectangles() ? "copying the changed rectangles to the window (glXCopySubBufferMESA)"
                                                       : "copying the retained picture whole and swapping");
            const auto between = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
            std::printf("  start to first frame with the plots  %7.0f ms  (from process start)\n", first_plots_s * 1000.0);
            std::printf("  start to first frame                 %7.0f ms  (from main() %.0f ms: window %.0f, fonts %.0f, "
                        "init %.0f, first frame %.0f)\n",
                        first_frame_s * 1000.0, first_frame_main_s * 1000.0, between(main_start, window_ready),
                        between(window_ready, fonts_ready), between(fonts_ready, init_done),
                        first_frame_main_s * 1000.0 - between(main_start, init_done));
            std::printf("  model engine (LibTorch), loaded in the background after the first frame: %.0f ms%s\n",
                        engine_seconds * 1000.0, engine_waited ? " (the drag waited for it)" : "");
            idle_phase.Print("unchanged");
            drag_phase.Print("rope_theta changed every frame (a slider drag)");
            std::printf("  attention tab, rope_theta changed every frame, %d frames:\n", attention_frames);
            std::printf("    frame (wall)        %s\n", BenchPhase::Stats(attention_phase.frame).c_str());
            std::printf("    UI build (CPU)      %s\n", BenchPhase::Stats(attention_phase.cpu).c_str());
            BenchPhase::PrintRedrawn(attention_phase.redrawn);
            std::printf("    kernel queries, every method (worker)  %s\n",
                        BenchPhase::Stats(attention_phase.recompute).c_str());
            std::printf("    query outputs shown %zu of %d frames\n", attention_phase.recompute.size(), attention_frames);
            std::printf("  results received %d, last geometry %d vertices, heatmap shader passes %d\n",
                        app.timing.recomputes, io.MetricsRenderVertices, app.heatmap.renders());
            const double rest_cpu_ms = process_now - rest_process_start;
            std::printf("  window left alone after the drag (frames paced as without --bench, frame_pacing.h):\n"
                        "    first %.0f s: %d frames (the drag's last results)\n"
                        "    next %.1f s: %d frames drawn, process CPU %.0f ms (%.1f%% of one core)\n",
                        kBenchSettleSeconds, settle_frames, rest_seconds, rest_frames, rest_cpu_ms,
                        rest_cpu_ms / (rest_seconds * 10.0));
            break;
        }
    }

    if (app.persist) app_save_state(app, true);
    app_shutdown(app);  // joins the workers
    ropescope::gui::set_ui_wake(nullptr);
    retained.Shutdown();
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    delete atlas;
    glfwDestroyWindow(window);
    glfwTerminate();
    return exit_status;
}
