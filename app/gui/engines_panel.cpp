// Placeholder until the engines panel lands (being written in this change).
#include "app.h"

namespace ropescope::gui {

void draw_engines_panel(App&) {}

}  // namespace ropescope::gui
