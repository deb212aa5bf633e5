#include "peak_flops.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

namespace ropescope::bench {

namespace {

constexpr int kChains = 16;  // independent accumulators: enough to cover FMA latency x ports

// `iterations` x kChains multiply-adds of W floats (a vector type); returns a sum so that nothing
// is optimised away. A macro, not a template: GCC's vector types do not subscript when dependent.
#define ROPESCOPE_MADD_CHAINS(NAME, W, ATTR)                                                       \
    ATTR double NAME(std::int64_t iterations) {                                                    \
        typedef float v __attribute__((vector_size(W * 4)));                                       \
        v a[kChains];                                                                              \
        for (int k = 0; k < kChains; ++k) a[k] = v{} + 1.0f + 0.001f * static_cast<float>(k);      \
        const v b = v{} + 0.99999f, c = v{} + 1e-5f;                                               \
        for (std::int64_t i = 0; i < iterations; ++i)                                              \
            for (int k = 0; k < kChains; ++k) a[k] = a[k] * b + c; /* one FMA where there is one */ \
        double s = 0;                                                                              \
        for (int k = 0; k < kChains; ++k)                                                          \
            for (int l = 0; l < W; ++l) s += a[k][l];                                              \
        return s;                                                                                  \
    }

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
ROPESCOPE_MADD_CHAINS(madd_avx512, 16, __attribute__((target("avx512f,fma"))))
ROPESCOPE_MADD_CHAINS(madd_avx2, 8, __attribute__((target("avx2,fma"))))
#endif
ROPESCOPE_MADD_CHAINS(madd_sse, 4, )

struct Loop {
    const char* isa;
    int width;
    double (*run)(std::int64_t);
};

Loop best_loop() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma")) return {"avx512", 16, madd_avx512};
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return {"avx2+fma", 8, madd_avx2};
#endif
    return {"sse2", 4, madd_sse};
}

// GFLOP/s of `threads` threads running the loop at once.
double run_once(const Loop& loop, int threads, std::int64_t iterations) {
    std::vector<double> sink(static_cast<std::size_t>(threads));
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back([&, t] { sink[static_cast<std::size_t>(t)] = loop.run(iterations); });
    sink[0] = loop.run(iterations);
    for (auto& th : pool) th.join();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    volatile double keep = sink[0];
    (void)keep;
    const double flops = 2.0 * loop.width * kChains * static_cast<double>(iterations) * threads;
    return flops / seconds * 1e-9;
}

}  // namespace

Peak measure_peak(int threads, int repeats) {
    const Loop loop = best_loop();
    Peak p;
    p.isa = loop.isa;
    p.threads = threads;
    const std::int64_t iterations = std::int64_t{1} << 20;  // ~20 ms per thread
    for (int r = 0; r < repeats; ++r) {
        p.gflops_1 = std::max(p.gflops_1, run_once(loop, 1, iterations));
        p.gflops_all = std::max(p.gflops_all, run_once(loop, threads, iterations));
    }
    return p;
}

}  // namespace ropescope::bench
