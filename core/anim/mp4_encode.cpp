// MP4 (H.264 through libx264 when Debian's libavcodec has it, else MPEG-4 part 2) with libavcodec,
// libavformat and libswscale: the module libropescope_mp4.so, built only when CMake finds them and
// opened by mp4_module.cpp when an MP4 is asked for. FFmpeg and the ~110 libraries it needs took
// ~60 ms to load and relocate at every start of ropescope and ropescope-cli.
#include "anim_internal.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/log.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
}

#include <cmath>
#include <cstring>

namespace ropescope::detail {

namespace {

// A growing in-memory file with seeking (the MP4 muxer rewrites its header at the end).
struct MemoryFile {
    std::string bytes;
    std::int64_t position = 0;
};

int memory_write(void* opaque, std::uint8_t* data, int size) {  // FFmpeg 5 passes a non-const buffer
    auto* f = static_cast<MemoryFile*>(opaque);
    const auto end = static_cast<std::size_t>(f->position) + static_cast<std::size_t>(size);
    if (f->bytes.size() < end) f->bytes.resize(end);
    std::memcpy(f->bytes.data() + f->position, data, static_cast<std::size_t>(size));
    f->position = static_cast<std::int64_t>(end);
    return size;
}

std::int64_t memory_seek(void* opaque, std::int64_t offset, int whence) {
    auto* f = static_cast<MemoryFile*>(opaque);
    if (whence & AVSEEK_SIZE) return static_cast<std::int64_t>(f->bytes.size());
    std::int64_t base = 0;
    switch (whence & ~AVSEEK_FORCE) {
        case SEEK_SET: base = 0; break;
        case SEEK_CUR: base = f->position; break;
        case SEEK_END: base = static_cast<std::int64_t>(f->bytes.size()); break;
        default: return -1;
    }
    if (base + offset < 0) return -1;
    f->position = base + offset;
    return f->position;
}

Error av_failure(const char* what, int code) {
    char reason[128] = {};
    av_strerror(code, reason, sizeof reason);
    return Error{"mp4", std::string("MP4 encoding failed (") + what + "): " + reason + "."};
}

class Mp4Encoder final : public AnimationEncoder {
public:
    Mp4Encoder(int width, int height, double fps) : width_(width), height_(height), fps_(fps) {}
    ~Mp4Encoder() override { release(); }

    Status open() {
        av_log_set_level(AV_LOG_ERROR);  // no encoder chatter on stderr
        int rc = avformat_alloc_output_context2(&format_, nullptr, "mp4", nullptr);
        if (rc < 0 || !format_) return av_failure("mp4 muxer", rc);
        const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
        if (!codec) codec = avcodec_find_encoder(AV_CODEC_ID_MPEG4);
        if (!codec) return Error{"mp4", "MP4 encoding failed: libavcodec has neither libx264 nor an MPEG-4 encoder."};
        stream_ = avformat_new_stream(format_, nullptr);
        codec_ = avcodec_alloc_context3(codec);
        if (!stream_ || !codec_) return Error{"mp4", "MP4 encoding failed: out of memory."};
        const int rate = std::max(1, static_cast<int>(std::lround(fps_)));
        codec_->width = width_;
        codec_->height = height_;
        codec_->time_base = AVRational{1, rate};
        codec_->framerate = AVRational{rate, 1};
        codec_->pix_fmt = AV_PIX_FMT_YUV420P;
        codec_->gop_size = rate;
        if (codec->id == AV_CODEC_ID_MPEG4) codec_->bit_rate = 4'000'000;
        else av_opt_set(codec_->priv_data, "crf", "20", 0);
        if (format_->oformat->flags & AVFMT_GLOBALHEADER) codec_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
        if ((rc = avcodec_open2(codec_, codec, nullptr)) < 0) return av_failure("codec", rc);
        if ((rc = avcodec_parameters_from_context(stream_->codecpar, codec_)) < 0) return av_failure("stream", rc);
        stream_->time_base = codec_->time_base;
        buffer_ = static_cast<std::uint8_t*>(av_malloc(kBufferSize));
        io_ = avio_alloc_context(buffer_, kBufferSize, 1, &file_, nullptr, memory_write, memory_seek);
        if (!io_) return Error{"mp4", "MP4 encoding failed: out of memory."};
        buffer_ = nullptr;  // owned by io_ now
        format_->pb = io_;
        if ((rc = avformat_write_header(format_, nullptr)) < 0) return av_failure("header", rc);
        frame_ = av_frame_alloc();
        packet_ = av_packet_alloc();
        if (!frame_ || !packet_) return Error{"mp4", "MP4 encoding failed: out of memory."};
        frame_->format = AV_PIX_FMT_YUV420P;
        frame_->width = width_;
        frame_->height = height_;
        if ((rc = av_frame_get_buffer(frame_, 0)) < 0) return av_failure("frame", rc);
        scaler_ = sws_getContext(width_, height_, AV_PIX_FMT_RGBA, width_, height_, AV_PIX_FMT_YUV420P, SWS_BICUBIC,
                                 nullptr, nullptr, nullptr);
        if (!scaler_) return Error{"mp4", "MP4 encoding failed: no RGBA to YUV conversion."};
        return Ok{};
    }

