// Figures of the LongRoPE search: searched factors against the seeds and references, fitness per generation.
#include <algorithm>
#include <cmath>
#include <limits>

#include "ropescope/color.h"
#include "ropescope/longrope_search.h"
#include "ropescope/rope.h"
#include "ropescope/validate.h"

namespace ropescope {

namespace {

Series factor_series(const std::string& label, const std::string& method, Color color,
                     const std::vector<double>& factors) {
    Series s;
    s.label = label;
    s.method = method;
    s.quantity = "factor";
    s.color = color;
    for (std::size_t i = 0; i < factors.size(); ++i) {
        s.x.push_back(static_cast<double>(i));
        s.y.push_back(factors[i]);
    }
    return s;
}

// The published references are not methods of their own: a mid grey that reads on the light and
// the dark theme alike, told apart by the dash pattern.
constexpr Color kReferenceColor{0x96, 0x96, 0x96, 255};

// A reference's key for legend toggles and CSV columns: its label up to the first space
// ("Phi-3-mini-128k long_factor" -> "Phi-3-mini-128k"), so two references never share one.
std::string reference_key(const std::string& label) {
    const std::string key = label.substr(0, label.find(' '));
    return key.empty() ? "reference" : key;
}

}  // namespace

Figure longrope_factors_figure(const RopeSetup& setup, const SearchResult& result,
                               const std::vector<FactorReference>& references, const std::string& caption) {
    Figure f;
    f.id = "longrope_factors";
    f.title = "LongRoPE search: per-pair factors";
    f.caption = caption;
    Panel p;
    p.title = "rescale factor per pair (s = " + format_number(setup.factor) + ")";
    p.x.title = "pair index i";
    p.y.title = "factor lambda_i = theta_i / theta'_i";
    p.y.scale = AxisScale::Log;
    p.legend_placement = LegendPlacement::Above;  // the curves fill every corner
    const std::pair<const char*, Method> seeds[] = {
        {"PI", LinearMethod{}}, {"NTK-aware", NtkMethod{}}, {"YaRN", YarnMethod{}}};
    for (const auto& [label, method] : seeds) {
        auto rope = compute_rope(setup, method);
        if (!rope) continue;
        std::vector<double> scale;
        for (const auto& row : rope->pairs) scale.push_back(row.scale);
        const MethodKind kind = kind_of(method);
        p.series.push_back(factor_series(label, std::string(method_name(kind)), method_color(kind), scale));
        p.series.back().marker = method_marker(kind);
    }
    const std::size_t pairs = static_cast<std::size_t>(setup.num_pairs());
    for (std::size_t k = 0; k < references.size(); ++k) {
        if (references[k].factors.size() != pairs) continue;
        Series s = factor_series(references[k].label, reference_key(references[k].label), kReferenceColor,
                                 references[k].factors);
        s.style = k % 2 == 0 ? LineStyle::Dashed : LineStyle::Dotted;
        p.series.push_back(std::move(s));
    }
    Series best = factor_series("searched (n_hat " + std::to_string(result.best.n_hat) + ")", "longrope",
                                method_color(MethodKind::LongRope), result.best.factors());
    best.kind = SeriesKind::Both;
    best.width_scale = 1.5f;
    p.series.push_back(std::move(best));
    Marker ms;
    ms.value = setup.factor;
    ms.label = "s = " + format_number(setup.factor);
    p.markers.push_back(ms);
    // The first pair that never completes a turn in training (r < 1).
    const int d = setup.rotary_dim();
    for (int i = 0; i < setup.num_pairs(); ++i) {
        const double theta = std::pow(setup.rope_theta, -2.0 * i / d);
        if (static_cast<double>(setup.original_max_position_embeddings) * theta < 6.283185307179586) {
            Marker mr;
            mr.orientation = Marker::Orientation::Vertical;
            mr.value = i;
            mr.label = "r < 1";
            p.markers.push_back(mr);
            break;
        }
    }
    f.panels.push_back(std::move(p));
    return f;
}

Figure longrope_fitness_figure(const SearchResult& result, const std::string& caption) {
    Figure f;
    f.id = "longrope_fitness";
    f.title = "LongRoPE search: fitness per generation";
    f.caption = caption;
    Panel p;
    p.title = "proxy fitness (lower is better)";
    p.x.title = "generation";
    p.y.title = "fitness";
    p.legend_placement = LegendPlacement::Above;  // inside, it would cover the seeds' labels
    bool positive = true;
    for (const double v : result.mean_per_generation) positive = positive && v > 0;
    for (const double v : result.best_per_generation) positive = positive && v > 0;
    for (const auto& seed : result.seeds) positive = positive && seed.terms.total > 0;
    p.y.scale = positive ? AxisScale::Log : AxisScale::Linear;
    Series best;
    best.label = "best";
    best.method = "longrope";
    best.quantity = "best_fitness";
    best.color = method_color(MethodKind::LongRope);
    best.kind = SeriesKind::Both;
    Series mean = best;
    mean.label = "population mean";
    mean.quantity = "mean_fitness";
    mean.kind = SeriesKind::Line;
    mean.style = LineStyle::Dashed;
    for (std::size_t g = 0; g < result.best_per_generation.size(); ++g) {
        best.x.push_back(static_cast<double>(g));
        best.y.push_back(result.best_per_generation[g]);
        mean.x.push_back(static_cast<double>(g));
        mean.y.push_back(g < result.mean_per_generation.size() ? result.mean_per_generation[g] : std::numeric_limits<double>::quiet_NaN());
    }
    p.series.push_back(std::move(best));
    p.series.push_back(std::move(mean));
    for (const auto& seed : result.seeds) {
        if (!std::isfinite(seed.terms.total)) continue;
        Marker m;
        m.value = seed.terms.total;
        m.label = seed.label + " seed";
        m.color = method_color(seed.kind);
        p.markers.push_back(m);
    }
    f.panels.push_back(std::move(p));
    return f;
}

}  // namespace ropescope
