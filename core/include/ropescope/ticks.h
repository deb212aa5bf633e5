// Axis tick generation: 1-2-5 steps on linear axes, decades with minor ticks on log axes.
#pragma once

#include <string>
#include <vector>

#include "ropescope/figure.h"

namespace ropescope {

struct Tick {
    double value = 0;
    bool major = true;
    std::string label;  // empty for minor ticks
};

// Ticks covering [min, max] (min < max; for Log both > 0). Aims for about `target` major ticks.
// Linear: step 1, 2 or 5 x 10^k; labels without trailing noise ("0.2", not "0.20000000001"), in
// one style per axis (all "k" from 1e4, all "M" from 1e6, all "2e9" from 1e9 or below 1e-4).
// Log: a major tick per decade (every k-th decade on wide ranges) labelled "10", "1k", "1M" or
// "1e-3"; minor ticks at 2..9 x 10^k when the range spans few decades; within a decade or two
// 1, 2 and 5 (or every digit) are labelled. Reversed ranges are swapped, equal ends widened,
// non-finite ends give no ticks; never loops forever.
std::vector<Tick> make_ticks(AxisScale scale, double min, double max, int target = 6);

// Compact number label as tick labels show it: 0.001, 0.5, 12, 4096, 32.768k, 1M, 2.5e-7, 2e9.
std::string tick_label(double value);

}  // namespace ropescope
