// SVG export: well-formed XML, one path per series, legend and axis text, units, escaping.
#include "export_test_util.h"
#include "ropescope/export.h"

namespace ropescope {
namespace {

using test::check_xml;
using test::count;
using test::default_entries;
using test::figure_of;

std::string svg_of(const Figure& figure, ThemeKind kind = ThemeKind::Light, SvgOptions options = {}) {
    const Theme t = theme(kind);
    return canvas_to_svg(layout_figure(figure, t, 1600, 1000), t, options);
}

std::string escaped(std::string text) {
    std::string out;
    for (const char c : text) {
        if (c == '&') out += "&amp;";
        else if (c == '<') out += "&lt;";
        else if (c == '>') out += "&gt;";
        else if (c == '\'') out += "&apos;";
        else if (c == '"') out += "&quot;";
        else out += c;
    }
    return out;
}

TEST(Svg, EveryPlotIsWellFormedWithItsContent) {
    const auto entries = default_entries();
    for (const auto& id : plot_ids()) {
        for (const auto kind : {ThemeKind::Light, ThemeKind::Dark}) {
            const Figure figure = figure_of(id, entries);
            const std::string svg = svg_of(figure, kind);
            test::XmlStats stats;
            EXPECT_EQ(check_xml(svg, &stats), "") << id;
            EXPECT_GT(stats.elements, 20u) << id;
            EXPECT_NE(svg.find("font-family=\"'DejaVu Sans', Verdana, sans-serif\""), std::string::npos);
            const Panel& panel = figure.panels[0];
            // One path per series that has a line.
            std::size_t lines = 0;
            for (const auto& s : panel.series) lines += s.visible && s.kind != SeriesKind::Points;
            EXPECT_EQ(count(svg, "class=\"series\""), lines) << id;
            // Legend entries and axis titles as text.
            if (panel.legend)
                for (const auto& s : panel.series)
                    if (s.in_legend) {  // the label, perhaps followed by a note like "(= Position Interpolation)"
                        EXPECT_NE(svg.find(">" + escaped(s.label)), std::string::npos) << s.label;
                    }
            EXPECT_NE(svg.find(">" + escaped(panel.x.title) + "</text>"), std::string::npos) << id;
            EXPECT_NE(svg.find(">" + escaped(panel.y.title) + "</text>"), std::string::npos) << id;
            EXPECT_NE(svg.find("rotate(-90"), std::string::npos) << "y title is vertical";
            EXPECT_NE(svg.find(">" + escaped(figure.title) + "</text>"), std::string::npos) << id;
        }
    }
}

TEST(Svg, OnePathPerEnabledMethod) {
    auto entries = default_entries();
    const std::string svg = svg_of(figure_of("wavelength", entries));
    EXPECT_EQ(count(svg, "class=\"series\""), entries.size());
    for (const auto& e : entries)
        EXPECT_NE(svg.find("stroke=\"" + to_hex(method_color(e.result.kind)) + "\""), std::string::npos);
    entries.pop_back();
    EXPECT_EQ(count(svg_of(figure_of("wavelength", entries)), "class=\"series\""), entries.size());
}

TEST(Svg, DashedAndLogTicks) {
    const std::string svg = svg_of(figure_of("decay", default_entries()));
    EXPECT_NE(svg.find("stroke-dasharray"), std::string::npos);
    for (const char* label : {">10</text>", ">100</text>", ">1k</text>", ">10k</text>"}) {
        EXPECT_NE(svg.find(label), std::string::npos) << label;
    }
}

TEST(Svg, HeatmapIsAnEmbeddedPng) {
    const std::string svg = svg_of(figure_of("heatmap", default_entries()));
    EXPECT_EQ(check_xml(svg), "");
    EXPECT_EQ(count(svg, "xlink:href=\"data:image/png;base64,iVBORw0KGgo"), 2u);  // map + colour bar
}

TEST(Svg, SizeInPixelsOrInches) {
    const Figure figure = figure_of("scale", default_entries());
    EXPECT_NE(svg_of(figure).find("width=\"1600\" height=\"1000\" viewBox=\"0 0 1600 1000\""), std::string::npos);
    const std::string inches = svg_of(figure, ThemeKind::Light, SvgOptions{SvgUnits::Inches, 200});
    EXPECT_NE(inches.find("width=\"8in\" height=\"5in\" viewBox=\"0 0 1600 1000\""), std::string::npos);
}

TEST(Svg, HostileTextIsEscaped) {
    Figure figure;
    figure.title = "a < b && \"c\" > 'd'";
    figure.caption = std::string("bad utf-8 \xff\xfe and control \x01 chars");
    Panel panel;
    panel.x.title = "x </text><script>";
    panel.y.title = "\xce\xb8' (rad)";
    Series s;
    s.label = "]]> <!-- & -->";
    s.x = {1, 2};
    s.y = {1, 2};
    panel.series.push_back(s);
    figure.panels.push_back(panel);
    const std::string svg = svg_of(figure);
    EXPECT_EQ(check_xml(svg), "");
    EXPECT_NE(svg.find("a &lt; b &amp;&amp; &quot;c&quot; &gt; &apos;d&apos;"), std::string::npos);
    EXPECT_NE(svg.find("\xce\xb8&apos; (rad)"), std::string::npos);
    EXPECT_EQ(svg.find("<script>"), std::string::npos);
    EXPECT_EQ(svg.find('\x01'), std::string::npos);
}

}  // namespace
}  // namespace ropescope
