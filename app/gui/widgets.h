// Small widgets shared by the panels: labelled rows, log sliders, tooltips, swatches.
#pragma once

#include <cstdint>
#include <string>

#include <imgui.h>

namespace ropescope::gui {

// Shows `text` (wrapped) as the tooltip of the last item when it is hovered.
void Tooltip(const char* text);

// Starts a labelled row: the label on the left (with `tooltip`), then the next item fills the
// remaining width. `label_width` is in unscaled pixels.
void RowLabel(const char* label, const char* tooltip, float label_width = 150.0f);

// Log-scale sliders (Ctrl+click types an exact value, which may leave [min, max]).
bool SliderDoubleLog(const char* id, double* value, double min, double max, const char* format = "%.6g");
bool SliderInt64Log(const char* id, std::int64_t* value, std::int64_t min, std::int64_t max, const char* format = "%lld");
bool SliderDouble(const char* id, double* value, double min, double max, const char* format = "%.4g");
bool InputInt64(const char* id, std::int64_t* value);

// A float slider whose value text stays clear of the grab (like the sliders above).
bool SliderFloatClear(const char* id, float* value, float min, float max, const char* format = "%.3g");

// `text` with line breaks inserted at spaces so that no line is wider than `width` in the current
// font: never inside a number or a word (ImGui's own wrapping also breaks after '.' and ',', e.g.
// "0." / "125"). A single word wider than `width` is broken after a '/' (paths), else kept whole.
std::string WrapAtSpaces(const std::string& text, float width);
// Text wrapped at spaces to the available width (or `width` if > 0).
void TextWrappedWords(const std::string& text, float width = 0);

// A filled colour square the height of a text line.
void ColorSwatch(ImU32 color, float size = 0);

// Red (error) or amber (warning) wrapped text.
void ErrorText(const std::string& text);
void WarningText(const std::string& text);
void MutedText(const std::string& text);

// A section heading: bold text and a separator.
void SectionHeading(const char* text);

// The UI scale (content scale times --scale) of the current frame.
float UiScale();
void SetUiScale(float scale);

}  // namespace ropescope::gui
