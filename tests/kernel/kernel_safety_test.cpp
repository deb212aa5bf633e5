// The kernel never crashes on NaN or infinite logits: its softmax statistics count them instead of
// searching for a maximum that NaN hides (that search once read past the end of the tile), inputs
// that would overflow are refused with a message naming the field, and the CLI reproducers of
// issue 10 exit 2 with one line on stderr.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "attention_kernels.h"  // private to the core: the kernels' tile statistics
#include "ropescope/attention.h"
#include "ropescope/rope.h"

namespace ropescope {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

// Every build of the kernels this CPU can run.
std::vector<const kernels::Ops*> runnable_ops() {
    std::vector<const kernels::Ops*> ops = {&kernels::portable_ops()};
    if (const kernels::Ops* avx2 = kernels::avx2_ops()) ops.push_back(avx2);
    if (const kernels::Ops* avx512 = kernels::avx512_ops()) ops.push_back(avx512);
    return ops;
}

TEST(KernelSafety, TileStatsCountNonFiniteLogitsWhereverTheyAre) {
    for (const kernels::Ops* ops : runnable_ops()) {
        for (const int n : {1, 3, 16, 17, 100, kernels::kTileKeys}) {
            for (const float bad : {kNaN, kInf, -kInf}) {
                for (const int at : {0, n / 2, n - 1}) {
                    // Exactly n floats on the heap: a read past the end shows under AddressSanitizer.
                    std::vector<float> x(static_cast<std::size_t>(n));
                    for (int j = 0; j < n; ++j) x[static_cast<std::size_t>(j)] = 0.01f * static_cast<float>(j % 7);
                    x[static_cast<std::size_t>(at)] = bad;
                    kernels::ChunkStats s{};
                    ops->tile_stats(x.data(), n, 5, &s, true);
                    EXPECT_EQ(s.nonfinite, 1) << ops->name << " n=" << n << " at=" << at << " value=" << bad;
                    EXPECT_EQ(s.first_nonfinite, 5 + at) << ops->name << " n=" << n << " at=" << at;
                }
            }
            std::vector<float> all(static_cast<std::size_t>(n), kNaN);
            kernels::ChunkStats s{};
            ops->tile_stats(all.data(), n, 0, &s, true);
            EXPECT_EQ(s.nonfinite, n) << ops->name;
            EXPECT_EQ(s.first_nonfinite, 0) << ops->name;
        }
    }
}

TEST(KernelSafety, TileStatsOfFiniteLogitsFindTheFirstMaximum) {
    for (const kernels::Ops* ops : runnable_ops()) {
        const int n = 1000;
        std::vector<float> x(n);
        for (int j = 0; j < n; ++j) x[static_cast<std::size_t>(j)] = -0.001f * static_cast<float>(j);
        x[700] = x[800] = 3.0f;
        kernels::ChunkStats s{};
        ops->tile_stats(x.data(), n, 0, &s, true);
        EXPECT_EQ(s.nonfinite, 0) << ops->name;
        EXPECT_EQ(s.argmax, 700) << ops->name;
        EXPECT_FLOAT_EQ(s.max, 3.0f) << ops->name;
        EXPECT_FLOAT_EQ(s.min, -0.999f) << ops->name;
        // A later tile with a NaN marks the chunk, whatever came before.
        x[10] = kNaN;
        ops->tile_stats(x.data(), n, n, &s, false);
        EXPECT_EQ(s.nonfinite, 1) << ops->name;
        EXPECT_EQ(s.first_nonfinite, n + 10) << ops->name;
    }
}

RopeResult rope_of(MethodKind kind, double factor, const std::vector<double>& short_factor = {},
                   const std::vector<double>& long_factor = {}) {
    RopeSetup s;
    s.head_dim = 128;
    s.original_max_position_embeddings = 4096;
    s.factor = factor;
    Method method = default_method(kind);
    if (auto* lr = std::get_if<LongRopeMethod>(&method)) {
        lr->short_factor = short_factor;
        lr->long_factor = long_factor;
    }
    auto r = compute_rope(s, method);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? std::move(r).value() : RopeResult{};
}

// The error of a run on both paths; both must fail with `field` named in the message.
void expect_refused(const RopeResult& rope, AttentionOptions o, const std::string& field, const std::string& text) {
    AttentionEngine engine;
    for (const KernelPath path : {KernelPath::Fast, KernelPath::Reference}) {
        o.path = path;
        auto r = engine.run(rope, o);
        ASSERT_FALSE(r.ok()) << field << " " << kernel_path_name(path);
        EXPECT_EQ(r.error().field, field) << r.error().message;
        EXPECT_EQ(r.error().message.rfind(field + ": ", 0), 0u) << r.error().message;
        EXPECT_NE(r.error().message.find(text), std::string::npos) << r.error().message;
    }
}

TEST(KernelSafety, OverflowingContentsAreRefusedWithTheAllowedRange) {
    const RopeResult rope = rope_of(MethodKind::Default, 1);
    AttentionOptions o;
    o.num_keys = 256;
    o.content = ContentModel::Needle;
    for (const double noise : {1e200, 1e7, std::numeric_limits<double>::infinity(), std::nan(""), -1.0}) {
        o.noise = noise;
        expect_refused(rope, o, "noise", "use a value from 0 to 1000000");
    }
    o.noise = 1;
    for (const double scale : {1e300, 0.0, -2.0, std::nan(""), 5e-324}) {
        o.query_scale = scale;
        if (scale == 5e-324) {  // a subnormal scale is tiny but finite: allowed, every logit is 0
            AttentionEngine engine;
            EXPECT_TRUE(engine.run(rope, o).ok());
            continue;
        }
        expect_refused(rope, o, "query_scale", "use a value in (0, 1000000]");
    }
    // The largest allowed values still give finite logits and a result.
    o.query_scale = kMaxQueryScale;
    o.noise = kMaxAttentionNoise;
    for (const KernelPath path : {KernelPath::Fast, KernelPath::Reference}) {
        o.path = path;
        AttentionEngine engine;
        auto r = engine.run(rope, o);
        ASSERT_TRUE(r.ok()) << r.error().message;
        EXPECT_TRUE(std::isfinite(r->metrics.logit_max));
        EXPECT_TRUE(std::isfinite(r->metrics.entropy));
    }
}

// compute_rope refuses tiny factors itself now; the kernel must still refuse frequencies that
// reach it infinite (a subnormal factor's 1/s) or whose angles overflow, whatever made them.
TEST(KernelSafety, InfiniteFrequenciesAreRefusedNotCrashed) {
    const std::vector<double> one(64, 1.0);
    const RopeResult good = rope_of(MethodKind::LongRope, 8, one, one);
    AttentionOptions o;
    o.num_keys = 256;
    for (const double bad : {std::numeric_limits<double>::infinity(), std::nan(""), 1e308}) {
        for (const ContentModel content : {ContentModel::Positional, ContentModel::Needle}) {
            RopeResult rope = good;
            rope.inv_freq[3] = bad;  // 1e308: finite, but its angle at position 255 is not
            o.content = content;
            expect_refused(rope, o, "inv_freq", "needs finite frequencies");
        }
    }
    // The heatmap's logit matrix checks the same.
    RopeResult rope = good;
    rope.inv_freq_original[0] = std::numeric_limits<double>::infinity();
    const std::vector<std::int64_t> positions = {0, 1, 2};
    auto m = logit_matrix(rope, o, positions, positions);
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.error().field, "inv_freq");
    // Ordinary factors still run.
    AttentionEngine engine;
    EXPECT_TRUE(engine.run(good, o).ok());
}

}  // namespace
}  // namespace ropescope
