// CPU attention kernel: content models, reference path, chunk scheduling, softmax and metrics.
// The fast kernels themselves are in attention_kernels.inc.
#include "ropescope/attention.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <ctime>
#include <limits>
#include <mutex>
#include <thread>

#include "attention_kernels.h"
#include "ropescope/decay.h"
#include "ropescope/validate.h"

namespace ropescope {

namespace {

using kernels::ChunkStats;
using kernels::kLanes;

constexpr int kPoolSize = 256;  // distinct distractor contents (needle)

// ---------------------------------------------------------------------------------------------
// Names

struct Named {
    const char* name;
    int value;
};

template <class Enum, std::size_t N>
std::optional<Enum> parse_named(std::string_view text, const Named (&table)[N]) {
    for (const auto& entry : table)
        if (text == entry.name) return static_cast<Enum>(entry.value);
    return std::nullopt;
}

constexpr Named kContentNames[] = {{"identical", static_cast<int>(ContentModel::Identical)},
                                   {"positional", static_cast<int>(ContentModel::Positional)},
                                   {"needle", static_cast<int>(ContentModel::Needle)}};
constexpr Named kPrecisionNames[] = {{"fp64", static_cast<int>(PhasePrecision::Fp64)},
                                     {"fp32", static_cast<int>(PhasePrecision::Fp32)},
                                     {"bf16", static_cast<int>(PhasePrecision::Bf16)},
                                     {"fp16", static_cast<int>(PhasePrecision::Fp16)}};

}  // namespace

std::string_view content_model_name(ContentModel model) {
    return kContentNames[static_cast<int>(model)].name;
}
std::optional<ContentModel> content_model_from_name(std::string_view name) {
    return parse_named<ContentModel>(name, kContentNames);
}
std::string_view phase_precision_name(PhasePrecision precision) {
    return kPrecisionNames[static_cast<int>(precision)].name;
}
std::optional<PhasePrecision> phase_precision_from_name(std::string_view name) {
    return parse_named<PhasePrecision>(name, kPrecisionNames);
}
std::string_view kernel_path_name(KernelPath path) { return path == KernelPath::Fast ? "fast" : "reference"; }

namespace {

const kernels::Ops& ops_for(KernelIsa isa) {
    if (isa == KernelIsa::Best)
        if (const kernels::Ops* avx2 = kernels::avx2_ops()) return *avx2;
    return kernels::portable_ops();
}

}  // namespace

std::string_view kernel_isa_name(KernelIsa isa) { return ops_for(isa).name; }

double round_to_precision(double x, PhasePrecision precision) {
    if (precision == PhasePrecision::Fp64 || x == 0 || !std::isfinite(x)) return x;
    if (precision == PhasePrecision::Fp32) return static_cast<double>(static_cast<float>(x));
    const int bits = precision == PhasePrecision::Bf16 ? 8 : 11;       // significant bits
    const int emin = precision == PhasePrecision::Bf16 ? -126 : -14;   // smallest normal exponent
    const double max_finite = precision == PhasePrecision::Bf16 ? 0x1.FEp127 : 65504.0;
    const int e = std::max(std::ilogb(x), emin);
    const double quantum = std::ldexp(1.0, e - (bits - 1));
    const double rounded = std::nearbyint(x / quantum) * quantum;  // ties to even (default rounding mode)
    if (std::fabs(rounded) > max_finite) return std::copysign(std::numeric_limits<double>::infinity(), x);
    return rounded;
}

namespace {

// ---------------------------------------------------------------------------------------------
// A small persistent pool: run(k, job) calls job(0) on the caller and job(1..k-1) on workers.

class WorkerPool {
public:
    ~WorkerPool() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stop_ = true;
        }
        wake_.notify_all();
        for (auto& t : threads_) t.join();
    }

    void run(int count, const std::function<void(int)>& job) {
        while (static_cast<int>(threads_.size()) < count - 1) {
            const int index = static_cast<int>(threads_.size()) + 1;
            threads_.emplace_back([this, index] { loop(index); });
        }
        {
            std::lock_guard<std::mutex> lock(mutex_);
            job_ = &job;
            wanted_ = count;
            pending_ = count - 1;
            ++generation_;
        }
        wake_.notify_all();
        job(0);
        std::unique_lock<std::mutex> lock(mutex_);
        done_.wait(lock, [this] { return pending_ == 0; });
        job_ = nullptr;
    }

private:
    void loop(int index) {
        std::uint64_t seen = 0;
        for (;;) {
            const std::function<void(int)>* job = nullptr;
            {
                std::unique_lock<std::mutex> lock(mutex_);
                wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
                if (stop_) return;
                seen = generation_;
                if (index < wanted_) job = job_;
            }
            if (!job) continue;
            (*job)(index);
            {
                std::lock_guard<std::mutex> lock(mutex_);
                --pending_;
            }
            done_.notify_all();
        }
    }

    std::vector<std::thread> threads_;
    std::mutex mutex_;
    std::condition_variable wake_, done_;
    const std::function<void(int)>* job_ = nullptr;
    std::uint64_t generation_ = 0;
    int wanted_ = 0;
    int pending_ = 0;
    bool stop_ = false;
};

// ---------------------------------------------------------------------------------------------
// Content: head vectors in rotate_half layout, shared by both paths.

