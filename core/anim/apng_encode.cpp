// Animated PNG. Debian's libpng (1.6) is built without the APNG patch (png.h has no
// png_write_frame_head), so each frame is encoded as a complete PNG by libpng (filtering and
// zlib compression: the encoding) and its image data is then re-wrapped in the APNG chunks of the
// W3C PNG 3 specification: acTL once, fcTL per frame, the first frame's IDAT as is and every later
// frame's IDAT data as fdAT (a sequence number in front). Chunk CRCs come from zlib's crc32.
#include <png.h>
#include <zlib.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "anim_internal.h"

namespace ropescope::detail {

namespace {

void put32(std::string& out, std::uint32_t v) {
    out += static_cast<char>((v >> 24) & 0xff);
    out += static_cast<char>((v >> 16) & 0xff);
    out += static_cast<char>((v >> 8) & 0xff);
    out += static_cast<char>(v & 0xff);
}

void put16(std::string& out, std::uint16_t v) {
    out += static_cast<char>((v >> 8) & 0xff);
    out += static_cast<char>(v & 0xff);
}

std::uint32_t get32(const std::string& s, std::size_t at) {
    return (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at])) << 24) |
           (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 16) |
           (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 2])) << 8) |
           static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 3]));
}

// Appends a chunk: length, type, data, CRC of type and data.
void chunk(std::string& out, const char type[4], const std::string& data) {
    put32(out, static_cast<std::uint32_t>(data.size()));
    std::string body(type, 4);
    body += data;
    out += body;
    put32(out, static_cast<std::uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(body.data()),
                                                static_cast<uInt>(body.size()))));
}

void write_to_string(png_structp png, png_bytep data, png_size_t length) {
    static_cast<std::string*>(png_get_io_ptr(png))->append(reinterpret_cast<const char*>(data), length);
}

void flush_nothing(png_structp) {}

struct PngFrame {
    std::string ihdr;                // IHDR chunk data
    std::vector<std::string> idats;  // the IDAT chunks' data, in order
};

// One frame as a PNG by libpng, split into its IHDR and IDAT data.
Result<PngFrame> encode_frame(const std::uint8_t* rgba, int width, int height) {
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    if (!png) return Error{"apng", "APNG encoding failed: libpng could not start."};
    png_infop info = png_create_info_struct(png);
    std::string file;
    if (!info || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, info ? &info : nullptr);
        return Error{"apng", "APNG encoding failed: libpng could not encode a frame."};
    }
    png_set_write_fn(png, &file, write_to_string, flush_nothing);
    png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), 8, PNG_COLOR_TYPE_RGB_ALPHA,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(png, 6);
    png_write_info(png, info);
    std::vector<png_const_bytep> rows(static_cast<std::size_t>(height));
    for (int y = 0; y < height; ++y) rows[static_cast<std::size_t>(y)] = rgba + static_cast<std::size_t>(y) * width * 4;
    for (int y = 0; y < height; ++y) png_write_row(png, rows[static_cast<std::size_t>(y)]);
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);

    PngFrame frame;
    for (std::size_t at = 8; at + 12 <= file.size();) {
        const std::uint32_t length = get32(file, at);
        if (at + 12 + length > file.size()) break;
        const std::string type = file.substr(at + 4, 4);
        const std::string data = file.substr(at + 8, length);
        if (type == "IHDR") frame.ihdr = data;
        else if (type == "IDAT") frame.idats.push_back(data);
        at += 12 + length;
    }
    if (frame.ihdr.empty() || frame.idats.empty()) return Error{"apng", "APNG encoding failed: libpng wrote no image data."};
    return frame;
}

class ApngEncoder final : public AnimationEncoder {
public:
    ApngEncoder(int width, int height, int frames, double fps) : width_(width), height_(height), frames_(frames) {
        // Frame delay as a fraction delay_num / delay_den seconds.
        delay_den_ = 1000;
        delay_num_ = static_cast<std::uint16_t>(std::clamp(std::lround(1000.0 / fps), 1L, 65535L));
    }

    Status add_frame(const std::uint8_t* rgba) override {
        auto frame = encode_frame(rgba, width_, height_);
        if (!frame) return frame.error();
        if (ihdr_.empty()) ihdr_ = frame->ihdr;
        std::string fctl;
        put32(fctl, sequence_++);
        put32(fctl, static_cast<std::uint32_t>(width_));
        put32(fctl, static_cast<std::uint32_t>(height_));
        put32(fctl, 0);  // x offset
        put32(fctl, 0);  // y offset
        put16(fctl, delay_num_);
        put16(fctl, delay_den_);
        fctl += '\0';  // dispose_op: none
        fctl += '\0';  // blend_op: source (every frame is the whole picture)
        chunk(body_, "fcTL", fctl);
        for (const auto& data : frame->idats) {
            if (added_ == 0) {
                chunk(body_, "IDAT", data);  // the first frame is also the PNG's default image
            } else {
                std::string fdat;
                put32(fdat, sequence_++);
                fdat += data;
                chunk(body_, "fdAT", fdat);
            }
        }
        ++added_;
        return Ok{};
    }

    Result<std::string> finish() override {
        if (added_ == 0) return Error{"apng", "APNG encoding failed: no frames."};
        std::string out("\x89PNG\r\n\x1a\n", 8);
        chunk(out, "IHDR", ihdr_);
        std::string actl;
        put32(actl, static_cast<std::uint32_t>(added_));
        put32(actl, 0);  // loop forever
        chunk(out, "acTL", actl);
        out += body_;
        chunk(out, "IEND", "");
        (void)frames_;
        return out;
    }

private:
    int width_, height_, frames_;
    std::uint16_t delay_num_ = 66, delay_den_ = 1000;
    std::uint32_t sequence_ = 0;
    int added_ = 0;
    std::string ihdr_, body_;
};

}  // namespace

Result<std::unique_ptr<AnimationEncoder>> make_apng_encoder(int width, int height, int frames, double fps) {
    return std::unique_ptr<AnimationEncoder>(std::make_unique<ApngEncoder>(width, height, frames, fps));
}

}  // namespace ropescope::detail
