// Placeholder until the search panel lands (being written in this change).
#include "app.h"

namespace ropescope::gui {

struct SearchPanel {};

std::shared_ptr<SearchPanel> make_search_panel(App&) { return std::make_shared<SearchPanel>(); }
void draw_search_panel(App&) {}

}  // namespace ropescope::gui
