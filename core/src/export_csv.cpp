// figure_to_csv: the numbers behind a figure, at full precision.
#include <algorithm>
#include <cctype>
#include <cmath>

#include "ropescope/export.h"
#include "ropescope/validate.h"

namespace ropescope {

namespace {

std::string cell(double v) { return std::isnan(v) ? "" : format_number(v); }

// A text field: quoted when it holds a comma, a quote or a line break (RFC 4180).
std::string text_cell(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string out = "\"";
    for (const char ch : text) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return out + "\"";
}

bool ends_with(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// "wavelength (tokens)" + "tokens" -> "wavelength_tokens"; the unit is added only if missing.
std::string axis_column(const Axis& axis, const char* fallback) {
    std::string name = csv_column_name(axis.title);
    const std::string unit = csv_column_name(axis.unit);
    if (name.empty()) return unit.empty() ? fallback : unit;
    if (!unit.empty() && name.find(unit) == std::string::npos) name += "_" + unit;
    return name;
}

std::string series_column(const Series& s, const Axis& y) {
    const std::string unit = csv_column_name(y.unit);
    std::string name = csv_column_name(s.method);
    const std::string quantity = csv_column_name(s.quantity);
    if (!quantity.empty()) name += (name.empty() ? "" : "_") + quantity;
    if (name.empty()) name = csv_column_name(s.label);
    if (name.empty()) name = "y";
    if (!unit.empty() && !ends_with(name, unit)) name += "_" + unit;
    return name;
}

// Makes `name` unique among `used` by appending _2, _3, ...
std::string unique(std::string name, std::vector<std::string>& used) {
    std::string candidate = name;
    for (int k = 2; std::find(used.begin(), used.end(), candidate) != used.end(); ++k)
        candidate = name + "_" + std::to_string(k);
    used.push_back(candidate);
    return candidate;
}

std::string series_block(const Panel& panel) {
    // Series sharing an x grid share one x column.
    struct Group {
        const std::vector<double>* x;
        std::vector<const Series*> series;
    };
    std::vector<Group> groups;
    for (const auto& s : panel.series) {
        auto it = std::find_if(groups.begin(), groups.end(), [&](const Group& g) { return *g.x == s.x; });
        if (it == groups.end()) groups.push_back(Group{&s.x, {&s}});
        else it->series.push_back(&s);
    }
    const std::string x_name = axis_column(panel.x, "x");
    std::vector<std::string> used, header;
    std::vector<std::string> series_names;
    for (const auto& g : groups) {
        std::vector<std::string> names;
        for (const Series* s : g.series) names.push_back(unique(series_column(*s, panel.y), used));
        header.push_back(groups.size() == 1 ? x_name : x_name + "__" + names.front());
        for (auto& n : names) header.push_back(std::move(n));
    }
    // x columns must be unique too (after the series names were taken).
    for (std::size_t k = 0, col = 0; k < groups.size(); col += groups[k].series.size() + 1, ++k)
        header[col] = unique(header[col], used);

    std::string out;
    for (std::size_t c = 0; c < header.size(); ++c) out += (c ? "," : "") + header[c];
    out += '\n';
    std::size_t rows = 0;
    for (const auto& g : groups) rows = std::max(rows, g.x->size());
    for (std::size_t r = 0; r < rows; ++r) {
        bool first = true;
        for (const auto& g : groups) {
            out += first ? "" : ",";
            first = false;
            out += r < g.x->size() ? cell((*g.x)[r]) : "";
            for (const Series* s : g.series) out += "," + (r < s->y.size() && r < g.x->size() ? cell(s->y[r]) : "");
        }
        out += '\n';
    }
    return out;
}

// A heatmap in long form: the centre of every cell and its value.
std::string heatmap_block(const Panel& panel) {
    const Heatmap& map = *panel.heatmap;
    std::string value_name = csv_column_name(map.value_label);
    if (value_name.empty()) value_name = "value";
    std::vector<std::string> used;
    const std::string x_name = unique(axis_column(panel.x, "x"), used);
    const std::string y_name = unique(axis_column(panel.y, "y"), used);
    value_name = unique(value_name, used);
    std::string out = x_name + "," + y_name + "," + value_name + "\n";
    if (map.columns <= 0 || map.rows <= 0 ||
        map.values.size() < static_cast<std::size_t>(map.columns) * static_cast<std::size_t>(map.rows))
        return out;
    const double dx = (map.x_max - map.x_min) / map.columns, dy = (map.y_max - map.y_min) / map.rows;
    // Named rows and columns (a method, a length) are written by name, quoted as CSV requires.
    const bool named_rows = map.row_labels.size() == static_cast<std::size_t>(map.rows);
    const bool named_columns = map.column_labels.size() == static_cast<std::size_t>(map.columns);
    for (int row = 0; row < map.rows; ++row) {
        const std::string y = named_rows ? text_cell(map.row_labels[row]) : cell(map.y_min + (row + 0.5) * dy);
        for (int col = 0; col < map.columns; ++col)
            out += (named_columns ? text_cell(map.column_labels[col]) : cell(map.x_min + (col + 0.5) * dx)) + "," + y +
                   "," + cell(map.values[static_cast<std::size_t>(row) * map.columns + col]) + "\n";
    }
    return out;
}

}  // namespace

std::string csv_column_name(std::string_view raw) {
    // Greek letters and math signs of plot titles spelled in ASCII ("2π/θ′" -> "2pi_theta"), so
    // column names stay plain identifiers.
    static const std::pair<std::string_view, std::string_view> kSpelled[] = {
        {"\u03b1", " alpha "}, {"\u03b2", " beta "},   {"\u03b3", " gamma "}, {"\u03b8", " theta "},
        {"\u03bb", " lambda "}, {"\u03c0", "pi "},     {"\u00b2", "2"},        {"\u00d7", " x "},
        {"\u2212", " minus "}, {"\u00b7", " "},       {"\u2032", ""}};
    std::string text(raw);
    for (const auto& [glyph, ascii] : kSpelled)
        for (std::size_t at = text.find(glyph); at != std::string::npos; at = text.find(glyph, at + ascii.size()))
            text.replace(at, glyph.size(), ascii);
    std::string out;
    bool pending = false;
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x80 && std::isalnum(c)) {
            if (pending && !out.empty()) out += '_';
            pending = false;
            out += static_cast<char>(std::tolower(c));
        } else {
            pending = true;
        }
    }
    return out;
}

std::string figure_to_csv(const Figure& figure) {
    struct Block {
        std::string title;
        std::string text;
    };
    std::vector<Block> blocks;
    for (std::size_t p = 0; p < figure.panels.size(); ++p) {
        const Panel& panel = figure.panels[p];
        const std::string title = "# panel " + std::to_string(p + 1) + (panel.title.empty() ? "" : ": " + panel.title);
        if (!panel.series.empty()) blocks.push_back({title, series_block(panel)});
        if (panel.heatmap) blocks.push_back({title + " (heatmap)", heatmap_block(panel)});
    }
    if (blocks.size() == 1) return blocks.front().text;
    std::string out;
    for (std::size_t k = 0; k < blocks.size(); ++k) {
        std::string title = blocks[k].title;
        std::replace(title.begin(), title.end(), '\n', ' ');
        out += (k ? "\n" : "") + title + "\n" + blocks[k].text;
    }
    return out;
}

}  // namespace ropescope
