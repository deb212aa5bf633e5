// Animated GIF through giflib (Debian libgif-dev): each frame quantized to its own 256-colour
// palette with giflib's median-cut quantizer, a frame delay, and the NETSCAPE2.0 loop extension.
#include <gif_lib.h>

#include <cmath>
#include <vector>

#include "anim_internal.h"

namespace ropescope::detail {

namespace {

int append_bytes(GifFileType* gif, const GifByteType* data, int length) {
    static_cast<std::string*>(gif->UserData)->append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(length));
    return length;
}

Error gif_error(const char* what, int code) {
    const char* reason = GifErrorString(code);
    return Error{"gif", std::string("GIF encoding failed (") + what + "): " + (reason ? reason : "unknown error") + "."};
}

class GifEncoder final : public AnimationEncoder {
public:
    GifEncoder(int width, int height, double fps) : width_(width), height_(height) {
        delay_ = static_cast<int>(std::lround(100.0 / fps));  // hundredths of a second
        if (delay_ < 2) delay_ = 2;  // browsers treat smaller delays as 10
    }
    ~GifEncoder() override {
        if (gif_) {
            int error = 0;
            EGifCloseFile(gif_, &error);
        }
    }

    Status open() {
        int error = 0;
        gif_ = EGifOpen(&bytes_, append_bytes, &error);
        if (!gif_) return gif_error("open", error);
        EGifSetGifVersion(gif_, true);
        if (EGifPutScreenDesc(gif_, width_, height_, 8, 0, nullptr) == GIF_ERROR) return gif_error("screen", gif_->Error);
        // Loop forever: NETSCAPE2.0 application extension, loop count 0.
        const GifByteType app[] = {'N', 'E', 'T', 'S', 'C', 'A', 'P', 'E', '2', '.', '0'};
        const GifByteType loop[] = {1, 0, 0};
        if (EGifPutExtensionLeader(gif_, APPLICATION_EXT_FUNC_CODE) == GIF_ERROR ||
            EGifPutExtensionBlock(gif_, sizeof app, app) == GIF_ERROR ||
            EGifPutExtensionBlock(gif_, sizeof loop, loop) == GIF_ERROR || EGifPutExtensionTrailer(gif_) == GIF_ERROR)
            return gif_error("loop extension", gif_->Error);
        return Ok{};
    }

    Status add_frame(const std::uint8_t* rgba) override {
        const std::size_t n = static_cast<std::size_t>(width_) * static_cast<std::size_t>(height_);
        std::vector<GifByteType> r(n), g(n), b(n), index(n);
        for (std::size_t i = 0; i < n; ++i) {
            r[i] = rgba[i * 4];
            g[i] = rgba[i * 4 + 1];
            b[i] = rgba[i * 4 + 2];
        }
        int colours = 256;
        std::vector<GifColorType> palette(256);
        if (GifQuantizeBuffer(static_cast<unsigned>(width_), static_cast<unsigned>(height_), &colours, r.data(), g.data(),
                              b.data(), index.data(), palette.data()) == GIF_ERROR)
            return Error{"gif", "GIF encoding failed: cannot quantize a frame to 256 colours."};
        ColorMapObject* map = GifMakeMapObject(256, palette.data());
        if (!map) return Error{"gif", "GIF encoding failed: out of memory."};
        GraphicsControlBlock gcb{};
        gcb.DisposalMode = DISPOSE_DO_NOT;
        gcb.UserInputFlag = false;
        gcb.DelayTime = delay_;
        gcb.TransparentColor = NO_TRANSPARENT_COLOR;
        GifByteType ext[4];
        const std::size_t ext_len = EGifGCBToExtension(&gcb, ext);
        Status status = Ok{};
        if (EGifPutExtension(gif_, GRAPHICS_EXT_FUNC_CODE, static_cast<int>(ext_len), ext) == GIF_ERROR ||
            EGifPutImageDesc(gif_, 0, 0, width_, height_, false, map) == GIF_ERROR) {
            status = gif_error("frame", gif_->Error);
        } else {
            for (int y = 0; y < height_ && status; ++y)
                if (EGifPutLine(gif_, &index[static_cast<std::size_t>(y) * width_], width_) == GIF_ERROR)
                    status = gif_error("pixels", gif_->Error);
        }
        GifFreeMapObject(map);
        return status;
    }

    Result<std::string> finish() override {
        int error = 0;
        const int result = EGifCloseFile(gif_, &error);
        gif_ = nullptr;
        if (result == GIF_ERROR) return gif_error("close", error);
        return std::move(bytes_);
    }

private:
    int width_, height_, delay_ = 7;
    GifFileType* gif_ = nullptr;
    std::string bytes_;
};

}  // namespace

Result<std::unique_ptr<AnimationEncoder>> make_gif_encoder(int width, int height, double fps) {
    auto encoder = std::make_unique<GifEncoder>(width, height, fps);
    if (auto status = encoder->open(); !status) return status.error();
    return std::unique_ptr<AnimationEncoder>(std::move(encoder));
}

}  // namespace ropescope::detail
