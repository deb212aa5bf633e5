// Placeholder until the attention panel lands (being written in this change).
#include "app.h"

namespace ropescope::gui {

struct AttentionPanel {};

std::shared_ptr<AttentionPanel> make_attention_panel(App&) { return std::make_shared<AttentionPanel>(); }
void draw_attention_panel(App&) {}

}  // namespace ropescope::gui
