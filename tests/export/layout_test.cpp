// layout_figure: primitives stay on the canvas, one line per series, legend hit areas, transforms.
#include <cmath>
#include <map>
#include <random>

#include "export_test_util.h"
#include "ropescope/render.h"

namespace ropescope {
namespace {

using test::default_entries;
using test::figure_of;

// The box a text primitive covers (same conventions as the renderers).
Rect text_box(const Primitive& p) {
    const float w = text_width(p.text, p.size, p.bold);
    const float start = p.align == TextAlign::Left ? 0 : p.align == TextAlign::Center ? -w / 2 : -w;
    const float base = baseline_offset(p.baseline, p.size);
    const Vec2 a = p.points[0];
    if (!p.vertical)
        return Rect{a.x + start, a.y + base - 0.93f * p.size, a.x + start + w, a.y + base + 0.24f * p.size};
    return Rect{a.x + base - 0.93f * p.size, a.y - start - w, a.x + base + 0.24f * p.size, a.y - start};
}

bool inside(const Rect& outer, const Rect& r, float tolerance) {
    return r.x0 >= outer.x0 - tolerance && r.y0 >= outer.y0 - tolerance && r.x1 <= outer.x1 + tolerance &&
           r.y1 <= outer.y1 + tolerance;
}

// Every coordinate finite and every primitive on the canvas.
void expect_on_canvas(const Canvas& canvas, const std::string& what) {
    const Rect area{0, 0, canvas.width, canvas.height};
    for (const auto& p : canvas.primitives) {
        for (const auto& v : p.points) {
            ASSERT_TRUE(std::isfinite(v.x) && std::isfinite(v.y)) << what;
            EXPECT_TRUE(area.contains(v)) << what << ": point " << v.x << "," << v.y << " of type "
                                          << static_cast<int>(p.type) << " off the canvas";
        }
        if (p.type == Primitive::Type::Text) {
            EXPECT_FALSE(p.text.empty()) << what;
            EXPECT_TRUE(inside(area, text_box(p), 1.0f)) << what << ": text \"" << p.text << "\" leaves the canvas";
        }
        if (p.type == Primitive::Type::FillRect || p.type == Primitive::Type::StrokeRect) {
            EXPECT_TRUE(inside(area, p.rect, 1.0f)) << what << ": rectangle off the canvas";
        }
    }
}

TEST(Layout, EveryPlotStaysOnTheCanvasAtEverySize) {
    const auto entries = default_entries();
    for (const auto& id : plot_ids()) {
        const Figure figure = figure_of(id, entries);
        for (const auto kind : {ThemeKind::Light, ThemeKind::Dark}) {
            for (const auto& [w, h, s] : {std::tuple{400.f, 300.f, 1.f}, std::tuple{1600.f, 1000.f, 1.f},
                                         std::tuple{3840.f, 2160.f, 1.f}, std::tuple{3840.f, 2160.f, 2.f},
                                         std::tuple{640.f, 1200.f, 1.f}}) {
                const Canvas canvas = layout_figure(figure, theme(kind), w, h, s);
                const std::string what = id + " at " + std::to_string(int(w)) + "x" + std::to_string(int(h));
                EXPECT_EQ(canvas.width, w);
                ASSERT_EQ(canvas.panels.size(), figure.panels.size()) << what;
                expect_on_canvas(canvas, what);
                for (const auto& panel : canvas.panels) {
                    EXPECT_GT(panel.plot.width(), 0) << what;
                    EXPECT_GT(panel.plot.height(), 0) << what;
                    EXPECT_TRUE(inside(panel.frame, panel.plot, 0.5f)) << what;
                }
            }
        }
    }
}

TEST(Layout, TextOutsideThePlotNeverOverlaps) {
    const auto entries = default_entries();
    for (const auto& id : plot_ids()) {
        for (const auto& [w, h] : {std::pair{1600.f, 1000.f}, std::pair{640.f, 400.f}}) {
            const Canvas canvas = layout_figure(figure_of(id, entries), light_theme(), w, h);
            std::vector<std::pair<Rect, std::string>> boxes;
            for (const auto& p : canvas.primitives) {
                if (p.type != Primitive::Type::Text) continue;
                const Rect box = text_box(p);
                bool in_plot = false;
                for (const auto& panel : canvas.panels) in_plot = in_plot || inside(panel.plot, box, 0);
                if (!in_plot) boxes.push_back({box, p.text});
            }
            for (std::size_t a = 0; a < boxes.size(); ++a)
                for (std::size_t b = a + 1; b < boxes.size(); ++b) {
                    const Rect& r = boxes[a].first;
                    const Rect& q = boxes[b].first;
                    // Glyph boxes include line gap: allow 15% of a line of overlap.
                    const float slack = 0.15f * std::min(r.height(), q.height());
                    const bool overlap = r.x0 < q.x1 - slack && q.x0 < r.x1 - slack && r.y0 < q.y1 - slack &&
                                         q.y0 < r.y1 - slack;
                    EXPECT_FALSE(overlap) << id << " " << w << "x" << h << ": \"" << boxes[a].second << "\" overlaps \""
                                          << boxes[b].second << "\"";
                }
        }
    }
}

// The figure title's lines: the bold texts above the first panel's frame.
std::vector<Primitive> title_lines(const Canvas& canvas, const std::string& title) {
    std::vector<Primitive> lines;
    for (const auto& p : canvas.primitives)
        if (p.type == Primitive::Type::Text && p.bold && !p.vertical && title.find(p.text) != std::string::npos &&
            (lines.empty() || p.size == lines.front().size))
            lines.push_back(p);
    return lines;
}

TEST(Layout, ALongFigureTitleGoesOnTwoLinesRatherThanShrinkingOrBeingCut) {
    const Figure figure = figure_of("decay", default_entries());
    ASSERT_GT(figure.title.size(), 60u) << "the test needs a long title";
    const Canvas wide = layout_figure(figure, light_theme(), 1600, 1000);
    const auto one = title_lines(wide, figure.title);
    ASSERT_EQ(one.size(), 1u);
    EXPECT_EQ(one[0].text, figure.title);
    // A narrow plot (one of two side by side on a 1280-pixel projector).
    const Canvas narrow = layout_figure(figure, light_theme(), 560, 560);
    const auto two = title_lines(narrow, figure.title);
    ASSERT_EQ(two.size(), 2u);
    EXPECT_EQ(two[0].text + " " + two[1].text, figure.title);  // whole words, nothing elided
    EXPECT_GE(two[0].size, 0.7f * one[0].size);
    EXPECT_GT(two[1].points[0].y, two[0].points[0].y + two[0].size);  // one under the other
    for (const auto& line : two) EXPECT_LE(text_width(line.text, line.size, true), 560.0f) << line.text;
    // A short title stays on one line at the same width.
    Figure short_title = figure;
    short_title.title = "Attention-score decay";
    EXPECT_EQ(title_lines(layout_figure(short_title, light_theme(), 560, 560), short_title.title).size(), 1u);
}

// The texts below the last panel: the caption's lines.
int caption_lines(const Canvas& canvas) {
    int lines = 0;
    for (const auto& p : canvas.primitives)
        if (p.type == Primitive::Type::Text && p.points[0].y > canvas.panels.back().frame.y1) ++lines;
    return lines;
}

TEST(Layout, ASmallCanvasGivesItsCaptionOneLine) {
    const Figure figure = figure_of("decay", default_entries());
    EXPECT_GE(caption_lines(layout_figure(figure, light_theme(), 330, 400)), 2);  // it wraps where there is room
    EXPECT_EQ(caption_lines(layout_figure(figure, light_theme(), 330, 200)), 1);
    EXPECT_EQ(caption_lines(layout_figure(figure, light_theme(), 660, 400, 2.0f)), 1);  // 330x200 at scale 2
}

TEST(Layout, OnePolylinePerVisibleSeries) {
    const Figure figure = figure_of("wavelength", default_entries());
    const Canvas canvas = layout_figure(figure, light_theme(), 1600, 1000);
    const Panel& panel = figure.panels[0];
    for (std::size_t s = 0; s < panel.series.size(); ++s) {
        int lines = 0;
        for (const auto& p : canvas.primitives)
            if (p.type == Primitive::Type::Polyline && p.series_index == static_cast<int>(s) && p.panel_index == 0) {
                ++lines;
                EXPECT_EQ(p.color, panel.series[s].color);
                EXPECT_EQ(p.points.size(), panel.series[s].x.size());
            }
        EXPECT_EQ(lines, 1) << panel.series[s].label;
    }
}

TEST(Layout, LegendEntriesAreHitAreasInsideThePlot) {
    Figure figure = figure_of("coverage", default_entries());
    figure.panels[0].series[2].visible = false;
    const Canvas canvas = layout_figure(figure, dark_theme(), 1600, 1000);
    const PanelLayout& layout = canvas.panels[0];
    const Panel& panel = figure.panels[0];
    std::vector<int> expected;
    for (std::size_t s = 0; s < panel.series.size(); ++s)
        if (panel.series[s].in_legend) expected.push_back(static_cast<int>(s));
    EXPECT_EQ(layout.legend_series, expected);
    ASSERT_EQ(layout.legend_entries.size(), expected.size());
    for (std::size_t k = 0; k < expected.size(); ++k) {
        const Rect& r = layout.legend_entries[k];
        EXPECT_GT(r.width(), 0);
        EXPECT_GT(r.height(), 0);
        EXPECT_TRUE(inside(layout.plot, r, 0.5f));
        if (k > 0) { EXPECT_GE(r.y0, layout.legend_entries[k - 1].y1 - 0.01f); }
        // The label is drawn inside its hit area.
        bool labelled = false;
        for (const auto& p : canvas.primitives)
            if (p.type == Primitive::Type::Text && p.text == panel.series[expected[k]].label)
                labelled = labelled || r.contains(p.points[0]);
        EXPECT_TRUE(labelled) << panel.series[expected[k]].label;
    }
    // The hidden series is not drawn but keeps its (greyed) legend entry.
    for (const auto& p : canvas.primitives) EXPECT_NE(p.series_index, 2);
    for (const auto& p : canvas.primitives)
        if (p.type == Primitive::Type::Text && p.text == panel.series[2].label) {
            EXPECT_EQ(p.color, dark_theme().text_muted);
        }
}

TEST(Layout, LegendAboveTakesRowsBetweenTitleAndPlot) {
    Figure figure = figure_of("wavelength", default_entries());
    Figure above = figure;
    above.panels[0].legend_placement = LegendPlacement::Above;
    for (const float width : {1600.0f, 700.0f, 420.0f}) {
        const Canvas inside_canvas = layout_figure(figure, light_theme(), width, 600);
        const Canvas canvas = layout_figure(above, light_theme(), width, 600);
        expect_on_canvas(canvas, "legend above at width " + std::to_string(width));
        const PanelLayout& layout = canvas.panels[0];
        // The plot gives up the band's height; every entry sits above it, none overlapping another.
        EXPECT_GT(layout.plot.y0, inside_canvas.panels[0].plot.y0);
        ASSERT_EQ(layout.legend_entries.size(), above.panels[0].series.size());
        for (std::size_t k = 0; k < layout.legend_entries.size(); ++k) {
            const Rect& r = layout.legend_entries[k];
            EXPECT_GT(r.width(), 0);
            EXPECT_LE(r.y1, layout.plot.y0 + 0.5f) << "entry " << k << " at width " << width;
            EXPECT_GE(r.x0, 0);
            EXPECT_LE(r.x1, width);
            for (std::size_t j = 0; j < k; ++j) {
                const Rect& o = layout.legend_entries[j];
                const bool overlap = r.x0 < o.x1 - 0.01f && o.x0 < r.x1 - 0.01f && r.y0 < o.y1 - 0.01f && o.y0 < r.y1 - 0.01f;
                EXPECT_FALSE(overlap) << "entries " << j << " and " << k << " at width " << width;
            }
            // Each label whole (not elided) when the band is wide enough for it.
            const std::string& label = above.panels[0].series[k].label;
            bool whole = false;
            for (const auto& p : canvas.primitives) whole = whole || (p.type == Primitive::Type::Text && p.text == label);
            if (width >= 700) {
                EXPECT_TRUE(whole) << label << " at width " << width;
            }
        }
    }
}

Figure one_series(std::vector<double> x, std::vector<double> y, AxisScale y_scale = AxisScale::Linear) {
    Figure figure;
    Panel panel;
    panel.x.title = "x";
    panel.y.title = "y";
    panel.y.scale = y_scale;
    Series s;
    s.label = "s";
    s.color = Color{200, 0, 0, 255};
    s.x = std::move(x);
    s.y = std::move(y);
    panel.series.push_back(s);
    figure.panels.push_back(panel);
    return figure;
}

std::vector<const Primitive*> lines_of(const Canvas& canvas, int series) {
    std::vector<const Primitive*> out;
    for (const auto& p : canvas.primitives)
        if (p.type == Primitive::Type::Polyline && p.series_index == series) out.push_back(&p);
    return out;
}

TEST(Layout, NanBreaksTheLineAndLogSkipsNonPositive) {
    const double nan = std::nan("");
    const Canvas broken = layout_figure(one_series({0, 1, 2, 3, 4, 5}, {1, 2, nan, 3, 4, 5}), light_theme(), 800, 600);
    EXPECT_EQ(lines_of(broken, 0).size(), 2u);
    const Canvas log = layout_figure(one_series({0, 1, 2, 3, 4}, {1, 10, -5, 100, 1000}, AxisScale::Log), light_theme(),
                                     800, 600);
    EXPECT_EQ(lines_of(log, 0).size(), 2u);
    EXPECT_GT(log.panels[0].y_min, 0);
}

TEST(Layout, LinesAreClippedToThePlot) {
    Figure figure = one_series({0, 1, 2, 3}, {0, 1, 1e12, 2});
    figure.panels[0].y.min = 0;
    figure.panels[0].y.max = 3;
    const Canvas canvas = layout_figure(figure, light_theme(), 800, 600);
    const Rect plot = canvas.panels[0].plot;
    const auto lines = lines_of(canvas, 0);
    ASSERT_EQ(lines.size(), 2u);
    for (const auto* line : lines) {
        EXPECT_EQ(line->clip.x0, plot.x0);
        for (const auto& v : line->points) EXPECT_TRUE(inside(plot, Rect{v.x, v.y, v.x, v.y}, 20.0f));
    }
}

TEST(Layout, AutoRangeFitsDataAndMarkersWithPadding) {
    Figure figure = one_series({10, 20}, {5, 7});
    figure.panels[0].markers.push_back(Marker{Marker::Orientation::Vertical, 30, "L", LineStyle::Dashed, {}});
    const Canvas canvas = layout_figure(figure, light_theme(), 800, 600);
    const PanelLayout& l = canvas.panels[0];
    EXPECT_LT(l.x_min, 10);
    EXPECT_GT(l.x_max, 30);
    EXPECT_LT(l.x_max, 32);
    EXPECT_LT(l.y_min, 5);
    EXPECT_GT(l.y_max, 7);
    const Canvas log = layout_figure(one_series({0, 1}, {6.28, 54410}, AxisScale::Log), light_theme(), 800, 600);
    EXPECT_LT(log.panels[0].y_min, 6.28);
    EXPECT_GT(log.panels[0].y_min, 1);
    EXPECT_GT(log.panels[0].y_max, 54410);
    EXPECT_LT(log.panels[0].y_max, 2e5);
}

TEST(Layout, TransformsRoundTrip) {
    PanelLayout l;
    l.plot = Rect{100, 50, 900, 650};
    l.x_min = -2;
    l.x_max = 66;
    l.y_scale = AxisScale::Log;
    l.y_min = 4;
    l.y_max = 7e5;
    EXPECT_FLOAT_EQ(l.to_px_x(-2), 100);
    EXPECT_FLOAT_EQ(l.to_px_x(66), 900);
    EXPECT_FLOAT_EQ(l.to_px_y(4), 650);
    EXPECT_FLOAT_EQ(l.to_px_y(7e5), 50);
    for (const double x : {-2.0, 0.0, 31.5, 66.0}) EXPECT_NEAR(l.from_px_x(l.to_px_x(x)), x, 1e-3);
    for (const double y : {4.0, 10.0, 4096.0, 7e5}) EXPECT_NEAR(l.from_px_y(l.to_px_y(y)) / y, 1.0, 1e-5);
    EXPECT_TRUE(std::isnan(l.to_px_y(-1)));
}

TEST(Layout, SideBySidePanelsShareTheWidth) {
    const auto entries = default_entries();
    const Figure a = figure_of("scale", entries);
    const Figure figure = side_by_side(a, a);
    const Canvas canvas = layout_figure(figure, light_theme(), 1600, 800);
    ASSERT_EQ(canvas.panels.size(), 2u);
    EXPECT_NEAR(canvas.panels[0].frame.width(), canvas.panels[1].frame.width(), 0.01);
    EXPECT_LE(canvas.panels[0].frame.x1, canvas.panels[1].frame.x0 + 0.01f);
    EXPECT_NEAR(canvas.panels[0].plot.width(), canvas.panels[1].plot.width(), 1.0);
    expect_on_canvas(canvas, "side by side");
}

TEST(Layout, HeatmapBecomesAnImageUnderTheData) {
    const Canvas canvas = layout_figure(figure_of("heatmap", default_entries()), light_theme(), 1200, 800);
    int images = 0;
    for (const auto& p : canvas.primitives) {
        if (p.type != Primitive::Type::Image) continue;
        ++images;
        EXPECT_EQ(p.pixels.size(), static_cast<std::size_t>(p.image_width) * p.image_height * 4);
    }
    EXPECT_EQ(images, 2);  // the map and its colour bar
}

// The colour bar's labels: left-aligned, non-bold texts starting right of the panel's plot.
std::vector<Primitive> colorbar_labels(const Canvas& canvas) {
    std::vector<Primitive> labels;
    for (const auto& p : canvas.primitives)
        if (p.type == Primitive::Type::Text && !p.vertical && p.align == TextAlign::Left &&
            p.points[0].x > canvas.panels[0].plot.x1)
            labels.push_back(p);
    return labels;
}

TEST(Layout, AShortColourBarKeepsItsLabelsALineApart) {
    const Figure figure = figure_of("heatmap", default_entries());
    const auto tall = colorbar_labels(layout_figure(figure, light_theme(), 1200, 800));
    ASSERT_GE(tall.size(), 3u);
    for (const auto& [w, h] : {std::pair{330.f, 110.f}, std::pair{330.f, 125.f}, std::pair{330.f, 140.f}, std::pair{330.f, 170.f}}) {
        const Canvas small = layout_figure(figure, light_theme(), w, h);
        const auto labels = colorbar_labels(small);
        ASSERT_GE(labels.size(), 1u) << w << "x" << h;
        if (h < 150) {  // too short for all of them
            EXPECT_LT(labels.size(), tall.size()) << w << "x" << h;
        }
        for (std::size_t k = 1; k < labels.size(); ++k)
            EXPECT_GE(std::abs(labels[k].points[0].y - labels[k - 1].points[0].y), labels[k].size) << w << "x" << h;
    }
}

// A small grid with named rows and columns and a value written in each cell (the Model tab's
// passkey heatmap is one).
Figure named_grid() {
    Figure f;
    Panel p;
    Heatmap h;
    h.columns = 3;
    h.rows = 2;
    h.x_min = -0.5;
    h.x_max = 2.5;
    h.y_min = -0.5;
    h.y_max = 1.5;
    h.value_min = 0;
    h.value_max = 1;
    h.values = {0, 0.5f, 1, 1, 0.5f, 0};
    h.column_labels = {"256", "1024", "4096"};
    h.row_labels = {"Default RoPE", "YaRN"};
    for (int r = 0; r < 2; ++r)
        for (int c = 0; c < 3; ++c)
            p.annotations.push_back(Annotation{static_cast<double>(c), static_cast<double>(r),
                                               std::to_string(10 * (3 * r + c)) + "%", AnnotationPlace::Centered});
    p.heatmap = h;
    f.panels.push_back(p);
    return f;
}

TEST(Layout, NamedHeatmapRowsAndColumnsAreTheTickLabels) {
    const Canvas canvas = layout_figure(named_grid(), light_theme(), 900, 600);
    ASSERT_EQ(canvas.panels.size(), 1u);
    const auto& plot = canvas.panels[0].plot;
    std::map<std::string, Vec2> at;
    for (const auto& p : canvas.primitives)
        if (p.type == Primitive::Type::Text) at[p.text] = p.points.at(0);
    // Each name sits at its cell's centre: columns under the plot, rows left of it.
    const float column_w = plot.width() / 3, row_h = plot.height() / 2;
    for (int c = 0; c < 3; ++c) {
        const std::string name = std::vector<std::string>{"256", "1024", "4096"}[c];
        ASSERT_TRUE(at.count(name)) << name;
        EXPECT_NEAR(at[name].x, plot.x0 + (static_cast<float>(c) + 0.5f) * column_w, 1.0f) << name;
        EXPECT_GT(at[name].y, plot.y1) << name;
    }
    ASSERT_TRUE(at.count("Default RoPE") && at.count("YaRN"));
    EXPECT_NEAR(at["Default RoPE"].y, plot.y1 - 0.5f * row_h, 1.0f);  // row 0 at the bottom
    EXPECT_NEAR(at["YaRN"].y, plot.y0 + 0.5f * row_h, 1.0f);
    EXPECT_LT(at["YaRN"].x, plot.x0);
    // No numeric tick labels besides the names (the colour bar's own ticks aside, which are right of the plot).
    for (const auto& [text, point] : at)
        if (point.x < plot.x1 && point.y > plot.y1 && text != "256" && text != "1024" && text != "4096")
            ADD_FAILURE() << "unexpected label under the plot: " << text;
    // Centred annotations: the cell's value exactly at the cell's centre.
    ASSERT_TRUE(at.count("40%"));  // row 1, column 1
    EXPECT_NEAR(at["40%"].x, plot.x0 + 1.5f * column_w, 1.0f);
    EXPECT_NEAR(at["40%"].y, plot.y0 + 0.5f * row_h, 1.0f);
}

TEST(Layout, DegenerateInputs) {
    EXPECT_TRUE(layout_figure(Figure{}, light_theme(), 0, 100).primitives.empty());
    const Canvas empty = layout_figure(Figure{}, light_theme(), 400, 300);
    EXPECT_EQ(empty.primitives.size(), 1u);  // the background
    Figure no_data;
    no_data.panels.push_back(Panel{});
    const Canvas blank = layout_figure(no_data, light_theme(), 400, 300);
    ASSERT_EQ(blank.panels.size(), 1u);
    EXPECT_LT(blank.panels[0].x_min, blank.panels[0].x_max);
    const Canvas tiny = layout_figure(figure_of("decay", default_entries()), light_theme(), 40, 30);
    for (const auto& p : tiny.primitives)
        for (const auto& v : p.points) EXPECT_TRUE(std::isfinite(v.x) && std::isfinite(v.y));
}

TEST(TextWidth, UsesDejaVuAdvances) {
    EXPECT_EQ(text_width("", 20), 0);
    EXPECT_LT(text_width("i", 20), text_width("W", 20));
    EXPECT_NEAR(text_width("0123456789", 10), 10 * 0.63623f * 10, 1e-3);
    EXPECT_NEAR(text_width("abc", 30), 3 * text_width("abc", 10), 1e-3);
    EXPECT_GT(text_width("abc", 20, true), text_width("abc", 20));
    EXPECT_NEAR(text_width("\xce\xb8", 10), text_width("a", 10), 1.0);  // theta: one average glyph
}

}  // namespace
}  // namespace ropescope

