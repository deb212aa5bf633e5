// PNG export through cairo: size, content, every method's colour, clean failures.
#include "export_test_util.h"
#include "ropescope/export.h"
#include "ropescope/raster.h"

namespace ropescope {
namespace {

namespace fs = std::filesystem;

using test::default_entries;
using test::figure_of;

// Width and height from the PNG's IHDR chunk.
std::pair<int, int> png_size(const std::string& png) {
    const auto be32 = [&](std::size_t at) {
        return (static_cast<unsigned char>(png[at]) << 24) | (static_cast<unsigned char>(png[at + 1]) << 16) |
               (static_cast<unsigned char>(png[at + 2]) << 8) | static_cast<unsigned char>(png[at + 3]);
    };
    if (png.size() < 24 || png.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0 || png.compare(12, 4, "IHDR") != 0)
        return {0, 0};
    return {be32(16), be32(20)};
}

// Pixels within `tolerance` (per channel) of `color`.
std::size_t pixels_near(const std::vector<std::uint8_t>& rgba, Color color, int tolerance) {
    std::size_t n = 0;
    for (std::size_t i = 0; i + 3 < rgba.size(); i += 4)
        n += std::abs(rgba[i] - color.r) <= tolerance && std::abs(rgba[i + 1] - color.g) <= tolerance &&
             std::abs(rgba[i + 2] - color.b) <= tolerance;
    return n;
}

TEST(Png, SizeAndSignature) {
    const Figure figure = figure_of("wavelength", default_entries());
    const Theme t = light_theme();
    auto png = render_png(layout_figure(figure, t, 1920, 1080), t);
    ASSERT_TRUE(png.ok()) << png.error().message;
    EXPECT_EQ(png_size(*png), (std::pair<int, int>{1920, 1080}));
    // Retina: twice the pixels, same layout.
    auto retina = render_png(layout_figure(figure, t, 800, 500, 2), t);
    ASSERT_TRUE(retina.ok());
    EXPECT_EQ(png_size(*retina), (std::pair<int, int>{800, 500}));
}

TEST(Png, NotBlankAndEveryMethodColourPresent) {
    const auto entries = default_entries();
    for (const auto kind : {ThemeKind::Light, ThemeKind::Dark}) {
        const Theme t = theme(kind);
        for (const char* id : {"wavelength", "decay", "coverage"}) {
            auto rgba = rasterize_canvas(layout_figure(figure_of(id, entries), t, 1200, 800), t);
            ASSERT_TRUE(rgba.ok()) << rgba.error().message;
            ASSERT_EQ(rgba->size(), 1200u * 800u * 4u);
            EXPECT_EQ((*rgba)[0], t.background.r);
            EXPECT_EQ((*rgba)[3], 255);
            const std::size_t background = pixels_near(*rgba, t.background, 2);
            EXPECT_LT(background, 1200u * 800u * 95 / 100) << id << ": nearly blank";
            for (const auto& e : entries) {
                EXPECT_GE(pixels_near(*rgba, method_color(e.result.kind), 10), 40u)
                    << id << " (" << theme_name(kind) << "): colour of " << method_name(e.result.kind) << " missing";
            }
        }
    }
}

TEST(Png, HeatmapColoursFromTheDivergingMap) {
    const Theme t = light_theme();
    auto rgba = rasterize_canvas(layout_figure(figure_of("heatmap", default_entries()), t, 800, 500), t);
    ASSERT_TRUE(rgba.ok());
    EXPECT_GE(pixels_near(*rgba, diverging_color(1, t), 6), 1000u);
    EXPECT_GE(pixels_near(*rgba, diverging_color(-1, t), 6), 100u);
}

TEST(Png, BadSizesAreErrors) {
    Canvas canvas;
    canvas.width = 0;
    canvas.height = 100;
    EXPECT_FALSE(rasterize_canvas(canvas, light_theme()).ok());
    canvas.width = 100000;
    const auto r = render_png(canvas, light_theme());
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("100000"), std::string::npos);
}

TEST(Png, UnwritableTargetsFailCleanly) {
    test::TempDir dir("png");
    const fs::path file = dir.path() / "plain.txt";
    ASSERT_TRUE(write_file_atomic(file.string(), "x").ok());
    const Theme t = light_theme();
    const Canvas canvas = layout_figure(figure_of("scale", default_entries()), t, 400, 300);
    for (const std::string& path :
         std::vector<std::string>{"/proc/ropescope/figure.png", (file / "figure.png").string()}) {
        const Status status = write_png(canvas, t, path);
        ASSERT_FALSE(status.ok()) << path;
        EXPECT_NE(status.error().message.find(path), std::string::npos) << status.error().message;
        EXPECT_FALSE(fs::exists(path));
    }
    EXPECT_EQ(test::list_dir(dir.path()), (std::vector<std::string>{"plain.txt"}));
    const fs::path good = dir.path() / "figure.png";
    ASSERT_TRUE(write_png(canvas, t, good.string()).ok());
    EXPECT_EQ(png_size(test::read_file(good)), (std::pair<int, int>{400, 300}));
}

}  // namespace
}  // namespace ropescope
