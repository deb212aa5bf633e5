// The machine's fp32 multiply-add peak, measured: independent FMA chains with no memory traffic,
// in the widest vectors the CPU has, on 1 and on T threads at once.
#pragma once

#include <string>

namespace ropescope::bench {

struct Peak {
    std::string isa;         // "avx512", "avx2+fma" or "sse2"
    double gflops_1 = 0;     // one thread
    double gflops_all = 0;   // `threads` threads at once (wall time of the slowest)
    int threads = 0;
};

// Best of `repeats` runs of about 20 ms each.
Peak measure_peak(int threads, int repeats);

}  // namespace ropescope::bench