// Deterministic standard normal numbers: splitmix64 stream -> Box-Muller.
class Gaussian {
public:
    Gaussian(std::uint64_t seed, std::uint64_t stream) : state_(kernels::mix64(seed) ^ kernels::mix64(stream + 0x51ED)) {}
    double next() {
        if (has_spare_) {
            has_spare_ = false;
            return spare_;
        }
        const double u1 = (static_cast<double>(kernels::mix64(state_++) >> 11) + 0.5) * 0x1p-53;
        const double u2 = (static_cast<double>(kernels::mix64(state_++) >> 11) + 0.5) * 0x1p-53;
        const double r = std::sqrt(-2.0 * std::log(u1));
        const double a = 6.283185307179586 * u2;
        spare_ = r * std::sin(a);
        has_spare_ = true;
        return r * std::cos(a);
    }

private:
    std::uint64_t state_;
    double spare_ = 0;
    bool has_spare_ = false;
};

// Everything about a query's content and scaling that does not depend on the path.
struct Content {
    int dim = 0;      // H: vector length, max(head_dim, rotary dim)
    int pairs = 0;    // P
    double scale = 0; // logit_scale / sqrt(H)
    std::vector<double> query;               // H, before RoPE (includes query_scale)
    std::vector<std::vector<double>> keys;   // shared: 1 vector; needle: kPoolSize distractors + the needle
    int pool = 0;                            // 0: shared content
    std::int64_t needle_position = -1;
    std::uint64_t seed = 0;
};

Content make_content(const RopeResult& rope, const AttentionOptions& o, std::int64_t target_distance,
                     std::int64_t target_position) {
    Content c;
    c.pairs = rope.num_pairs();
    c.dim = std::max(rope.setup.head_dim, 2 * c.pairs);
    c.scale = rope.logit_scale() / std::sqrt(static_cast<double>(c.dim));
    const auto H = static_cast<std::size_t>(c.dim);
    const auto P = static_cast<std::size_t>(c.pairs);
    c.query.assign(H, o.query_scale);
    switch (o.content) {
        case ContentModel::Identical: c.keys.assign(1, std::vector<double>(H, 1.0)); break;
        case ContentModel::Positional: {
            c.keys.assign(1, std::vector<double>(H, 1.0));
            const auto& freq = o.positional_original ? rope.inv_freq_original : rope.inv_freq;
            for (std::size_t i = 0; i < P; ++i) {
                // (1 + i) e^{-i psi}, psi = D theta_i
                const double psi = static_cast<double>(target_distance) * freq[i];
                c.query[i] = o.query_scale * (std::cos(psi) + std::sin(psi));
                c.query[i + P] = o.query_scale * (std::cos(psi) - std::sin(psi));
            }
            break;
        }
        case ContentModel::Needle: {
            c.pool = kPoolSize;
            c.seed = o.seed;
            c.needle_position = target_position;
            Gaussian gq(o.seed, 0xFFFFFFFFull);
            std::vector<double> g(H);
            for (auto& v : g) v = gq.next();
            for (std::size_t j = 0; j < H; ++j) c.query[j] = o.query_scale * g[j];
            c.keys.resize(kPoolSize + 1);
            for (int h = 0; h < kPoolSize; ++h) {
                Gaussian gk(o.seed, static_cast<std::uint64_t>(h));
                auto& key = c.keys[static_cast<std::size_t>(h)];
                key.resize(H);
                for (auto& v : key) v = o.noise * gk.next();
            }
            c.keys[kPoolSize] = g;
            break;
        }
    }
    return c;
}

kernels::Tables content_lookup(const Content& c) {
    kernels::Tables t{};
    t.pool = c.pool;
    t.needle_position = c.needle_position;
    t.seed = c.seed;
    return t;
}

// a_i = q_i conj(k_i) over pairs, and the non-rotary dot product.
void content_product(const Content& c, const std::vector<double>& key, double* are, double* aim, double* pass) {
    const auto P = static_cast<std::size_t>(c.pairs);
    for (std::size_t i = 0; i < P; ++i) {
        const double qr = c.query[i], qi = c.query[i + P], kr = key[i], ki = key[i + P];
        are[i] = qr * kr + qi * ki;
        aim[i] = qi * kr - qr * ki;
    }
    double s = 0;
    for (std::size_t j = 2 * P; j < static_cast<std::size_t>(c.dim); ++j) s += c.query[j] * key[j];
    *pass = s;
}

// Frequency of pair i at a position (LongRoPE's n_hat rule).
double freq_at(const RopeResult& rope, std::int64_t position, int i) {
    return position < rope.n_hat ? rope.inv_freq_original[static_cast<std::size_t>(i)]
                                 : rope.inv_freq[static_cast<std::size_t>(i)];
}

// cos and sin of the RoPE phase of a position in pair i, computed as `precision` would.
void phase(const RopeResult& rope, PhasePrecision precision, std::int64_t position, int i, double* c, double* s) {
    if (precision == PhasePrecision::Fp64) {
        const double a = rope.angle(position, i);
        *c = std::cos(a);
        *s = std::sin(a);
        return;
    }
    double p = round_to_precision(static_cast<double>(position), precision);
    if (precision == PhasePrecision::Fp16) p = std::min(p, 65504.0);  // saturate instead of inf
    const double t = round_to_precision(freq_at(rope, position, i), precision);
    const double a = round_to_precision(p * t, precision);
    *c = round_to_precision(std::cos(a), precision);
    *s = round_to_precision(std::sin(a), precision);
}

// The query after RoPE at position m, as the reference computes it.
std::vector<double> rotate_query(const RopeResult& rope, const Content& c, PhasePrecision precision, std::int64_t m) {
    std::vector<double> q = c.query;
    const auto P = static_cast<std::size_t>(c.pairs);
    for (std::size_t i = 0; i < P; ++i) {
        double co, si;
        phase(rope, precision, m, static_cast<int>(i), &co, &si);
        q[i] = c.query[i] * co - c.query[i + P] * si;
        q[i + P] = c.query[i + P] * co + c.query[i] * si;
    }
    return q;
}

