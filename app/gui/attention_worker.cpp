#include "attention_worker.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "ropescope/color.h"
#include "ropescope/validate.h"
#include "ui_wake.h"

namespace ropescope::gui {

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kOverviewBins = 256;

// Reads key `name` as T if present and of a compatible type; false otherwise (keeps the default).
template <typename T>
bool read(const nlohmann::json& json, const char* name, T& out) {
    const auto it = json.find(name);
    if (it == json.end()) return false;
    if constexpr (std::is_same_v<T, std::string>) {
        if (!it->is_string()) return false;
        out = it->template get<std::string>();
    } else if constexpr (std::is_floating_point_v<T>) {
        if (!it->is_number()) return false;
        out = it->template get<T>();
    } else {
        if (!it->is_number()) return false;
        const double v = it->template get<double>();
        if (!std::isfinite(v)) return false;
        // Saturate instead of overflowing (a hand-edited file may hold anything).
        const double lo = static_cast<double>(std::numeric_limits<T>::lowest());
        const double hi = static_cast<double>(std::numeric_limits<T>::max());
        out = v <= lo ? std::numeric_limits<T>::lowest() : v >= hi ? std::numeric_limits<T>::max() : static_cast<T>(v);
    }
    return true;
}

std::string resolve_caption(const AttentionJob& job, const AttentionOptions& o) {
    std::string c = job.setup_caption.empty() ? std::string() : job.setup_caption + "; ";
    c += std::string(content_model_name(o.content)) + ", N=" + std::to_string(o.num_keys);
    if (o.query_scale != 1.0) c += ", query scale " + format_number(o.query_scale);
    if (o.content == ContentModel::Needle)
        c += ", noise " + format_number(o.noise) + ", seed " + std::to_string(o.seed);
    if (o.precision != PhasePrecision::Fp64) c += ", phases " + std::string(phase_precision_name(o.precision));
    return c;
}

// The logits of kLogitQueries query positions (ending at the query) against kLogitKeys keys
// around the target, the target's diagonal n = q - D centred in the window.
LogitGrid compute_grid(const PlotEntry& entry, const AttentionOptions& o) {
    LogitGrid g;
    g.kind = entry.result.kind;
    const std::int64_t m = o.first_key + o.num_keys - 1;
    const std::int64_t d = o.target_distance;
    g.target = m - d;
    const std::int64_t q0 = std::max<std::int64_t>(0, m - (kLogitQueries - 1));
    for (std::int64_t q = q0; q <= m; ++q) g.queries.push_back(q);
    // Centre the band the diagonal sweeps (targets g.target - rows + 1 .. g.target).
    const std::int64_t rows = static_cast<std::int64_t>(g.queries.size());
    std::int64_t k0 = g.target - (rows - 1) / 2 - kLogitKeys / 2;
    k0 = std::clamp<std::int64_t>(k0, 0, std::max<std::int64_t>(0, kMaxContext - kLogitKeys));
    for (std::int64_t k = k0; k < k0 + kLogitKeys; ++k) g.keys.push_back(k);
    auto logits = logit_matrix(entry.result, o, g.queries, g.keys);
    if (!logits) {
        g.error = attention_error_text(logits.error());
        return g;
    }
    g.logits.resize(logits->size());
    double sum = 0;
    std::size_t count = 0;
    for (std::size_t r = 0; r < g.queries.size(); ++r)
        for (std::size_t k = 0; k < g.keys.size(); ++k) {
            const std::size_t at = r * g.keys.size() + k;
            if (g.keys[k] > g.queries[r]) {
                g.logits[at] = std::numeric_limits<float>::quiet_NaN();  // causal mask: a key after the query
                continue;
            }
            g.logits[at] = static_cast<float>((*logits)[at]);
            sum += (*logits)[at];
            ++count;
        }
    g.center = count ? static_cast<float>(sum / static_cast<double>(count)) : 0.0f;
    for (const float v : g.logits)
        if (!std::isnan(v)) g.spread = std::max(g.spread, std::fabs(v - g.center));
    return g;
}

// The window figure of the core, plus a panel with every key: the largest weight per bin.
Figure window_figure(const std::vector<AttentionMethodRun>& runs, const AttentionOptions& o,
                     const std::string& caption) {
    std::vector<AttentionResult> results;
    std::vector<std::string> labels;
    for (const auto& run : runs)
        if (run.query) {
            results.push_back(*run.query);
            labels.push_back(run.label);
        }
    Figure f = attention_window_figure(results, labels, caption);
    if (results.empty()) return f;
    f.panels.front().title = "around the target, D = " + format_number(static_cast<double>(o.target_distance));
    Panel all;
    all.title = "all " + format_number(static_cast<double>(o.num_keys)) + " keys (largest weight per bin)";
    all.x.title = "distance m - n (tokens)";
    all.x.unit = "tokens";
    all.x.scale = AxisScale::Log;
    all.y.title = "softmax weight";
    all.y.scale = AxisScale::Log;
    all.legend = false;
    for (const auto& r : results) {
        Series s;
        s.label = f.panels.front().series[&r - results.data()].label;
        s.method = std::string(method_name(r.kind));
        s.quantity = "max_weight";
        s.color = method_color(r.kind);
        const std::int64_t bins = static_cast<std::int64_t>(r.overview_weights.size());
        for (std::int64_t b = 0; b < bins; ++b) {
            const std::int64_t b0 = b * r.num_keys / bins, b1 = (b + 1) * r.num_keys / bins;
            // Distance of the bin's middle key from the query (the query's own key sits at 0: skip it on a log axis).
            const double distance =
                static_cast<double>(r.query_position - r.first_key) - 0.5 * static_cast<double>(b0 + b1 - 1);
            if (distance < 1) continue;
            const double w = r.overview_weights[static_cast<std::size_t>(b)];
            s.x.push_back(distance);
            s.y.push_back(w > 0 ? w : std::numeric_limits<double>::quiet_NaN());
        }
        all.series.push_back(std::move(s));
    }
    Marker target;
    target.orientation = Marker::Orientation::Vertical;
    target.value = static_cast<double>(o.target_distance);
    target.label = "D";
    all.markers.push_back(target);
    f.panels.push_back(std::move(all));
    return f;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Settings

nlohmann::json attention_settings_to_json(const AttentionSettings& s) {
    return {{"content", std::string(content_model_name(s.content))},
            {"keys", s.keys},
            {"needle_distance", s.distance},
            {"query_scale", s.query_scale},
            {"noise", s.noise},
            {"seed", s.seed},
            {"precision", std::string(phase_precision_name(s.precision))},
            {"threads", s.threads},
            {"window", s.window},
            {"points", s.points},
            {"heatmap_method", s.heatmap_method}};
}

AttentionSettings attention_settings_from_json(const nlohmann::json& json) {
    AttentionSettings s;
    if (!json.is_object()) return s;
    std::string name;
    if (read(json, "content", name))
        if (const auto model = content_model_from_name(name)) s.content = *model;
    if (read(json, "precision", name))
        if (const auto p = phase_precision_from_name(name)) s.precision = *p;
    // 0 is "automatic"; negative values mean nothing: automatic too. Larger than the kernel's
    // limit is kept (up to any context RopeScope represents): the core reports it.
    if (read(json, "keys", s.keys)) s.keys = std::clamp<std::int64_t>(s.keys, 0, kMaxContext);
    if (read(json, "needle_distance", s.distance)) s.distance = std::clamp<std::int64_t>(s.distance, 0, kMaxContext);
    if (read(json, "query_scale", s.query_scale))
        s.query_scale = std::isfinite(s.query_scale) && s.query_scale > 0 ? std::clamp(s.query_scale, 1e-3, 1e6) : 1.0;
    if (read(json, "noise", s.noise)) s.noise = std::isfinite(s.noise) && s.noise >= 0 ? std::min(s.noise, 1e3) : 1.0;
    if (const auto it = json.find("seed"); it != json.end() && it->is_number_unsigned())
        s.seed = it->get<std::uint64_t>();
    else if (it != json.end() && it->is_number_integer() && it->get<std::int64_t>() >= 0)
        s.seed = static_cast<std::uint64_t>(it->get<std::int64_t>());
    if (read(json, "threads", s.threads)) s.threads = std::clamp(s.threads, 0, 256);
    if (read(json, "window", s.window)) s.window = std::clamp(s.window, 1, 4096);
    if (read(json, "points", s.points)) s.points = std::clamp(s.points, 2, 200);
    if (read(json, "heatmap_method", name) && method_from_name(name))
        s.heatmap_method = std::string(method_name(*method_from_name(name)));
    return s;
}

std::string attention_error_text(const Error& error) {
    struct Name {
        const char* field;
        const char* label;
    };
    static constexpr Name kNames[] = {{"num_keys", "Keys N (--keys)"},
                                      {"max_distance", "Keys N (--keys)"},
                                      {"target_distance", "Distance D (--needle-distance)"},
                                      {"query_scale", "Query scale (--query-scale)"},
                                      {"noise", "Noise (--noise)"},
                                      {"threads", "Threads (--threads)"},
                                      {"window_radius", "Window (--window)"},
                                      {"points", "Grid points (--points)"}};
    for (const Name& n : kNames) {
        if (error.field != n.field) continue;
        const std::string prefix = error.field + ": ";
        const std::string rest =
            error.message.rfind(prefix, 0) == 0 ? error.message.substr(prefix.size()) : error.message;
        return std::string(n.label) + ": " + rest;
    }
    return error.message;
}

bool AttentionSettings::SameJob(const AttentionSettings& other) const {
    AttentionSettings a = *this, b = other;
    a.heatmap_method.clear();
    b.heatmap_method.clear();
    return a == b;
}

std::int64_t auto_keys(std::int64_t target_context) {
    return std::clamp(target_context, kAttentionMinKeys, kMaxAttentionKeys);
}

AttentionOptions resolve_attention(const AttentionSettings& s, std::int64_t target_context) {
    AttentionOptions o;
    o.num_keys = s.keys > 0 ? s.keys : auto_keys(target_context);
    o.first_key = 0;
    o.query_position = -1;
    const std::int64_t n = std::max<std::int64_t>(o.num_keys, 2);
    o.target_distance = s.distance > 0 ? std::min(s.distance, n - 1) : n / 2;
    o.content = s.content;
    o.seed = s.seed;
    o.noise = s.noise;
    o.query_scale = s.query_scale;
    o.precision = s.precision;
    o.threads = s.threads;
    o.window_radius = s.window;
    o.overview_bins = kOverviewBins;
    return o;
}

// ---------------------------------------------------------------------------------------------
// One job

AttentionOutput run_attention_job(const AttentionJob& job, const std::atomic<bool>* cancel,
                                  const std::function<void(double)>& progress,
                                  const std::function<void(const AttentionOutput&)>& partial) {
    AttentionEngine engine;
    return run_attention_job(job, engine, cancel, progress, partial);
}

AttentionOutput run_attention_job(const AttentionJob& job, AttentionEngine& engine, const std::atomic<bool>* cancel,
                                  const std::function<void(double)>& progress,
                                  const std::function<void(const AttentionOutput&)>& partial) {
    const auto start = Clock::now();
    AttentionOutput out;
    out.serial = job.serial;
    out.options = resolve_attention(job.settings, job.target_context);
    const AttentionOptions& o = out.options;
    const std::string caption = resolve_caption(job, o);
    const auto cancelled = [&] { return cancel && cancel->load(); };
    const auto finish = [&] {
        out.wall_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
        return out;
    };
    const auto report = [&](double f) {
        if (progress) progress(std::clamp(f, 0.0, 1.0));
    };
    if (job.entries.empty()) {
        out.complete = true;
        return finish();
    }
    // Cost model for the progress bar: a query costs 1, a resolution curve `points` (each of
    // its points is one query over the same N keys).
    const double methods = static_cast<double>(job.entries.size());
    const double points = static_cast<double>(std::max(2, job.settings.points));
    const double total = methods * (1.0 + points);

    for (std::size_t k = 0; k < job.entries.size(); ++k) {
        const PlotEntry& entry = job.entries[k];
        AttentionMethodRun run;
        run.kind = entry.result.kind;
        run.label = entry.label.empty() ? std::string(method_label(entry.result.kind)) : entry.label;
        RunControl control;
        control.cancel = cancel;
        control.progress = [&, k](double f) { report((static_cast<double>(k) + f) / total); };
        auto result = engine.run(entry.result, o, control);
        if (!result) {
            if (result.error().field == kCancelledField || cancelled()) {
                out.cancelled = true;
                return finish();
            }
            run.error = attention_error_text(result.error());
        } else {
            run.query_ms = result->kernel_ms;
            run.query = std::move(result).value();
        }
        out.runs.push_back(std::move(run));
    }
    // An error every method shares (an option out of range) is the job's error.
    if (std::all_of(out.runs.begin(), out.runs.end(), [](const auto& r) { return !r.error.empty(); })) {
        out.error = out.runs.front().error;
        out.complete = true;
        return finish();
    }
    report(methods / total);

    // The logits heatmaps (8192 logits each on the reference path: milliseconds).
    for (std::size_t k = 0; k < out.runs.size(); ++k) {
        if (out.runs[k].query)
            out.grids.push_back(compute_grid(job.entries[k], o));
        else {
            LogitGrid failed;
            failed.kind = out.runs[k].kind;
            failed.error = out.runs[k].error;
            out.grids.push_back(std::move(failed));
        }
    }
    out.window_figure = window_figure(out.runs, o, caption);
    out.queries_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    if (partial) partial(out);
    if (cancelled()) {
        out.cancelled = true;
        return finish();
    }

    // Resolution against D over the same N keys.
    ResolutionOptions ro;
    ro.attention = o;
    ro.points = job.settings.points;
    ro.max_distance = std::max<std::int64_t>(1, o.num_keys - 1);
    std::vector<ResolutionCurve> curves;
    std::vector<std::string> labels;
    for (std::size_t k = 0; k < out.runs.size(); ++k) {
        AttentionMethodRun& run = out.runs[k];
        if (!run.query) continue;
        RunControl control;
        control.cancel = cancel;
        control.progress = [&, k](double f) {
            report((methods + static_cast<double>(k) * points + f * points) / total);
        };
        auto curve = resolution_curve(engine, job.entries[k].result, ro, control);
        if (!curve) {
            if (curve.error().field == kCancelledField || cancelled()) {
                out.cancelled = true;
                return finish();
            }
            run.error = attention_error_text(curve.error());
            continue;
        }
        run.resolution_ms = curve->kernel_ms;
        curves.push_back(*curve);
        labels.push_back(run.label);
        run.curve = std::move(curve).value();
    }
    out.resolution_figure = resolution_figure(curves, labels, caption);
    out.complete = true;
    report(1.0);
    return finish();
}

Figure logits_figure(const LogitGrid& g, const std::string& caption) {
    Figure f;
    f.id = "attention_logits";
    f.title = "Logits q_m . k_n";
    f.caption = caption;
    Panel p;
    p.title = std::string(method_label(g.kind)) + ": queries x keys around the target";
    p.x.title = "key position n";
    p.x.unit = "tokens";
    p.y.title = "query position m";
    p.y.unit = "tokens";
    p.legend = false;
    if (!g.queries.empty() && !g.keys.empty() && g.logits.size() == g.queries.size() * g.keys.size()) {
        Heatmap h;
        h.columns = static_cast<int>(g.keys.size());
        h.rows = static_cast<int>(g.queries.size());
        // Cells are centred on whole positions.
        h.x_min = static_cast<double>(g.keys.front()) - 0.5;
        h.x_max = static_cast<double>(g.keys.back()) + 0.5;
        h.y_min = static_cast<double>(g.queries.front()) - 0.5;
        h.y_max = static_cast<double>(g.queries.back()) + 0.5;
        const float spread = g.spread > 0 ? g.spread : 1.0f;
        h.value_min = g.center - spread;
        h.value_max = g.center + spread;
        h.value_label = "logit (centred on the mean)";
        h.values.resize(g.logits.size());
        // Masked cells (NaN) export as the centre, the colour map's neutral middle.
        for (std::size_t k = 0; k < g.logits.size(); ++k)
            h.values[k] = std::isnan(g.logits[k]) ? g.center : g.logits[k];
        p.x.min = h.x_min;
        p.x.max = h.x_max;
        p.y.min = h.y_min;
        p.y.max = h.y_max;
        p.heatmap = std::move(h);
        Marker target;
        target.orientation = Marker::Orientation::Vertical;
        target.value = static_cast<double>(g.target);
        target.label = "target";
        target.style = LineStyle::Dotted;
        p.markers.push_back(target);
    }
    f.panels = {std::move(p)};
    return f;
}

// ---------------------------------------------------------------------------------------------
// The worker

AttentionWorker::AttentionWorker() : thread_([this] { Run(); }) {}

AttentionWorker::~AttentionWorker() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
        pending_.reset();
        cancel_.store(true);
    }
    wake_.notify_all();
    thread_.join();
}

