// figure_to_json: the complete figure description (what layout_figure and the exporters read).
#include <cmath>

#include "ropescope/export.h"

namespace ropescope {

namespace {

nlohmann::json number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

nlohmann::json numbers(const std::vector<double>& values) {
    nlohmann::json out = nlohmann::json::array();
    for (const double v : values) out.push_back(number(v));
    return out;
}

nlohmann::json optional_number(const std::optional<double>& v) { return v ? number(*v) : nlohmann::json(nullptr); }

const char* scale_name(AxisScale s) { return s == AxisScale::Log ? "log" : "linear"; }

const char* style_name(LineStyle s) {
    switch (s) {
        case LineStyle::Solid: return "solid";
        case LineStyle::Dashed: return "dashed";
        case LineStyle::Dotted: return "dotted";
    }
    return "solid";
}

const char* kind_name(SeriesKind k) {
    switch (k) {
        case SeriesKind::Line: return "line";
        case SeriesKind::Points: return "points";
        case SeriesKind::Both: return "line+points";
    }
    return "line";
}

nlohmann::json axis_json(const Axis& a) {
    return {{"title", a.title}, {"unit", a.unit}, {"scale", scale_name(a.scale)},
            {"min", optional_number(a.min)}, {"max", optional_number(a.max)}};
}

const char* marker_name(MarkerShape m) {
    switch (m) {
        case MarkerShape::None: return "none";
        case MarkerShape::Circle: return "circle";
        case MarkerShape::Square: return "square";
        case MarkerShape::Diamond: return "diamond";
        case MarkerShape::TriangleUp: return "triangle_up";
        case MarkerShape::TriangleDown: return "triangle_down";
        case MarkerShape::Cross: return "cross";
        case MarkerShape::Plus: return "plus";
        case MarkerShape::Ring: return "ring";
        case MarkerShape::HollowSquare: return "hollow_square";
    }
    return "none";
}

const char* placement_name(LegendPlacement p) {
    switch (p) {
        case LegendPlacement::Auto: return "auto";
        case LegendPlacement::Inside: return "inside";
        case LegendPlacement::Above: return "above";
        case LegendPlacement::Right: return "right";
    }
    return "auto";
}

nlohmann::json series_json(const Series& s) {
    nlohmann::json j = {{"label", s.label},          {"method", s.method},
                        {"quantity", s.quantity},    {"color", to_hex(s.color)},
                        {"kind", kind_name(s.kind)}, {"style", style_name(s.style)},
                        {"marker", marker_name(s.marker)},
                        {"width_scale", s.width_scale}, {"visible", s.visible},
                        {"in_legend", s.in_legend},  {"x", numbers(s.x)},
                        {"y", numbers(s.y)}};
    if (!s.highlight.empty()) {
        nlohmann::json h = nlohmann::json::array();
        for (const bool b : s.highlight) h.push_back(b);
        j["highlight"] = h;
    }
    return j;
}

nlohmann::json heatmap_json(const Heatmap& h) {
    nlohmann::json values = nlohmann::json::array();
    for (const float v : h.values) values.push_back(number(v));
    return {{"columns", h.columns},     {"rows", h.rows},       {"x_min", h.x_min},
            {"x_max", h.x_max},         {"y_min", h.y_min},     {"y_max", h.y_max},
            {"value_min", h.value_min}, {"value_max", h.value_max}, {"value_label", h.value_label},
            {"color_scale", h.scale == ColorScale::Sequential ? "sequential" : "diverging"},
            {"column_labels", h.column_labels}, {"row_labels", h.row_labels}, {"values", values}};
}

}  // namespace

nlohmann::json figure_to_json(const Figure& figure) {
    nlohmann::json panels = nlohmann::json::array();
    for (const auto& p : figure.panels) {
        nlohmann::json series = nlohmann::json::array();
        for (const auto& s : p.series) series.push_back(series_json(s));
        nlohmann::json markers = nlohmann::json::array();
        for (const auto& m : p.markers)
            markers.push_back(
                {{"orientation", m.orientation == Marker::Orientation::Vertical ? "vertical" : "horizontal"},
                 {"value", number(m.value)},
                 {"label", m.label},
                 {"style", style_name(m.style)},
                 {"color", m.color ? nlohmann::json(to_hex(*m.color)) : nlohmann::json(nullptr)}});
        nlohmann::json notes = nlohmann::json::array();
        for (const auto& a : p.annotations)
            notes.push_back({{"x", number(a.x)},
                             {"y", number(a.y)},
                             {"text", a.text},
                             {"place", a.place == AnnotationPlace::Centered ? "centered" : "beside"}});
        nlohmann::json panel = {{"title", p.title},   {"x", axis_json(p.x)},       {"y", axis_json(p.y)},
                                {"series", series},   {"markers", markers},        {"annotations", notes},
                                {"legend", p.legend},
                                {"legend_placement", placement_name(p.legend_placement)},
                                {"heatmap", nullptr}};
        if (p.heatmap) panel["heatmap"] = heatmap_json(*p.heatmap);
        panels.push_back(std::move(panel));
    }
    nlohmann::json out = {{"id", figure.id}, {"title", figure.title}, {"caption", figure.caption}, {"panels", panels}};
    if (!figure.summary.empty()) out["summary"] = figure.summary;
    if (!figure.stamp.empty()) out["stamp"] = figure.stamp;
    return out;
}

}  // namespace ropescope
