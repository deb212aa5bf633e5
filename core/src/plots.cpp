// The figures RopeScope shows. Each builder only arranges numbers the core computed
// (RopeResult, decay_curve); no RoPE formula is re-derived here.
#include "ropescope/plots.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "ropescope/color.h"
#include "ropescope/validate.h"

namespace ropescope {

namespace {

constexpr double kTwoPi = 2.0 * std::numbers::pi;

std::string num(double value, int digits = 4) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
    return buffer;
}

std::string entry_label(const PlotEntry& entry) {
    return entry.label.empty() ? legend_label(entry.result) : entry.label;
}

Series base_series(const PlotEntry& entry, const std::string& quantity) {
    Series s;
    s.label = entry_label(entry);
    s.method = std::string(method_name(entry.result.kind));
    s.quantity = quantity;
    s.color = method_color(entry.result.kind);
    s.marker = method_marker(entry.result.kind);
    s.style = entry.style;
    return s;
}

std::vector<double> pair_indices(const RopeResult& r) {
    std::vector<double> x(r.pairs.size());
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<double>(i);
    return x;
}

// Caption: the shared setup that reproduces the figure.
std::string setup_caption(const std::vector<PlotEntry>& entries) {
    if (entries.empty()) return "no method enabled";
    const RopeSetup& s = entries.front().result.setup;
    std::string caption = "d=" + std::to_string(s.rotary_dim()) + ", rope_theta=" + format_number(s.rope_theta) +
                          ", L=" + std::to_string(s.original_max_position_embeddings) + ", s=" +
                          format_number(s.factor) + ", L′=" + std::to_string(s.target_context());
    if (s.seq_len > 0) caption += ", seq_len=" + std::to_string(s.seq_len);
    return caption;
}

void add_context_markers(Panel& panel, const std::vector<PlotEntry>& entries, Marker::Orientation orientation) {
    if (entries.empty()) return;
    const RopeSetup& s = entries.front().result.setup;
    Marker trained;
    trained.orientation = orientation;
    trained.value = static_cast<double>(s.original_max_position_embeddings);
    trained.label = "L = " + std::to_string(s.original_max_position_embeddings);
    panel.markers.push_back(trained);
    if (s.target_context() != s.original_max_position_embeddings) {
        Marker target = trained;
        target.value = static_cast<double>(s.target_context());
        target.label = "L′ = " + std::to_string(s.target_context());
        target.style = LineStyle::Dotted;
        panel.markers.push_back(target);
    }
}

Figure single_panel(std::string id, std::string title, Panel panel, const std::vector<PlotEntry>& entries) {
    Figure figure;
    figure.id = std::move(id);
    figure.title = std::move(title);
    figure.caption = setup_caption(entries);
    figure.panels.push_back(std::move(panel));
    return figure;
}

// Points along r (rotations in L) for the continuous ramp curves: log-spaced over the pairs' range.
std::vector<double> ramp_r_grid(const RopeResult& r, int points) {
    const double lo = std::max(r.pairs.back().rotations, 1e-6);
    const double hi = std::max(r.pairs.front().rotations, lo * 10);
    std::vector<double> grid(static_cast<std::size_t>(points));
    for (int k = 0; k < points; ++k)
        grid[k] = lo * std::pow(hi / lo, static_cast<double>(k) / (points - 1));
    return grid;
}

}  // namespace

const std::vector<std::string>& plot_ids() {
    static const std::vector<std::string> ids = {"wavelength", "scale", "ramp", "decay", "coverage", "heatmap", "dynamic"};
    return ids;
}

