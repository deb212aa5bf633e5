// CPU attention kernel: how well one query can still single out a key at a given distance once
// RoPE is scaled. One query against N keys, RoPE applied at absolute positions (LongRoPE's n_hat
// rule included), logits times the method's logit scale over sqrt(head_dim), a stable softmax, and
// token-distance resolution metrics. A fast path (float32, SIMD, threads) is checked against a
// plain scalar double reference. See docs/resolution.md.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ropescope/figure.h"
#include "ropescope/result.h"
#include "ropescope/rope.h"

namespace ropescope {

// Largest number of keys one query attends to.
inline constexpr std::int64_t kMaxAttentionKeys = std::int64_t{1} << 21;  // 2,097,152
// Largest head_dim the kernel accepts.
inline constexpr int kMaxAttentionHeadDim = 1024;

// What the query and the keys carry, besides their positions. Head vectors use HF's rotate_half
// layout: rotary pair i is (x[i], x[i + d/2]); dimensions past the rotary dim d are not rotated.
enum class ContentModel {
    // Query and every key carry the same all-ones content u: the logits are the decay curve
    // (logit = logit_scale * (2 sum_i cos(delta theta'_i) + head_dim - d) / sqrt(head_dim)).
    Identical,
    // Keys carry u; the query carries u rotated back by D under the method's own frequencies, as
    // a trained head that attends "D tokens back" would: q_i = u_i e^{-i D theta'_i}. The logits
    // peak at distance D; the peak's width and side peaks measure token-distance resolution.
    Positional,
    // Query: seeded Gaussian g_q (unit variance per component). The key at distance D (the needle)
    // carries g_q; every other key carries noise * (a seeded Gaussian vector from a pool of 256,
    // chosen per key position by a hash). Content retrieval fighting RoPE's decay.
    Needle,
};
std::string_view content_model_name(ContentModel model);  // "identical", "positional", "needle"
std::optional<ContentModel> content_model_from_name(std::string_view name);

// The number format RoPE phases are computed in (precision demo). With format F and round_F the
// IEEE round-to-nearest-even into F: p = round_F(position), t_i = round_F(theta_i),
// angle = round_F(p * t_i), then cos and sin of that angle, each rounded to F. Query and keys
// alike. Contents, dot products and the softmax are not rounded (double in the reference, float in
// the fast path). Fp64 is exact. fp16 positions above 65504 overflow in real fp16; RopeScope
// saturates them at 65504 and adds a warning.
enum class PhasePrecision { Fp64, Fp32, Bf16, Fp16 };
std::string_view phase_precision_name(PhasePrecision precision);  // "fp64", "fp32", "bf16", "fp16"
std::optional<PhasePrecision> phase_precision_from_name(std::string_view name);
// Rounds x to the format (round to nearest, ties to even; subnormals kept; overflow gives inf).
double round_to_precision(double x, PhasePrecision precision);

// Which implementation computes the logits.
enum class KernelPath {
    Fast,       // float32, SIMD, multi-threaded, rotation by tables and recurrences (see below)
    Reference,  // plain scalar double: std::cos/std::sin per element, one key at a time
};
std::string_view kernel_path_name(KernelPath path);  // "fast", "reference"

// Instruction set of the fast path. Best picks AVX2+FMA at run time when the CPU has it
// (the code for it is built on x86-64 whatever the compiler flags), else the portable build.
enum class KernelIsa { Best, Portable };
// Name of the instruction set `isa` resolves to on this machine: "avx2+fma", "sse2", "portable".
std::string_view kernel_isa_name(KernelIsa isa);

// AttentionOptions::target_distance when D is not given: N / 2. (Not -1: a negative D, a target
// after the query, is a valid request.)
inline constexpr std::int64_t kAutoTargetDistance = std::numeric_limits<std::int64_t>::min();

// One query against N keys.
struct AttentionOptions {
    std::int64_t num_keys = 4096;        // N, 1..kMaxAttentionKeys
    std::int64_t first_key = 0;          // position of the first key; keys are first_key .. first_key + N - 1
    std::int64_t query_position = -1;    // m; -1: the last key's position
    std::int64_t target_distance = kAutoTargetDistance;  // D: the target key sits at m - D (may be < 0)
    ContentModel content = ContentModel::Positional;
    bool positional_original = false;    // positional: rotate the query by D theta_i (pre-extension head)
    std::uint64_t seed = 1;              // needle: query and distractor contents
    double noise = 1.0;                  // needle: standard deviation of the distractor components
    double query_scale = 1.0;            // multiplies the query (an inverse temperature: larger is sharper)
    PhasePrecision precision = PhasePrecision::Fp64;
    KernelPath path = KernelPath::Fast;
    KernelIsa isa = KernelIsa::Best;
    int threads = 0;                     // 0: all hardware threads; 1..256
    int window_radius = 64;              // weights returned for keys within this many tokens of the target
    int overview_bins = 0;               // > 0: max-pooled weights over all keys in this many bins
    bool keep_logits = false;            // copy all N logits into the result
};

// Token-distance resolution of one query (weights are softmax weights over all N keys).
struct AttentionMetrics {
    std::int64_t target_position = 0;    // m - D
    std::int64_t argmax = 0;             // position of the key with the largest logit (first if tied)
    std::int64_t argmax_distance = 0;    // m - argmax
    std::int64_t argmax_error = 0;       // |argmax - target_position|, tokens
    double target_weight = 0;            // softmax weight on the target key (the "needle weight")
    double max_weight = 0;               // softmax weight on the argmax key
    // Full width at half maximum of the attention peak around the target, in tokens: from the
    // target, climb to the local maximum, then find where the weight falls below half of it on each
    // side (linear interpolation between keys). A one-key spike is 1 token wide.
    double peak_width = 0;
    bool peak_width_truncated = false;   // the half-maximum crossing fell outside the keys
    double entropy = 0;                  // -sum w ln w, nats
    double entropy_normalized = 0;       // entropy / ln N: 0 one-hot, 1 uniform
    // (logit at distance D - logit at distance D + 1) / (max logit - min logit); NaN if the key at
    // distance D + 1 is not among the keys or all logits are equal.
    double adjacent_distinguishability = 0;
    // Largest weight outside the main lobe (the target's peak down to the first local minimum on
    // each side) over the peak weight. < 1: the target's peak wins; > 1: another peak is higher.
    // 0 if the main lobe covers every key.
    double side_peak_ratio = 0;
    double logit_max = 0;                // over all keys
    double logit_min = 0;
    double log_normalizer = 0;           // ln sum_n exp(logit_n)
};

// One query's logits, weights and metrics.
struct AttentionResult {
    MethodKind kind = MethodKind::Default;
    KernelPath path = KernelPath::Fast;
    std::string isa;                     // instruction set used by the fast path ("scalar" for reference)
    ContentModel content = ContentModel::Positional;
    PhasePrecision precision = PhasePrecision::Fp64;
    std::int64_t num_keys = 0;
    std::int64_t first_key = 0;
    std::int64_t query_position = 0;
    std::int64_t target_distance = 0;
    int head_dim = 0;
    int threads = 0;                     // threads that computed it (fast path: at most one per 16384 keys)
    AttentionMetrics metrics;
    double kernel_ms = 0;                // tables, logits, softmax statistics (wall clock)
    double kernel_cpu_ms = 0;            // the same span in CPU time of the whole process (all threads)
    double metrics_ms = 0;               // the resolution metrics and the returned windows
    // Nominal FLOPs: 2 * head_dim per key (the q.k dot product, as a QK^T row counts them);
    // tables, phases and the softmax are not counted. gflops = flops / kernel time.
    double flops = 0;
    double gflops = 0;
    std::int64_t window_first = 0;       // position of window_weights[0]
    std::vector<double> window_logits;   // keys within window_radius of the target
    std::vector<double> window_weights;
    double overview_bin_keys = 0;        // keys per overview bin
    std::vector<double> overview_weights;  // max weight in each bin
    std::vector<double> logits;          // all N logits if keep_logits
    std::vector<std::string> warnings;
};

// Cancellation and progress for long runs (the GUI runs them on a worker thread).
struct RunControl {
    const std::atomic<bool>* cancel = nullptr;      // set to true from any thread to stop early
    std::function<void(double fraction)> progress;  // 0..1, called on the thread that called run()
};
// Error::field of a cancelled run.
inline constexpr std::string_view kCancelledField = "cancelled";

// Runs queries, reusing its threads and workspace (nothing is allocated per key; buffers only
// grow). Not thread-safe: one run at a time per engine.
class AttentionEngine {
public:
    AttentionEngine();
    ~AttentionEngine();
    AttentionEngine(const AttentionEngine&) = delete;
    AttentionEngine& operator=(const AttentionEngine&) = delete;

