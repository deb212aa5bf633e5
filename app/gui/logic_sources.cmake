# The GUI's pure logic (no GL, no ImGui): one list, used by app/CMakeLists.txt and by the fuzz
# build (tests/fuzz/CMakeLists.txt), so a new file cannot be missing from one of them.
set(ROPESCOPE_GUI_LOGIC_SOURCES
  plot_math.cpp
  formula.cpp
  view_state.cpp
  assets.cpp
  process_clock.cpp
  compute.cpp
  attention_worker.cpp
  search_worker.cpp
  engine_compare.cpp
  frame_pacing.cpp
  ui_wake.cpp
  tile_damage.cpp
)
list(TRANSFORM ROPESCOPE_GUI_LOGIC_SOURCES PREPEND ${CMAKE_CURRENT_LIST_DIR}/)
