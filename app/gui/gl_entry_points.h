// Resolves every OpenGL function RopeScope's own code calls, once, right after the context is
// made. epoxy resolves a function on its first call with dlsym, and dlsym waits for the dynamic
// loader's lock; while the model engine (LibTorch, about a second of relocations and static
// constructors) loads in the background, that lock is held, so a GL function used for the first
// time then would stall a frame for the rest of the load. tests/gui/gl_entry_points_check.sh fails
// when a gl* function used in app/gui/ is missing from the list.
#pragma once

namespace ropescope::gui {

// Calls each function with arguments that change nothing (a count of 0, object 0, or an invalid
// enum that only sets an error flag), then clears the error flags. Needs a current context.
void resolve_gl_entry_points();

}  // namespace ropescope::gui