// Reference logit of one key: rotate the key's content at its position, dot with the rotated query.
double reference_logit(const RopeResult& rope, const Content& c, const kernels::Tables& lookup,
                       PhasePrecision precision, const std::vector<double>& q_rot, std::int64_t n) {
    const auto& key = c.keys[static_cast<std::size_t>(kernels::content_row(n, lookup))];
    const auto P = static_cast<std::size_t>(c.pairs);
    double dot = 0;
    for (std::size_t i = 0; i < P; ++i) {
        double co, si;
        phase(rope, precision, n, static_cast<int>(i), &co, &si);
        const double kr = key[i] * co - key[i + P] * si;
        const double ki = key[i + P] * co + key[i] * si;
        dot += q_rot[i] * kr + q_rot[i + P] * ki;
    }
    for (std::size_t j = 2 * P; j < static_cast<std::size_t>(c.dim); ++j) dot += q_rot[j] * key[j];
    return dot * c.scale;
}

// ---------------------------------------------------------------------------------------------
// Chunks: consecutive key positions with one frequency set.

struct ChunkSpec {
    std::int64_t first_index = 0;  // index of the first key
    std::int64_t count = 0;
    int segment = 0;               // 0: scaled frequencies, 1: original (LongRoPE positions < n_hat)
};

// The chunk size depends on N only (not on the thread count), so results do not depend on threads.
std::vector<ChunkSpec> make_chunks(const RopeResult& rope, std::int64_t first_key, std::int64_t n) {
    std::int64_t size = (n / 8 + kLanes - 1) / kLanes * kLanes;
    size = std::clamp<std::int64_t>(size, 16 * kLanes, std::int64_t{kernels::kMaxChunkBlocks} * kLanes);
    std::vector<ChunkSpec> chunks;
    const std::int64_t split = std::clamp<std::int64_t>(rope.n_hat - first_key, 0, n);  // keys before n_hat
    auto add = [&](std::int64_t begin, std::int64_t end, int segment) {
        for (std::int64_t s = begin; s < end; s += size) chunks.push_back({s, std::min(size, end - s), segment});
    };
    add(0, split, 1);
    add(split, n, 0);
    return chunks;
}

struct RefStats {
    double max = 0, min = 0, sum_exp = 0, sum_exp_x = 0;
    std::int64_t argmax = 0;
};

// ---------------------------------------------------------------------------------------------
// Metrics from the logits (float for the fast path, double for the reference).

struct Summary {
    double max = 0, min = 0, log_z = 0, entropy = 0;
    std::int64_t argmax_index = 0;
};

// Largest logit of each chunk, so that the side-peak search skips whole chunks.
struct ChunkMax {
    std::int64_t first = 0, count = 0;
    double max = 0;
};

template <class T>
void fill_metrics(const T* x, std::int64_t n, const Summary& s, const std::vector<ChunkMax>& chunk_max,
                  const AttentionOptions& o, std::int64_t m, std::int64_t target_position, AttentionResult& r) {
    AttentionMetrics& mt = r.metrics;
    const std::int64_t first = o.first_key;
    const std::int64_t t = target_position - first;
    auto at = [&](std::int64_t k) { return static_cast<double>(x[k]); };
    mt.target_position = target_position;
    mt.argmax = first + s.argmax_index;
    mt.argmax_distance = m - mt.argmax;
    mt.argmax_error = std::abs(mt.argmax - target_position);
    mt.logit_max = s.max;
    mt.logit_min = s.min;
    mt.log_normalizer = s.log_z;
    mt.target_weight = std::exp(at(t) - s.log_z);
    mt.max_weight = std::exp(s.max - s.log_z);
    mt.entropy = s.entropy;
    mt.entropy_normalized = n > 1 ? s.entropy / std::log(static_cast<double>(n)) : 0.0;
    const double spread = s.max - s.min;
    mt.adjacent_distinguishability = (t >= 1 && spread > 0) ? (at(t) - at(t - 1)) / spread
                                                            : std::numeric_limits<double>::quiet_NaN();

    // Climb from the target to its local maximum.
    std::int64_t p = t;
    for (;;) {
        const double here = at(p);
        const double right = p + 1 < n ? at(p + 1) : -INFINITY;
        const double left = p > 0 ? at(p - 1) : -INFINITY;
        if (right > here && right >= left) ++p;
        else if (left > here) --p;
        else break;
    }
    const double peak = at(p);
    // Half maximum of the weight: logit - ln 2. Interpolate the weights linearly between keys.
    const double half = peak - std::log(2.0);
    auto w = [&](std::int64_t k) { return std::exp(at(k) - peak); };
    mt.peak_width_truncated = false;
    std::int64_t j = p;
    while (j > 0 && at(j - 1) >= half) --j;
    double left_x;
    if (j == 0) {
        left_x = 0;
        mt.peak_width_truncated = true;
    } else {
        const double w0 = w(j - 1), w1 = w(j);
        left_x = static_cast<double>(j - 1) + (0.5 - w0) / (w1 - w0);
    }
    j = p;
    while (j + 1 < n && at(j + 1) >= half) ++j;
    double right_x;
    if (j == n - 1) {
        right_x = static_cast<double>(n - 1);
        mt.peak_width_truncated = true;
    } else {
        const double w0 = w(j), w1 = w(j + 1);
        right_x = static_cast<double>(j) + (w0 - 0.5) / (w0 - w1);
    }
    mt.peak_width = right_x - left_x;
    if (mt.peak_width_truncated && n == 1) mt.peak_width = 1;

    // Main lobe: down to the first local minimum on each side; side peak: the largest logit outside.
    std::int64_t lo = p, hi = p;
    while (lo > 0 && at(lo - 1) <= at(lo)) --lo;
    while (hi + 1 < n && at(hi + 1) <= at(hi)) ++hi;
    double outside = -INFINITY;
    for (const ChunkMax& c : chunk_max) {
        const std::int64_t end = c.first + c.count;
        if (end <= lo || c.first > hi) {
            outside = std::max(outside, c.max);
            continue;
        }
        for (std::int64_t k = c.first; k < std::min(end, lo); ++k) outside = std::max(outside, at(k));
        for (std::int64_t k = std::max(c.first, hi + 1); k < end; ++k) outside = std::max(outside, at(k));
    }
    mt.side_peak_ratio = std::isfinite(outside) ? std::exp(outside - peak) : 0.0;

    // Returned windows.
    const std::int64_t w_lo = std::max<std::int64_t>(0, t - o.window_radius);
    const std::int64_t w_hi = std::min<std::int64_t>(n - 1, t + o.window_radius);
    r.window_first = first + w_lo;
    r.window_logits.clear();
    r.window_weights.clear();
    for (std::int64_t k = w_lo; k <= w_hi; ++k) {
        r.window_logits.push_back(at(k));
        r.window_weights.push_back(std::exp(at(k) - s.log_z));
    }
    r.overview_weights.clear();
    r.overview_bin_keys = 0;
    if (o.overview_bins > 0) {
        const std::int64_t bins = std::min<std::int64_t>(o.overview_bins, n);
        r.overview_bin_keys = static_cast<double>(n) / static_cast<double>(bins);
        for (std::int64_t b = 0; b < bins; ++b) {
            const std::int64_t b0 = b * n / bins, b1 = (b + 1) * n / bins;
            double mx = -INFINITY;
            for (std::int64_t k = b0; k < b1; ++k) mx = std::max(mx, at(k));
            r.overview_weights.push_back(std::exp(mx - s.log_z));
        }
    }
    if (o.keep_logits) r.logits.assign(x, x + n);
}

