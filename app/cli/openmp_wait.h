// LibTorch's OpenMP threads spin while they wait for work (libgomp's default). On two cores that
// spinning takes the core from OpenBLAS's threads, which do the matrix products between the
// parallel regions: measured here, `model train --threads 2 --batch 16` 6,400 -> 9,200 tokens/s
// and `model eval` (4 methods, 5 lengths) 11.0 -> 8.2-9.4 s with OMP_WAIT_POLICY=PASSIVE, the
// same results to the last digit. libgomp reads the variable once, when it is loaded, so
// ropescope-cli sets it in the environment of the ropescope-cli-model it execs. A value the user
// set is kept. (The GUI's Model tab trains at batch 8, where it made no measurable difference.)
#pragma once

#include <cstdlib>

namespace ropescope {

// Sets OMP_WAIT_POLICY=PASSIVE unless it is set; true when it was set now.
inline bool prefer_passive_openmp_wait() {
    if (std::getenv("OMP_WAIT_POLICY") != nullptr) return false;
    return ::setenv("OMP_WAIT_POLICY", "PASSIVE", 0) == 0;
}

}  // namespace ropescope
