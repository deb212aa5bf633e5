// Private to the core: the fast attention kernels' interface. attention_kernels.inc holds their
// code; it is compiled once for the portable target (attention_kernels_portable.cpp) and, on
// x86-64, twice more: with AVX2+FMA (attention_kernels_avx2.cpp) and with AVX-512
// (attention_kernels_avx512.cpp), picked at run time.
// Only plain data crosses this interface (trivial structs, no std templates, helpers with internal
// linkage), so the two builds cannot share an inline function by accident (one-definition rule).
#pragma once

#include <cstdint>

namespace ropescope::kernels {

// Keys per block: the fast paths rotate keys in blocks of kLanes consecutive positions.
inline constexpr int kLanes = 128;
// Blocks per tile: a thread computes kTileBlocks * kLanes logits, then their softmax statistics.
inline constexpr int kTileBlocks = 12;  // a multiple of the GEMM register tile rows (4, 6)
inline constexpr int kTileKeys = kLanes * kTileBlocks;
// Keys per superblock of the pool kernel: its content rows are rotated once per superblock, so a
// superblock must hold many more keys than the 257 rows.
inline constexpr int kPoolLanes = 1024;
// Largest pool the pool kernels take (rows, the needle's included). Every per-key content model
// fits (attention.cpp asserts it), so there is no kernel for larger pools.
inline constexpr int kMaxPoolEntries = 1024;
// A chunk (the unit of work of a thread) holds at most this many blocks, so the rotation
// recurrence inside a chunk runs at most kMaxChunkBlocks steps from an exact anchor.
inline constexpr int kMaxChunkBlocks = 256;

// Softmax statistics of one chunk, relative to its own maximum.
struct ChunkStats {
    float max;
    float min;
    std::int64_t argmax;  // index within the chunk, first of the maxima
    double sum_exp;       // sum exp(x - max)
    double sum_exp_x;     // sum exp(x - max) (x - max)
    // NaN or infinite logits: how many, and the index (within the chunk) of the first one. When
    // nonzero the other fields are meaningless and the run is an error, never a search past a
    // maximum that NaN hides.
    std::int64_t nonfinite;
    std::int64_t first_nonfinite;
};

// Phase formats of the phase kernel (PhasePrecision without fp64).
enum class PhaseFormat : int { Fp32 = 1, Bf16 = 2, Fp16 = 3 };

// Pairs are padded to a multiple of this (the widest vector's floats); padding pairs have zero
// content and zero frequency.
inline constexpr int kPairPad = 16;

// Read-only tables of one run, shared by all threads. P8: pairs padded to a multiple of kPairPad.
// t_i: the chunk's frequencies (fp32 phases: rounded to float). E_i: the query's rotor e^{i phi_m,i}
// (rounded as the phase format would for fp32, bf16, fp16). a_i = q_i conj(k_i): the content.
struct Tables {
    int pairs8;
    float constant;              // shared content: the non-rotary part of every logit (scaled)
    // Exact-position paths (gemm, corrected gemm): key n = block start + l, l < kLanes.
    const float* lk;       // [2 * pairs8][kLanes], row 2i cos(l t_i), row 2i+1 sin(l t_i)
    // [pairs8] shared content: a_i E_i scale; per-key content: E_i scale (every kernel)
    const double* alpha_re;
    const double* alpha_im;
    const double* step_re;   // [pairs8] e^{-i kLanes t_i}
    const double* step_im;
    // Pool kernel: lane rows [kPoolLanes][2 * pairs8] (cos(l t_i) then -sin(l t_i)) and the
    // superblock step e^{-i kPoolLanes t_i}.
    const float* pool_lanes;
    const double* pool_step_re;
    const double* pool_step_im;
    // Content rows (per-key kernels; shared content has one row): a_h,i, unscaled.
    const float* content_re;   // [entries][pairs8]
    const float* content_im;
    const float* content_const;  // [entries] non-rotary part (scaled)
    int pool;                    // needle: distractor rows 0..pool-1, row `pool` is the needle; 0: one shared row
    std::int64_t needle_position;
    std::uint64_t seed;
    // Rounded phases (corrected and phase kernels).
    const float* theta;    // [pairs8] round_F(t_i) (exact in float)
    PhaseFormat format;
};

// One chunk of consecutive key positions with one frequency set (chunks never cross n_hat).
struct Chunk {
    const Tables* tables;
    std::int64_t first_position;
    std::int64_t count;          // <= kMaxChunkBlocks * kLanes
    double* anchor_re;     // [pairs8] e^{-i first_position t_i}, exact; advanced in place
    double* anchor_im;
    float* ctile;          // workspace: kTileBlocks * 2 * pairs8 floats
    float* otile;          // workspace: kTileKeys floats
    float* row;            // workspace: 8 * pairs8 floats
    int* pairs;            // workspace: pairs8 ints (corrected kernels: pairs or vectors by correction level)
    // Pool kernel: the keys sorted by content row, per superblock of kPoolLanes keys: order
    // (count lanes) and row_ends ((pool + 1) per superblock); computed by the kernel unless
    // `sorted` says they already hold this chunk's order.
    unsigned short* order;
    int* row_ends;
    bool sorted;
    float* logits;         // out: count logits
    ChunkStats* stats;     // out
};

// One build of the kernels.
struct Ops {
    const char* name;                     // "avx2+fma", "sse2", "portable"
    void (*gemm_chunk)(const Chunk&);       // shared content, exact phases: a GEMM against the lane table
    // per-key content from a pool, exact phases: every pool row rotated once per superblock, then
    // one real dot product per key against the superblock's lane table
    void (*pool_chunk)(const Chunk&);
    // fp32 phases at positions below 2^24, per-key content from a pool: the pool kernel with each
    // key's lane row corrected by e^{i delta} (see corrected_gemm_chunk)
    void (*pool_corrected_chunk)(const Chunk&);
    // fp32 phases at positions below 2^24, shared content: the GEMM with the lane table corrected
    // by e^{i delta}, delta the fp32 product's rounding error (exact with one FMA)
    void (*corrected_gemm_chunk)(const Chunk&);
    // phases rounded to a format, either content: sin/cos once per distinct rounded position
    void (*phase_chunk)(const Chunk&);
    // Softmax statistics of n <= kTileKeys logits merged into *s (started if `first`); NaN or
    // infinite logits only count in s->nonfinite (exposed for the kernel tests).
    void (*tile_stats)(const float* x, int n, std::int64_t offset, ChunkStats* s, bool first);
};

const Ops& portable_ops();
// Null when not built (not x86-64) or when the CPU lacks AVX2 or FMA.
const Ops* avx2_ops();
// Null when not built or when the CPU (or the OS) lacks AVX-512 F, DQ, BW and VL.
const Ops* avx512_ops();

// Helpers used by both builds and by the reference: internal linkage, so that each build keeps its
// own copy (an AVX2 copy must never stand in for the portable one).
namespace {

// splitmix64: the per-key content hash (also used by the reference path).
inline std::uint64_t mix64(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}
// Row of the needle content table for the key at `position`.
inline int content_row(std::int64_t position, const Tables& t) {
    if (t.pool == 0) return 0;
    if (position == t.needle_position) return t.pool;
    const std::uint64_t hash = mix64(t.seed ^ (static_cast<std::uint64_t>(position) * 0xD1B54A32D192ED03ull));
    const auto pool = static_cast<std::uint64_t>(t.pool);
    // A power-of-two pool (the needle's 256) takes a mask: the same row as %, without a 64-bit
    // division per key.
    return static_cast<int>((pool & (pool - 1)) == 0 ? hash & (pool - 1) : hash % pool);
}

// Integer position rounded to `bits` significant bits, ties to even (exact; what converting an
// integer to a float format with that many significant bits does), saturating at `max_value`.
inline std::int64_t round_position_bits(std::int64_t n, int bits, std::int64_t max_value) {
    if (n <= 0) return n;
    const int width = 64 - __builtin_clzll(static_cast<unsigned long long>(n));
    if (width > bits) {
        const int shift = width - bits;
        const std::int64_t unit = std::int64_t{1} << shift;
        const std::int64_t low = n & (unit - 1);
        std::int64_t down = n - low;
        const std::int64_t half = unit >> 1;
        if (low > half || (low == half && ((down >> shift) & 1))) down += unit;
        n = down;
    }
    return n > max_value ? max_value : n;
}

}  // namespace

}  // namespace ropescope::kernels