// CPU time of the process (all threads), ms; 0 where unavailable.
double process_cpu_ms() {
    timespec t{};
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t) != 0) return 0;
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) * 1e-6;
}

double ms_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

Error option_error(const std::string& field, const std::string& message) { return Error{field, field + ": " + message}; }

}  // namespace

// ---------------------------------------------------------------------------------------------
// The engine

struct AttentionEngine::Impl {
    WorkerPool pool;
    // Per-thread workspace.
    struct Scratch {
        std::vector<float> ctile, otile, row;
        std::vector<double> anchor;
    };
    std::vector<Scratch> scratch;
    // Shared tables (two frequency sets: [0] scaled, [1] original below n_hat).
    std::vector<float> lk[2], lt_re[2], lt_im[2], theta[2];
    std::vector<double> alpha_re[2], alpha_im[2], step_re[2], step_im[2];
    std::vector<float> content_re, content_im, content_const;
    std::vector<float> fast_logits;
    std::vector<double> ref_logits;
    std::vector<ChunkStats> stats;
    std::vector<RefStats> ref_stats;
    std::vector<ChunkMax> chunk_max;
    std::vector<double> table_freq[2];  // frequencies the lane tables were built for
    std::int64_t fast_count = 0, ref_count = 0;
};

AttentionEngine::AttentionEngine() : impl_(std::make_unique<Impl>()) {}
AttentionEngine::~AttentionEngine() = default;

std::span<const float> AttentionEngine::fast_logits() const {
    return {impl_->fast_logits.data(), static_cast<std::size_t>(impl_->fast_count)};
}
std::span<const double> AttentionEngine::reference_logits() const {
    return {impl_->ref_logits.data(), static_cast<std::size_t>(impl_->ref_count)};
}

