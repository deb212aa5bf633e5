// The Model tab's settings and worker thread (no ImGui): see model_worker.h.
#include "model_worker.h"

#include <algorithm>
#include <cmath>

#include "ropescope/model/corpus.h"
#include "ui_wake.h"

namespace ropescope::gui {

namespace {

template <typename T>
void read_value(const nlohmann::json& j, const char* key, T& value, T lo, T hi) {
    const auto it = j.find(key);
    if (it == j.end() || !it->is_number()) return;
    const double v = it->get<double>();
    if (!std::isfinite(v)) return;
    value = static_cast<T>(std::clamp(v, static_cast<double>(lo), static_cast<double>(hi)));
}

Result<model::Corpus> corpus_for(const std::string& chosen, const std::string& model_corpus) {
    if (!chosen.empty()) return model::load_corpus(chosen);
    if (!model_corpus.empty())
        if (auto c = model::load_corpus(model_corpus)) return c;
    return model::load_corpus(model::default_corpus_path());
}

}  // namespace

ModelSettings::ModelSettings() {
    for (const MethodKind k : {MethodKind::Default, MethodKind::Linear, MethodKind::Ntk, MethodKind::Yarn})
        methods[static_cast<std::size_t>(k)] = true;
    // Train defaults: the shipped model's recipe (scripts/make_default_model.sh), on one thread
    // (faster than two on this 2-core machine). The CLI's `model train` defaults stay small.
    shape.smear_keys = true;
    recipe.steps = 1200;
    recipe.batch = 8;
    recipe.learning_rate = 0.008;
    recipe.copy_warmup_steps = 200;
    recipe.copy_fraction = 0.25;
    recipe.answer_weight = 30;
    recipe.short_passkey_fraction = 0.5;
    recipe.seed = 1;
    threads = 1;
}

nlohmann::json model_settings_to_json(const ModelSettings& s) {
    nlohmann::json methods = nlohmann::json::array();
    for (const MethodKind k : kAllMethods)
        if (s.methods[static_cast<std::size_t>(k)]) methods.push_back(std::string(method_name(k)));
    return {{"methods", methods},
            {"max_multiple", s.max_multiple},
            {"factor", s.factor},
            {"windows", s.windows},
            {"layers", s.shape.layers},
            {"d_model", s.shape.d_model},
            {"heads", s.shape.heads},
            {"context", s.shape.train_context},
            {"batch", s.recipe.batch},
            {"steps", s.recipe.steps},
            {"lr", s.recipe.learning_rate},
            {"seed", s.recipe.seed},
            {"smear_keys", s.shape.smear_keys},
            {"copy_warmup", s.recipe.copy_warmup_steps},
            {"copy_fraction", s.recipe.copy_fraction},
            {"answer_weight", s.recipe.answer_weight},
            {"short_passkeys", s.recipe.short_passkey_fraction},
            {"passkey_fraction", s.recipe.passkey_fraction},
            {"corpus", s.corpus},
            {"threads", s.threads},
            {"finetune_method", std::string(method_name(static_cast<MethodKind>(s.finetune_method)))},
            {"finetune_factor", s.finetune_factor},
            {"finetune_steps", s.finetune_steps},
            {"search_factor", s.search_factor},
            {"search_iterations", s.search_iterations},
            {"search_population", s.search_population},
            {"autostart", s.autostart_eval}};
}

ModelSettings model_settings_from_json(const nlohmann::json& j) {
    ModelSettings s;
    if (!j.is_object()) return s;
    if (const auto it = j.find("methods"); it != j.end() && it->is_array()) {
        s.methods.fill(false);
        for (const auto& name : *it)
            if (name.is_string())
                if (const auto k = method_from_name(name.get<std::string>()))
                    s.methods[static_cast<std::size_t>(*k)] = true;
    }
    read_value(j, "max_multiple", s.max_multiple, 1, 64);
    read_value(j, "factor", s.factor, 0.0, 1024.0);
    if (s.factor > 0 && s.factor < 1) s.factor = 1;
    read_value(j, "windows", s.windows, 0, 1024);
    read_value(j, "layers", s.shape.layers, 1, model::kMaxLayers);
    read_value(j, "d_model", s.shape.d_model, 8, model::kMaxDModel);
    read_value(j, "heads", s.shape.heads, 1, model::kMaxHeads);
    read_value(j, "context", s.shape.train_context, std::int64_t{16}, model::kMaxTrainContext);
    read_value(j, "batch", s.recipe.batch, 1, 4096);
    read_value(j, "steps", s.recipe.steps, 1, 10000000);
    read_value(j, "lr", s.recipe.learning_rate, 1e-6, 1.0);
    read_value(j, "seed", s.recipe.seed, std::uint64_t{0}, std::uint64_t{1} << 52);
    // (Older state files have none of these: they keep the shipped recipe's values.)
    if (const auto it = j.find("smear_keys"); it != j.end() && it->is_boolean()) s.shape.smear_keys = it->get<bool>();
    read_value(j, "copy_warmup", s.recipe.copy_warmup_steps, 0, 10000000);
    read_value(j, "copy_fraction", s.recipe.copy_fraction, 0.0, 1.0);
    read_value(j, "answer_weight", s.recipe.answer_weight, 1.0, 1000.0);
    read_value(j, "short_passkeys", s.recipe.short_passkey_fraction, 0.0, 1.0);
    read_value(j, "passkey_fraction", s.recipe.passkey_fraction, 0.0, 1.0);
    // An older file's short run with the new default warm-up: keep the recipe's share (200 of 1200).
    if (s.recipe.copy_warmup_steps > s.recipe.steps) s.recipe.copy_warmup_steps = s.recipe.steps / 6;
    if (const auto it = j.find("corpus"); it != j.end() && it->is_string() && it->get_ref<const std::string&>().size() < 4096)
        s.corpus = it->get<std::string>();
    read_value(j, "threads", s.threads, 0, 256);
    if (const auto it = j.find("finetune_method"); it != j.end() && it->is_string())
        if (const auto k = method_from_name(it->get<std::string>()); k && *k != MethodKind::LongRope)
            s.finetune_method = static_cast<int>(*k);
    read_value(j, "finetune_factor", s.finetune_factor, 1.0, 64.0);
    read_value(j, "finetune_steps", s.finetune_steps, 1, 1000000);
    read_value(j, "search_factor", s.search_factor, 1.01, 64.0);
    read_value(j, "search_iterations", s.search_iterations, 0, 10000);
    read_value(j, "search_population", s.search_population, 3, 4096);
    if (const auto it = j.find("autostart"); it != j.end() && it->is_boolean()) s.autostart_eval = it->get<bool>();
    return s;
}

model::EvalOptions eval_options(const ModelSettings& s, std::int64_t L, const std::optional<model::ModelLongRope>& lr) {
    model::EvalOptions o;
    for (const MethodKind k : kAllMethods) {
        if (!s.methods[static_cast<std::size_t>(k)]) continue;
        Method m = default_method(k);
        if (auto* l = std::get_if<LongRopeMethod>(&m)) {
            if (!lr) continue;  // no factors searched on this model yet
            l->long_factor = lr->long_factor;
            l->short_factor.assign(lr->long_factor.size(), 1.0);
            l->n_hat = lr->n_hat;
        }
        o.methods.push_back(m);
    }
    for (std::int64_t k = 1; k <= s.max_multiple; k *= 2) o.lengths.push_back(k * L);
    if (s.factor >= 1) o.factor = s.factor;
    o.windows = s.windows;
    o.threads = s.threads;
    return o;
}

const char* model_job_name(ModelJob job) {
    switch (job) {
        case ModelJob::None: return "nothing";
        case ModelJob::Eval: return "evaluation";
        case ModelJob::Train: return "training";
        case ModelJob::Finetune: return "fine-tuning";
        case ModelJob::Search: return "LongRoPE search";
    }
    return "";
}

// ---------------------------------------------------------------------------------------------
// Worker

ModelWorker::~ModelWorker() {
    Stop();
    Wait();
}

void ModelWorker::Stop() { cancel_.store(true); }

void ModelWorker::Wait() {
    if (thread_.joinable()) thread_.join();
}

ModelSnapshot ModelWorker::Snapshot() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return snapshot_;
}