std::string legend_label(const RopeResult& r) {
    const std::string name(method_label(r.kind));
    const std::string s = "s=" + num(r.factor);
    switch (r.kind) {
        case MethodKind::Default: return name;
        case MethodKind::Linear:
        case MethodKind::Ntk: return name + " (" + s + ")";
        case MethodKind::Dynamic:
            return name + " (" + s + ", len " + std::to_string(std::max(r.setup.seq_len, std::int64_t{0})) + ")";
        case MethodKind::NtkByParts: {
            const auto& m = std::get<NtkByPartsMethod>(r.method);
            return name + " (" + s + ", α " + num(m.alpha) + ", β " + num(m.beta) + ")";
        }
        case MethodKind::Yarn:
        case MethodKind::DynamicYarn: {
            const YarnMethod& y = r.kind == MethodKind::Yarn ? std::get<YarnMethod>(r.method)
                                                             : std::get<DynamicYarnMethod>(r.method).yarn;
            return name + " (" + s + ", β " + num(y.beta_fast) + "/" + num(y.beta_slow) + ")";
        }
        case MethodKind::Llama3: {
            const auto& m = std::get<Llama3Method>(r.method);
            return name + " (" + s + ", freq " + num(m.low_freq_factor) + "/" + num(m.high_freq_factor) + ")";
        }
        case MethodKind::LongRope:
            return name + " (" + s + ", " + (r.uses_long_factor ? "long" : "short") +
                   (r.n_hat > 0 ? ", n_hat " + std::to_string(r.n_hat) : "") + ")";
    }
    return name;
}

Figure wavelength_figure(const std::vector<PlotEntry>& entries) {
    Panel panel;
    panel.title = "Wavelength per rotary pair";
    panel.x = Axis{"rotary pair i", "pair", AxisScale::Linear, {}, {}};
    panel.y = Axis{"wavelength 2π/θ′ (tokens)", "tokens", AxisScale::Log, {}, {}};
    for (const auto& entry : entries) {
        Series s = base_series(entry, "wavelength");
        s.x = pair_indices(entry.result);
        for (const auto& p : entry.result.pairs) s.y.push_back(p.wavelength);
        panel.series.push_back(std::move(s));
    }
    add_context_markers(panel, entries, Marker::Orientation::Horizontal);
    return single_panel("wavelength", "Wavelengths: which pairs were stretched", std::move(panel), entries);
}

Figure scale_figure(const std::vector<PlotEntry>& entries) {
    Panel panel;
    panel.title = "Frequency scale θ / θ′ per pair";
    panel.x = Axis{"rotary pair i", "pair", AxisScale::Linear, {}, {}};
    panel.y = Axis{"θ / θ′ (1 = kept, s = interpolated)", "ratio", AxisScale::Log, {}, {}};
    for (const auto& entry : entries) {
        Series s = base_series(entry, "scale");
        s.x = pair_indices(entry.result);
        for (const auto& p : entry.result.pairs) s.y.push_back(p.scale);
        panel.series.push_back(std::move(s));
    }
    if (!entries.empty()) {
        const double factor = entries.front().result.setup.factor;
        panel.markers.push_back(Marker{Marker::Orientation::Horizontal, 1.0, "1 (kept)", LineStyle::Dotted, {}});
        if (factor != 1.0)
            panel.markers.push_back(
                Marker{Marker::Orientation::Horizontal, factor, "s = " + num(factor), LineStyle::Dashed, {}});
    }
    return single_panel("scale", "Frequency scaling per pair", std::move(panel), entries);
}