void AttentionWorker::Submit(AttentionJob job) {
    {
        std::lock_guard lock(mutex_);
        pending_ = std::move(job);
        progress_.store(0);
        if (busy_) cancel_.store(true);  // the running job is stale: stop it
    }
    wake_.notify_all();
}

void AttentionWorker::Cancel() {
    std::lock_guard lock(mutex_);
    pending_.reset();
    if (busy_) cancel_.store(true);
}

std::optional<AttentionOutput> AttentionWorker::Take() {
    std::lock_guard lock(mutex_);
    std::optional<AttentionOutput> out = std::move(done_);
    done_.reset();
    return out;
}

void AttentionWorker::Wait() {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [this] { return !busy_ && !pending_; });
}

bool AttentionWorker::Busy() const {
    std::lock_guard lock(mutex_);
    return busy_ || pending_.has_value();
}

void AttentionWorker::Run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return stop_ || pending_.has_value(); });
        if (stop_) return;
        AttentionJob job = std::move(*pending_);
        pending_.reset();
        busy_ = true;
        cancel_.store(false);
        progress_.store(0);
        lock.unlock();
        const auto post = [this](const AttentionOutput& out) {
            // Newer than anything shown, even if a newer job waits: the plots follow a drag.
            std::lock_guard guard(mutex_);
            if (out.serial >= posted_serial_) {
                done_ = out;
                posted_serial_ = out.serial;
            }
            wake_ui();
        };
        AttentionOutput out = run_attention_job(
            job, engine_, &cancel_, [this](double f) { progress_.store(f); }, post);
        lock.lock();
        if (!pending_ && out.serial >= posted_serial_) {  // a newer job is waiting: this one's curves are stale
            done_ = std::move(out);
            posted_serial_ = done_->serial;
        }
        busy_ = false;
        if (!pending_) idle_.notify_all();
        wake_ui();
    }
}

}  // namespace ropescope::gui
