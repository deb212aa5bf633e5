// Figures of the model tab and docs/model.md, built with the core's figure model (figure.h), so
// they draw in the GUI and export (SVG, PNG, CSV, JSON) like every other plot.
#pragma once

#include <string>
#include <vector>

#include "ropescope/figure.h"
#include "ropescope/model/evaluate.h"

namespace ropescope::model {

// Held-out perplexity against evaluated length (log-log), one series per method in its colour,
// with the training context L marked.
Figure perplexity_figure(const EvalReport& report, const std::string& caption);
// Passkey accuracy as a heatmap: columns = lengths (the key near the start, so the distance is
// about the length), rows = methods.
Figure passkey_figure(const EvalReport& report, const std::string& caption);
// Training loss per step (and, when given, a second run's, e.g. before/after fine-tuning).
Figure loss_figure(const std::vector<double>& losses, const std::string& title, const std::string& caption);

}  // namespace ropescope::model
