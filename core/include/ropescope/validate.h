// Parameter validation: errors name the field, the value and the allowed range;
// HF-style warnings for values that are odd but computable.
#pragma once

#include <string>
#include <vector>

#include "ropescope/methods.h"
#include "ropescope/result.h"
#include "ropescope/rope_setup.h"

namespace ropescope {

// Checks every parameter; appends warnings (if non-null) for computable oddities.
Status validate(const RopeSetup& setup, const Method& method, std::vector<std::string>* warnings);

// Formats a double the way messages show it (shortest round-trip form, "nan", "inf").
std::string format_number(double value);

}  // namespace ropescope
