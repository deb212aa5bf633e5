// The fast attention kernels for the build's own target (no extra instruction sets), and the
// run-time choice of the AVX2+FMA and AVX-512 builds.
#include "attention_kernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>  // the FMA intrinsics of product_error (always inlined)
#endif

namespace ropescope::kernels {
namespace portable {
namespace {

#if defined(__AVX__)
#define RS_VW 8  // the build flags already allow 256-bit vectors (e.g. -DROPESCOPE_NATIVE=ON)
#else
#define RS_VW 4
#endif
#ifndef RS_RB
#define RS_RB 4  // rows per GEMM register tile
#endif
#include "attention_kernels.inc"
#undef RS_VW

}  // namespace
}  // namespace portable

const Ops& portable_ops() {
#if defined(__AVX2__) && defined(__FMA__)
    static const Ops ops{"avx2+fma (build flags)", portable::gemm_chunk, portable::pool_chunk, portable::pool_corrected_chunk, portable::corrected_gemm_chunk, portable::phase_chunk, portable::tile_stats};
#elif defined(__x86_64__) || defined(_M_X64)
    static const Ops ops{"sse2", portable::gemm_chunk, portable::pool_chunk, portable::pool_corrected_chunk, portable::corrected_gemm_chunk, portable::phase_chunk, portable::tile_stats};
#else
    static const Ops ops{"portable", portable::gemm_chunk, portable::pool_chunk, portable::pool_corrected_chunk, portable::corrected_gemm_chunk, portable::phase_chunk, portable::tile_stats};
#endif
    return ops;
}

#if defined(ROPESCOPE_KERNEL_AVX2)
extern const Ops kAvx2Ops;  // attention_kernels_avx2.cpp
const Ops* avx2_ops() {
    static const bool supported = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return supported ? &kAvx2Ops : nullptr;
}
#else
const Ops* avx2_ops() { return nullptr; }
#endif

#if defined(ROPESCOPE_KERNEL_AVX512)
extern const Ops kAvx512Ops;  // attention_kernels_avx512.cpp
const Ops* avx512_ops() {
    static const bool supported = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                                  __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
                                  __builtin_cpu_supports("fma");
    return supported ? &kAvx512Ops : nullptr;
}
#else
const Ops* avx512_ops() { return nullptr; }
#endif

}  // namespace ropescope::kernels
