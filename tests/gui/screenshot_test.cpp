// GUI smoke test: runs `ropescope --screenshot` under scripts/xvfb.sh for one case and checks the PNG:
// the requested size, not blank, and pixels of every enabled method's colour in the plot area.
//
// Usage: gui_screenshot_test APP CASE OUTDIR
//   CASE: default | all | longrope | side_by_side | overlay | scale2 | engines | attention | search | model
//   retained_default | retained_all | retained_side_by_side | retained_swap: a slider drag
//     (--drag), then the picture redrawn only where it changed (retained_frame.h; kept in the back
//     buffer where the GL can copy rectangles to the window, offscreen with --swap for
//     retained_swap) must equal, pixel for pixel, the picture of the same run redrawn whole every
//     frame (--full-redraw, in the same place: llvmpipe rounds blending into its offscreen RGBA8
//     and the window's buffer differently by one level here and there), and each run's window must show its frame (--check-window).
// Exit status: 0 pass, 1 fail, 77 skipped (Xvfb missing).
#include <stb_image.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "ropescope/color.h"
#include "ropescope/hf_config.h"
#include "view_state.h"

namespace fs = std::filesystem;
using namespace ropescope;
using namespace ropescope::gui;

namespace {

int g_failures = 0;

void check(bool ok, const std::string& what) {
    std::printf("%s %s\n", ok ? "ok  " : "FAIL", what.c_str());
    if (!ok) ++g_failures;
}

std::string quote(const std::string& s) { return "'" + s + "'"; }

// Every method enabled on a demanding setup: head_dim 256, L' = 2M; seq_len = L'/8 so that the
// dynamic methods differ from their static forms (else YaRN hides under dynamic YaRN).
GuiState all_methods_state() {
    GuiState state = default_gui_state();
    for (auto& slot : state.lab.methods) slot.enabled = true;
    state.lab.setup.head_dim = 256;
    state.lab.setup.original_max_position_embeddings = 4096;
    state.lab.setup.factor = 512;
    state.lab.setup.seq_len = state.lab.setup.target_context() / 8;
    return state;
}

// A pinned A (the defaults at s = 4) against B (YaRN, NTK-by-parts and LongRoPE added, s = 16).
GuiState pinned_state(CompareMode mode) {
    GuiState state = default_gui_state();
    state.lab.setup.factor = 4;
    state.lab.setup.seq_len = state.lab.setup.target_context();
    state.view.pinned_a = state.lab;
    state.view.compare = mode;
    state.lab.setup.factor = 16;
    state.lab.setup.seq_len = state.lab.setup.target_context();
    slot(state.lab, MethodKind::NtkByParts).enabled = true;
    slot(state.lab, MethodKind::LongRope).enabled = true;
    return state;
}

bool write_state(const GuiState& state, const std::string& path) {
    const Status status = save_gui_state(state, path);
    if (!status) std::printf("cannot write %s: %s\n", path.c_str(), status.error().message.c_str());
    return static_cast<bool>(status);
}

// Counts pixels within `tolerance` (per channel) of `color` in x >= x0.
long count_color(const unsigned char* px, int w, int h, int x0, Color color, int tolerance) {
    long count = 0;
    for (int y = 0; y < h; ++y)
        for (int x = x0; x < w; ++x) {
            const unsigned char* p = px + (static_cast<std::size_t>(y) * w + x) * 4;
            if (std::abs(p[0] - color.r) <= tolerance && std::abs(p[1] - color.g) <= tolerance &&
                std::abs(p[2] - color.b) <= tolerance)
                ++count;
        }
    return count;
}

// Runs the app for one screenshot; false (reported) if it fails.
bool run_screenshot(const std::string& app, const fs::path& dir, const std::string& png, int width, int height,
                    const std::string& args) {
    fs::remove(png);
    // A private config directory: the test never reads or writes the user's state.
    const std::string command = "XDG_CONFIG_HOME=" + quote((dir / "config").string()) + " " + quote(ROPESCOPE_XVFB_SCRIPT) +
                                " -s 1600x1000 " + quote(app) + " --screenshot " + quote(png) + " --size " +
                                std::to_string(width) + "x" + std::to_string(height) + " " + args + " 2>&1";
    std::printf("$ %s\n", command.c_str());
    // scripts/xvfb.sh lets Xvfb choose a free display itself: parallel tests never collide.
    const int status = std::system(command.c_str());
    check(status == 0, "ropescope exits with status 0");
    return status == 0;
}

// retained_*: the same drag drawn with the retained frame and with --full-redraw gives the same pixels.
int retained_case(const std::string& app, const std::string& variant, const fs::path& dir) {
    GuiState state = default_gui_state();
    std::string retained_args;
    if (variant == "all") state = all_methods_state();
    else if (variant == "side_by_side") state = pinned_state(CompareMode::SideBySide);
    else if (variant == "swap") retained_args = " --swap";  // the offscreen picture, copied whole
    else if (variant != "default") {
        std::fprintf(stderr, "unknown case retained_%s\n", variant.c_str());
        return 2;
    }
    const std::string state_path = (dir / "state.json").string();
    if (!write_state(state, state_path)) return 1;
    // --check-window: the window itself (read back from the X server) shows the frame too.
    const std::string args = "--state " + quote(state_path) + " --drag 6 --frames 4 --check-window";
    const std::string retained = (dir / "retained.png").string(), full = (dir / "full.png").string();
    if (!run_screenshot(app, dir, retained, 1600, 1000, args + retained_args) || !run_screenshot(app, dir, full, 1600, 1000, args + retained_args + " --full-redraw"))
        return 1;
    int w = 0, h = 0, wf = 0, hf = 0, channels = 0;
    unsigned char* a = stbi_load(retained.c_str(), &w, &h, &channels, 4);
    unsigned char* b = stbi_load(full.c_str(), &wf, &hf, &channels, 4);
    check(a && b, "both screenshots are PNGs");
    if (a && b) {
        check(w == wf && h == hf && w == 1600 && h == 1000, "both are 1600x1000");
        long differ = 0;
        int x0 = w, y0 = h, x1 = -1, y1 = -1;
        for (int y = 0; y < std::min(h, hf); ++y)
            for (int x = 0; x < std::min(w, wf); ++x) {
                const std::size_t i = (static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x)) * 4;
                if (a[i] == b[i] && a[i + 1] == b[i + 1] && a[i + 2] == b[i + 2]) continue;
                ++differ;
                x0 = std::min(x0, x);
                y0 = std::min(y0, y);
                x1 = std::max(x1, x);
                y1 = std::max(y1, y);
            }
        check(differ == 0, std::to_string(differ) + " pixels differ from the whole redraw" +
                               (differ ? " (within x " + std::to_string(x0) + ".." + std::to_string(x1) + ", y " +
                                             std::to_string(y0) + ".." + std::to_string(y1) + ")"
                                       : std::string()));
    }
    if (a) stbi_image_free(a);
    if (b) stbi_image_free(b);
    std::printf("retained_%s: %d failure(s)\n", variant.c_str(), g_failures);
    return g_failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: gui_screenshot_test APP CASE OUTDIR\n");
        return 2;
    }
    const std::string app = argv[1], name = argv[2];
    const fs::path dir = fs::path(argv[3]) / name;
    fs::create_directories(dir);
    if (std::system("command -v Xvfb >/dev/null 2>&1") != 0) {
        std::printf("SKIP: Xvfb is not installed (Debian: xvfb)\n");
        return 77;
    }
    if (name.rfind("retained_", 0) == 0) return retained_case(app, name.substr(9), dir);

    int width = 1600, height = 1000;
    float scale = 1;
    std::string args;
    GuiState expected = default_gui_state();
    const std::string state_path = (dir / "state.json").string();
    std::vector<MethodKind> search_kinds;
    if (name == "default") {
    } else if (name == "all") {
        expected = all_methods_state();
        if (!write_state(expected, state_path)) return 1;
        args = "--state " + quote(state_path);
    } else if (name == "longrope") {
        const std::string config = std::string(ROPESCOPE_PRESETS_DIR) + "/phi-3-mini-128k-instruct.json";
        auto loaded = load_hf_config(config);
        if (!loaded) {
            std::printf("cannot load %s: %s\n", config.c_str(), loaded.error().message.c_str());
            return 1;
        }
        apply_config(expected.lab, loaded->model_name, loaded->setup, loaded->method);
        args = "--config " + quote(config);
    } else if (name == "side_by_side" || name == "overlay") {
        expected = pinned_state(name == "overlay" ? CompareMode::Overlay : CompareMode::SideBySide);
        if (!write_state(expected, state_path)) return 1;
        args = "--state " + quote(state_path);
    } else if (name == "engines") {
        // The Engines tab on Qwen2.5's YaRN x4: transformers 4.48-4.55 differs (amber), the others agree (green).
        const std::string config = std::string(ROPESCOPE_PRESETS_DIR) + "/qwen2.5-7b-instruct-yarn.json";
        expected.view.workspace = Workspace::Engines;
        if (!write_state(expected, state_path)) return 1;
        args = "--state " + quote(state_path) + " --config " + quote(config);
    } else if (name == "attention") {
        // The attention tab on the defaults: every method's weights, resolution curves and table swatch.
        expected.view.workspace = Workspace::Attention;
        if (!write_state(expected, state_path)) return 1;
        args = "--state " + quote(state_path);
    } else if (name == "search") {
        // A short LongRoPE search on Phi-3's setup, run to completion before the screenshot.
        expected.view.workspace = Workspace::Search;
        expected.view.panel_settings["search"] = {{"autostart", true}, {"setup", "phi3"}, {"iterations", 8}};
        if (!write_state(expected, state_path)) return 1;
        args = "--state " + quote(state_path);
        // The search shows its result against the seeds it started from, not the lab's methods.
        search_kinds = {MethodKind::LongRope, MethodKind::Linear, MethodKind::Ntk, MethodKind::Yarn};
    } else if (name == "model") {
        // The Model tab on the shipped model: its cached evaluation (assets/model/default.eval.json)
        // draws the perplexity curves of default, PI, NTK-aware and YaRN at once.
        expected.view.workspace = Workspace::Model;
        if (!write_state(expected, state_path)) return 1;
        args = "--state " + quote(state_path);
        search_kinds = {MethodKind::Default, MethodKind::Linear, MethodKind::Ntk, MethodKind::Yarn};
    } else if (name == "scale2") {
        width = 3200;
        height = 2000;
        scale = 2;
        args = "--scale 2";
    } else {
        std::fprintf(stderr, "unknown case %s\n", name.c_str());
        return 2;
    }

    const std::string png = (dir / "shot.png").string();
    run_screenshot(app, dir, png, width, height, args);

    int w = 0, h = 0, channels = 0;
    unsigned char* pixels = stbi_load(png.c_str(), &w, &h, &channels, 4);
    check(pixels != nullptr, "screenshot " + png + " is a PNG");
    if (!pixels) return 1;
    check(w == width && h == height, "size " + std::to_string(w) + "x" + std::to_string(h) + " is " +
                                         std::to_string(width) + "x" + std::to_string(height));

    // Not blank: many distinct colours and a good share of pixels away from the background.
    std::vector<bool> seen(1 << 15);
    long distinct = 0, lit = 0;
    for (long i = 0; i < static_cast<long>(w) * h; ++i) {
        const unsigned char* p = pixels + i * 4;
        const int key = ((p[0] >> 3) << 10) | ((p[1] >> 3) << 5) | (p[2] >> 3);
        if (!seen[static_cast<std::size_t>(key)]) {
            seen[static_cast<std::size_t>(key)] = true;
            ++distinct;
        }
        if (p[0] + p[1] + p[2] > 3 * 60) ++lit;
    }
    check(distinct > 200, std::to_string(distinct) + " distinct colours (> 200)");
    check(lit > static_cast<long>(w) * h / 50, std::to_string(lit) + " bright pixels (> 2% of the image)");

    // Each enabled method's colour in the plot area (right of the 360 px control panel).
    const int plot_x0 = static_cast<int>(380 * scale);
    if (expected.view.workspace == Workspace::Engines) {
        // kWarningColor and kOkColor of app/gui/style.h: "40 pairs differ" and "same frequencies".
        const long amber = count_color(pixels, w, h, plot_x0, Color{240, 200, 90, 255}, 10);
        const long green = count_color(pixels, w, h, plot_x0, Color{120, 210, 140, 255}, 10);
        check(amber >= 30, "an engine that differs, in amber: " + std::to_string(amber) + " pixels (>= 30)");
        check(green >= 30, "engines that agree, in green: " + std::to_string(green) + " pixels (>= 30)");
        stbi_image_free(pixels);
        std::printf("%s: %d failure(s)\n", name.c_str(), g_failures);
        return g_failures == 0 ? 0 : 1;
    }
    std::vector<MethodKind> kinds = search_kinds;
    if (kinds.empty())
        for (const auto& entry : compute_entries(expected.lab, nullptr)) kinds.push_back(entry.result.kind);
    if (expected.view.pinned_a)
        for (const auto& entry : compute_entries(*expected.view.pinned_a, nullptr)) kinds.push_back(entry.result.kind);
    check(!kinds.empty(), std::to_string(kinds.size()) + " method results expected on screen");
    for (const MethodKind kind : kinds) {
        const Color color = method_color(kind);
        const long n = count_color(pixels, w, h, plot_x0, color, 12);
        check(n >= 30, std::string(method_name(kind)) + " colour " + to_hex(color) + ": " + std::to_string(n) +
                           " pixels in the plot area (>= 30)");
    }
    stbi_image_free(pixels);
    std::printf("%s: %d failure(s)\n", name.c_str(), g_failures);
    return g_failures == 0 ? 0 : 1;
}
