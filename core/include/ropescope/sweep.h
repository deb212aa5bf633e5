// A parameter sweep for animations: one lab parameter stepped from a start to an end value over
// N frames ("factor=1:32:log"), each frame's state, and axes shared by every frame so that the
// picture does not jump. Pure (the encoders live in core/anim/).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ropescope/figure.h"
#include "ropescope/result.h"
#include "ropescope/state.h"

namespace ropescope {

struct Sweep {
    std::string parameter;  // one of sweep_parameters()
    double from = 1, to = 2;
    bool log = false;       // geometric steps (both ends > 0)
    int frames = 60;        // >= 2
};

// The parameters a sweep can step, e.g. factor, rope_theta, original_context, seq_len, beta_fast.
const std::vector<std::string>& sweep_parameters();

// Parses "PARAM=FROM:TO[:log|:lin]" with `frames` frames (2 .. 1000). Errors name the part that is
// wrong and what is allowed.
Result<Sweep> parse_sweep(std::string_view spec, int frames);

// The value of frame k (0 .. frames-1): from at 0, to at frames-1.
double sweep_value(const Sweep& sweep, int frame);

// `base` with the sweep's parameter set to `value` (the method parameters apply to the enabled
// method they belong to); an error if that method is off or the value is invalid.
Result<LabState> apply_sweep_value(const LabState& base, const std::string& parameter, double value);

// The frame's stamp, e.g. "s = 4.23" or "rope_theta = 1e+05".
std::string sweep_stamp(const std::string& parameter, double value);

// Gives every frame the same axis ranges (those of all frames' data together, per panel and axis,
// where the figure leaves them unset), so an animation's axes stay still.
void share_frame_axes(std::vector<Figure>& frames);

}  // namespace ropescope