Figure ramp_figure(const std::vector<PlotEntry>& entries) {
    Panel panel;
    panel.title = "Ramp: share of the original frequency kept, against r = L / λ";
    panel.x = Axis{"r = L / λ (rotations in the training context)", "rotations", AxisScale::Log, {}, {}};
    panel.y = Axis{"keep weight γ (1 = kept, 0 = interpolated)", "weight", AxisScale::Linear, {}, {}};
    for (const auto& entry : entries) {
        const RopeResult& r = entry.result;
        const double L = static_cast<double>(r.original_context);
        const double log_base = std::log(r.setup.rope_theta);
        const int d = r.rotary_dim;
        // Continuous curves for the ramp methods, from the same parameters the core used.
        Series curve = base_series(entry, "ramp_curve");
        curve.in_legend = false;
        curve.marker = MarkerShape::None;  // the pairs' dots carry the method's symbol
        curve.x = ramp_r_grid(r, 200);
        bool has_curve = true;
        for (const double rot : curve.x) {
            double keep = std::numeric_limits<double>::quiet_NaN();
            if (r.kind == MethodKind::NtkByParts) {
                const auto& m = std::get<NtkByPartsMethod>(r.method);
                keep = std::clamp((rot - m.alpha) / (m.beta - m.alpha), 0.0, 1.0);
            } else if (r.kind == MethodKind::Llama3) {
                const auto& m = std::get<Llama3Method>(r.method);
                keep = std::clamp((rot - m.low_freq_factor) / (m.high_freq_factor - m.low_freq_factor), 0.0, 1.0);
            } else if (r.yarn) {
                // HF's ramp is linear in the pair index; pair index of r: i = d ln(L/(2 pi r)) / (2 ln b).
                const double index = d * std::log(L / (kTwoPi * rot)) / (2.0 * log_base);
                keep = 1.0 - std::clamp((index - r.yarn->low) / (r.yarn->high - r.yarn->low), 0.0, 1.0);
            } else {
                has_curve = false;
                break;
            }
            curve.y.push_back(keep);
        }
        // Each pair as a dot on (or, for non-ramp methods, off) the curve.
        Series dots = base_series(entry, "keep_weight");
        dots.kind = SeriesKind::Points;
        for (const auto& p : r.pairs) {
            if (std::isnan(p.keep_weight)) continue;
            dots.x.push_back(p.rotations);
            dots.y.push_back(p.keep_weight);
        }
        if (has_curve) panel.series.push_back(std::move(curve));
        panel.series.push_back(std::move(dots));
        // Ramp ends in rotations.
        if (r.kind == MethodKind::NtkByParts) {
            const auto& m = std::get<NtkByPartsMethod>(r.method);
            panel.markers.push_back(Marker{Marker::Orientation::Vertical, m.alpha, "α", LineStyle::Dotted,
                                           method_color(r.kind)});
            panel.markers.push_back(Marker{Marker::Orientation::Vertical, m.beta, "β", LineStyle::Dotted,
                                           method_color(r.kind)});
        } else if (r.yarn) {
            const YarnMethod& y = r.kind == MethodKind::Yarn ? std::get<YarnMethod>(r.method)
                                                             : std::get<DynamicYarnMethod>(r.method).yarn;
            panel.markers.push_back(Marker{Marker::Orientation::Vertical, y.beta_slow, "β_slow",
                                           LineStyle::Dotted, method_color(r.kind)});
            panel.markers.push_back(Marker{Marker::Orientation::Vertical, y.beta_fast, "β_fast",
                                           LineStyle::Dotted, method_color(r.kind)});
        }
    }
    panel.y.min = -0.05;
    panel.y.max = 1.05;
    Figure figure = single_panel("ramp", "The ramp: paper (linear in r) vs HF (linear in pair index)",
                                 std::move(panel), entries);
    return figure;
}