    // Validates the options against the result, then computes. Never throws.
    Result<AttentionResult> run(const RopeResult& rope, const AttentionOptions& options,
                                const RunControl& control = {});
    // Logits of the last successful fast run (N floats) or reference run (N doubles).
    std::span<const float> fast_logits() const;
    std::span<const double> reference_logits() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// One query with a temporary engine.
Result<AttentionResult> compute_attention(const RopeResult& rope, const AttentionOptions& options,
                                          const RunControl& control = {});

// Resolution against distance: one query per D on a log grid, N = max_distance + 1 keys at
// positions 0..max_distance, the query at the last one.
struct ResolutionOptions {
    AttentionOptions attention;          // content, precision, path, threads...; keys and D are set per point
    int points = 24;                     // grid points (log spaced from 1; duplicates dropped), 2..1000
    std::int64_t max_distance = 0;       // 0: the method's target context L' (capped at kMaxAttentionKeys - 1)
};
struct ResolutionPoint {
    std::int64_t distance = 0;
    AttentionMetrics metrics;
};
struct ResolutionCurve {
    MethodKind kind = MethodKind::Default;
    std::int64_t num_keys = 0;
    std::vector<ResolutionPoint> points;
    double kernel_ms = 0;                // sum over the points
};
Result<ResolutionCurve> resolution_curve(AttentionEngine& engine, const RopeResult& rope,
                                         const ResolutionOptions& options, const RunControl& control = {});
// The distances resolution_curve uses.
std::vector<std::int64_t> resolution_distances(int points, std::int64_t max_distance);

// Logits (reference path, double) for every query position x key position, row-major
// [query][key], with the content of `options` (the needle, if any, at options' target position).
// For small heatmaps: at most 1,000,000 entries.
Result<std::vector<double>> logit_matrix(const RopeResult& rope, const AttentionOptions& options,
                                         std::span<const std::int64_t> query_positions,
                                         std::span<const std::int64_t> key_positions);

// Figures (drawn by the GUI, exported by the CLI). `labels` name the curves/results in the legend
// (empty: the method's label); colours are the methods' colours.
// Resolution against distance: target weight, peak width (FWHM) and adjacent-token
// distinguishability, three panels with a log distance axis.
Figure resolution_figure(const std::vector<ResolutionCurve>& curves, const std::vector<std::string>& labels,
                         const std::string& caption);
// Attention weights around the target against distance (one series per result).
Figure attention_window_figure(const std::vector<AttentionResult>& results, const std::vector<std::string>& labels,
                               const std::string& caption);

}  // namespace ropescope
