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
#include "attention_memory.h"
#include "ropescope/decay.h"
#include "ropescope/validate.h"

namespace ropescope {

namespace {

using kernels::ChunkStats;
using kernels::kLanes;

constexpr int kPoolSize = 256;  // distinct distractor contents (needle)
// The needle's rows (distractors and the needle) fit the pool kernels: every per-key content takes
// them, and no kernel handles larger pools.
static_assert(kPoolSize + 1 <= kernels::kMaxPoolEntries, "the needle's pool must fit the pool kernels");

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

// The kernels for `isa`; null when this CPU cannot run them.
const kernels::Ops* ops_for(KernelIsa isa) {
    switch (isa) {
        case KernelIsa::Best:
            if (const kernels::Ops* avx512 = kernels::avx512_ops()) return avx512;
            if (const kernels::Ops* avx2 = kernels::avx2_ops()) return avx2;
            return &kernels::portable_ops();
        case KernelIsa::Avx512: return kernels::avx512_ops();
        case KernelIsa::Avx2: return kernels::avx2_ops();
        case KernelIsa::Portable: return &kernels::portable_ops();
    }
    return &kernels::portable_ops();
}

constexpr Named kIsaNames[] = {{"best", static_cast<int>(KernelIsa::Best)},
                               {"avx512", static_cast<int>(KernelIsa::Avx512)},
                               {"avx2", static_cast<int>(KernelIsa::Avx2)},
                               {"portable", static_cast<int>(KernelIsa::Portable)}};

}  // namespace

std::string_view kernel_isa_name(KernelIsa isa) {
    const kernels::Ops* ops = ops_for(isa);
    return ops ? ops->name : "unsupported";
}
bool kernel_isa_supported(KernelIsa isa) { return ops_for(isa) != nullptr; }
std::optional<KernelIsa> kernel_isa_from_name(std::string_view name) { return parse_named<KernelIsa>(name, kIsaNames); }

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

// The needle's standard normal draws, before scaling: the query (H numbers, also the needle's key)
// and kPoolSize distractor keys of H each. They depend on the seed and H only, and drawing them
// (a log, a sine and a cosine per two numbers) took an engine run about 0.5 ms, more than the
// kernel spends on 64K keys, so an engine keeps them (make_content's `cache`).
struct NeedleDraws {
    std::uint64_t seed = 0;
    std::size_t dim = 0;
    std::vector<double> query;
    std::vector<double> keys;  // kPoolSize * dim
};
const NeedleDraws& needle_draws(std::uint64_t seed, std::size_t H, NeedleDraws& cache) {
    if (cache.dim == H && cache.seed == seed && !cache.query.empty()) return cache;
    cache.seed = seed;
    cache.dim = H;
    cache.query.resize(H);
    cache.keys.resize(static_cast<std::size_t>(kPoolSize) * H);
    Gaussian gq(seed, 0xFFFFFFFFull);
    for (auto& v : cache.query) v = gq.next();
    for (int h = 0; h < kPoolSize; ++h) {
        Gaussian gk(seed, static_cast<std::uint64_t>(h));
        for (std::size_t j = 0; j < H; ++j) cache.keys[static_cast<std::size_t>(h) * H + j] = gk.next();
    }
    return cache;
}

// cache: where to keep the needle's draws between calls (an engine's); null draws them anew.
Content make_content(const RopeResult& rope, const AttentionOptions& o, std::int64_t target_distance,
                     std::int64_t target_position, NeedleDraws* cache = nullptr) {
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
            NeedleDraws local;
            const NeedleDraws& draws = needle_draws(o.seed, H, cache ? *cache : local);
            for (std::size_t j = 0; j < H; ++j) c.query[j] = o.query_scale * draws.query[j];
            c.keys.resize(kPoolSize + 1);
            for (int h = 0; h < kPoolSize; ++h) {
                auto& key = c.keys[static_cast<std::size_t>(h)];
                key.resize(H);
                const double* unit = draws.keys.data() + static_cast<std::size_t>(h) * H;
                for (std::size_t j = 0; j < H; ++j) key[j] = o.noise * unit[j];
            }
            c.keys[kPoolSize] = draws.query;
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
    std::int64_t nonfinite = 0, first_nonfinite = -1;  // as ChunkStats
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

// The error of a run whose logit at `position` is NaN or infinite (the inputs are validated so
// that this cannot happen; if it does anyway, the run stops with this instead of reading garbage).
Error nonfinite_error(std::int64_t position, double value, std::int64_t count) {
    return Error{std::string(kNonFiniteField),
                 std::string(kNonFiniteField) + ": the logit of the key at position " +
                     format_number(static_cast<double>(position)) + " is " + format_number(value) + " (" +
                     format_number(static_cast<double>(count)) +
                     " keys in all); every logit must be finite: lower noise or query_scale, or check the "
                     "method's frequencies."};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The engine

struct AttentionEngine::Impl {
    WorkerPool pool;
    // Per-thread workspace.
    struct Scratch {
        std::vector<float> ctile, otile, row;
        std::vector<int> pairs;
        std::vector<double> anchor;
    };
    std::vector<Scratch> scratch;
    // Shared tables (two frequency sets: [0] scaled, [1] original below n_hat).
    KernelTable lk[2];  // read at random by the kernels: on huge pages (attention_memory.h)
    std::vector<float> theta[2];
    std::vector<double> alpha_re[2], alpha_im[2], step_re[2], step_im[2];
    KernelTable content_re, content_im;
    std::vector<float> content_const;
    std::vector<float> fast_logits;
    std::vector<double> ref_logits;
    std::vector<ChunkStats> stats;
    std::vector<RefStats> ref_stats;
    std::vector<ChunkMax> chunk_max;
    std::vector<double> table_freq[2];  // frequencies the lane tables were built for
    std::vector<double> run_freq[2];    // frequencies of the current run (padded to the pairs8)
    // The pool kernel's keys sorted by content row (they depend on positions and the seed only).
    struct PoolOrder {
        std::uint64_t seed = 0;
        std::int64_t first_key = -1, num_keys = 0, needle_position = -1, split = -1;
        int entries = 0;
        bool valid = false;
        std::vector<unsigned short> order;    // per key
        std::vector<int> row_ends;            // per superblock, `entries` each
        std::vector<std::size_t> superblock;  // per chunk: index of its first superblock
    } pool_order;
    NeedleDraws needle_draws;    // the needle content's random numbers (make_content)
    KernelTable pool_lanes[2];   // pool kernel's lane rows, and the frequencies they were built for
    std::vector<double> pool_step_re[2], pool_step_im[2], pool_freq[2];
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

// The checks that keep every logit finite: contents (noise, query_scale), the method's
// frequencies up to `last_position` and its logit scale.
Status validate_content(const RopeResult& rope, const AttentionOptions& o, std::int64_t last_position) {
    // Contents stay below about 1e6 * 6 per component, so every logit stays far below float's
    // 3.4e38 for any head_dim the kernel accepts.
    if (!std::isfinite(o.noise) || o.noise < 0 || o.noise > kMaxAttentionNoise)
        return option_error("noise", format_number(o.noise) + " is not allowed; use a value from 0 to " +
                                         format_number(kMaxAttentionNoise) + " (larger values overflow the logits).");
    if (!std::isfinite(o.query_scale) || o.query_scale <= 0 || o.query_scale > kMaxQueryScale)
        return option_error("query_scale", format_number(o.query_scale) + " is not allowed; use a value in (0, " +
                                               format_number(kMaxQueryScale) + "] (larger values overflow the logits).");
    // Frequencies and the logit scale come from the method; a tiny factor (a subnormal, say) can
    // make them infinite, and an infinite angle has no cosine.
    const double last = static_cast<double>(last_position);
    for (int set = 0; set < 2; ++set) {
        const auto& freq = set == 0 ? rope.inv_freq : rope.inv_freq_original;
        for (std::size_t i = 0; i < freq.size(); ++i)
            if (!std::isfinite(freq[i]) || !std::isfinite(freq[i] * last) || freq[i] < 0)
                return option_error("inv_freq", std::string(set == 0 ? "the scaled" : "the original") +
                                                    " frequency of pair " + format_number(static_cast<double>(i)) +
                                                    " is " + format_number(freq[i]) +
                                                    " rad/token; the attention kernel needs finite frequencies "
                                                    "(check the scaling factors).");
    }
    if (!std::isfinite(rope.logit_scale()) || rope.logit_scale() <= 0 || rope.logit_scale() > 1e6)
        return option_error("attention_factor", "the logit scale (attention_factor^2 x softmax multiplier) is " +
                                                    format_number(rope.logit_scale()) + "; use a value in (0, 1e6].");
    return Ok{};
}

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
    if (o.threads < 0 || o.threads > 256)
        return option_error("threads", format_number(o.threads) + " is out of range; use 1 to 256 (0: all cores).");
    if (o.window_radius < 0 || o.window_radius > 1000000)
        return option_error("window_radius", format_number(o.window_radius) + " is out of range; use 0 to 1000000.");
    if (o.overview_bins < 0 || o.overview_bins > 1000000)
        return option_error("overview_bins", format_number(o.overview_bins) + " is out of range; use 0 to 1000000.");
    if (rope.num_pairs() < 1)
        return option_error("head_dim", "the rotary dimension is " + format_number(2 * rope.num_pairs()) +
                                            "; the attention kernel needs at least one rotary pair.");
    if (auto status = validate_content(rope, o, std::max<std::int64_t>(o.first_key + o.num_keys - 1, o.query_position));
        !status)
        return status;
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

// The error for the first chunk (in key order) that met a NaN or infinite logit, if any.
template <class Stats, class T>
std::optional<Error> first_nonfinite(const std::vector<Stats>& stats, const std::vector<ChunkSpec>& chunks,
                                     const T* logits, std::int64_t first_key) {
    std::int64_t count = 0;
    std::optional<std::int64_t> index;
    for (std::size_t k = 0; k < stats.size(); ++k) {
        if (stats[k].nonfinite == 0) continue;
        count += stats[k].nonfinite;
        if (!index) index = chunks[k].first_index + stats[k].first_nonfinite;
    }
    if (!index) return std::nullopt;
    return nonfinite_error(first_key + *index, static_cast<double>(logits[*index]), count);
}

int resolve_threads(int threads) {
    if (threads > 0) return threads;
    const unsigned hw = std::thread::hardware_concurrency();
    return hw == 0 ? 1 : static_cast<int>(std::min(hw, 256u));
}

}  // namespace

namespace {

// The fast kernels (see attention_kernels.h).
enum class FastKernel { Gemm, Pool, CorrectedGemm, PoolCorrected, Phase };

// Content rows a_h = q conj(k_h) (unscaled) and their non-rotary parts (scaled), pairs8 wide.
void build_content_rows(const Content& content, int pairs8, KernelTable& content_re, KernelTable& content_im,
                        std::vector<float>& content_const) {
    const std::size_t rows = content.keys.size(), p8 = static_cast<std::size_t>(pairs8);
    content_re.assign(rows * p8, 0.0f);
    content_im.assign(rows * p8, 0.0f);
    content_const.assign(rows, 0.0f);
    std::vector<double> are(p8, 0.0), aim(p8, 0.0);
    for (std::size_t h = 0; h < rows; ++h) {
        double pass = 0;
        content_product(content, content.keys[h], are.data(), aim.data(), &pass);
        content_const[h] = static_cast<float>(pass * content.scale);
        for (std::size_t i = 0; i < static_cast<std::size_t>(content.pairs); ++i) {
            content_re[h * p8 + i] = static_cast<float>(are[i]);
            content_im[h * p8 + i] = static_cast<float>(aim[i]);
        }
    }
}

// Lane tables e^{-i l t_i} (l < kLanes) and block steps e^{-i kLanes t_i} of frequency set s;
// they depend on the frequencies only, so they are kept while those stay the same.
struct LaneTables {
    KernelTable& lk;
    std::vector<double>& step_re;
    std::vector<double>& step_im;
    std::vector<double>& built_for;  // the frequencies they were built for
};
void build_lane_tables(const std::vector<double>& freq, const LaneTables& out) {
    const std::size_t p8 = freq.size();
    auto& lk = out.lk;
    if (out.built_for == freq && lk.size() == 2 * p8 * kLanes) return;
    out.built_for = freq;
    lk.assign(2 * p8 * kLanes, 0.0f);
    out.step_re.assign(p8, 1.0);
    out.step_im.assign(p8, 0.0);
    for (std::size_t i = 0; i < p8; ++i) {
        const double th = freq[i];
        for (std::size_t l = 0; l < static_cast<std::size_t>(kLanes); ++l) {
            const double a = static_cast<double>(l) * th;
            const float co = static_cast<float>(std::cos(a)), si = static_cast<float>(std::sin(a));
            lk[(2 * i) * kLanes + l] = co;
            lk[(2 * i + 1) * kLanes + l] = si;
        }
        out.step_re[i] = std::cos(kLanes * th);
        out.step_im[i] = -std::sin(kLanes * th);
    }
}

// The pool kernel's lane rows [kPoolLanes][cos(l t_i) | -sin(l t_i)] and superblock step
// e^{-i kPoolLanes t_i}; kept while the frequencies stay the same. Lane l = 32 u + v is built as
// e^{-i 32 u t} e^{-i v t} in double from 64 exact sines and cosines per pair instead of 1024.
struct PoolLanes {
    KernelTable& lanes;
    std::vector<double>& step_re;
    std::vector<double>& step_im;
    std::vector<double>& built_for;
};
void build_pool_lanes(const std::vector<double>& freq, const PoolLanes& out) {
    constexpr std::size_t kSplit = 32;
    static_assert(kSplit * kSplit == static_cast<std::size_t>(kernels::kPoolLanes));
    const std::size_t p8 = freq.size(), width = 2 * p8, count = kernels::kPoolLanes;
    if (out.built_for == freq && out.lanes.size() == count * width) return;
    out.built_for = freq;
    out.lanes.assign(count * width, 0.0f);
    out.step_re.assign(p8, 1.0);
    out.step_im.assign(p8, 0.0);
    double ure[kSplit], uim[kSplit], vre[kSplit], vim[kSplit];
    for (std::size_t i = 0; i < p8; ++i) {
        for (std::size_t k = 0; k < kSplit; ++k) {
            ure[k] = std::cos(static_cast<double>(k * kSplit) * freq[i]);
            uim[k] = -std::sin(static_cast<double>(k * kSplit) * freq[i]);
            vre[k] = std::cos(static_cast<double>(k) * freq[i]);
            vim[k] = -std::sin(static_cast<double>(k) * freq[i]);
        }
        for (std::size_t l = 0; l < count; ++l) {
            const std::size_t u = l / kSplit, v = l % kSplit;
            out.lanes[l * width + i] = static_cast<float>(ure[u] * vre[v] - uim[u] * vim[v]);
            out.lanes[l * width + p8 + i] = static_cast<float>(ure[u] * vim[v] + uim[u] * vre[v]);
        }
        out.step_re[i] = std::cos(static_cast<double>(count) * freq[i]);
        out.step_im[i] = -std::sin(static_cast<double>(count) * freq[i]);
    }
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

    const Content content = make_content(rope, o, distance, target, &im.needle_draws);
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
    const kernels::Ops* ops_or_null = ops_for(o.isa);
    if (!ops_or_null && o.path == KernelPath::Fast)
        return option_error("isa", std::string(kIsaNames[static_cast<int>(o.isa)].name) +
                                       " is not supported by this CPU; use best (here: " +
                                       std::string(kernel_isa_name(KernelIsa::Best)) + ") or portable.");
    const kernels::Ops& ops = ops_or_null ? *ops_or_null : kernels::portable_ops();
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
    const int P8 = (P + kernels::kPairPad - 1) / kernels::kPairPad * kernels::kPairPad;
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
                for (std::int64_t j = 0; j < ch.count; ++j)
                    if (!std::isfinite(x[j])) {
                        if (st.nonfinite++ == 0) st.first_nonfinite = j;
                    }
                if (st.nonfinite) {
                    im.ref_stats[k] = st;
                    done.fetch_add(1);
                    continue;
                }
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
        if (auto bad = first_nonfinite(im.ref_stats, chunks, im.ref_logits.data(), o.first_key)) return *bad;
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
        // Which kernel: exact phases (a GEMM for shared content, the pool kernel per key), fp32
        // phases at exact float positions (the same, corrected by the product's rounding error),
        // or phases rounded to a format computed once per distinct rounded position. Per-key
        // content always comes from a pool that the pool kernels take (kPoolSize).
        const bool shared = content.pool == 0;
        const std::int64_t last_position = std::max(m, o.first_key + n - 1);
        FastKernel mode = FastKernel::Phase;
        if (o.precision == PhasePrecision::Fp64)
            mode = shared ? FastKernel::Gemm : FastKernel::Pool;
        else if (o.precision == PhasePrecision::Fp32 && last_position < (std::int64_t{1} << 24))
            mode = shared ? FastKernel::CorrectedGemm : FastKernel::PoolCorrected;
        // The pool kernels (exact or corrected fp32 phases) keep the keys sorted by content row.
        const bool pooled = mode == FastKernel::Pool || mode == FastKernel::PoolCorrected;
        bool used[2] = {false, false};
        for (const auto& ch : chunks) used[ch.segment] = true;
        std::vector<kernels::Tables> tables(2);
        build_content_rows(content, P8, im.content_re, im.content_im, im.content_const);
        std::vector<double> are(static_cast<std::size_t>(P8), 0.0), aim(static_cast<std::size_t>(P8), 0.0);
        double shared_pass = 0;
        content_product(content, content.keys[shared ? 0 : content.keys.size() - 1], are.data(), aim.data(), &shared_pass);
        for (int s = 0; s < 2; ++s) {
            if (!used[s]) continue;
            kernels::Tables& t = tables[static_cast<std::size_t>(s)];
            t = lookup;
            t.pairs8 = P8;
            t.constant = static_cast<float>(shared_pass * content.scale);
            t.content_re = im.content_re.data();
            t.content_im = im.content_im.data();
            t.content_const = im.content_const.data();
            const auto p8 = static_cast<std::size_t>(P8);
            // The frequencies the kernel rotates by: exact, or rounded as the phase format would.
            const auto& exact_freq = s == 0 ? rope.inv_freq : rope.inv_freq_original;
            std::vector<double>& freq = im.run_freq[s];
            freq.assign(p8, 0.0);
            for (int i = 0; i < P; ++i)
                freq[static_cast<std::size_t>(i)] = o.precision == PhasePrecision::Fp64
                                                        ? exact_freq[static_cast<std::size_t>(i)]
                                                        : round_to_precision(exact_freq[static_cast<std::size_t>(i)], o.precision);
            if (mode != FastKernel::Phase)
                build_lane_tables(freq, {im.lk[s], im.step_re[s], im.step_im[s], im.table_freq[s]});
            if (pooled)
                build_pool_lanes(freq, {im.pool_lanes[s], im.pool_step_re[s], im.pool_step_im[s], im.pool_freq[s]});
            t.pool_lanes = im.pool_lanes[s].data();
            t.pool_step_re = im.pool_step_re[s].data();
            t.pool_step_im = im.pool_step_im[s].data();
            t.lk = im.lk[s].data();
            t.step_re = im.step_re[s].data();
            t.step_im = im.step_im[s].data();
            // alpha = E scale (per-key content) or a E scale (shared), E the query's rotor.
            im.alpha_re[s].assign(p8, 0.0);
            im.alpha_im[s].assign(p8, 0.0);
            for (int i = 0; i < P; ++i) {
                double er, ei;
                if (o.precision == PhasePrecision::Fp64) {
                    const double am = rope.angle(m, i);
                    er = std::cos(am);
                    ei = std::sin(am);
                } else {
                    phase(rope, o.precision, m, i, &er, &ei);
                }
                er *= content.scale;
                ei *= content.scale;
                const auto k = static_cast<std::size_t>(i);
                im.alpha_re[s][k] = shared ? are[k] * er - aim[k] * ei : er;
                im.alpha_im[s][k] = shared ? are[k] * ei + aim[k] * er : ei;
            }
            t.alpha_re = im.alpha_re[s].data();
            t.alpha_im = im.alpha_im[s].data();
            auto& th = im.theta[s];
            th.assign(p8, 0.0f);
            for (std::size_t i = 0; i < p8; ++i) th[i] = static_cast<float>(freq[i]);  // exact: freq is rounded to F
            t.theta = th.data();
            t.format = o.precision == PhasePrecision::Bf16 ? kernels::PhaseFormat::Bf16
                       : o.precision == PhasePrecision::Fp16 ? kernels::PhaseFormat::Fp16
                                                              : kernels::PhaseFormat::Fp32;
        }
        void (*kernel)(const kernels::Chunk&) = mode == FastKernel::Gemm            ? ops.gemm_chunk
                                                : mode == FastKernel::Pool          ? ops.pool_chunk
                                                : mode == FastKernel::PoolCorrected ? ops.pool_corrected_chunk
                                                : mode == FastKernel::CorrectedGemm ? ops.corrected_gemm_chunk
                                                                                    : ops.phase_chunk;
        const bool anchored = mode != FastKernel::Phase;
        auto& po = im.pool_order;
        if (pooled) {
            const std::int64_t split = std::clamp<std::int64_t>(rope.n_hat - o.first_key, 0, n);
            const int entries = static_cast<int>(content.keys.size());
            if (!(po.seed == content.seed && po.first_key == o.first_key && po.num_keys == n &&
                  po.needle_position == content.needle_position && po.split == split && po.entries == entries)) {
                po = {};
                po.seed = content.seed;
                po.first_key = o.first_key;
                po.num_keys = n;
                po.needle_position = content.needle_position;
                po.split = split;
                po.entries = entries;
                po.order.resize(static_cast<std::size_t>(n));
                std::size_t superblocks = 0;
                for (const ChunkSpec& ch : chunks) {
                    po.superblock.push_back(superblocks);
                    superblocks += static_cast<std::size_t>((ch.count + kernels::kPoolLanes - 1) / kernels::kPoolLanes);
                }
                po.row_ends.resize(superblocks * static_cast<std::size_t>(entries));
            }
        }

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
            sc.pairs.resize(p8);
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
                if (anchored) {
                    // Exact anchor: e^{-i n t_i} from the double angle n t_i (std::cos/sin reduce exactly).
                    const auto& freq = im.run_freq[ch.segment];
                    for (std::size_t i = 0; i < p8; ++i) {
                        const double a = static_cast<double>(first_position) * freq[i];
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
                c.pairs = sc.pairs.data();
                c.logits = im.fast_logits.data() + ch.first_index;
                if (pooled) {
                    c.order = po.order.data() + ch.first_index;
                    c.row_ends = po.row_ends.data() + po.superblock[k] * static_cast<std::size_t>(po.entries);
                    c.sorted = po.valid;
                }
                c.stats = &im.stats[k];
                kernel(c);
                done.fetch_add(1);
                report(worker);
            }
        };
        im.pool.run(threads, job);
        if (stopped.load()) return Error{std::string(kCancelledField), "attention: cancelled."};
        if (pooled) po.valid = true;  // every chunk ran, so every chunk is sorted
        if (auto bad = first_nonfinite(im.stats, chunks, im.fast_logits.data(), o.first_key)) return *bad;
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

int AttentionInputs::key_row(std::int64_t position) const {
    kernels::Tables t{};
    t.pool = pool;
    t.needle_position = needle_position;
    t.seed = seed;
    return kernels::content_row(position, t);
}

Result<AttentionInputs> attention_inputs(const RopeResult& rope, const AttentionOptions& options) {
    if (auto status = validate_options(rope, options); !status) return status.error();
    const std::int64_t m = options.query_position >= 0 ? options.query_position : options.first_key + options.num_keys - 1;
    const std::int64_t d = options.target_distance != kAutoTargetDistance ? options.target_distance : options.num_keys / 2;
    Content c = make_content(rope, options, d, m - d);
    AttentionInputs in;
    in.query = std::move(c.query);
    in.keys = std::move(c.keys);
    in.query_position = m;
    in.scale = c.scale;
    in.pool = c.pool;
    in.needle_position = c.needle_position;
    in.seed = c.seed;
    return in;
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
    std::int64_t last_position = 0;
    for (const auto p : query_positions) last_position = std::max(last_position, p);
    for (const auto p : key_positions) last_position = std::max(last_position, p);
    if (auto status = validate_content(rope, options, last_position); !status) return status.error();
    const std::int64_t m = options.query_position >= 0 ? options.query_position : options.first_key + options.num_keys - 1;
    const std::int64_t d = options.target_distance != kAutoTargetDistance ? options.target_distance : options.num_keys / 2;
    const Content content = make_content(rope, options, d, m - d);
    const kernels::Tables lookup = content_lookup(content);
    // The reference's arithmetic with every key rotated once (not once per query): rotating the
    // key's content at its position is what rotate_query does to a query.
    std::vector<std::vector<double>> keys_rot;
    keys_rot.reserve(key_positions.size());
    for (const auto k : key_positions) {
        Content key = content;
        key.query = content.keys[static_cast<std::size_t>(kernels::content_row(k, lookup))];
        keys_rot.push_back(rotate_query(rope, key, options.precision, k));
    }
    std::vector<double> out;
    out.reserve(query_positions.size() * key_positions.size());
    for (const auto q : query_positions) {
        const std::vector<double> q_rot = rotate_query(rope, content, options.precision, q);
        for (std::size_t j = 0; j < key_positions.size(); ++j) {
            // The reference's order of summation (reference_logit), so the numbers are the same.
            const std::vector<double>& k_rot = keys_rot[j];
            const auto P = static_cast<std::size_t>(content.pairs);
            double dot = 0;
            for (std::size_t i = 0; i < P; ++i) dot += q_rot[i] * k_rot[i] + q_rot[i + P] * k_rot[i + P];
            for (std::size_t i = 2 * P; i < q_rot.size(); ++i) dot += q_rot[i] * k_rot[i];
            out.push_back(dot * content.scale);
            if (!std::isfinite(out.back())) return nonfinite_error(key_positions[j], out.back(), 1);
        }
    }
    return out;
}

}  // namespace ropescope