Figure decay_figure(const std::vector<PlotEntry>& entries, const PlotOptions& options) {
    Panel panel;
    panel.title = "Attention-score decay with distance";
    panel.x = Axis{"relative distance (tokens)", "tokens",
                   options.decay_grid == GridKind::Log ? AxisScale::Log : AxisScale::Linear, {}, {}};
    // What multiplies the logit: attention_factor^2, and DeepSeek's softmax-scale multiplier when an
    // entry has one (decay_curve applies RopeResult::logit_scale()).
    const bool softmax_multiplier = std::any_of(entries.begin(), entries.end(), [](const PlotEntry& e) {
        return e.result.softmax_scale_multiplier != 1.0;
    });
    panel.y = Axis{!options.decay_attention_factor ? "logit (identical q, k)"
                   : softmax_multiplier ? "logit × attention_factor² × softmax-scale multiplier (identical q, k)"
                                        : "logit × attention_factor² (identical q, k)",
                   "logit", AxisScale::Linear, {}, {}};
    std::int64_t max_distance = 1;
    for (const auto& entry : entries) max_distance = std::max(max_distance, entry.result.target_context);
    DecayOptions decay;
    decay.grid = options.decay_grid;
    decay.points = options.decay_points;
    decay.max_distance = max_distance;
    decay.apply_attention_factor = options.decay_attention_factor;
    for (const auto& entry : entries) {
        const DecayCurve curve = decay_curve(entry.result, decay);
        // Distance 0 cannot sit on a log axis.
        const std::size_t first = options.decay_grid == GridKind::Log ? 1 : 0;
        if (options.decay_logit) {
            Series s = base_series(entry, "decay_logit");
            s.x.assign(curve.distance.begin() + static_cast<std::ptrdiff_t>(first), curve.distance.end());
            s.y.assign(curve.logit.begin() + static_cast<std::ptrdiff_t>(first), curve.logit.end());
            panel.series.push_back(std::move(s));
        }
        if (options.decay_bound) {
            Series s = base_series(entry, "roformer_bound");
            s.label += " (RoFormer curve)";
            s.style = LineStyle::Dashed;
            s.marker = MarkerShape::None;  // the solid curve carries the method's symbol
            s.width_scale = 0.8f;
            s.in_legend = !options.decay_logit;
            s.x.assign(curve.distance.begin() + static_cast<std::ptrdiff_t>(first), curve.distance.end());
            s.y.assign(curve.bound.begin() + static_cast<std::ptrdiff_t>(first), curve.bound.end());
            panel.series.push_back(std::move(s));
        }
    }
    add_context_markers(panel, entries, Marker::Orientation::Vertical);
    Figure figure = single_panel("decay", "Attention-score decay (solid) and RoFormer decay curve (dashed)",
                                 std::move(panel), entries);
    return figure;
}

Figure coverage_figure(const std::vector<PlotEntry>& entries) {
    Panel panel;
    panel.title = "Largest angle reached at L′ vs seen in training";
    panel.x = Axis{"rotary pair i", "pair", AxisScale::Linear, {}, {}};
    panel.y = Axis{"angle (radians)", "rad", AxisScale::Log, {}, {}};
    if (!entries.empty()) {
        const RopeResult& first = entries.front().result;
        Series trained;
        trained.label = "trained: L·θ";
        trained.quantity = "max_angle_trained";
        trained.color = Color{150, 150, 150, 255};
        trained.marker = MarkerShape::None;
        trained.style = LineStyle::Dashed;
        trained.width_scale = 1.4f;
        trained.x = pair_indices(first);
        for (const auto& p : first.pairs) trained.y.push_back(p.max_angle_trained);
        panel.series.push_back(std::move(trained));
        panel.markers.push_back(Marker{Marker::Orientation::Horizontal, kTwoPi, "one full turn (2π)",
                                       LineStyle::Dotted, {}});
    }
    int leaving_total = 0;
    for (const auto& entry : entries) {
        Series s = base_series(entry, "max_angle_target");
        s.kind = SeriesKind::Both;
        s.x = pair_indices(entry.result);
        int leaving = 0;
        for (const auto& p : entry.result.pairs) {
            s.y.push_back(p.max_angle_target);
            s.highlight.push_back(p.leaves_trained_range);
            leaving += p.leaves_trained_range;
        }
        // Methods that depend on the current length are evaluated at seq_len = L' for this question
        // (compute_rope); say so, so that the legend's length is the curve's.
        const RopeResult& r = entry.result;
        const bool length_dependent =
            r.kind == MethodKind::Dynamic || r.kind == MethodKind::DynamicYarn ||
            (r.kind == MethodKind::LongRope && std::get<LongRopeMethod>(r.method).choice == LongRopeFactorChoice::Auto);
        if (length_dependent && r.setup.seq_len != r.target_context) {
            RopeSetup at_target = r.setup;
            at_target.seq_len = r.target_context;
            if (auto there = compute_rope(at_target, r.method); there && entry.label.empty()) s.label = legend_label(*there);
            else s.label += " at len " + std::to_string(r.target_context);
        }
        s.label += ": " + std::to_string(leaving) + " pairs out of range";
        leaving_total += leaving;
        panel.series.push_back(std::move(s));
    }
    Figure figure = single_panel("coverage", "Training-range coverage (ringed: pairs that see new angles)",
                                 std::move(panel), entries);
    return figure;
}