namespace ropescope {
namespace {

// Random data with NaN, infinities, huge and tiny values, explicit bad ranges: never a crash, a
// hang, a non-finite coordinate, or a primitive off the canvas; the SVG stays well-formed.
TEST(Layout, HostileFiguresNeverBreak) {
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> unit(0, 1);
    const double specials[] = {std::nan(""), INFINITY, -INFINITY, 0.0, -0.0, 1e-300, 1e300, -1e300, 5e-324};
    const auto value = [&] {
        const double u = unit(rng);
        if (u < 0.1) return specials[static_cast<std::size_t>(unit(rng) * 9) % 9];
        return (unit(rng) - 0.3) * std::pow(10.0, unit(rng) * 40 - 20);
    };
    for (int trial = 0; trial < 500; ++trial) {
        Figure figure;
        figure.title = trial % 3 ? "hostile" : "";
        const int panels = 1 + trial % 3;
        for (int p = 0; p < panels; ++p) {
            Panel panel;
            panel.x.scale = unit(rng) < 0.5 ? AxisScale::Log : AxisScale::Linear;
            panel.y.scale = unit(rng) < 0.5 ? AxisScale::Log : AxisScale::Linear;
            if (unit(rng) < 0.3) panel.x.min = value();
            if (unit(rng) < 0.3) panel.y.max = value();
            const int series = static_cast<int>(unit(rng) * 4);
            for (int s = 0; s < series; ++s) {
                Series data;
                data.label = "series " + std::to_string(s);
                data.kind = static_cast<SeriesKind>(s % 3);
                data.visible = unit(rng) < 0.9;
                const int n = static_cast<int>(unit(rng) * 50);
                for (int i = 0; i < n; ++i) {
                    data.x.push_back(value());
                    data.y.push_back(value());
                    data.highlight.push_back(unit(rng) < 0.2);
                }
                panel.series.push_back(data);
            }
            if (unit(rng) < 0.5) panel.markers.push_back(Marker{Marker::Orientation::Vertical, value(), "m", {}, {}});
            if (unit(rng) < 0.5) panel.annotations.push_back(Annotation{value(), value(), "note", AnnotationPlace::Beside});
            figure.panels.push_back(panel);
        }
        const float w = static_cast<float>(200 + unit(rng) * 3000), h = static_cast<float>(150 + unit(rng) * 2000);
        const Canvas canvas = layout_figure(figure, trial % 2 ? light_theme() : dark_theme(), w, h,
                                            static_cast<float>(0.5 + unit(rng) * 2));
        const std::string what = "trial " + std::to_string(trial);
        for (const auto& p : canvas.primitives)
            for (const auto& v : p.points) {
                ASSERT_TRUE(std::isfinite(v.x) && std::isfinite(v.y))
                    << what << " primitive type " << static_cast<int>(p.type) << " series " << p.series_index << " n "
                    << p.points.size() << " panel " << p.panel_index << " x " << canvas.panels[p.panel_index].x_min
                    << " " << canvas.panels[p.panel_index].x_max << " y " << canvas.panels[p.panel_index].y_min << " "
                    << canvas.panels[p.panel_index].y_max << " scales " << int(canvas.panels[p.panel_index].x_scale)
                    << int(canvas.panels[p.panel_index].y_scale) << " pts " << p.points[0].x << "," << p.points[0].y
                    << " " << p.points[1].x << "," << p.points[1].y;
                ASSERT_TRUE(v.x >= -1 && v.x <= w + 1 && v.y >= -1 && v.y <= h + 1)
                    << what << " type " << static_cast<int>(p.type) << " series " << p.series_index << " at " << v.x
                    << "," << v.y << " canvas " << w << "x" << h << " \"" << p.text << "\"";
            }
        for (const auto& panel : canvas.panels) {
            ASSERT_TRUE(std::isfinite(panel.x_min) && std::isfinite(panel.x_max)) << what;
            ASSERT_LT(panel.x_min, panel.x_max) << what;
            ASSERT_LT(panel.y_min, panel.y_max) << what;
        }
    }
}

}  // namespace
}  // namespace ropescope