std::optional<model::Model> ModelWorker::TakeModel() {
    std::lock_guard<std::mutex> lock(mutex_);
    auto m = std::move(result_);
    result_.reset();
    return m;
}

void ModelWorker::Publish(const std::function<void(ModelSnapshot&)>& update) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        update(snapshot_);
        ++snapshot_.version;
    }
    version_.fetch_add(1);
    wake_ui();
}

bool ModelWorker::Launch(ModelJob job, std::function<void()> body) {
    if (running_.load()) return false;
    if (thread_.joinable()) thread_.join();
    cancel_.store(false);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        const auto version = snapshot_.version;
        // A new evaluation replaces the report; other jobs keep the last one on screen.
        model::EvalReport report = std::move(snapshot_.report);
        const bool has_report = snapshot_.has_report && job != ModelJob::Eval;
        snapshot_ = ModelSnapshot{};
        snapshot_.job = job;
        snapshot_.running = true;
        snapshot_.version = version + 1;
        if (has_report) {
            snapshot_.report = std::move(report);
            snapshot_.has_report = true;
        }
        result_.reset();
    }
    version_.fetch_add(1);
    running_.store(true);
    thread_ = std::thread([this, body = std::move(body)] {
        body();
        Publish([](ModelSnapshot& s) {
            s.running = false;
            s.finished = true;
        });
        running_.store(false);
    });
    return true;
}

