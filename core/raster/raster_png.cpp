// The canvas rasterized with cairo (image surface in memory), and written as PNG.
#include "ropescope/raster.h"

#include <cairo.h>

#include <cmath>
#include <memory>
#include <numbers>

#include "ropescope/export.h"

namespace ropescope {

namespace {

struct SurfaceDeleter {
    void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct ContextDeleter {
    void operator()(cairo_t* c) const { cairo_destroy(c); }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;
using ContextPtr = std::unique_ptr<cairo_t, ContextDeleter>;

void set_color(cairo_t* cr, Color c) {
    cairo_set_source_rgba(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0, c.a / 255.0);
}

void apply_clip(cairo_t* cr, const Rect& clip) {
    if (clip.width() > 0 && clip.height() > 0) {
        cairo_rectangle(cr, clip.x0, clip.y0, clip.width(), clip.height());
        cairo_clip(cr);
    }
}

void draw_polyline(cairo_t* cr, const Primitive& p) {
    if (p.points.size() < 2) return;
    cairo_move_to(cr, p.points[0].x, p.points[0].y);
    for (std::size_t k = 1; k < p.points.size(); ++k) cairo_line_to(cr, p.points[k].x, p.points[k].y);
    const auto dashes = dash_pattern(p.style, p.width);
    std::vector<double> d(dashes.begin(), dashes.end());
    cairo_set_dash(cr, d.data(), static_cast<int>(d.size()), 0);
    // Same rule as the SVG writer: data lines round, rules and dashes square.
    const bool data = p.series_index >= 0;
    cairo_set_line_cap(cr, data && d.empty() ? CAIRO_LINE_CAP_ROUND : CAIRO_LINE_CAP_BUTT);
    cairo_set_line_join(cr, data ? CAIRO_LINE_JOIN_ROUND : CAIRO_LINE_JOIN_MITER);
    cairo_set_line_width(cr, p.width);
    set_color(cr, p.color);
    cairo_stroke(cr);
}

void draw_text(cairo_t* cr, const Primitive& p) {
    if (p.points.empty() || p.text.empty()) return;
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           p.bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, p.size);
    cairo_text_extents_t extents;
    cairo_text_extents(cr, p.text.c_str(), &extents);
    const double width = extents.x_advance;
    const double start = p.align == TextAlign::Left ? 0.0 : p.align == TextAlign::Center ? -width / 2 : -width;
    cairo_translate(cr, p.points[0].x, p.points[0].y);
    if (p.vertical) cairo_rotate(cr, -std::numbers::pi / 2);
    cairo_move_to(cr, start, baseline_offset(p.baseline, p.size));
    set_color(cr, p.color);
    cairo_show_text(cr, p.text.c_str());
}

void draw_image(cairo_t* cr, const Primitive& p) {
    const int w = p.image_width, h = p.image_height;
    if (w <= 0 || h <= 0 || p.pixels.size() < static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 4) return;
    if (!(p.rect.width() > 0) || !(p.rect.height() > 0)) return;
    SurfacePtr image(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h));
    if (cairo_surface_status(image.get()) != CAIRO_STATUS_SUCCESS) return;
    cairo_surface_flush(image.get());
    unsigned char* data = cairo_image_surface_get_data(image.get());
    const int stride = cairo_image_surface_get_stride(image.get());
    for (int y = 0; y < h; ++y) {
        auto* row = reinterpret_cast<std::uint32_t*>(data + static_cast<std::ptrdiff_t>(y) * stride);
        for (int x = 0; x < w; ++x) {
            const std::uint8_t* px = &p.pixels[(static_cast<std::size_t>(y) * w + x) * 4];
            const std::uint32_t a = px[3];
            const auto pre = [a](std::uint8_t c) { return static_cast<std::uint32_t>((c * a + 127) / 255); };
            row[x] = (a << 24) | (pre(px[0]) << 16) | (pre(px[1]) << 8) | pre(px[2]);
        }
    }
    cairo_surface_mark_dirty(image.get());
    cairo_translate(cr, p.rect.x0, p.rect.y0);
    cairo_scale(cr, static_cast<double>(p.rect.width()) / w, static_cast<double>(p.rect.height()) / h);
    cairo_set_source_surface(cr, image.get(), 0, 0);
    // Enlarged: crisp cells, one per value. Reduced: average, so fine stripes do not alias.
    cairo_pattern_set_filter(cairo_get_source(cr),
                             p.rect.width() >= static_cast<float>(w) ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_GOOD);
    cairo_rectangle(cr, 0, 0, w, h);
    cairo_fill(cr);
}

void draw(cairo_t* cr, const Primitive& p) {
    cairo_save(cr);
    apply_clip(cr, p.clip);
    switch (p.type) {
        case Primitive::Type::Polyline: draw_polyline(cr, p); break;
        case Primitive::Type::FillRect:
            cairo_rectangle(cr, p.rect.x0, p.rect.y0, p.rect.width(), p.rect.height());
            set_color(cr, p.color);
            cairo_fill(cr);
            break;
        case Primitive::Type::StrokeRect:
            cairo_rectangle(cr, p.rect.x0, p.rect.y0, p.rect.width(), p.rect.height());
            cairo_set_line_width(cr, p.width);
            set_color(cr, p.color);
            cairo_stroke(cr);
            break;
        case Primitive::Type::Circle:
            if (p.points.empty()) break;
            cairo_new_path(cr);
            cairo_arc(cr, p.points[0].x, p.points[0].y, p.radius, 0, 2 * std::numbers::pi);
            if (p.color.a > 0) {
                set_color(cr, p.color);
                cairo_fill_preserve(cr);
            }
            if (p.width > 0 && p.stroke_color.a > 0) {
                set_color(cr, p.stroke_color);
                cairo_set_line_width(cr, p.width);
                cairo_stroke(cr);
            }
            cairo_new_path(cr);
            break;
        case Primitive::Type::Polygon:
            if (p.points.size() < 3) break;
            cairo_new_path(cr);
            cairo_move_to(cr, p.points[0].x, p.points[0].y);
            for (std::size_t k = 1; k < p.points.size(); ++k) cairo_line_to(cr, p.points[k].x, p.points[k].y);
            cairo_close_path(cr);
            if (p.color.a > 0) {
                set_color(cr, p.color);
                cairo_fill_preserve(cr);
            }
            if (p.width > 0 && p.stroke_color.a > 0) {
                set_color(cr, p.stroke_color);
                cairo_set_line_width(cr, p.width);
                cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
                cairo_stroke(cr);
            }
            cairo_new_path(cr);
            break;
        case Primitive::Type::Text: draw_text(cr, p); break;
        case Primitive::Type::Image: draw_image(cr, p); break;
    }
    cairo_restore(cr);
}

// The canvas drawn on a new image surface.
Result<SurfacePtr> render_surface(const Canvas& canvas, const Theme& theme) {
    const long width = std::lround(canvas.width), height = std::lround(canvas.height);
    if (!(width >= 1 && width <= kMaxRasterSide && height >= 1 && height <= kMaxRasterSide))
        return Error{"size", "size: " + std::to_string(width) + "x" + std::to_string(height) +
                                 " px is not allowed; each side must be from 1 to " + std::to_string(kMaxRasterSide) +
                                 " px."};
    SurfacePtr surface(
        cairo_image_surface_create(CAIRO_FORMAT_ARGB32, static_cast<int>(width), static_cast<int>(height)));
    if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS)
        return Error{"size", "cannot allocate a " + std::to_string(width) + "x" + std::to_string(height) +
                                 " image: " + cairo_status_to_string(cairo_surface_status(surface.get())) + "."};
    ContextPtr cr(cairo_create(surface.get()));
    // Deterministic text: no hinting, grey antialiasing (no subpixel colour fringes).
    cairo_font_options_t* options = cairo_font_options_create();
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY);
    cairo_set_font_options(cr.get(), options);
    cairo_font_options_destroy(options);
    // Whatever the primitives do, the figure has the theme's background.
    set_color(cr.get(), theme.background);
    cairo_paint(cr.get());
    for (const auto& p : canvas.primitives) draw(cr.get(), p);
    if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS)
        return Error{"png", std::string("cannot render the figure: ") + cairo_status_to_string(cairo_status(cr.get())) +
                                "."};
    cr.reset();
    cairo_surface_flush(surface.get());
    return surface;
}

