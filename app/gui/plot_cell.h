// A plot in a framed cell: a toolbar (hint, Fit, Export) over the plot widget. Used by the panels
// outside the plot grid (LongRoPE search, trained model).
#pragma once

#include <cstdint>

#include <imgui.h>

#include "ropescope/figure.h"

namespace ropescope::gui {

struct App;
struct PlotView;
class PlotWidget;

// Draws `figure` in a child window of `size`; `empty_text` (when not null) is shown instead of
// the plot, with Fit and Export disabled. `export_name` names exported files.
void PlotCell(App& app, const char* id, const char* export_name, const Figure& figure, std::uint64_t generation,
              PlotWidget& widget, PlotView& view, ImVec2 size, const char* empty_text);

}  // namespace ropescope::gui
