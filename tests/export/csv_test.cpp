// CSV export: headers name method, quantity and unit; numbers read back exactly.
#include <cstdlib>

#include "export_test_util.h"
#include "ropescope/decay.h"
#include "ropescope/export.h"

namespace ropescope {
namespace {

using test::default_entries;
using test::figure_of;

using Table = std::vector<std::vector<std::string>>;

// One line's fields; a field in double quotes may hold commas, and "" inside it is one quote.
std::vector<std::string> split(const std::string& line) {
    std::vector<std::string> cells(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char ch = line[i];
        if (quoted && ch == '"' && i + 1 < line.size() && line[i + 1] == '"') {
            cells.back() += '"';
            ++i;
        } else if (ch == '"') {
            quoted = !quoted;
        } else if (ch == ',' && !quoted) {
            cells.emplace_back();
        } else {
            cells.back() += ch;
        }
    }
    return cells;
}

Table parse(const std::string& csv) {
    Table rows;
    std::size_t start = 0;
    while (start < csv.size()) {
        const auto end = csv.find('\n', start);
        rows.push_back(split(csv.substr(start, end - start)));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return rows;
}

std::size_t column(const Table& t, const std::string& name) {
    for (std::size_t c = 0; c < t[0].size(); ++c)
        if (t[0][c] == name) return c;
    ADD_FAILURE() << "no column " << name;
    return 0;
}

double number(const std::string& cell) {
    char* end = nullptr;
    const double v = std::strtod(cell.c_str(), &end);
    EXPECT_EQ(*end, '\0') << cell;
    return v;
}

TEST(Csv, WavelengthsEqualTheCoreExactly) {
    const auto entries = default_entries();
    const Table t = parse(figure_to_csv(figure_of("wavelength", entries)));
    ASSERT_EQ(t[0][0], "rotary_pair_i");
    ASSERT_EQ(t.size(), 1 + entries.front().result.pairs.size());
    ASSERT_EQ(t[0].size(), 1 + entries.size());
    for (const auto& e : entries) {
        const std::string name = std::string(method_name(e.result.kind)) + "_wavelength_tokens";
        const std::size_t c = column(t, name);
        for (std::size_t i = 0; i < e.result.pairs.size(); ++i) {
            EXPECT_EQ(number(t[i + 1][0]), static_cast<double>(i));
            EXPECT_EQ(number(t[i + 1][c]), e.result.pairs[i].wavelength) << name << " pair " << i;
        }
    }
}

TEST(Csv, DecayEqualsTheCoreCurve) {
    const auto entries = default_entries();
    const PlotOptions options;
    const Table t = parse(figure_to_csv(decay_figure(entries, options)));
    DecayOptions decay;
    decay.grid = options.decay_grid;
    decay.points = options.decay_points;
    decay.max_distance = entries.front().result.target_context;
    const DecayCurve curve = decay_curve(entries[3].result, decay);  // yarn
    const std::size_t c = column(t, "yarn_decay_logit");
    const std::size_t x = column(t, "relative_distance_tokens");
    // The log grid drops distance 0.
    ASSERT_EQ(t.size(), curve.distance.size());
    for (std::size_t r = 1; r < t.size(); ++r) {
        EXPECT_EQ(number(t[r][x]), curve.distance[r]);
        EXPECT_EQ(number(t[r][c]), curve.logit[r]);
    }
    column(t, "yarn_roformer_bound_logit");
}

TEST(Csv, DifferentGridsGetTheirOwnXColumn) {
    const auto entries = default_entries();
    const Figure figure = figure_of("ramp", entries);
    const Table t = parse(figure_to_csv(figure));
    // One x column per distinct grid, then that grid's series.
    std::size_t grids = 0;
    for (const auto& h : t[0]) grids += h.find("__") != std::string::npos;
    EXPECT_EQ(t[0].size(), grids + figure.panels[0].series.size());
    // Every method's per-pair dots share the pairs' r; the continuous ramp curves share their own grid.
    const std::size_t x = column(t, "r_l_lambda_rotations_in_the_training_context__default_keep_weight");
    const std::size_t y = column(t, "yarn_keep_weight");
    column(t, "r_l_lambda_rotations_in_the_training_context__yarn_ramp_curve_weight");
    EXPECT_EQ(grids, 2u);
    const auto& yarn = entries[3].result;
    for (std::size_t i = 0; i < yarn.pairs.size(); ++i) {
        EXPECT_EQ(number(t[i + 1][x]), yarn.pairs[i].rotations);
        EXPECT_EQ(number(t[i + 1][y]), yarn.pairs[i].keep_weight);
    }
    // Shorter columns end in empty cells.
    EXPECT_EQ(t.back()[y], "");
}

TEST(Csv, HeatmapInLongForm) {
    const Figure figure = figure_of("heatmap", default_entries());
    const Table t = parse(figure_to_csv(figure));
    const Heatmap& map = *figure.panels[0].heatmap;
    EXPECT_EQ(t[0], (std::vector<std::string>{"position_m_tokens", "rotary_pair_i", "cos_m_theta"}));
    ASSERT_EQ(t.size(), 1 + static_cast<std::size_t>(map.rows) * map.columns);
    EXPECT_EQ(number(t[1][2]), static_cast<double>(map.values[0]));
    EXPECT_EQ(number(t[1][1]), 0.0);  // row 0: pair 0
}

TEST(Csv, NamedHeatmapCellsAreWrittenByName) {
    Figure figure;
    Panel panel;
    panel.x.title = "length";
    panel.y.title = "method";
    Heatmap h;
    h.columns = 2;
    h.rows = 2;
    h.values = {0.25f, 0.5f, 0.75f, 1};
    h.value_label = "accuracy";
    h.column_labels = {"256", "512"};
    h.row_labels = {"PI, s = 4", "say \"yarn\""};  // a comma and quotes: quoted as CSV requires
    panel.heatmap = h;
    figure.panels.push_back(panel);
    const Table t = parse(figure_to_csv(figure));
    ASSERT_EQ(t.size(), 5u);
    EXPECT_EQ(t[0], (std::vector<std::string>{"length", "method", "accuracy"}));
    EXPECT_EQ(t[1], (std::vector<std::string>{"256", "PI, s = 4", "0.25"}));
    EXPECT_EQ(t[4], (std::vector<std::string>{"512", "say \"yarn\"", "1"}));
}

TEST(Csv, MultiplePanelsAreSeparateBlocks) {
    const auto entries = default_entries();
    const Figure a = figure_of("scale", entries);
    const std::string csv = figure_to_csv(side_by_side(a, a));
    EXPECT_EQ(csv.rfind("# panel 1: A: ", 0), 0u);
    EXPECT_NE(csv.find("\n\n# panel 2: B: "), std::string::npos);
}

TEST(Csv, NanIsAnEmptyCellAndNamesAreUnique) {
    Figure figure;
    Panel panel;
    panel.x = Axis{"distance", "tokens", AxisScale::Linear, {}, {}};
    panel.y = Axis{"logit", "logit", AxisScale::Linear, {}, {}};
    Series s;
    s.method = "yarn";
    s.quantity = "logit";
    s.x = {1, 2};
    s.y = {0.5, std::nan("")};
    panel.series = {s, s};
    figure.panels.push_back(panel);
    EXPECT_EQ(figure_to_csv(figure), "distance_tokens,yarn_logit,yarn_logit_2\n1,0.5,0.5\n2,,\n");
}

TEST(Csv, ColumnNames) {
    EXPECT_EQ(csv_column_name("wavelength (tokens)"), "wavelength_tokens");
    EXPECT_EQ(csv_column_name("  theta / theta' "), "theta_theta");
    EXPECT_EQ(csv_column_name("NTK-by-parts"), "ntk_by_parts");
    EXPECT_EQ(csv_column_name(""), "");
}

}  // namespace
}  // namespace ropescope
