// The figure model: what a plot shows, independent of where it is drawn.
// The GUI's plot widget draws it (via layout_figure, render.h) and the exporters write it;
// there is no second description of a plot that could drift from the screen.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ropescope/color.h"

namespace ropescope {

enum class AxisScale { Linear, Log };

struct Axis {
    std::string title;            // e.g. "wavelength (tokens)"
    std::string unit;             // e.g. "tokens" (for CSV headers)
    AxisScale scale = AxisScale::Linear;
    std::optional<double> min;    // unset: fit to data (and markers)
    std::optional<double> max;
};

enum class LineStyle { Solid, Dashed, Dotted };

// A symbol drawn on a series' points (and, for lines, at intervals along it): with the line style
// it tells the methods apart without colour (greyscale prints, colour-vision deficiencies).
enum class MarkerShape { None, Circle, Square, Diamond, TriangleUp, TriangleDown, Cross, Plus, Ring, HollowSquare };
enum class SeriesKind {
    Line,    // polyline through the points (NaN breaks the line)
    Points,  // one dot per point
    Both,    // line with dots
};

struct Series {
    std::string label;       // legend text, e.g. "YaRN (s=8, beta 32/1)"
    std::string method;      // method name for CSV headers, e.g. "yarn"; may be empty
    std::string quantity;    // what y is, e.g. "wavelength" (CSV header)
    Color color;
    SeriesKind kind = SeriesKind::Line;
    LineStyle style = LineStyle::Solid;
    MarkerShape marker = MarkerShape::None;  // lines: repeated along the curve; points: the dot's shape
    float width_scale = 1.0f;      // multiplies the theme's line width
    std::vector<double> x;
    std::vector<double> y;
    std::vector<bool> highlight;   // optional, per point: drawn emphasised (e.g. a ring)
    bool visible = true;           // hidden series keep their legend entry, greyed
    bool in_legend = true;
};

// A reference line across the plot, e.g. "L = 4096" or "L' = 32768".
struct Marker {
    enum class Orientation { Horizontal, Vertical };
    Orientation orientation = Orientation::Horizontal;
    double value = 0;
    std::string label;
    LineStyle style = LineStyle::Dashed;
    std::optional<Color> color;  // unset: the theme's marker colour
};

// Where an annotation's text goes: beside its point (clear of the data), or centred on it (the
// value written in a heatmap cell).
enum class AnnotationPlace { Beside, Centered };

// A text note at a data position.
struct Annotation {
    double x = 0, y = 0;
    std::string text;
    AnnotationPlace place = AnnotationPlace::Beside;
};

// How a heatmap's values become colours: diverging around the middle of the range (signed values
// such as cos(m theta)), or sequential from low to high (a share such as an accuracy).
enum class ColorScale { Diverging, Sequential };

// A colour-mapped grid (e.g. cos(m * theta'_i)), drawn under the series.
struct Heatmap {
    int columns = 0;                 // along x
    int rows = 0;                    // along y
    std::vector<float> values;       // row-major, rows * columns, row 0 at y_min
    double x_min = 0, x_max = 1;     // data extent of the grid
    double y_min = 0, y_max = 1;
    float value_min = -1, value_max = 1;  // colour map range
    ColorScale scale = ColorScale::Diverging;
    std::string value_label;         // colour bar title
    // Names of the columns and rows (e.g. lengths and methods), drawn as the x and y tick labels at
    // the cells' centres instead of numbers; empty: numeric ticks. Used only when there is one per
    // column (row).
    std::vector<std::string> column_labels, row_labels;
};

// Where a panel's legend goes. Auto: inside the plot in a corner that hides no data, else in a
// column right of the plot (or, on a narrow panel, above it). Inside: the corner hiding the least
// data even if it hides some. Above: wrapping rows between the panel title and the plot.
// Right: a column right of the plot.
enum class LegendPlacement { Auto, Inside, Above, Right };

// Where the viewer put a panel's legend by dragging it: its top-left corner as a fraction of the
// plot area (0,0 top-left .. 1,1 bottom-right), kept inside the plot.
struct LegendAnchor {
    float x = 0, y = 0;
    bool operator==(const LegendAnchor&) const = default;
};

struct Panel {
    std::string title;
    Axis x, y;
    std::vector<Series> series;
    std::vector<Marker> markers;
    std::vector<Annotation> annotations;
    std::optional<Heatmap> heatmap;
    bool legend = true;
    LegendPlacement legend_placement = LegendPlacement::Auto;
    std::optional<LegendAnchor> legend_anchor;  // set: dragged there (overrides the placement)
    bool legend_collapsed = false;              // one small box "n methods" instead of the entries
};

struct Figure {
    std::string id;        // plot name: wavelength, scale, ramp, decay, coverage, heatmap, ...
    std::string title;
    std::string caption;   // one line under the plot: the parameters that reproduce it
    std::string summary;   // one sentence saying what the plot shows, for a lecture (under the title)
    std::string stamp;     // large text in the top-right corner, e.g. an animation frame's "s = 4.2"
    std::vector<Panel> panels;  // laid out left to right (side-by-side comparisons share axes)
};

}  // namespace ropescope