namespace {

Status validate_options(const RopeResult& rope, const AttentionOptions& o) {
    if (o.num_keys < 1 || o.num_keys > kMaxAttentionKeys)
        return option_error("num_keys", format_number(static_cast<double>(o.num_keys)) +
                                            " is out of range; use 1 to " +
                                            format_number(static_cast<double>(kMaxAttentionKeys)) + " keys.");
    if (o.first_key < 0 || o.first_key > kMaxContext - o.num_keys)
        return option_error("first_key", format_number(static_cast<double>(o.first_key)) +
                                             " is out of range; keys must lie in positions 0 to " +
                                             format_number(static_cast<double>(kMaxContext)) + ".");
    if (o.query_position < -1 || o.query_position > kMaxContext)
        return option_error("query_position", format_number(static_cast<double>(o.query_position)) +
                                                  " is out of range; use 0 to " +
                                                  format_number(static_cast<double>(kMaxContext)) +
                                                  " (or -1 for the last key).");
    if (!std::isfinite(o.noise) || o.noise < 0)
        return option_error("noise", format_number(o.noise) + " is not allowed; use a finite value >= 0.");
    if (!std::isfinite(o.query_scale) || o.query_scale <= 0 || o.query_scale > 1e6)
        return option_error("query_scale", format_number(o.query_scale) + " is not allowed; use a value in (0, 1e6].");
    if (o.threads < 0 || o.threads > 256)
        return option_error("threads", format_number(o.threads) + " is out of range; use 1 to 256 (0: all cores).");
    if (o.window_radius < 0 || o.window_radius > 1000000)
        return option_error("window_radius", format_number(o.window_radius) + " is out of range; use 0 to 1000000.");
    if (o.overview_bins < 0 || o.overview_bins > 1000000)
        return option_error("overview_bins", format_number(o.overview_bins) + " is out of range; use 0 to 1000000.");
    if (rope.num_pairs() < 1)
        return option_error("head_dim", "the rotary dimension is " + format_number(2 * rope.num_pairs()) +
                                            "; the attention kernel needs at least one rotary pair.");
    const int dim = std::max(rope.setup.head_dim, rope.rotary_dim);
    if (dim > kMaxAttentionHeadDim)
        return option_error("head_dim", format_number(dim) + " is too large for the attention kernel; use at most " +
                                            format_number(kMaxAttentionHeadDim) + ".");
    const std::int64_t m = o.query_position >= 0 ? o.query_position : o.first_key + o.num_keys - 1;
    const std::int64_t d = o.target_distance != kAutoTargetDistance ? o.target_distance : o.num_keys / 2;
    const std::int64_t last = o.first_key + o.num_keys - 1;
    if ((m - d < o.first_key || m - d > last) && o.target_distance == kAutoTargetDistance && o.query_position >= 0)
        return option_error("query_position",
                            format_number(static_cast<double>(m)) + " with the default distance N/2 = " +
                                format_number(static_cast<double>(d)) + " puts the target at position " +
                                format_number(static_cast<double>(m - d)) + ", outside the keys " +
                                format_number(static_cast<double>(o.first_key)) + " to " +
                                format_number(static_cast<double>(last)) + "; use a query position from " +
                                format_number(static_cast<double>(o.first_key + d)) + " to " +
                                format_number(static_cast<double>(last + d)) + ", or give the distance too.");
    if (m - d < o.first_key || m - d > last)
        return option_error("target_distance",
                            format_number(static_cast<double>(d)) + " puts the target at position " +
                                format_number(static_cast<double>(m - d)) + ", outside the keys " +
                                format_number(static_cast<double>(o.first_key)) + " to " +
                                format_number(static_cast<double>(last)) + " (query at " +
                                format_number(static_cast<double>(m)) + "); use a distance from " +
                                format_number(static_cast<double>(m - last)) + " to " +
                                format_number(static_cast<double>(m - o.first_key)) + ".");
    return Ok{};
}

int resolve_threads(int threads) {
    if (threads > 0) return threads;
    const unsigned hw = std::thread::hardware_concurrency();
    return hw == 0 ? 1 : static_cast<int>(std::min(hw, 256u));
}

}  // namespace

