// Builds the Figures RopeScope shows (and exports) from computed results.
// Every plot of the GUI and of `ropescope-cli export` comes from here.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ropescope/decay.h"
#include "ropescope/figure.h"
#include "ropescope/result.h"
#include "ropescope/rope.h"

namespace ropescope {

// One method's result as a plot shows it.
struct PlotEntry {
    RopeResult result;
    std::string label;                    // legend text; empty: legend_label(result)
    LineStyle style = LineStyle::Solid;   // e.g. dashed for a pinned "A" state
};

// View options the GUI toggles and the CLI exposes.
// Limits of the plot options (the CLI's flags, the GUI's controls and the state file share them).
inline constexpr int kMinDecayPoints = 2;
inline constexpr int kMaxDecayPoints = 100000;
inline constexpr int kMaxHeatmapColumns = 4096;

struct PlotOptions {
    // decay
    bool decay_logit = true;              // mean cos between identical q and k
    bool decay_bound = true;              // RoFormer relative upper bound
    bool decay_attention_factor = true;   // multiply by attention_factor^2
    GridKind decay_grid = GridKind::Log;
    int decay_points = 400;
    // heatmap
    int heatmap_method = 0;               // entry index shown
    int heatmap_compare = -1;             // >= 0: show entry[heatmap_method] minus entry[heatmap_compare]
    std::int64_t heatmap_positions = 512; // positions m from 0 to this
    int heatmap_columns = 512;            // samples along m (exports; the GUI shader is per pixel)
};

// Plot identifiers, in the order the GUI shows them.
const std::vector<std::string>& plot_ids();

// Legend label with the method's key parameters, e.g. "YaRN (s=8, beta 32/1)".
std::string legend_label(const RopeResult& result);

Figure wavelength_figure(const std::vector<PlotEntry>& entries);
Figure scale_figure(const std::vector<PlotEntry>& entries);
Figure ramp_figure(const std::vector<PlotEntry>& entries);
Figure decay_figure(const std::vector<PlotEntry>& entries, const PlotOptions& options);
Figure coverage_figure(const std::vector<PlotEntry>& entries);
Figure heatmap_figure(const std::vector<PlotEntry>& entries, const PlotOptions& options);

// By id (one of plot_ids()); an unknown id is an error listing the valid ones.
Result<Figure> build_figure(std::string_view id, const std::vector<PlotEntry>& entries, const PlotOptions& options);

// Side by side: panels of `a` then `b`, titled "A: ..." and "B: ...", with shared axis ranges.
Figure side_by_side(const Figure& a, const Figure& b);
// Overlay: b's series over a's, a's dashed and labelled "(A)".
Figure overlay(const Figure& a, const Figure& b);

// The value of cos(m * theta'_i) the heatmap shows (LongRoPE's n_hat rule included).
double rotation_cos(const RopeResult& result, std::int64_t position, int pair);

}  // namespace ropescope
