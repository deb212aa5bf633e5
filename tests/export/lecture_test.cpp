// Lecture-ready figures: readable type, a symbol per method, legends off the data, notes for
// hidden curves, summaries; parameter sweeps and the animation encoders.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <utility>

#include "export_test_util.h"
#include "ropescope/animation.h"
#include "ropescope/render.h"
#include "ropescope/state.h"
#include "ropescope/sweep.h"

namespace ropescope {
namespace {

using test::default_entries;
using test::figure_of;

TEST(Lecture, NoTextBelowTheMinimumOnSmallCanvases) {
    const auto entries = default_entries();
    for (const auto& id : plot_ids())
        for (const float scale : {1.0f, 2.0f}) {
            const Canvas canvas = layout_figure(figure_of(id, entries), dark_theme(), 420 * scale, 220 * scale, scale);
            for (const auto& p : canvas.primitives)
                if (p.type == Primitive::Type::Text) {
                    EXPECT_GE(p.size, 11.0f * scale - 1e-3f) << id << ": " << p.text;
                }
        }
}

TEST(Lecture, TextScaleEnlargesEveryText) {
    Theme big = dark_theme();
    big.text_scale = 2;
    const Figure f = figure_of("wavelength", default_entries());
    const Canvas a = layout_figure(f, dark_theme(), 1600, 1000), b = layout_figure(f, big, 1600, 1000);
    float max_a = 0, max_b = 0;
    for (const auto& p : a.primitives)
        if (p.type == Primitive::Type::Text) max_a = std::max(max_a, p.size);
    for (const auto& p : b.primitives)
        if (p.type == Primitive::Type::Text) max_b = std::max(max_b, p.size);
    EXPECT_GT(max_b, max_a * 1.5f);
}

TEST(Lecture, DarkAndLightUseTheSameTypeSize) {
    EXPECT_EQ(dark_theme().font_size, light_theme().font_size);
    EXPECT_EQ(dark_theme().title_size, light_theme().title_size);
}

TEST(Lecture, EveryMethodHasItsOwnMarker) {
    std::set<MarkerShape> shapes;
    for (const MethodKind k : kAllMethods) {
        EXPECT_NE(method_marker(k), MarkerShape::None);
        shapes.insert(method_marker(k));
    }
    EXPECT_EQ(shapes.size(), kAllMethods.size());
    const Canvas canvas = layout_figure(figure_of("wavelength", default_entries()), light_theme(), 1600, 1000);
    const auto polygons = std::count_if(canvas.primitives.begin(), canvas.primitives.end(),
                                        [](const Primitive& p) { return p.type == Primitive::Type::Polygon; });
    EXPECT_GT(polygons, 10);  // squares, triangles, plus signs along the curves and in the legend
}

TEST(Lecture, AutomaticLegendCoversNoData) {
    // At export size every plot's legend goes where no data point lies.
    const auto entries = default_entries();
    for (const auto& id : {"wavelength", "scale", "ramp", "decay", "coverage"}) {
        const Figure f = figure_of(id, entries);
        const Canvas canvas = layout_figure(f, light_theme(), 1600, 1000);
        const PanelLayout& l = canvas.panels[0];
        if (!l.legend_inside) continue;  // beside or above the plot: nothing to cover
        for (const auto& s : f.panels[0].series)
            for (std::size_t i = 0; i < s.x.size(); ++i) {
                const Vec2 p{l.to_px_x(s.x[i]), l.to_px_y(s.y[i])};
                EXPECT_FALSE(l.legend_box.contains(p)) << id << ": " << s.label << " point " << i;
            }
    }
}

TEST(Lecture, LegendAboveThePlotNeverSquashesIt) {
    // A legend band above the plot may take at most a third of the plot's height; beyond that the
    // entries show short names, or the legend collapses into one box. At the default tab's tile
    // size at 1280x800 (about 430 x 240) a three-row band once left the wavelength plot 45 px of its 95.
    const auto entries = default_entries();
    for (const auto& id : plot_ids())
        for (const auto& [w, h] : {std::pair{430.0f, 240.0f}, {580.0f, 300.0f}, {800.0f, 420.0f}, {1600.0f, 1000.0f}}) {
            Figure f = figure_of(id, entries);
            const Canvas auto_placed = layout_figure(f, dark_theme(), w, h);
            for (auto& panel : f.panels) panel.legend_collapsed = true;
            const Canvas collapsed = layout_figure(f, dark_theme(), w, h);
            for (std::size_t k = 0; k < auto_placed.panels.size(); ++k) {
                const float plot = auto_placed.panels[k].plot.height(), full = collapsed.panels[k].plot.height();
                EXPECT_GE(plot, 0.65f * full - 1.0f) << id << " at " << w << "x" << h << ", panel " << k;
            }
        }
}

TEST(Lecture, LegendBandShortensLabelsBeforeCollapsing) {
    // Large type on a plot of shrinking height (as in the presentation mode on a projector): the
    // legend goes from full labels ("YaRN (s=8, beta 32/1)") to the methods' short names ("YaRN")
    // before it collapses into one box, and never back as the plot shrinks further.
    Theme big = light_theme();
    big.text_scale = 1.5f;
    const Figure f = figure_of("wavelength", default_entries());
    int previous = 3, short_seen = 0;
    for (float h = 1200; h >= 300; h -= 25) {
        const Canvas c = layout_figure(f, big, 640, h);
        std::set<std::string> texts;
        for (const auto& p : c.primitives)
            if (p.type == Primitive::Type::Text) texts.insert(p.text);
        // 2: full labels, 1: short names, 0: collapsed (or no room even for that box)
        const PanelLayout& l = c.panels[0];
        const int state = l.legend_collapsed || l.legend_box.width() <= 0 ? 0 : texts.count("YaRN") ? 1 : 2;
        if (state == 1) {
            ++short_seen;
            EXPECT_TRUE(texts.count("Position Interpolation")) << h;
            EXPECT_FALSE(l.legend_inside) << h;
        }
        EXPECT_LE(state, previous) << "canvas height " << h;
        previous = state;
    }
    EXPECT_GT(short_seen, 0);
    EXPECT_EQ(previous, 0);  // the smallest plot: collapsed
}

TEST(Lecture, StandaloneFigureKeepsShortNamesWhereOthersCollapse) {
    // Presentation mode (no control panel to tell the colours apart): where a figure in the app
    // collapses its legend, a standalone one still names its methods, down to half the plot.
    Theme big = light_theme();
    big.text_scale = 1.5f;
    Theme alone = big;
    alone.standalone = true;
    const Figure f = figure_of("wavelength", default_entries());
    int standalone_only = 0;
    for (float h = 1200; h >= 300; h -= 25) {
        const Canvas in_app = layout_figure(f, big, 640, h), on_slide = layout_figure(f, alone, 640, h);
        const PanelLayout& a = in_app.panels[0];
        const PanelLayout& b = on_slide.panels[0];
        if (!a.legend_collapsed) continue;
        if (!b.legend_collapsed && b.legend_box.width() > 0) {
            ++standalone_only;
            EXPECT_GE(b.plot.height(), 0.5f * a.plot.height() - 1.0f) << h;
        }
    }
    EXPECT_GT(standalone_only, 0);
}

TEST(Lecture, CollapsedAndDraggedLegend) {
    Figure f = figure_of("wavelength", default_entries());
    f.panels[0].legend_collapsed = true;
    Canvas c = layout_figure(f, light_theme(), 1600, 1000);
    EXPECT_TRUE(c.panels[0].legend_collapsed);
    bool text = false;
    for (const auto& p : c.primitives) text = text || (p.type == Primitive::Type::Text && p.text.find("5 methods") != std::string::npos);
    EXPECT_TRUE(text);
    f.panels[0].legend_collapsed = false;
    f.panels[0].legend_anchor = LegendAnchor{0.5f, 0.5f};
    c = layout_figure(f, light_theme(), 1600, 1000);
    const PanelLayout& l = c.panels[0];
    EXPECT_NEAR(l.legend_box.x0, l.plot.x0 + 0.5f * l.plot.width(), 1.0f);
    EXPECT_NEAR(l.legend_box.y0, l.plot.y0 + 0.5f * l.plot.height(), 1.0f);
}

TEST(Lecture, HiddenIdenticalCurveGetsANote) {
    // The trained range (L theta) equals PI's curve at L' exactly: PI hides it.
    const Canvas canvas = layout_figure(figure_of("coverage", default_entries()), light_theme(), 1600, 1000);
    bool noted = false;
    for (const auto& p : canvas.primitives)
        noted = noted || (p.type == Primitive::Type::Text && p.text.find("(= Position Interpolation)") != std::string::npos);
    EXPECT_TRUE(noted);
}

TEST(Lecture, SummariesAndGlyphs) {
    const auto entries = default_entries();
    for (const auto& id : plot_ids()) EXPECT_FALSE(figure_of(id, entries).summary.empty()) << id;
    EXPECT_NE(figure_of("decay", entries).summary.find("PI divides every frequency by s"), std::string::npos);
    EXPECT_NE(figure_of("wavelength", entries).panels[0].y.title.find("\u03b8\u2032"), std::string::npos);
    // Glyph widths are DejaVu's, not an average: theta is about as wide as 'o', a prime much narrower.
    EXPECT_NEAR(text_width("\u03b8", 10), text_width("o", 10), 0.2);
    EXPECT_LT(text_width("\u2032", 10), text_width("o", 10) * 0.5f);
}

TEST(Lecture, MarkerLabelsAtOneValueAreMerged) {
    LabState state = default_lab_state();
    slot(state, MethodKind::NtkByParts).enabled = true;
    const Canvas canvas = layout_figure(figure_of("ramp", compute_entries(state, nullptr)), light_theme(), 1600, 1000);
    bool merged = false;
    for (const auto& p : canvas.primitives)
        merged = merged || (p.type == Primitive::Type::Text && p.text.find(" / ") != std::string::npos &&
                            p.text.find("\u03b1") != std::string::npos);
    EXPECT_TRUE(merged);
}

TEST(Sweep, ParsesAndSteps) {
    auto s = parse_sweep("factor=1:32:log", 6);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->parameter, "factor");
    EXPECT_DOUBLE_EQ(sweep_value(*s, 0), 1);
    EXPECT_NEAR(sweep_value(*s, 1), 2, 1e-12);
    EXPECT_DOUBLE_EQ(sweep_value(*s, 5), 32);
    auto lin = parse_sweep("beta_fast=8:32", 4);
    ASSERT_TRUE(lin);
    EXPECT_NEAR(sweep_value(*lin, 1), 16, 1e-12);
    EXPECT_EQ(sweep_stamp("factor", 4), "s = 4");
}

TEST(Sweep, BadSpecsNameWhatIsWrong) {
    const auto message = [](const char* spec, int frames = 10) {
        auto s = parse_sweep(spec, frames);
        return s ? std::string() : s.error().message;
    };
    EXPECT_NE(message("factor").find("PARAM=FROM:TO"), std::string::npos);
    EXPECT_NE(message("speed=1:2").find("\"speed\" is not a parameter"), std::string::npos);
    EXPECT_NE(message("factor=1:nan").find("finite"), std::string::npos);
    EXPECT_NE(message("factor=1:1e9").find("out of range"), std::string::npos);
    EXPECT_NE(message("factor=2:2").find("nothing moves"), std::string::npos);
    EXPECT_NE(message("factor=1:4:cubic").find("use log"), std::string::npos);
    EXPECT_NE(message("factor=1:4", 1).find("--frames"), std::string::npos);
    LabState state = default_lab_state();
    auto applied = apply_sweep_value(state, "alpha", 2);
    ASSERT_FALSE(applied);
    EXPECT_NE(applied.error().message.find("NTK-by-parts"), std::string::npos);
}

TEST(Sweep, FramesShareTheirAxes) {
    std::vector<Figure> frames;
    for (const double s : {2.0, 32.0}) {
        LabState state = default_lab_state();
        state.setup.factor = s;
        frames.push_back(figure_of("wavelength", compute_entries(state, nullptr)));
    }
    share_frame_axes(frames);
    ASSERT_TRUE(frames[0].panels[0].y.max && frames[1].panels[0].y.max);
    EXPECT_EQ(*frames[0].panels[0].y.max, *frames[1].panels[0].y.max);
    EXPECT_EQ(*frames[0].panels[0].x.min, *frames[1].panels[0].x.min);
}

// Renders a 3-frame sweep of the decay plot in `format`.
Result<std::string> tiny_animation(AnimationFormat format) {
    auto sweep = parse_sweep("factor=2:8:log", 3);
    const FrameFigure figure_for = [](const LabState& s) -> Result<Figure> {
        return build_figure("decay", compute_entries(s, nullptr), s.plot);
    };
    AnimationOptions o;
    o.format = format;
    o.width = 320;
    o.height = 200;
    int progress = 0;
    return render_sweep_animation(default_lab_state(), *sweep, figure_for, o, [&](int done, int total) {
        EXPECT_EQ(total, 3);
        progress = done;
        return true;
    });
}

TEST(Animation, GifHasThreeFramesAndLoops) {
    auto gif = tiny_animation(AnimationFormat::Gif);
    ASSERT_TRUE(gif) << gif.error().message;
    EXPECT_EQ(gif->substr(0, 6), "GIF89a");
    EXPECT_NE(gif->find("NETSCAPE2.0"), std::string::npos);
    // One graphic control extension (0x21 0xF9) per frame.
    std::size_t controls = 0;
    for (std::size_t at = gif->find("\x21\xF9"); at != std::string::npos; at = gif->find("\x21\xF9", at + 2)) ++controls;
    EXPECT_GE(controls, 3u);
    EXPECT_EQ(gif->back(), ';');  // the trailer
}

TEST(Animation, ApngHasAnimationControlAndFrames) {
    auto png = tiny_animation(AnimationFormat::Apng);
    ASSERT_TRUE(png) << png.error().message;
    EXPECT_EQ(png->substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    const std::size_t actl = png->find("acTL");
    ASSERT_NE(actl, std::string::npos);
    EXPECT_LT(actl, png->find("IDAT"));  // before the image data, as the spec requires
    EXPECT_EQ(static_cast<unsigned char>((*png)[actl + 7]), 3u);  // num_frames = 3
    std::size_t fctl = 0, fdat = 0;
    for (std::size_t at = png->find("fcTL"); at != std::string::npos; at = png->find("fcTL", at + 4)) ++fctl;
    for (std::size_t at = png->find("fdAT"); at != std::string::npos; at = png->find("fdAT", at + 4)) ++fdat;
    EXPECT_EQ(fctl, 3u);
    EXPECT_GE(fdat, 2u);
    EXPECT_NE(png->find("IEND"), std::string::npos);
}

TEST(Animation, Mp4WhereAvailable) {
    if (!animation_format_available(AnimationFormat::Mp4)) {
        auto none = make_animation_encoder(AnimationFormat::Mp4, 16, 16, 2, 15);
        ASSERT_FALSE(none);
        EXPECT_NE(none.error().message.find("libavcodec"), std::string::npos);
        GTEST_SKIP() << "no libavcodec in this build";
    }
    auto mp4 = tiny_animation(AnimationFormat::Mp4);
    ASSERT_TRUE(mp4) << mp4.error().message;
    EXPECT_EQ(mp4->substr(4, 4), "ftyp");
    EXPECT_NE(mp4->find("moov"), std::string::npos);
}

TEST(Animation, CancelStopsAndSaysSo) {
    auto sweep = parse_sweep("factor=2:8", 4);
    int frames = 0;
    auto r = render_sweep_animation(
        default_lab_state(), *sweep,
        [](const LabState& s) -> Result<Figure> { return build_figure("scale", compute_entries(s, nullptr), s.plot); },
        AnimationOptions{AnimationFormat::Gif, 64, 48, 1, ThemeKind::Light, 15}, [&](int, int) { return ++frames < 2; });
    ASSERT_FALSE(r);
    EXPECT_EQ(frames, 2);
    EXPECT_NE(r.error().message.find("cancelled"), std::string::npos);
}

}  // namespace
}  // namespace ropescope