Result<AttentionResult> AttentionEngine::run(const RopeResult& rope, const AttentionOptions& options,
                                             const RunControl& control) {
    if (auto status = validate_options(rope, options); !status) return status.error();
    Impl& im = *impl_;
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = process_cpu_ms();

    AttentionOptions o = options;
    const std::int64_t n = o.num_keys;
    const std::int64_t m = o.query_position >= 0 ? o.query_position : o.first_key + n - 1;
    const std::int64_t distance = o.target_distance != kAutoTargetDistance ? o.target_distance : n / 2;
    const std::int64_t target = m - distance;

    AttentionResult r;
    r.kind = rope.kind;
    r.path = o.path;
    r.content = o.content;
    r.precision = o.precision;
    r.num_keys = n;
    r.first_key = o.first_key;
    r.query_position = m;
    r.target_distance = distance;
    if (o.precision == PhasePrecision::Fp16 && std::max(m, o.first_key + n - 1) > 65504)
        r.warnings.push_back("fp16 cannot hold positions above 65504 (they overflow to infinity); they are "
                             "clamped to 65504 here, so those keys share one phase.");

    const Content content = make_content(rope, o, distance, target);
    r.head_dim = content.dim;
    const std::vector<ChunkSpec> chunks = make_chunks(rope, o.first_key, n);
    // A thread's wake-up costs about as much as the fast path spends on 10-20 thousand keys, so it
    // gets at least kFastKeysPerThread keys; the reference is slow enough to use every thread.
    constexpr std::int64_t kFastKeysPerThread = 16384;
    const std::int64_t useful = o.path == KernelPath::Fast ? std::max<std::int64_t>(1, n / kFastKeysPerThread)
                                                           : static_cast<std::int64_t>(chunks.size());
    const int threads = static_cast<int>(std::min<std::int64_t>(
        {static_cast<std::int64_t>(resolve_threads(o.threads)), static_cast<std::int64_t>(chunks.size()), useful}));
    r.threads = threads;
    const kernels::Ops& ops = ops_for(o.isa);
    r.isa = o.path == KernelPath::Fast ? ops.name : "scalar";

    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> done{0};
    std::atomic<bool> stopped{false};
    const std::size_t total = chunks.size();
    auto cancelled = [&] {
        if (control.cancel && control.cancel->load(std::memory_order_relaxed)) stopped.store(true);
        return stopped.load(std::memory_order_relaxed);
    };
    auto report = [&](int worker) {
        if (worker == 0 && control.progress)
            control.progress(static_cast<double>(done.load()) / static_cast<double>(total));
    };

    const int P = content.pairs;
    const int P8 = (P + 7) / 8 * 8;
    const kernels::Tables lookup = content_lookup(content);
    Summary summary;

    if (o.path == KernelPath::Reference) {
        im.ref_logits.resize(static_cast<std::size_t>(n));
        im.ref_count = 0;
        im.ref_stats.assign(total, RefStats{});
        const std::vector<double> q_rot = rotate_query(rope, content, o.precision, m);
        const std::function<void(int)> job = [&](int worker) {
            for (;;) {
                if (cancelled()) return;
                const std::size_t k = next.fetch_add(1);
                if (k >= total) return;
                const ChunkSpec& ch = chunks[k];
                RefStats st;
                double* x = im.ref_logits.data() + ch.first_index;
                for (std::int64_t j = 0; j < ch.count; ++j)
                    x[j] = reference_logit(rope, content, lookup, o.precision, q_rot, o.first_key + ch.first_index + j);
                st.max = st.min = x[0];
                for (std::int64_t j = 0; j < ch.count; ++j) {
                    if (x[j] > st.max) {
                        st.max = x[j];
                        st.argmax = j;
                    }
                    st.min = std::min(st.min, x[j]);
                }
                for (std::int64_t j = 0; j < ch.count; ++j) {
                    const double e = std::exp(x[j] - st.max);
                    st.sum_exp += e;
                    st.sum_exp_x += e * (x[j] - st.max);
                }
                im.ref_stats[k] = st;
                done.fetch_add(1);
                report(worker);
            }
        };
        im.pool.run(threads, job);
        if (stopped.load()) return Error{std::string(kCancelledField), "attention: cancelled."};
        summary.max = -INFINITY;
        summary.min = INFINITY;
        for (std::size_t k = 0; k < total; ++k) {
            if (im.ref_stats[k].max > summary.max) {
                summary.max = im.ref_stats[k].max;
                summary.argmax_index = chunks[k].first_index + im.ref_stats[k].argmax;
            }
            summary.min = std::min(summary.min, im.ref_stats[k].min);
        }
        double s1 = 0, s2 = 0;
        for (std::size_t k = 0; k < total; ++k) {
            const RefStats& st = im.ref_stats[k];
            const double f = std::exp(st.max - summary.max), shift = st.max - summary.max;
            s1 += f * st.sum_exp;
            s2 += f * (st.sum_exp_x + shift * st.sum_exp);
        }
        summary.log_z = summary.max + std::log(s1);
        summary.entropy = std::log(s1) - s2 / s1;
        im.ref_count = n;
    } else {
        // Tables for each frequency set in use.
        bool used[2] = {false, false};
        for (const auto& ch : chunks) used[ch.segment] = true;
        std::vector<double> are(static_cast<std::size_t>(P8), 0.0), aim(static_cast<std::size_t>(P8), 0.0);
        const bool exact = o.precision == PhasePrecision::Fp64;
        const bool shared = content.pool == 0;
        std::vector<kernels::Tables> tables(2);
        // Per-key content rows: rotor kernel (a_h, exact phases) or phase kernel (a_h Q scale).
        const std::size_t rows = content.keys.size();
        im.content_re.assign(rows * static_cast<std::size_t>(P8), 0.0f);
        im.content_im.assign(rows * static_cast<std::size_t>(P8), 0.0f);
        im.content_const.assign(rows, 0.0f);
        std::vector<double> q_re(static_cast<std::size_t>(P8), 0.0), q_im(static_cast<std::size_t>(P8), 0.0);
        if (!exact) {
            for (int i = 0; i < P; ++i) phase(rope, o.precision, m, i, &q_re[static_cast<std::size_t>(i)], &q_im[static_cast<std::size_t>(i)]);
        }
        for (std::size_t h = 0; h < rows; ++h) {
            double pass = 0;
            content_product(content, content.keys[h], are.data(), aim.data(), &pass);
            im.content_const[h] = static_cast<float>(pass * content.scale);
            for (std::size_t i = 0; i < static_cast<std::size_t>(P); ++i) {
                double xr = are[i], xi = aim[i];
                if (!exact) {  // a_h Q scale
                    const double yr = (xr * q_re[i] - xi * q_im[i]) * content.scale;
                    const double yi = (xr * q_im[i] + xi * q_re[i]) * content.scale;
                    xr = yr;
                    xi = yi;
                }
                im.content_re[h * static_cast<std::size_t>(P8) + i] = static_cast<float>(xr);
                im.content_im[h * static_cast<std::size_t>(P8) + i] = static_cast<float>(xi);
            }
        }
        // Shared content product for the GEMM (double).
        double shared_pass = 0;
        content_product(content, content.keys[shared ? 0 : rows - 1], are.data(), aim.data(), &shared_pass);
        for (int s = 0; s < 2; ++s) {
            if (!used[s]) continue;
            const auto& freq = s == 0 ? rope.inv_freq : rope.inv_freq_original;
            kernels::Tables& t = tables[static_cast<std::size_t>(s)];
            t = lookup;
            t.pairs8 = P8;
            t.constant = static_cast<float>(shared_pass * content.scale);
            t.content_re = im.content_re.data();
            t.content_im = im.content_im.data();
            t.content_const = im.content_const.data();
            const auto p8 = static_cast<std::size_t>(P8);
            if (exact) {
                auto& lk = im.lk[s];
                auto& ltr = im.lt_re[s];
                auto& lti = im.lt_im[s];
                if (im.table_freq[s] != freq || lk.size() != 2 * p8 * kLanes) {
                    // Lane tables and block steps depend on the frequencies only: kept across runs.
                    im.table_freq[s] = freq;
                    lk.assign(2 * p8 * kLanes, 0.0f);
                    ltr.assign(p8 * kLanes, 0.0f);
                    lti.assign(p8 * kLanes, 0.0f);
                    im.step_re[s].assign(p8, 1.0);
                    im.step_im[s].assign(p8, 0.0);
                    for (std::size_t i = 0; i < p8; ++i) {
                        const double th = i < static_cast<std::size_t>(P) ? freq[i] : 0.0;
                        for (std::size_t l = 0; l < static_cast<std::size_t>(kLanes); ++l) {
                            const double a = static_cast<double>(l) * th;
                            const float co = static_cast<float>(std::cos(a)), si = static_cast<float>(std::sin(a));
                            lk[(2 * i) * kLanes + l] = co;
                            lk[(2 * i + 1) * kLanes + l] = si;
                            ltr[l * p8 + i] = co;
                            lti[l * p8 + i] = -si;
                        }
                        im.step_re[s][i] = std::cos(kLanes * th);
                        im.step_im[s][i] = -std::sin(kLanes * th);
                    }
                }
                im.alpha_re[s].assign(p8, 0.0);
                im.alpha_im[s].assign(p8, 0.0);
                for (std::size_t i = 0; i < p8; ++i) {
                    if (i < static_cast<std::size_t>(P)) {
                        // E_i scale (rotor) or a_i E_i scale (gemm).
                        const double am = rope.angle(m, static_cast<int>(i));
                        const double er = std::cos(am) * content.scale, ei = std::sin(am) * content.scale;
                        if (shared) {
                            im.alpha_re[s][i] = are[i] * er - aim[i] * ei;
                            im.alpha_im[s][i] = are[i] * ei + aim[i] * er;
                        } else {
                            im.alpha_re[s][i] = er;
                            im.alpha_im[s][i] = ei;
                        }
                    }
                }
                t.lk = lk.data();
                t.lt_re = ltr.data();
                t.lt_im = lti.data();
                t.alpha_re = im.alpha_re[s].data();
                t.alpha_im = im.alpha_im[s].data();
                t.step_re = im.step_re[s].data();
                t.step_im = im.step_im[s].data();
            } else {
                auto& th = im.theta[s];
                th.assign(p8, 0.0f);
                for (std::size_t i = 0; i < static_cast<std::size_t>(P); ++i)
                    th[i] = static_cast<float>(round_to_precision(freq[i], o.precision));
                t.theta = th.data();
                t.format = o.precision == PhasePrecision::Fp32   ? kernels::PhaseFormat::Fp32
                           : o.precision == PhasePrecision::Bf16 ? kernels::PhaseFormat::Bf16
                                                                 : kernels::PhaseFormat::Fp16;
            }
        }
        void (*kernel)(const kernels::Chunk&) = !exact ? ops.phase_chunk : shared ? ops.gemm_chunk : ops.rotor_chunk;

        im.fast_logits.resize(static_cast<std::size_t>(n));
        im.fast_count = 0;
        im.stats.assign(total, ChunkStats{});
        if (im.scratch.size() < static_cast<std::size_t>(threads)) im.scratch.resize(static_cast<std::size_t>(threads));
        for (int w = 0; w < threads; ++w) {
            auto& sc = im.scratch[static_cast<std::size_t>(w)];
            const auto p8 = static_cast<std::size_t>(P8);
            sc.ctile.resize(kernels::kTileBlocks * 2 * p8);
            sc.otile.resize(kernels::kTileKeys);
            sc.row.resize(8 * p8);
            sc.anchor.resize(2 * p8);
        }
        const std::function<void(int)> job = [&](int worker) {
            auto& sc = im.scratch[static_cast<std::size_t>(worker)];
            const auto p8 = static_cast<std::size_t>(P8);
            double* anchor_re = sc.anchor.data();
            double* anchor_im = sc.anchor.data() + p8;
            for (;;) {
                if (cancelled()) return;
                const std::size_t k = next.fetch_add(1);
                if (k >= total) return;
                const ChunkSpec& ch = chunks[k];
                const kernels::Tables& t = tables[static_cast<std::size_t>(ch.segment)];
                const std::int64_t first_position = o.first_key + ch.first_index;
                if (exact) {
                    // Exact anchor: e^{-i n t_i} from the double angle n t_i (std::cos/sin reduce exactly).
                    const auto& freq = ch.segment == 0 ? rope.inv_freq : rope.inv_freq_original;
                    for (std::size_t i = 0; i < p8; ++i) {
                        const double a = i < static_cast<std::size_t>(P) ? static_cast<double>(first_position) * freq[i] : 0.0;
                        anchor_re[i] = std::cos(a);
                        anchor_im[i] = -std::sin(a);
                    }
                }
                kernels::Chunk c{};
                c.tables = &t;
                c.first_position = first_position;
                c.count = ch.count;
                c.anchor_re = anchor_re;
                c.anchor_im = anchor_im;
                c.ctile = sc.ctile.data();
                c.otile = sc.otile.data();
                c.row = sc.row.data();
                c.logits = im.fast_logits.data() + ch.first_index;
                c.stats = &im.stats[k];
                kernel(c);
                done.fetch_add(1);
                report(worker);
            }
        };
        im.pool.run(threads, job);
        if (stopped.load()) return Error{std::string(kCancelledField), "attention: cancelled."};
        summary.max = -INFINITY;
        summary.min = INFINITY;
        for (std::size_t k = 0; k < total; ++k) {
            if (im.stats[k].max > summary.max) {
                summary.max = im.stats[k].max;
                summary.argmax_index = chunks[k].first_index + im.stats[k].argmax;
            }
            summary.min = std::min<double>(summary.min, im.stats[k].min);
        }
        double s1 = 0, s2 = 0;
        for (std::size_t k = 0; k < total; ++k) {
            const ChunkStats& st = im.stats[k];
            const double shift = static_cast<double>(st.max) - summary.max;
            const double f = std::exp(shift);
            s1 += f * st.sum_exp;
            s2 += f * (st.sum_exp_x + shift * st.sum_exp);
        }
        summary.log_z = summary.max + std::log(s1);
        summary.entropy = std::log(s1) - s2 / s1;
        im.fast_count = n;
    }
    r.kernel_ms = ms_since(start);
    r.kernel_cpu_ms = process_cpu_ms() - cpu_start;
    if (control.progress) control.progress(1.0);

    const auto metrics_start = std::chrono::steady_clock::now();
    im.chunk_max.resize(total);
    for (std::size_t k = 0; k < total; ++k)
        im.chunk_max[k] = {chunks[k].first_index, chunks[k].count,
                           o.path == KernelPath::Reference ? im.ref_stats[k].max : static_cast<double>(im.stats[k].max)};
    if (o.path == KernelPath::Reference) fill_metrics(im.ref_logits.data(), n, summary, im.chunk_max, o, m, target, r);
    else fill_metrics(im.fast_logits.data(), n, summary, im.chunk_max, o, m, target, r);
    r.metrics_ms = ms_since(metrics_start);
    r.flops = 2.0 * content.dim * static_cast<double>(n);
    r.gflops = r.kernel_ms > 0 ? r.flops / (r.kernel_ms * 1e6) : 0.0;
    return r;
}