namespace ropescope {
namespace {

float luminance(Color c) {
    return 0.2126f * static_cast<float>(c.r) + 0.7152f * static_cast<float>(c.g) + 0.0722f * static_cast<float>(c.b);
}

// The sequential map is viridis end to end, and its lightness rises all the way (so a share reads in
// greyscale); NaN is the background, and values outside 0..1 clamp to the ends.
TEST(ColorMaps, SequentialIsViridisWithRisingLightness) {
    const Theme t = dark_theme();
    const auto eq = [](Color a, Color b) { return a.r == b.r && a.g == b.g && a.b == b.b; };
    EXPECT_TRUE(eq(sequential_color(0, t), Color{68, 1, 84, 255}));
    EXPECT_TRUE(eq(sequential_color(1, t), Color{253, 231, 37, 255}));
    EXPECT_TRUE(eq(sequential_color(0.5f, t), Color{33, 145, 140, 255}));
    EXPECT_TRUE(eq(sequential_color(-3, t), sequential_color(0, t)));
    EXPECT_TRUE(eq(sequential_color(7, t), sequential_color(1, t)));
    EXPECT_TRUE(eq(sequential_color(std::nanf(""), t), t.plot_background));
    for (int k = 1; k <= 64; ++k)
        EXPECT_GT(luminance(sequential_color(static_cast<float>(k) / 64.0f, t)),
                  luminance(sequential_color(static_cast<float>(k - 1) / 64.0f, t)))
            << k;
    EXPECT_TRUE(eq(text_color_on(Color{253, 231, 37, 255}), Color{0, 0, 0, 255}));
    EXPECT_TRUE(eq(text_color_on(Color{68, 1, 84, 255}), Color{255, 255, 255, 255}));
}

// A heatmap's cells take its scale's colours over its value range, and the numbers written on them
// are black on light cells and white on dark ones, in both themes.
TEST(ColorMaps, HeatmapCellsAndTheirTextFollowTheScale) {
    Figure f;
    f.id = "cells";
    Panel p;
    Heatmap h;
    h.columns = 2;
    h.rows = 1;
    h.values = {0.0f, 1.0f};
    h.x_min = -0.5;
    h.x_max = 1.5;
    h.y_min = -0.5;
    h.y_max = 0.5;
    h.value_min = 0;
    h.value_max = 1;
    h.scale = ColorScale::Sequential;
    p.heatmap = h;
    p.annotations = {{0, 0, "0%", AnnotationPlace::Centered}, {1, 0, "100%", AnnotationPlace::Centered}};
    f.panels.push_back(p);
    for (const Theme& t : {dark_theme(), light_theme()}) {
        const Canvas canvas = layout_figure(f, t, 400, 300);
        const Primitive* grid = nullptr;
        std::map<std::string, Color> text;
        for (const auto& q : canvas.primitives) {
            if (q.type == Primitive::Type::Image && q.image_width == 2 && !grid) grid = &q;
            if (q.type == Primitive::Type::Text) text[q.text] = q.color;
        }
        ASSERT_NE(grid, nullptr);
        EXPECT_EQ(std::vector<std::uint8_t>(grid->pixels.begin(), grid->pixels.begin() + 3), (std::vector<std::uint8_t>{68, 1, 84}));
        EXPECT_EQ(std::vector<std::uint8_t>(grid->pixels.begin() + 4, grid->pixels.begin() + 7),
                  (std::vector<std::uint8_t>{253, 231, 37}));
        ASSERT_TRUE(text.count("0%") && text.count("100%"));
        EXPECT_EQ(text["0%"].r, 255);
        EXPECT_EQ(text["100%"].r, 0);
        f.panels[0].heatmap->scale = ColorScale::Diverging;  // the default: the range's ends are blue and red
        const Canvas diverging = layout_figure(f, t, 400, 300);
        for (const auto& q : diverging.primitives) {
            if (q.type != Primitive::Type::Image || q.image_width != 2) continue;
            const Color lo = diverging_color(-1, t), hi = diverging_color(1, t);
            EXPECT_EQ(std::vector<std::uint8_t>(q.pixels.begin(), q.pixels.begin() + 3), (std::vector<std::uint8_t>{lo.r, lo.g, lo.b}));
            EXPECT_EQ(std::vector<std::uint8_t>(q.pixels.begin() + 4, q.pixels.begin() + 7),
                      (std::vector<std::uint8_t>{hi.r, hi.g, hi.b}));
            break;
        }
        f.panels[0].heatmap->scale = ColorScale::Sequential;
    }
}

}  // namespace
}  // namespace ropescope
