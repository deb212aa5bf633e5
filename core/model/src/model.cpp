// Thread settings of LibTorch and OpenBLAS (the handle and the shipped model's path: model_handle.cpp).
#include "ropescope/model/model.h"

#include <ATen/Parallel.h>

// OpenBLAS's own thread count (weak: absent when the reference BLAS is the one in use).
extern "C" void openblas_set_num_threads(int) __attribute__((weak));

namespace ropescope::model {

void set_compute_threads(int threads) {
    if (threads <= 0) return;
    at::set_num_threads(threads);
    if (openblas_set_num_threads) openblas_set_num_threads(threads);
}

}  // namespace ropescope::model