void ModelWorker::PublishStep(const model::TrainProgress& p) {
    Publish([&](ModelSnapshot& s) {
        s.losses.push_back(p.loss);
        s.steps = p.steps;
        s.tokens_per_second = p.tokens_per_second;
        s.elapsed_seconds = p.elapsed_seconds;
    });
}

bool ModelWorker::StartEval(const model::ModelEngine& engine, const model::Model& m, const std::string& corpus,
                            model::EvalOptions o) {
    return Launch(ModelJob::Eval, [this, &engine, m, corpus, o]() mutable {
        auto c = corpus_for(corpus, m.info().corpus);
        if (!c) return Publish([&](ModelSnapshot& s) { s.error = c.error().message; });
        o.cancel = &cancel_;
        o.progress = [this](int done, int total) {
            Publish([&](ModelSnapshot& s) {
                s.points_done = done;
                s.points_total = total;
            });
        };
        auto r = engine.evaluate_model(m, c->heldout, o);
        Publish([&](ModelSnapshot& s) {
            if (!r) {
                s.error = r.error().message;
                return;
            }
            s.cancelled = r->cancelled;
            if (!r->cancelled) {
                s.report = std::move(*r);
                s.has_report = true;
            }
        });
    });
}

bool ModelWorker::StartTrain(const model::ModelEngine& engine, const std::string& corpus, model::TrainOptions o) {
    return Launch(ModelJob::Train, [this, &engine, corpus, o]() mutable {
        auto c = corpus_for(corpus, "");
        if (!c) return Publish([&](ModelSnapshot& s) { s.error = c.error().message; });
        o.cancel = &cancel_;
        o.progress = [this](const model::TrainProgress& p) { PublishStep(p); };
        auto r = engine.train_model(*c, o);
        Publish([&](ModelSnapshot& s) {
            if (!r) {
                s.error = r.error().message;
                return;
            }
            s.cancelled = r->cancelled;
            if (!r->cancelled) result_ = r->model;
        });
    });
}

bool ModelWorker::StartFinetune(const model::ModelEngine& engine, const model::Model& m, const std::string& corpus,
                                model::FinetuneOptions o) {
    return Launch(ModelJob::Finetune, [this, &engine, m, corpus, o]() mutable {
        auto c = corpus_for(corpus, m.info().corpus);
        if (!c) return Publish([&](ModelSnapshot& s) { s.error = c.error().message; });
        o.cancel = &cancel_;
        o.progress = [this](const model::TrainProgress& p) { PublishStep(p); };
        auto r = engine.finetune_model(m, *c, o);
        Publish([&](ModelSnapshot& s) {
            if (!r) {
                s.error = r.error().message;
                return;
            }
            s.cancelled = r->cancelled;
            if (!r->cancelled) result_ = r->model;
        });
    });
}

bool ModelWorker::StartSearch(const model::ModelEngine& engine, const model::Model& m, const std::string& corpus,
                              model::ModelSearchOptions o) {
    return Launch(ModelJob::Search, [this, &engine, m, corpus, o]() mutable {
        auto c = corpus_for(corpus, m.info().corpus);
        if (!c) return Publish([&](ModelSnapshot& s) { s.error = c.error().message; });
        o.search.cancel = &cancel_;
        const int total = o.search.iterations;
        o.search.progress = [this, total](const SearchProgress& p) {
            Publish([&](ModelSnapshot& s) {
                s.generation = p.iteration;
                s.generations = total;
                s.best_perplexity = p.best_fitness;
            });
        };
        auto r = engine.search_factors_on_model(m, c->heldout, o);
        Publish([&](ModelSnapshot& s) {
            if (!r) {
                s.error = r.error().message;
                return;
            }
            s.cancelled = r->search.cancelled;
            s.search = r->search;
            if (!r->search.cancelled) {
                model::Model out = m;
                out.mutable_info().longrope = r->best;
                result_ = std::move(out);
            }
        });
    });
}

}  // namespace ropescope::gui