    Status add_frame(const std::uint8_t* rgba) override {
        int rc = av_frame_make_writable(frame_);
        if (rc < 0) return av_failure("frame", rc);
        const std::uint8_t* planes[1] = {rgba};
        const int strides[1] = {width_ * 4};
        sws_scale(scaler_, planes, strides, 0, height_, frame_->data, frame_->linesize);
        frame_->pts = next_pts_++;
        return send(frame_);
    }

    Result<std::string> finish() override {
        if (auto status = send(nullptr); !status) return status.error();
        const int rc = av_write_trailer(format_);
        if (rc < 0) return av_failure("trailer", rc);
        avio_flush(io_);
        std::string out = std::move(file_.bytes);
        release();
        return out;
    }

private:
    static constexpr int kBufferSize = 1 << 16;

    Status send(AVFrame* frame) {
        int rc = avcodec_send_frame(codec_, frame);
        if (rc < 0) return av_failure("encode", rc);
        while ((rc = avcodec_receive_packet(codec_, packet_)) >= 0) {
            av_packet_rescale_ts(packet_, codec_->time_base, stream_->time_base);
            packet_->stream_index = stream_->index;
            rc = av_interleaved_write_frame(format_, packet_);
            av_packet_unref(packet_);
            if (rc < 0) return av_failure("write", rc);
        }
        if (rc != AVERROR(EAGAIN) && rc != AVERROR_EOF) return av_failure("encode", rc);
        return Ok{};
    }

    void release() {
        if (scaler_) sws_freeContext(scaler_);
        if (packet_) av_packet_free(&packet_);
        if (frame_) av_frame_free(&frame_);
        if (codec_) avcodec_free_context(&codec_);
        if (io_) {
            av_freep(&io_->buffer);
            avio_context_free(&io_);
        }
        if (buffer_) av_freep(&buffer_);
        if (format_) {
            format_->pb = nullptr;
            avformat_free_context(format_);
        }
        scaler_ = nullptr;
        format_ = nullptr;
    }

    int width_, height_;
    double fps_;
    AVFormatContext* format_ = nullptr;
    AVCodecContext* codec_ = nullptr;
    AVStream* stream_ = nullptr;
    AVIOContext* io_ = nullptr;
    std::uint8_t* buffer_ = nullptr;
    AVFrame* frame_ = nullptr;
    AVPacket* packet_ = nullptr;
    SwsContext* scaler_ = nullptr;
    MemoryFile file_;
    std::int64_t next_pts_ = 0;
};

}  // namespace

}  // namespace ropescope::detail

// The module's one entry point (mp4_module.cpp looks it up by this name).
extern "C" __attribute__((visibility("default"))) ropescope::Result<std::unique_ptr<ropescope::AnimationEncoder>>*
ropescope_make_mp4_encoder_v1(int width, int height, double fps) {
    using namespace ropescope;
    auto encoder = std::make_unique<detail::Mp4Encoder>(width, height, fps);
    if (auto status = encoder->open(); !status)
        return new Result<std::unique_ptr<AnimationEncoder>>(status.error());
    return new Result<std::unique_ptr<AnimationEncoder>>(std::unique_ptr<AnimationEncoder>(std::move(encoder)));
}
