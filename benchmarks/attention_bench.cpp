// One query against N keys at head_dim 128, for every method, fast path and reference, plus a
// peak-FLOP/s microbenchmark so the distance to the hardware limit is visible.
//
//   build/benchmarks/attention_bench --benchmark_filter='Fast/.*/1048576|Peak' --benchmark_repetitions=5
//
// Counters: FLOPS = nominal 2 * head_dim FLOPs per key (the q.k dot products) per second of wall
// time; keys = keys per second. Threads: all hardware threads (ROPESCOPE_BENCH_THREADS overrides).
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "ropescope/attention.h"
#include "ropescope/rope.h"

namespace {

using namespace ropescope;

int bench_threads() {
    if (const char* env = std::getenv("ROPESCOPE_BENCH_THREADS")) return std::atoi(env);
    return 0;
}

// head_dim 128, L = 4096, s = 8 (L' = 32768); LongRoPE with a ramp of factors and n_hat = L.
const RopeResult& rope_for(MethodKind kind) {
    static std::map<MethodKind, RopeResult> cache;
    auto it = cache.find(kind);
    if (it != cache.end()) return it->second;
    RopeSetup setup;
    setup.head_dim = 128;
    setup.original_max_position_embeddings = 4096;
    setup.factor = 8;
    setup.seq_len = 32768;
    Method method = default_method(kind);
    if (auto* lr = std::get_if<LongRopeMethod>(&method)) {
        const int pairs = setup.num_pairs();
        for (int i = 0; i < pairs; ++i) {
            const double t = static_cast<double>(i) / (pairs - 1);
            lr->short_factor.push_back(1.0 + t);
            lr->long_factor.push_back(1.0 + 7.0 * t * t);
        }
        lr->n_hat = 4096;
    }
    auto result = compute_rope(setup, method);
    if (!result) std::abort();
    return cache.emplace(kind, std::move(result).value()).first->second;
}

AttentionEngine& engine() {
    static AttentionEngine e;
    return e;
}

void BM_Attention(benchmark::State& state, MethodKind kind, std::int64_t keys, KernelPath path, ContentModel content) {
    const RopeResult& rope = rope_for(kind);
    AttentionOptions o;
    o.num_keys = keys;
    o.content = content;
    o.path = path;
    o.threads = bench_threads();
    o.window_radius = 0;
    double flops = 0;
    double kernel_ms = 0, cpu_ms = 0;
    int threads = 0;
    for (auto _ : state) {
        auto r = engine().run(rope, o);
        if (!r) {
            state.SkipWithError(r.error().message.c_str());
            return;
        }
        flops = r->flops;
        kernel_ms += r->kernel_ms;
        cpu_ms += r->kernel_cpu_ms;
        threads = r->threads;
        benchmark::DoNotOptimize(r->metrics.target_weight);
    }
    state.counters["FLOPS"] = benchmark::Counter(flops, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["keys"] = benchmark::Counter(static_cast<double>(o.num_keys), benchmark::Counter::kIsIterationInvariantRate);
    state.counters["kernel_ms"] = kernel_ms / static_cast<double>(state.iterations());
    state.counters["cpu_ms"] = cpu_ms / static_cast<double>(state.iterations());  // all threads
    state.counters["threads"] = threads;
}

// ---------------------------------------------------------------------------------------------
// Peak: independent multiply-add chains, no memory traffic.

typedef float v4f __attribute__((vector_size(16)));

double madd_loop_sse(std::int64_t iterations) {
    v4f a[12];
    for (int k = 0; k < 12; ++k) a[k] = v4f{1.0f, 1.0f, 1.0f, 1.0f} * static_cast<float>(k + 1);
    const v4f b = {0.9999f, 0.9998f, 0.9997f, 0.9996f}, c = {1e-4f, 2e-4f, 3e-4f, 4e-4f};
    for (std::int64_t i = 0; i < iterations; ++i)
        for (int k = 0; k < 12; ++k) a[k] = a[k] * b + c;
    double s = 0;
    for (int k = 0; k < 12; ++k)
        for (int l = 0; l < 4; ++l) s += a[k][l];
    return s;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define ROPESCOPE_BENCH_AVX2 1
__attribute__((target("avx2,fma"))) double fma_loop_avx2(std::int64_t iterations) {
    typedef float v8f __attribute__((vector_size(32)));
    v8f a[12];
    for (int k = 0; k < 12; ++k) a[k] = v8f{1, 1, 1, 1, 1, 1, 1, 1} * static_cast<float>(k + 1);
    const v8f b = {0.9999f, 0.9998f, 0.9997f, 0.9996f, 0.9995f, 0.9994f, 0.9993f, 0.9992f};
    const v8f c = {1e-4f, 2e-4f, 3e-4f, 4e-4f, 5e-4f, 6e-4f, 7e-4f, 8e-4f};
    for (std::int64_t i = 0; i < iterations; ++i)
        for (int k = 0; k < 12; ++k) a[k] = a[k] * b + c;  // contracted to vfmadd
    double s = 0;
    for (int k = 0; k < 12; ++k)
        for (int l = 0; l < 8; ++l) s += a[k][l];
    return s;
}
#endif

constexpr std::int64_t kPeakIterations = 1 << 20;

void BM_PeakSse(benchmark::State& state) {
    for (auto _ : state) {
        std::int64_t iterations = kPeakIterations;
        benchmark::DoNotOptimize(iterations);  // keeps the pure call inside the loop
        benchmark::DoNotOptimize(madd_loop_sse(iterations));
    }
    state.counters["FLOPS"] = benchmark::Counter(2.0 * 4 * 12 * kPeakIterations, benchmark::Counter::kIsIterationInvariantRate);
}

#ifdef ROPESCOPE_BENCH_AVX2
void BM_PeakAvx2Fma(benchmark::State& state) {
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) {
        state.SkipWithError("no AVX2+FMA on this CPU");
        return;
    }
    for (auto _ : state) {
        std::int64_t iterations = kPeakIterations;
        benchmark::DoNotOptimize(iterations);
        benchmark::DoNotOptimize(fma_loop_avx2(iterations));
    }
    state.counters["FLOPS"] = benchmark::Counter(2.0 * 8 * 12 * kPeakIterations, benchmark::Counter::kIsIterationInvariantRate);
}
#endif

void register_all() {
    const std::vector<std::int64_t> sizes = {4096, 32768, 131072, 1048576};
    for (const MethodKind kind : kAllMethods) {
        const std::string name(method_name(kind));
        for (const auto n : sizes) {
            benchmark::RegisterBenchmark(("BM_AttentionFast/" + name + "/" + std::to_string(n)).c_str(), BM_Attention, kind, n,
                                         KernelPath::Fast, ContentModel::Positional)
                ->UseRealTime()->Unit(benchmark::kMillisecond);
        }
        for (const auto n : sizes) {
            auto* b = benchmark::RegisterBenchmark(("BM_AttentionReference/" + name + "/" + std::to_string(n)).c_str(),
                                                   BM_Attention, kind, n, KernelPath::Reference, ContentModel::Positional);
            b->UseRealTime()->Unit(benchmark::kMillisecond);
            if (n > 200000) b->Iterations(1);  // about a second each
        }
    }
    // Other content models and phase formats (per-key content and per-element sin/cos kernels).
    benchmark::RegisterBenchmark("BM_AttentionFast/yarn_needle/1048576", BM_Attention, MethodKind::Yarn,
                                 std::int64_t{1048576}, KernelPath::Fast, ContentModel::Needle)
        ->UseRealTime()->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("BM_PeakSse/threads:1", BM_PeakSse)->UseRealTime();
    benchmark::RegisterBenchmark("BM_PeakSse", BM_PeakSse)->Threads(2)->UseRealTime();
#ifdef ROPESCOPE_BENCH_AVX2
    benchmark::RegisterBenchmark("BM_PeakAvx2Fma/threads:1", BM_PeakAvx2Fma)->UseRealTime();
    benchmark::RegisterBenchmark("BM_PeakAvx2Fma", BM_PeakAvx2Fma)->Threads(2)->UseRealTime();
#endif
}

}  // namespace

int main(int argc, char** argv) {
    register_all();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
