// The fast attention kernels built for AVX2+FMA: this file alone gets -mavx2 -mfma on x86-64 (see
// core/CMakeLists.txt). It holds no code that runs before the CPU check in avx2_ops()
// (attention_kernels_portable.cpp): only the kernels and a constant table of pointers to them.
#include "attention_kernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>  // the FMA intrinsics of product_error (always inlined)
#endif

#if defined(ROPESCOPE_KERNEL_AVX2) && defined(__AVX2__) && defined(__FMA__)

namespace ropescope::kernels {
namespace avx2 {
namespace {

#define RS_VW 8
#ifndef RS_RB
#define RS_RB 6  // rows per GEMM register tile
#endif
#include "attention_kernels.inc"
#undef RS_VW

}  // namespace
}  // namespace avx2

extern const Ops kAvx2Ops;
const Ops kAvx2Ops{"avx2+fma", avx2::gemm_chunk, avx2::pool_chunk, avx2::pool_corrected_chunk, avx2::corrected_gemm_chunk, avx2::phase_chunk, avx2::tile_stats};

}  // namespace ropescope::kernels

#endif
