// TileDamage (app/gui/tile_damage.h): which parts of the window a frame must redraw.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <set>
#include <utility>
#include <vector>

#include "tile_damage.h"

using ropescope::gui::merge_rects;
using ropescope::gui::PixelRect;
using ropescope::gui::TileDamage;

namespace {

constexpr int T = TileDamage::kTile;

struct Box {
    float x0, y0, x1, y1;
    std::uint64_t hash;
};

std::vector<PixelRect> frame(TileDamage& damage, const std::vector<Box>& boxes, int width = 640, int height = 480,
                             std::uint64_t key = 1) {
    damage.Begin(width, height, key);
    for (const Box& b : boxes) damage.Add(b.x0, b.y0, b.x1, b.y1, b.hash);
    return damage.End();
}

bool covers(const std::vector<PixelRect>& rects, int x, int y) {
    for (const PixelRect& r : rects)
        if (x >= r.x0 && x < r.x1 && y >= r.y0 && y < r.y1) return true;
    return false;
}

// The tiles (column, row) any rectangle covers.
std::set<std::pair<int, int>> covered_tiles(const std::vector<PixelRect>& rects, int width, int height) {
    std::set<std::pair<int, int>> tiles;
    for (int y = 0; y < height; y += T)
        for (int x = 0; x < width; x += T)
            if (covers(rects, x, y)) tiles.insert({x / T, y / T});
    return tiles;
}

const std::vector<Box> kScene = {{0, 0, 640, 480, 1}, {100, 100, 110, 110, 2}, {300, 200, 400, 260, 3}};

}  // namespace

TEST(TileDamage, TheFirstFrameIsDamagedEverywhere) {
    TileDamage damage;
    const auto rects = frame(damage, kScene);
    ASSERT_EQ(rects.size(), 1u);
    EXPECT_EQ(rects[0], (PixelRect{0, 0, 640, 480}));
    EXPECT_DOUBLE_EQ(damage.LastDamagedFraction(), 1.0);
}

TEST(TileDamage, AnUnchangedFrameRedrawsNothing) {
    TileDamage damage;
    frame(damage, kScene);
    EXPECT_TRUE(frame(damage, kScene).empty());
    EXPECT_DOUBLE_EQ(damage.LastDamagedFraction(), 0.0);
}

TEST(TileDamage, AMovedPrimitiveDamagesTheTilesItLeftAndEnteredOnly) {
    TileDamage damage;
    frame(damage, kScene);
    std::vector<Box> moved = kScene;
    moved[1] = {500, 400, 510, 410, 2};  // from tile (3, 3) to tile (15, 12)
    const auto rects = frame(damage, moved);
    const auto tiles = covered_tiles(rects, 640, 480);
    EXPECT_EQ(tiles, (std::set<std::pair<int, int>>{{3, 3}, {15, 12}}));
    EXPECT_DOUBLE_EQ(damage.LastDamagedFraction(), 2.0 * T * T / (640.0 * 480.0));
}

TEST(TileDamage, AChangedAppearanceDamagesEveryTileThePrimitiveTouches) {
    TileDamage damage;
    frame(damage, kScene);
    std::vector<Box> recoloured = kScene;
    recoloured[2].hash = 33;  // 300..400 x 200..260: tiles 9..12 x 6..8
    const auto tiles = covered_tiles(frame(damage, recoloured), 640, 480);
    std::set<std::pair<int, int>> expected;
    for (int c = 9; c <= 12; ++c)
        for (int r = 6; r <= 8; ++r) expected.insert({c, r});
    EXPECT_EQ(tiles, expected);
}

TEST(TileDamage, DrawingOrderMatters) {
    TileDamage damage;
    frame(damage, {{0, 0, 20, 20, 7}, {0, 0, 20, 20, 8}});
    const auto rects = frame(damage, {{0, 0, 20, 20, 8}, {0, 0, 20, 20, 7}});  // the other one on top
    ASSERT_FALSE(rects.empty());
    EXPECT_TRUE(covers(rects, 10, 10));
}

TEST(TileDamage, ARemovedPrimitiveDamagesItsTiles) {
    TileDamage damage;
    frame(damage, kScene);
    const auto rects = frame(damage, {kScene[0], kScene[2]});
    EXPECT_EQ(covered_tiles(rects, 640, 480), (std::set<std::pair<int, int>>{{3, 3}}));
}

TEST(TileDamage, ABoxEndingOnATileEdgeStaysInItsTile) {
    TileDamage damage;
    frame(damage, {{0, 0, T, T, 1}});
    const auto tiles = covered_tiles(frame(damage, {{0, 0, T, T, 2}}), 640, 480);
    EXPECT_EQ(tiles, (std::set<std::pair<int, int>>{{0, 0}}));
}

