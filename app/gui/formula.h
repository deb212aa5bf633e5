// The formula panel's text: each method's formula with the current numbers filled in.
// Every number comes from the RopeResult the core computed (or from its inputs); the GUI never
// re-derives RoPE math. Pure (no ImGui), unit-tested.
#pragma once

#include <string>
#include <vector>

#include "ropescope/rope.h"

namespace ropescope::gui {

struct FormulaLine {
    enum class Kind { Heading, Formula, Note, Warning };
    Kind kind = Kind::Formula;
    std::string text;
};

// Lines describing `result`: the formula, the numbers, the bands of pairs it produces.
std::vector<FormulaLine> formula_lines(const RopeResult& result);

// "1.2079", "4096", "1.5e+06": 5 significant digits, no trailing zeros.
std::string fmt(double value, int digits = 5);

// "pairs 3-17" / "pair 3" / "none": a compact list of the pairs of `result` in `band`.
std::string pair_span(const RopeResult& result, Band band);

}  // namespace ropescope::gui