cairo_status_t append_png(void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

}  // namespace

Result<std::vector<std::uint8_t>> rasterize_canvas(const Canvas& canvas, const Theme& theme) {
    auto surface = render_surface(canvas, theme);
    if (!surface) return surface.error();
    cairo_surface_t* s = surface->get();
    const int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    const int stride = cairo_image_surface_get_stride(s);
    const unsigned char* data = cairo_image_surface_get_data(s);
    std::vector<std::uint8_t> rgba(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 4);
    for (int y = 0; y < h; ++y) {
        const auto* row = reinterpret_cast<const std::uint32_t*>(data + static_cast<std::ptrdiff_t>(y) * stride);
        for (int x = 0; x < w; ++x) {
            const std::uint32_t v = row[x];
            const std::uint32_t a = v >> 24;
            const auto un = [a](std::uint32_t c) {
                return static_cast<std::uint8_t>(a == 0 ? 0 : std::min<std::uint32_t>(255, (c * 255 + a / 2) / a));
            };
            std::uint8_t* out = &rgba[(static_cast<std::size_t>(y) * w + x) * 4];
            out[0] = un((v >> 16) & 0xff);
            out[1] = un((v >> 8) & 0xff);
            out[2] = un(v & 0xff);
            out[3] = static_cast<std::uint8_t>(a);
        }
    }
    return rgba;
}

Result<std::string> render_png(const Canvas& canvas, const Theme& theme) {
    auto surface = render_surface(canvas, theme);
    if (!surface) return surface.error();
    std::string png;
    const cairo_status_t status = cairo_surface_write_to_png_stream(surface->get(), append_png, &png);
    if (status != CAIRO_STATUS_SUCCESS)
        return Error{"png", std::string("cannot encode the PNG: ") + cairo_status_to_string(status) + "."};
    return png;
}

Status write_png(const Canvas& canvas, const Theme& theme, const std::string& path) {
    auto png = render_png(canvas, theme);
    if (!png) return png.error();
    return write_file_atomic(path, *png);
}

}  // namespace ropescope
