// Which parts of the window changed since the last frame. The frame is cut into square tiles; every
// primitive drawn (a triangle, a blit) adds its hash to the tiles its bounding box touches, in
// drawing order, and a tile whose hash differs from the last frame's is damaged. The damaged tiles
// come back as a few rectangles, and only those are redrawn (retained_frame.h): on a software
// OpenGL (Mesa llvmpipe) shading the whole 1600x1000 window costs ~20 ms of two cores even when
// nothing in it moved, and a slider drag changes only the slider and the plots it feeds.
//
// Pure logic (no GL, no ImGui): unit-tested in tests/gui/tile_damage_test.cpp.
#pragma once

#include <cstdint>
#include <vector>

namespace ropescope::gui {

// Framebuffer pixels, origin top-left, half-open: [x0, x1) x [y0, y1).
struct PixelRect {
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    long long Area() const { return static_cast<long long>(x1 - x0) * (y1 - y0); }
    bool operator==(const PixelRect&) const = default;
};

class TileDamage {
public:
    static constexpr int kTile = 32;      // framebuffer pixels per tile side
    static constexpr int kMaxRects = 8;   // redraw passes per frame, at most (each walks every draw command)

    // Starts a frame of `width` x `height` framebuffer pixels. A size or a `frame_key` (whatever
    // changes every pixel: the theme, the font texture) that differs from the last frame's, or a
    // call to Invalidate, damages the whole frame.
    void Begin(int width, int height, std::uint64_t frame_key);
    // A primitive whose pixels lie inside [x0, x1) x [y0, y1) (framebuffer pixels, clipped by the
    // caller or not) and whose appearance `hash` sums up. Order matters, as it does on screen.
    void Add(float x0, float y0, float x1, float y1, std::uint64_t hash);
    // Ends the frame: rectangles (tile-aligned, clamped to the frame) covering every damaged tile,
    // at most kMaxRects of them; empty when nothing changed. They may overlap after merging.
    std::vector<PixelRect> End();
    // The next frame is damaged everywhere (the retained picture was lost or never drawn).
    void Invalidate() { valid_ = false; }

    // The fraction of the frame's pixels that the last End's rectangles cover (overlaps once).
    double LastDamagedFraction() const { return damaged_fraction_; }

private:
    int width_ = 0, height_ = 0, columns_ = 0, rows_ = 0;
    std::uint64_t frame_key_ = 0;
    bool valid_ = false;       // `previous_` holds the last frame's hashes
    bool whole_frame_ = true;  // this frame is damaged everywhere
    std::vector<std::uint64_t> current_, previous_;
    double damaged_fraction_ = 1;
};

// Merges rectangles until at most `max_rects` are left, each step joining the pair whose bounding
// box adds the least area that neither covered. Exposed for the tests.
std::vector<PixelRect> merge_rects(std::vector<PixelRect> rects, int max_rects);

// 64-bit mixing for the hashes fed to TileDamage (splitmix64's finaliser over a running value).
inline std::uint64_t hash_mix(std::uint64_t seed, std::uint64_t value) {
    std::uint64_t z = seed ^ (value + 0x9e3779b97f4a7c15ull + (seed << 6) + (seed >> 2));
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

}  // namespace ropescope::gui