Result<AttentionResult> compute_attention(const RopeResult& rope, const AttentionOptions& options,
                                          const RunControl& control) {
    AttentionEngine engine;
    return engine.run(rope, options, control);
}

// ---------------------------------------------------------------------------------------------
// Resolution curve and logit matrix

std::vector<std::int64_t> resolution_distances(int points, std::int64_t max_distance) {
    std::vector<std::int64_t> out;
    for (const double d : distance_grid(GridKind::Log, points, max_distance))
        if (d >= 1) out.push_back(static_cast<std::int64_t>(d));
    return out;
}

Result<ResolutionCurve> resolution_curve(AttentionEngine& engine, const RopeResult& rope,
                                         const ResolutionOptions& options, const RunControl& control) {
    if (options.points < 2 || options.points > 1000)
        return option_error("points", format_number(options.points) + " is out of range; use 2 to 1000.");
    std::int64_t max_distance = options.max_distance > 0 ? options.max_distance : rope.target_context;
    if (max_distance < 1 || max_distance > kMaxAttentionKeys - 1)
        return option_error("max_distance", format_number(static_cast<double>(max_distance)) +
                                                " is out of range; use 1 to " +
                                                format_number(static_cast<double>(kMaxAttentionKeys - 1)) + ".");
    ResolutionCurve curve;
    curve.kind = rope.kind;
    curve.num_keys = max_distance + 1;
    const std::vector<std::int64_t> distances = resolution_distances(options.points, max_distance);
    for (std::size_t k = 0; k < distances.size(); ++k) {
        AttentionOptions o = options.attention;
        o.num_keys = max_distance + 1;
        o.first_key = 0;
        o.query_position = max_distance;
        o.target_distance = distances[k];
        o.keep_logits = false;
        o.overview_bins = 0;
        o.window_radius = 0;
        RunControl inner;
        inner.cancel = control.cancel;
        if (control.progress) {
            const double base = static_cast<double>(k), count = static_cast<double>(distances.size());
            inner.progress = [&, base, count](double f) { control.progress((base + f) / count); };
        }
        auto result = engine.run(rope, o, inner);
        if (!result) return result.error();
        curve.points.push_back({distances[k], result->metrics});
        curve.kernel_ms += result->kernel_ms;
    }
    return curve;
}