Figure dynamic_figure(const std::vector<PlotEntry>& entries) {
    Panel panel;
    panel.x = Axis{"seq_len (tokens)", "tokens", AxisScale::Log, {}, {}};
    panel.y = Axis{"θ′ (rad/token)", "rad/token", AxisScale::Log, {}, {}};
    std::vector<const PlotEntry*> dynamic;
    for (const auto& e : entries)
        if (e.result.kind == MethodKind::Dynamic || e.result.kind == MethodKind::DynamicYarn) dynamic.push_back(&e);
    if (dynamic.empty()) {
        panel.title = "θ′ against seq_len: enable Dynamic NTK or Dynamic YaRN";
        panel.legend = false;
        return single_panel("dynamic", "Dynamic methods: frequencies against the current length", std::move(panel), entries);
    }
    panel.title = "How the dynamic methods' frequencies move with seq_len";
    const RopeSetup& first = dynamic.front()->result.setup;
    const double L = static_cast<double>(first.original_max_position_embeddings);
    const double lo = std::max(1.0, L / 8.0);
    const double hi = std::max({4.0 * static_cast<double>(first.target_context()), 2.0 * static_cast<double>(first.seq_len),
                                8.0 * L});
    constexpr int kPoints = 160;
    static constexpr LineStyle kStyles[] = {LineStyle::Dotted, LineStyle::Dashed, LineStyle::Solid};
    for (const PlotEntry* e : dynamic) {
        const RopeResult& r = e->result;
        const int n = r.num_pairs();
        const int pairs[] = {n / 2, (3 * n) / 4, n - 1};
        std::vector<Series> lines;
        for (int k = 0; k < 3; ++k) {
            Series line = base_series(*e, "inv_freq_vs_seq_len");
            line.label = std::string(method_label(r.kind)) + ", pair " + std::to_string(pairs[k]);
            line.style = kStyles[k];
            lines.push_back(std::move(line));
        }
        for (int p = 0; p < kPoints; ++p) {
            const double len = std::round(lo * std::pow(hi / lo, static_cast<double>(p) / (kPoints - 1)));
            RopeSetup at = r.setup;
            at.seq_len = static_cast<std::int64_t>(len);
            const auto there = compute_rope(at, r.method);
            if (!there) continue;
            for (int k = 0; k < 3; ++k) {
                lines[static_cast<std::size_t>(k)].x.push_back(len);
                lines[static_cast<std::size_t>(k)].y.push_back(there->inv_freq[static_cast<std::size_t>(pairs[k])]);
            }
        }
        for (auto& line : lines) panel.series.push_back(std::move(line));
    }
    add_context_markers(panel, entries, Marker::Orientation::Vertical);
    if (first.max_position_embeddings > 0 && first.max_position_embeddings != first.original_max_position_embeddings &&
        first.max_position_embeddings != first.target_context())
        panel.markers.push_back(Marker{Marker::Orientation::Vertical, static_cast<double>(first.max_position_embeddings),
                                       "max_position_embeddings", LineStyle::Dotted, {}});
    if (first.seq_len > 0)
        panel.markers.push_back(Marker{Marker::Orientation::Vertical, static_cast<double>(first.seq_len),
                                       "seq_len = " + std::to_string(first.seq_len), LineStyle::Dashed, {}});
    return single_panel("dynamic", "Dynamic methods: θ′ against the current length", std::move(panel), entries);
}

