// The fast attention kernels built for AVX-512 (F, DQ, BW, VL) with FMA: this file alone gets
// -mavx512f -mavx512dq -mavx512bw -mavx512vl -mfma on x86-64 (see
// core/CMakeLists.txt). It holds no code that runs before the CPU check in avx2_ops()
// (attention_kernels_portable.cpp):
// only the kernels and a constant table of pointers to them.
#include "attention_kernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>  // the FMA intrinsics of product_error (always inlined)
#endif

#if defined(ROPESCOPE_KERNEL_AVX512) && defined(__AVX512F__) && defined(__FMA__)

namespace ropescope::kernels {
namespace avx512 {
namespace {

#define RS_VW 16
#ifndef RS_RB
#define RS_RB 6  // rows per GEMM register tile
#endif
#include "attention_kernels.inc"
#undef RS_VW

}  // namespace
}  // namespace avx512

extern const Ops kAvx512Ops;
const Ops kAvx512Ops{"avx512", avx512::gemm_chunk, avx512::pool_chunk, avx512::pool_corrected_chunk, avx512::corrected_gemm_chunk, avx512::phase_chunk, avx512::tile_stats};

}  // namespace ropescope::kernels

#endif
