// canvas_to_svg: the layout's primitives as SVG elements (true vector output).
#include <cmath>
#include <cstdio>
#include <map>
#include <tuple>

#include "ropescope/export.h"

namespace ropescope {

namespace {

// Coordinates with at most two decimals, no trailing zeros, no "-0".
std::string num(double v) {
    if (!std::isfinite(v)) return "0";
    char buffer[48];
    std::snprintf(buffer, sizeof buffer, "%.2f", v);
    std::string s = buffer;
    if (s.find('.') != std::string::npos) {
        while (s.back() == '0') s.pop_back();
        if (s.back() == '.') s.pop_back();
    }
    if (s == "-0") s = "0";
    return s;
}

// Length of the valid UTF-8 sequence starting at text[i], or 0 if it is invalid.
std::size_t utf8_length(std::string_view text, std::size_t i) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t n = 0;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) n = 2;
    else if (c >= 0xE0 && c <= 0xEF) n = 3;
    else if (c >= 0xF0 && c <= 0xF4) n = 4;
    else return 0;
    if (i + n > text.size()) return 0;
    for (std::size_t k = 1; k < n; ++k)
        if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return 0;
    return n;
}

// Text as XML character data: escaped, control characters dropped, invalid UTF-8 replaced.
std::string xml_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const char c = text[i];
        const std::size_t n = utf8_length(text, i);
        if (n == 0) {
            out += "\xEF\xBF\xBD";  // U+FFFD
            ++i;
            continue;
        }
        if (n > 1) {
            out.append(text.substr(i, n));
            i += n;
            continue;
        }
        ++i;
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&apos;"; break;
            case '\t': out += ' '; break;
            default:
                if (static_cast<unsigned char>(c) >= 0x20) out += c;
        }
    }
    return out;
}

const char* base64_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const auto v = (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16) |
                       (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8) |
                       static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 2]));
        out += base64_alphabet[(v >> 18) & 63];
        out += base64_alphabet[(v >> 12) & 63];
        out += base64_alphabet[(v >> 6) & 63];
        out += base64_alphabet[v & 63];
    }
    if (i < bytes.size()) {
        std::uint32_t v = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
        if (i + 1 < bytes.size()) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
        out += base64_alphabet[(v >> 18) & 63];
        out += base64_alphabet[(v >> 12) & 63];
        out += i + 1 < bytes.size() ? base64_alphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

std::string fill_attrs(const char* name, Color c) {
    std::string s = std::string(" ") + name + "=\"" + to_hex(c) + "\"";
    if (c.a != 255) s += std::string(" ") + name + "-opacity=\"" + num(c.a / 255.0) + "\"";
    return s;
}

bool has_clip(const Rect& r) { return r.width() > 0 && r.height() > 0; }

// Assigns ids to the distinct clip rectangles and writes their <clipPath> definitions.
struct ClipTable {
    std::map<std::tuple<float, float, float, float>, std::string> ids;
    std::string defs;
    std::string id(const Rect& r) {
        const auto key = std::make_tuple(r.x0, r.y0, r.x1, r.y1);
        const auto it = ids.find(key);
        if (it != ids.end()) return it->second;
        std::string name = "clip" + std::to_string(ids.size());
        defs += "<clipPath id=\"" + name + "\"><rect x=\"" + num(r.x0) + "\" y=\"" + num(r.y0) + "\" width=\"" +
                num(r.width()) + "\" height=\"" + num(r.height()) + "\"/></clipPath>\n";
        ids.emplace(key, name);
        return name;
    }
};

std::string clip_attr(ClipTable& clips, const Rect& r) {
    return has_clip(r) ? " clip-path=\"url(#" + clips.id(r) + ")\"" : "";
}

std::string stroke_attrs(const Primitive& p) {
    std::string s = fill_attrs("stroke", p.color) + " stroke-width=\"" + num(p.width) + "\"";
    const auto dashes = dash_pattern(p.style, p.width);
    if (!dashes.empty()) {
        s += " stroke-dasharray=\"";
        for (std::size_t k = 0; k < dashes.size(); ++k) s += (k ? "," : "") + num(dashes[k]);
        s += "\"";
    }
    // Data lines get round joins and (when solid) round caps; rules and dashes stay square.
    if (p.series_index >= 0) s += " stroke-linejoin=\"round\"";
    if (p.series_index >= 0 && dashes.empty()) s += " stroke-linecap=\"round\"";
    return s;
}

std::string path_data(const std::vector<Vec2>& points) {
    std::string d;
    for (std::size_t k = 0; k < points.size(); ++k)
        d += (k ? " L" : "M") + num(points[k].x) + " " + num(points[k].y);
    return d;
}

bool same_line(const Primitive& a, const Primitive& b) {
    return a.type == Primitive::Type::Polyline && b.type == Primitive::Type::Polyline &&
           a.series_index >= 0 && a.series_index == b.series_index && a.panel_index == b.panel_index &&
           a.color == b.color && a.width == b.width && a.style == b.style && a.clip.x0 == b.clip.x0 &&
           a.clip.y0 == b.clip.y0 && a.clip.x1 == b.clip.x1 && a.clip.y1 == b.clip.y1;
}

std::string text_element(const Primitive& p) {
    if (p.points.empty() || p.text.empty()) return "";
    const Vec2 at = p.points[0];
    const float base = baseline_offset(p.baseline, p.size);
    std::string s = "<text x=\"" + num(at.x) + "\" y=\"" + num(at.y + base) + "\" font-size=\"" + num(p.size) + "\"" +
                    fill_attrs("fill", p.color);
    if (p.align == TextAlign::Center) s += " text-anchor=\"middle\"";
    if (p.align == TextAlign::Right) s += " text-anchor=\"end\"";
    if (p.bold) s += " font-weight=\"bold\"";
    if (p.vertical) s += " transform=\"rotate(-90 " + num(at.x) + " " + num(at.y) + ")\"";
    if (p.text.find("  ") != std::string::npos || p.text.front() == ' ' || p.text.back() == ' ')
        s += " xml:space=\"preserve\"";
    return s + ">" + xml_escape(p.text) + "</text>\n";
}

std::string image_element(const Primitive& p, ClipTable& clips) {
    const std::size_t expected = static_cast<std::size_t>(std::max(p.image_width, 0)) *
                                 static_cast<std::size_t>(std::max(p.image_height, 0)) * 4;
    if (expected == 0 || p.pixels.size() < expected) return "";
    const std::string png = encode_png_rgba(p.pixels.data(), p.image_width, p.image_height);
    if (png.empty()) return "";
    return "<image x=\"" + num(p.rect.x0) + "\" y=\"" + num(p.rect.y0) + "\" width=\"" + num(p.rect.width()) +
           "\" height=\"" + num(p.rect.height()) +
           "\" preserveAspectRatio=\"none\" image-rendering=\"optimizeSpeed\" style=\"image-rendering:pixelated\"" +
           clip_attr(clips, p.clip) + " xlink:href=\"data:image/png;base64," + base64(png) + "\"/>\n";
}

}  // namespace

