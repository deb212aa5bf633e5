#include "tile_damage.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ropescope::gui {

namespace {

constexpr std::uint64_t kEmptyTile = 0x5bd1e9955bd1e995ull;

PixelRect bounding_box(const PixelRect& a, const PixelRect& b) {
    return {std::min(a.x0, b.x0), std::min(a.y0, b.y0), std::max(a.x1, b.x1), std::max(a.y1, b.y1)};
}

}  // namespace

std::vector<PixelRect> merge_rects(std::vector<PixelRect> rects, int max_rects) {
    max_rects = std::max(1, max_rects);
    while (static_cast<int>(rects.size()) > max_rects) {
        std::size_t best_a = 0, best_b = 1;
        long long best_waste = std::numeric_limits<long long>::max();
        for (std::size_t a = 0; a < rects.size(); ++a)
            for (std::size_t b = a + 1; b < rects.size(); ++b) {
                const long long waste = bounding_box(rects[a], rects[b]).Area() - rects[a].Area() - rects[b].Area();
                if (waste < best_waste) {
                    best_waste = waste;
                    best_a = a;
                    best_b = b;
                }
            }
        rects[best_a] = bounding_box(rects[best_a], rects[best_b]);
        rects.erase(rects.begin() + static_cast<std::ptrdiff_t>(best_b));
    }
    return rects;
}

void TileDamage::Begin(int width, int height, std::uint64_t frame_key) {
    width = std::max(0, width);
    height = std::max(0, height);
    whole_frame_ = !valid_ || width != width_ || height != height_ || frame_key != frame_key_;
    width_ = width;
    height_ = height;
    frame_key_ = frame_key;
    columns_ = (width + kTile - 1) / kTile;
    rows_ = (height + kTile - 1) / kTile;
    current_.assign(static_cast<std::size_t>(columns_) * static_cast<std::size_t>(rows_), kEmptyTile);
}

void TileDamage::Add(float x0, float y0, float x1, float y1, std::uint64_t hash) {
    // NaN fails every comparison below and is dropped with the empty boxes.
    x0 = std::max(x0, 0.0f);
    y0 = std::max(y0, 0.0f);
    x1 = std::min(x1, static_cast<float>(width_));
    y1 = std::min(y1, static_cast<float>(height_));
    if (!(x1 > x0) || !(y1 > y0)) return;
    // A pixel is drawn when its centre is inside: every tile the box touches may hold one.
    const int c0 = static_cast<int>(x0) / kTile, r0 = static_cast<int>(y0) / kTile;
    const int c1 = std::min(columns_ - 1, static_cast<int>(std::ceil(x1) - 1) / kTile);
    const int r1 = std::min(rows_ - 1, static_cast<int>(std::ceil(y1) - 1) / kTile);
    for (int r = r0; r <= r1; ++r) {
        std::uint64_t* row = current_.data() + static_cast<std::size_t>(r) * static_cast<std::size_t>(columns_);
        for (int c = c0; c <= c1; ++c) row[c] = hash_mix(row[c], hash);
    }
}

std::vector<PixelRect> TileDamage::End() {
    std::vector<PixelRect> rects;
    const bool whole = whole_frame_ || previous_.size() != current_.size();
    previous_.swap(current_);
    valid_ = true;
    if (width_ == 0 || height_ == 0) {
        damaged_fraction_ = 0;
        return rects;
    }
    if (whole) {
        damaged_fraction_ = 1;
        rects.push_back({0, 0, width_, height_});
        return rects;
    }
    // Runs of damaged tiles per row; a run under one of the same columns extends its rectangle.
    std::vector<PixelRect> tile_rects;  // in tiles
    std::vector<std::size_t> open;       // tile_rects whose bottom is the previous row
    for (int r = 0; r < rows_; ++r) {
        std::vector<std::size_t> still_open;
        for (int c = 0; c < columns_;) {
            const auto at = static_cast<std::size_t>(r) * static_cast<std::size_t>(columns_) + static_cast<std::size_t>(c);
            if (previous_[at] == current_[at]) {
                ++c;
                continue;
            }
            int end = c + 1;
            while (end < columns_) {
                const std::size_t i = static_cast<std::size_t>(r) * static_cast<std::size_t>(columns_) + static_cast<std::size_t>(end);
                if (previous_[i] == current_[i]) break;
                ++end;
            }
            const auto above = std::find_if(open.begin(), open.end(), [&](std::size_t i) {
                return tile_rects[i].x0 == c && tile_rects[i].x1 == end;
            });
            if (above != open.end()) {
                tile_rects[*above].y1 = r + 1;
                still_open.push_back(*above);
            } else {
                tile_rects.push_back({c, r, end, r + 1});
                still_open.push_back(tile_rects.size() - 1);
            }
            c = end;
        }
        open.swap(still_open);
    }
    rects.reserve(tile_rects.size());
    for (const PixelRect& t : tile_rects)
        rects.push_back({t.x0 * kTile, t.y0 * kTile, std::min(width_, t.x1 * kTile), std::min(height_, t.y1 * kTile)});
    rects = merge_rects(std::move(rects), kMaxRects);

    // The pixels covered, overlaps counted once (merged rectangles are tile-aligned).
    std::vector<char> covered(current_.size(), 0);
    long long pixels = 0;
    for (const PixelRect& rect : rects)
        for (int r = rect.y0 / kTile; r * kTile < rect.y1; ++r)
            for (int c = rect.x0 / kTile; c * kTile < rect.x1; ++c) {
                char& mark = covered[static_cast<std::size_t>(r) * static_cast<std::size_t>(columns_) + static_cast<std::size_t>(c)];
                if (mark) continue;
                mark = 1;
                pixels += static_cast<long long>(std::min(kTile, width_ - c * kTile)) * std::min(kTile, height_ - r * kTile);
            }
    damaged_fraction_ = static_cast<double>(pixels) / (static_cast<double>(width_) * height_);
    return rects;
}

}  // namespace ropescope::gui