double rotation_cos(const RopeResult& result, std::int64_t position, int pair) {
    return std::cos(result.angle(position, pair));
}

Figure heatmap_figure(const std::vector<PlotEntry>& entries, const PlotOptions& options) {
    Panel panel;
    panel.x = Axis{"position m (tokens)", "tokens", AxisScale::Linear, {}, {}};
    panel.y = Axis{"rotary pair i", "pair", AxisScale::Linear, {}, {}};
    panel.legend = false;
    Figure figure;
    figure.id = "heatmap";
    figure.caption = setup_caption(entries);
    if (entries.empty()) {
        panel.title = "Rotation heatmap (no method enabled)";
        figure.title = panel.title;
        figure.panels.push_back(std::move(panel));
        return figure;
    }
    const int shown = std::clamp(options.heatmap_method, 0, static_cast<int>(entries.size()) - 1);
    const RopeResult& a = entries[shown].result;
    const RopeResult* b = options.heatmap_compare >= 0 && options.heatmap_compare < static_cast<int>(entries.size()) &&
                                  options.heatmap_compare != shown
                              ? &entries[options.heatmap_compare].result
                              : nullptr;
    Heatmap map;
    map.columns = std::max(2, options.heatmap_columns);
    map.rows = a.num_pairs();
    const double max_position = static_cast<double>(std::max<std::int64_t>(options.heatmap_positions, 1));
    // Column c samples m = max * c / (columns-1); each cell is centred on its sample.
    const double half_step = 0.5 * max_position / (map.columns - 1);
    map.x_min = -half_step;
    map.x_max = max_position + half_step;
    map.y_min = -0.5;
    map.y_max = a.num_pairs() - 0.5;
    map.value_min = b ? -2.0f : -1.0f;
    map.value_max = b ? 2.0f : 1.0f;
    map.value_label = b ? "cos difference" : "cos(m·θ′)";
    map.values.resize(static_cast<std::size_t>(map.columns) * static_cast<std::size_t>(map.rows));
    for (int row = 0; row < map.rows; ++row) {
        for (int col = 0; col < map.columns; ++col) {
            const auto m = static_cast<std::int64_t>(std::llround(max_position * col / (map.columns - 1)));
            double value = rotation_cos(a, m, row);
            if (b && row < b->num_pairs()) value -= rotation_cos(*b, m, row);
            map.values[static_cast<std::size_t>(row) * map.columns + col] = static_cast<float>(value);
        }
    }
    panel.x.min = map.x_min;
    panel.x.max = map.x_max;
    panel.heatmap = std::move(map);
    panel.y.min = -0.5;
    panel.y.max = a.num_pairs() - 0.5;
    const std::string name_a(method_label(a.kind));
    panel.title = b ? "cos(m·θ′): " + name_a + " minus " + std::string(method_label(b->kind))
                    : "cos(m·θ′) for " + name_a;
    figure.title = "Rotation heatmap";
    figure.panels.push_back(std::move(panel));
    return figure;
}

namespace {

Result<Figure> build_plain_figure(std::string_view id, const std::vector<PlotEntry>& entries,
                                  const PlotOptions& options) {
    if (id == "wavelength") return wavelength_figure(entries);
    if (id == "scale") return scale_figure(entries);
    if (id == "ramp") return ramp_figure(entries);
    if (id == "decay") return decay_figure(entries, options);
    if (id == "coverage") return coverage_figure(entries);
    if (id == "heatmap") return heatmap_figure(entries, options);
    if (id == "dynamic") return dynamic_figure(entries);
    return Error{"plot", ""};
}

}  // namespace