std::string canvas_to_svg(const Canvas& canvas, const Theme& theme) {
    return canvas_to_svg(canvas, theme, SvgOptions{});
}

std::string canvas_to_svg(const Canvas& canvas, const Theme& theme, const SvgOptions& options) {
    ClipTable clips;
    std::string body;
    const auto& prims = canvas.primitives;
    for (std::size_t i = 0; i < prims.size(); ++i) {
        const Primitive& p = prims[i];
        switch (p.type) {
            case Primitive::Type::Polyline: {
                // Consecutive runs of one series (split at NaN or at the plot edge) become one path.
                std::string d = path_data(p.points);
                while (i + 1 < prims.size() && same_line(p, prims[i + 1])) d += " " + path_data(prims[++i].points);
                if (d.empty()) break;
                body += "<path";
                if (p.series_index >= 0)
                    body += " class=\"series\" data-panel=\"" + std::to_string(p.panel_index) + "\" data-series=\"" +
                            std::to_string(p.series_index) + "\"";
                body += " d=\"" + d + "\" fill=\"none\"" + stroke_attrs(p) + clip_attr(clips, p.clip) + "/>\n";
                break;
            }
            case Primitive::Type::FillRect:
                body += "<rect x=\"" + num(p.rect.x0) + "\" y=\"" + num(p.rect.y0) + "\" width=\"" +
                        num(p.rect.width()) + "\" height=\"" + num(p.rect.height()) + "\"" +
                        fill_attrs("fill", p.color) + clip_attr(clips, p.clip) + "/>\n";
                break;
            case Primitive::Type::StrokeRect:
                body += "<rect x=\"" + num(p.rect.x0) + "\" y=\"" + num(p.rect.y0) + "\" width=\"" +
                        num(p.rect.width()) + "\" height=\"" + num(p.rect.height()) + "\" fill=\"none\"" +
                        fill_attrs("stroke", p.color) + " stroke-width=\"" + num(p.width) + "\"/>\n";
                break;
            case Primitive::Type::Circle: {
                if (p.points.empty()) break;
                body += "<circle cx=\"" + num(p.points[0].x) + "\" cy=\"" + num(p.points[0].y) + "\" r=\"" +
                        num(p.radius) + "\"";
                body += p.color.a == 0 ? std::string(" fill=\"none\"") : fill_attrs("fill", p.color);
                if (p.width > 0 && p.stroke_color.a > 0)
                    body += fill_attrs("stroke", p.stroke_color) + " stroke-width=\"" + num(p.width) + "\"";
                body += clip_attr(clips, p.clip) + "/>\n";
                break;
            }
            case Primitive::Type::Polygon: {
                if (p.points.size() < 3) break;
                body += "<polygon points=\"";
                for (std::size_t k = 0; k < p.points.size(); ++k)
                    body += (k ? " " : "") + num(p.points[k].x) + "," + num(p.points[k].y);
                body += "\"";
                body += p.color.a == 0 ? std::string(" fill=\"none\"") : fill_attrs("fill", p.color);
                if (p.width > 0 && p.stroke_color.a > 0)
                    body += fill_attrs("stroke", p.stroke_color) + " stroke-width=\"" + num(p.width) + "\"" +
                            " stroke-linejoin=\"miter\"";
                body += clip_attr(clips, p.clip) + "/>\n";
                break;
            }
            case Primitive::Type::Text: body += text_element(p); break;
            case Primitive::Type::Image: body += image_element(p, clips); break;
        }
    }

    const bool inches = options.units == SvgUnits::Inches && options.dpi > 0;
    const auto size = [&](float px) { return inches ? num(px / options.dpi) + "in" : num(px); };
    std::string svg = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n";
    svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" version=\"1.1\"";
    svg += " width=\"" + size(canvas.width) + "\" height=\"" + size(canvas.height) + "\" viewBox=\"0 0 " +
           num(canvas.width) + " " + num(canvas.height) + "\"";
    svg += " font-family=\"'DejaVu Sans', Verdana, sans-serif\" data-theme=\"" + std::string(theme_name(theme.kind)) +
           "\">\n";
    if (!clips.defs.empty()) svg += "<defs>\n" + clips.defs + "</defs>\n";
    svg += body;
    svg += "</svg>\n";
    return svg;
}

}  // namespace ropescope