Result<std::vector<double>> logit_matrix(const RopeResult& rope, const AttentionOptions& options,
                                         std::span<const std::int64_t> query_positions,
                                         std::span<const std::int64_t> key_positions) {
    if (query_positions.size() * key_positions.size() > 1000000)
        return option_error("key_positions", format_number(static_cast<double>(query_positions.size())) + " x " +
                                                 format_number(static_cast<double>(key_positions.size())) +
                                                 " entries is too many; use at most 1000000.");
    for (const auto p : query_positions)
        if (p < 0 || p > kMaxContext)
            return option_error("query_positions", format_number(static_cast<double>(p)) + " is out of range; use 0 to " +
                                                       format_number(static_cast<double>(kMaxContext)) + ".");
    for (const auto p : key_positions)
        if (p < 0 || p > kMaxContext)
            return option_error("key_positions", format_number(static_cast<double>(p)) + " is out of range; use 0 to " +
                                                     format_number(static_cast<double>(kMaxContext)) + ".");
    if (rope.num_pairs() < 1) return option_error("head_dim", "the attention kernel needs at least one rotary pair.");
    const std::int64_t m = options.query_position >= 0 ? options.query_position : options.first_key + options.num_keys - 1;
    const std::int64_t d = options.target_distance != kAutoTargetDistance ? options.target_distance : options.num_keys / 2;
    const Content content = make_content(rope, options, d, m - d);
    const kernels::Tables lookup = content_lookup(content);
    std::vector<double> out;
    out.reserve(query_positions.size() * key_positions.size());
    for (const auto q : query_positions) {
        const std::vector<double> q_rot = rotate_query(rope, content, options.precision, q);
        for (const auto k : key_positions) out.push_back(reference_logit(rope, content, lookup, options.precision, q_rot, k));
    }
    return out;
}

}  // namespace ropescope
