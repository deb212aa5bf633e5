// See ui_wake.h.
#include "ui_wake.h"

#include <atomic>

namespace ropescope::gui {

namespace {
std::atomic<void (*)()> wake_function{nullptr};
}

void set_ui_wake(void (*wake)()) { wake_function.store(wake); }

void wake_ui() {
    if (auto* wake = wake_function.load()) wake();
}

}  // namespace ropescope::gui
