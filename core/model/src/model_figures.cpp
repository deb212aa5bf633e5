// The model tab's figures: perplexity against length, passkey accuracy heatmap, loss curve.
#include "ropescope/model/model_figures.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "ropescope/color.h"
#include "ropescope/validate.h"

namespace ropescope::model {

namespace {

// Methods in the order they first appear in the report, with their points.
std::vector<std::pair<MethodKind, std::vector<const EvalPoint*>>> by_method(const EvalReport& report) {
    std::vector<std::pair<MethodKind, std::vector<const EvalPoint*>>> out;
    for (const auto& p : report.results) {
        auto it = std::find_if(out.begin(), out.end(), [&](const auto& e) { return e.first == p.kind; });
        if (it == out.end()) {
            out.push_back({p.kind, {}});
            it = out.end() - 1;
        }
        it->second.push_back(&p);
    }
    return out;
}

std::vector<std::int64_t> lengths_of(const EvalReport& report) {
    std::vector<std::int64_t> lengths;
    for (const auto& p : report.results)
        if (std::find(lengths.begin(), lengths.end(), p.length) == lengths.end()) lengths.push_back(p.length);
    std::sort(lengths.begin(), lengths.end());
    return lengths;
}

std::string percent(double v) { return std::to_string(static_cast<int>(std::lround(100 * v))) + "%"; }

}  // namespace

Figure perplexity_figure(const EvalReport& report, const std::string& caption) {
    Figure f;
    f.id = "model_perplexity";
    f.title = "Trained model: held-out perplexity past the training context";
    f.caption = caption;
    Panel p;
    p.title = "perplexity on the last quarter of each window";
    p.x.title = "evaluated length T (tokens)";
    p.x.unit = "tokens";
    p.x.scale = AxisScale::Log;
    p.y.title = "perplexity (bytes)";
    p.y.scale = AxisScale::Log;
    for (const auto& [kind, points] : by_method(report)) {
        Series s;
        s.label = std::string(method_label(kind));
        s.method = std::string(method_name(kind));
        s.quantity = "perplexity";
        s.color = method_color(kind);
        s.kind = SeriesKind::Both;
        for (const auto* q : points) {
            s.x.push_back(static_cast<double>(q->length));
            s.y.push_back(q->perplexity);
        }
        p.series.push_back(std::move(s));
    }
    Marker m;
    m.orientation = Marker::Orientation::Vertical;
    m.value = static_cast<double>(report.train_context);
    m.label = "L = " + std::to_string(report.train_context);
    p.markers.push_back(m);
    f.panels.push_back(std::move(p));
    return f;
}

Figure passkey_figure(const EvalReport& report, const std::string& caption) {
    Figure f;
    f.id = "model_passkey";
    f.title = "Trained model: passkey retrieval";
    f.caption = caption;
    const auto methods = by_method(report);
    const auto lengths = lengths_of(report);
    Panel p;
    p.title = "accuracy (key near the start of a window of T tokens)";
    p.x.title = "evaluated length T (tokens)";
    p.y.title = "";
    p.legend = false;
    Heatmap h;
    h.columns = static_cast<int>(lengths.size());
    h.rows = static_cast<int>(methods.size());
    h.x_min = -0.5;
    h.x_max = static_cast<double>(lengths.size()) - 0.5;
    h.y_min = -0.5;
    h.y_max = static_cast<double>(methods.size()) - 0.5;
    h.value_min = 0;
    h.value_max = 1;
    h.scale = ColorScale::Sequential;  // an accuracy: low to high, no meaningful middle
    h.value_label = "passkey accuracy";
    h.values.assign(static_cast<std::size_t>(h.columns * h.rows), std::nanf(""));
    for (std::size_t r = 0; r < methods.size(); ++r) {
        for (const auto* q : methods[r].second) {
            const auto c = static_cast<std::size_t>(std::find(lengths.begin(), lengths.end(), q->length) - lengths.begin());
            h.values[r * lengths.size() + c] = static_cast<float>(q->passkey_accuracy);
            p.annotations.push_back(Annotation{static_cast<double>(c), static_cast<double>(r),
                                               percent(q->passkey_accuracy), AnnotationPlace::Centered});
        }
        h.row_labels.push_back(std::string(method_label(methods[r].first)));
    }
    for (const auto T : lengths) h.column_labels.push_back(std::to_string(T));
    p.x.min = h.x_min;
    p.x.max = h.x_max;
    p.y.min = h.y_min;
    p.y.max = h.y_max;
    p.heatmap = std::move(h);
    f.panels.push_back(std::move(p));
    return f;
}

Figure loss_figure(const std::vector<double>& losses, const std::string& title, const std::string& caption) {
    Figure f;
    f.id = "model_loss";
    f.title = title;
    f.caption = caption;
    Panel p;
    p.title = "training loss per step";
    p.x.title = "step";
    p.y.title = "loss (nats per byte)";
    p.legend = false;
    Series s;
    s.label = "training loss";
    s.method = "train";
    s.quantity = "loss";
    s.color = method_color(MethodKind::Default);
    for (std::size_t i = 0; i < losses.size(); ++i) {
        s.x.push_back(static_cast<double>(i + 1));
        s.y.push_back(losses[i]);
    }
    p.series.push_back(std::move(s));
    f.panels.push_back(std::move(p));
    return f;
}

}  // namespace ropescope::model