Result<Figure> build_figure(std::string_view id, const std::vector<PlotEntry>& entries, const PlotOptions& options) {
    if (auto figure = build_plain_figure(id, entries, options)) {
        figure->summary = plot_summary(id, entries);
        return figure;
    }
    std::string list;
    for (const auto& known : plot_ids()) list += (list.empty() ? "" : ", ") + known;
    return Error{"plot", "plot: \"" + std::string(id) + "\" is not a known plot; use one of " + list + "."};
}

namespace {

// Widens [lo, hi] of `axis` to include the other's explicit range, if both have one.
void share_range(Axis& a, Axis& b) {
    if (a.min && b.min) a.min = b.min = std::min(*a.min, *b.min);
    if (a.max && b.max) a.max = b.max = std::max(*a.max, *b.max);
}

// Explicit ranges that cover the data of every panel, with a margin, so linked panels use the
// same axes without data touching the frame.
void fit_shared_ranges(std::vector<Panel>& panels) {
    constexpr double kMargin = 0.04;  // of the span (of the log span on log axes)
    for (const bool x_axis : {true, false}) {
        double lo = std::numeric_limits<double>::infinity();
        double hi = -std::numeric_limits<double>::infinity();
        bool any_explicit = false;
        const AxisScale scale = x_axis ? panels.front().x.scale : panels.front().y.scale;
        for (const auto& panel : panels) {
            const Axis& axis = x_axis ? panel.x : panel.y;
            if (axis.min && axis.max) any_explicit = true;
            for (const auto& s : panel.series) {
                for (const double v : x_axis ? s.x : s.y) {
                    if (!std::isfinite(v) || (scale == AxisScale::Log && v <= 0)) continue;
                    lo = std::min(lo, v);
                    hi = std::max(hi, v);
                }
            }
        }
        if (any_explicit || !(lo < hi)) continue;
        if (scale == AxisScale::Log) {
            const double pad = std::pow(hi / lo, kMargin);
            lo /= pad;
            hi *= pad;
        } else {
            const double pad = (hi - lo) * kMargin;
            lo -= pad;
            hi += pad;
        }
        for (auto& panel : panels) {
            Axis& axis = x_axis ? panel.x : panel.y;
            axis.min = lo;
            axis.max = hi;
        }
    }
    if (panels.size() == 2) {
        share_range(panels[0].x, panels[1].x);
        share_range(panels[0].y, panels[1].y);
    }
}

}  // namespace

Figure side_by_side(const Figure& a, const Figure& b) {
    Figure out = b;
    out.panels.clear();
    for (Panel panel : a.panels) {
        panel.title = "A: " + panel.title;
        out.panels.push_back(std::move(panel));
    }
    for (Panel panel : b.panels) {
        panel.title = "B: " + panel.title;
        out.panels.push_back(std::move(panel));
    }
    fit_shared_ranges(out.panels);
    out.caption = "A: " + a.caption + "   |   B: " + b.caption;
    return out;
}

Figure overlay(const Figure& a, const Figure& b) {
    Figure out = b;
    for (std::size_t p = 0; p < out.panels.size() && p < a.panels.size(); ++p) {
        std::vector<Series> merged;
        for (Series s : a.panels[p].series) {
            s.style = LineStyle::Dashed;
            s.label += " (A)";
            merged.push_back(std::move(s));
        }
        for (Series s : out.panels[p].series) {
            s.label += " (B)";
            merged.push_back(std::move(s));
        }
        out.panels[p].series = std::move(merged);
        // A's reference lines where they differ from B's (e.g. another s or L').
        for (Marker marker : a.panels[p].markers) {
            const bool shared = std::any_of(out.panels[p].markers.begin(), out.panels[p].markers.end(),
                                            [&](const Marker& m) {
                                                return m.orientation == marker.orientation && m.value == marker.value;
                                            });
            if (shared) continue;
            marker.label += " (A)";
            out.panels[p].markers.push_back(std::move(marker));
        }
    }
    out.caption = "A (dashed): " + a.caption + "   |   B (solid): " + b.caption;
    return out;
}

}  // namespace ropescope