TEST(TileDamage, ANewSizeKeyOrInvalidateDamagesEverything) {
    TileDamage damage;
    frame(damage, kScene);
    EXPECT_EQ(frame(damage, kScene, 640, 481), (std::vector<PixelRect>{{0, 0, 640, 481}}));
    frame(damage, kScene);
    EXPECT_EQ(frame(damage, kScene, 640, 480, 2), (std::vector<PixelRect>{{0, 0, 640, 480}}));
    EXPECT_TRUE(frame(damage, kScene, 640, 480, 2).empty());
    damage.Invalidate();
    EXPECT_EQ(frame(damage, kScene, 640, 480, 2), (std::vector<PixelRect>{{0, 0, 640, 480}}));
}

TEST(TileDamage, RectanglesAreClampedToAFrameThatIsNoWholeNumberOfTiles) {
    TileDamage damage;
    frame(damage, {{0, 0, 50, 50, 1}, {40, 40, 50, 50, 2}}, 50, 50);
    const auto rects = frame(damage, {{0, 0, 50, 50, 1}, {40, 40, 50, 50, 3}}, 50, 50);
    ASSERT_EQ(rects.size(), 1u);
    EXPECT_EQ(rects[0], (PixelRect{32, 32, 50, 50}));
    EXPECT_DOUBLE_EQ(damage.LastDamagedFraction(), 18.0 * 18.0 / 2500.0);
}

TEST(TileDamage, NanInfiniteAndOffFrameBoxesNeitherCrashNorDamageWhereTheyCannotDraw) {
    TileDamage damage;
    const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
    frame(damage, kScene);
    std::vector<Box> odd = kScene;
    odd.push_back({nan, 0, 10, 10, 9});       // dropped
    odd.push_back({-1e30f, -inf, -5, -5, 9});  // wholly off the frame
    odd.push_back({700, 500, 1e30f, inf, 9});
    odd.push_back({10, 10, 5, 5, 9});          // empty
    EXPECT_TRUE(frame(damage, odd).empty());
    odd.push_back({-inf, -inf, inf, inf, 9});  // the whole frame, clamped
    EXPECT_EQ(covered_tiles(frame(damage, odd), 640, 480).size(), 20u * 15u);
}

TEST(TileDamage, ScatteredChangesGiveAtMostTheMaximumOfRectanglesCoveringEveryChangedTile) {
    std::mt19937 random(12345);  // fixed seed: the same scenes every run
    for (int trial = 0; trial < 50; ++trial) {
        TileDamage damage;
        std::vector<Box> scene;
        for (int i = 0; i < 200; ++i) {
            const float x = static_cast<float>(random() % 1600), y = static_cast<float>(random() % 1000);
            scene.push_back({x, y, x + static_cast<float>(random() % 80), y + static_cast<float>(random() % 40), random()});
        }
        frame(damage, scene, 1600, 1000);
        std::set<std::pair<int, int>> changed;
        std::vector<std::size_t> order(scene.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::shuffle(order.begin(), order.end(), random);
        for (int i = 0; i < 30; ++i) {  // 30 different boxes change
            Box& b = scene[order[static_cast<std::size_t>(i)]];
            b.hash ^= 1;
            if (!(b.x1 > b.x0) || !(b.y1 > b.y0)) continue;
            for (int c = static_cast<int>(b.x0) / T; c <= static_cast<int>(std::ceil(b.x1) - 1) / T && c < 50; ++c)
                for (int r = static_cast<int>(b.y0) / T; r <= static_cast<int>(std::ceil(b.y1) - 1) / T && r < 32; ++r)
                    changed.insert({c, r});
        }
        const auto rects = frame(damage, scene, 1600, 1000);
        EXPECT_LE(rects.size(), static_cast<std::size_t>(TileDamage::kMaxRects));
        const auto covered = covered_tiles(rects, 1600, 1000);
        for (const auto& tile : changed) EXPECT_TRUE(covered.count(tile)) << "tile " << tile.first << "," << tile.second;
        for (const PixelRect& r : rects) {
            EXPECT_TRUE(r.x0 >= 0 && r.y0 >= 0 && r.x1 <= 1600 && r.y1 <= 1000 && r.x0 < r.x1 && r.y0 < r.y1);
            EXPECT_EQ(r.x0 % T, 0);
            EXPECT_EQ(r.y0 % T, 0);
        }
        EXPECT_GT(damage.LastDamagedFraction(), 0.0);
        EXPECT_LT(damage.LastDamagedFraction(), 1.0);
    }
}

TEST(MergeRects, JoinsTheClosestPairFirst) {
    const std::vector<PixelRect> rects = {{0, 0, 32, 32}, {32, 0, 64, 32}, {500, 500, 532, 532}};
    const auto merged = merge_rects(rects, 2);
    ASSERT_EQ(merged.size(), 2u);
    EXPECT_EQ(merged[0], (PixelRect{0, 0, 64, 32}));  // no area wasted
    EXPECT_EQ(merged[1], (PixelRect{500, 500, 532, 532}));
    EXPECT_EQ(merge_rects(rects, 1), (std::vector<PixelRect>{{0, 0, 532, 532}}));
    EXPECT_EQ(merge_rects(rects, 5), rects);
}
