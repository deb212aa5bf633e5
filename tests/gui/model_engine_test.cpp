// The Model tab's engine, opened at run time (app/gui/model_engine_loader.h): found, checked and
// run exactly like the linked functions; every way it can be missing or wrong gets one message.
// This test links no LibTorch: only the module it opens does.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "model_engine_loader.h"
#include "model_worker.h"
#include "ropescope/model/corpus.h"
#include "ropescope/model/eval_report.h"
#include "ropescope/model/model_file.h"
#include "ropescope/text_input.h"

namespace ropescope::gui {
namespace {

const std::string kModule = ROPESCOPE_MODEL_ENGINE_PATH;
const std::string kShippedModel = ROPESCOPE_MODEL_PATH;
const std::string kShippedReport = ROPESCOPE_MODEL_REPORT_PATH;

const model::ModelEngine& engine() {
    static const model::ModelEngine* e = [] {
        auto opened = open_model_engine({kModule});
        EXPECT_TRUE(opened) << (opened ? "" : opened.error().message);
        return opened ? *opened : nullptr;
    }();
    if (!e) throw std::runtime_error("the model engine did not load");
    return *e;
}

// The shipped model's cached evaluation (what `model eval` wrote for it).
model::EvalPoint cached_point(const std::string& method, std::int64_t length) {
    auto text = read_text_file(kShippedReport, std::size_t{1} << 20, "an evaluation report");
    EXPECT_TRUE(text);
    auto json = parse_json_text(*text, kShippedReport);
    EXPECT_TRUE(json);
    auto report = model::eval_report_from_json(*json, nullptr);
    EXPECT_TRUE(report);
    for (const auto& q : report->results)
        if (q.method == method && q.length == length) return q;
    ADD_FAILURE() << "no " << method << " at " << length << " in " << kShippedReport;
    return {};
}

TEST(ModelEngine, TheBuiltModuleOpensWithEveryFunction) {
    const model::ModelEngine& e = engine();
    EXPECT_EQ(e.version, model::kModelEngineVersion);
    EXPECT_NE(e.load_model, nullptr);
    EXPECT_NE(e.save_model, nullptr);
    EXPECT_NE(e.evaluate_model, nullptr);
    EXPECT_NE(e.train_model, nullptr);
    EXPECT_NE(e.finetune_model, nullptr);
    EXPECT_NE(e.search_factors_on_model, nullptr);
}

TEST(ModelEngine, LoadsTheShippedModelAsTheFileDescribesIt) {
    auto file = model::read_model_file(kShippedModel);
    ASSERT_TRUE(file) << file.error().message;
    auto m = engine().load_model(kShippedModel);
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_FALSE(m->empty());
    EXPECT_EQ(m->info().checksum, file->info.checksum);
    EXPECT_EQ(m->shape().layers, file->info.shape.layers);
    EXPECT_EQ(m->shape().d_model, file->info.shape.d_model);
    EXPECT_EQ(m->shape().train_context, file->info.shape.train_context);
}

// The worker, running the module's evaluation, reproduces the shipped report's number.
TEST(ModelEngine, TheWorkerEvaluatesThroughTheModuleLikeModelEval) {
    auto m = engine().load_model(kShippedModel);
    ASSERT_TRUE(m) << m.error().message;
    const std::int64_t L = m->shape().train_context;
    const model::EvalPoint expected = cached_point("default", L);
    model::EvalOptions o;
    o.methods = {default_method(MethodKind::Default)};
    o.lengths = {L};
    o.windows = expected.windows;
    ModelWorker worker;
    ASSERT_TRUE(worker.StartEval(engine(), *m, "", o));
    worker.Wait();
    const ModelSnapshot s = worker.Snapshot();
    ASSERT_TRUE(s.finished);
    ASSERT_TRUE(s.error.empty()) << s.error;
    ASSERT_TRUE(s.has_report);
    ASSERT_EQ(s.report.results.size(), 1u);
    EXPECT_NEAR(s.report.results[0].perplexity, expected.perplexity, 1e-3 * expected.perplexity);
    EXPECT_EQ(s.report.results[0].passkey_accuracy, expected.passkey_accuracy);
}

TEST(ModelEngine, SavesAModelTheTorchFreeReaderAccepts) {
    auto m = engine().load_model(kShippedModel);
    ASSERT_TRUE(m);
    const auto dir = std::filesystem::temp_directory_path() / ("ropescope_engine_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "copy.rsmodel").string();
    ASSERT_TRUE(engine().save_model(*m, path));
    auto back = model::read_model_file(path);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->info.shape.d_model, m->shape().d_model);
    std::filesystem::remove_all(dir);
}

TEST(ModelEngine, AMissingModuleNamesWhereItLooked) {
    auto r = open_model_engine({"/nonexistent/a.so", "/nonexistent/b.so"});
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("/nonexistent/a.so, /nonexistent/b.so"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("ROPESCOPE_BUILD_MODEL=ON"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("ROPESCOPE_MODEL_ENGINE"), std::string::npos) << r.error().message;
}

TEST(ModelEngine, AFileThatIsNoModuleIsRefusedWithWhatDlopenSaid) {
    const auto path = std::filesystem::temp_directory_path() / ("ropescope_not_a_module_" + std::to_string(::getpid()));
    std::ofstream(path) << "not an ELF file\n";
    auto r = open_model_engine({path.string()});
    std::filesystem::remove(path);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find(path.string() + ": cannot load it ("), std::string::npos) << r.error().message;
}

TEST(ModelEngine, ALibraryWithoutTheEntryPointIsRefused) {
    const std::string libm = "/lib/x86_64-linux-gnu/libm.so.6";
    if (!std::filesystem::exists(libm)) GTEST_SKIP() << libm << " is not on this system";
    auto r = open_model_engine({libm});
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("has no ropescope_model_engine function"), std::string::npos) << r.error().message;
}

TEST(ModelEngine, TheEnvironmentVariableIsTheOnlyPlaceLookedInWhenSet) {
    ::setenv("ROPESCOPE_MODEL_ENGINE", "/nonexistent/engine.so", 1);
    const auto candidates = model_engine_candidates();
    ::unsetenv("ROPESCOPE_MODEL_ENGINE");
    EXPECT_EQ(candidates, std::vector<std::string>{"/nonexistent/engine.so"});
    const auto usual = model_engine_candidates();
    ASSERT_FALSE(usual.empty());
    EXPECT_EQ(usual.back(), kModule);  // the build tree's path comes last
    for (std::size_t i = 0; i < usual.size(); ++i)
        for (std::size_t j = i + 1; j < usual.size(); ++j) EXPECT_NE(usual[i], usual[j]) << "listed twice";
}

TEST(ModelEngineLoader, LoadsInTheBackgroundAndReportsFailures) {
    ModelEngineLoader good;
    EXPECT_FALSE(good.Started());
    EXPECT_EQ(good.Engine(), nullptr);
    good.Start({kModule});
    good.Wait();
    EXPECT_FALSE(good.Loading());
    EXPECT_NE(good.Engine(), nullptr);
    EXPECT_EQ(good.Error(), "");

    ModelEngineLoader bad;
    bad.Start({"/nonexistent/engine.so"});
    bad.Start({kModule});  // only the first Start counts
    bad.Wait();
    EXPECT_EQ(bad.Engine(), nullptr);
    EXPECT_NE(bad.Error().find("/nonexistent/engine.so"), std::string::npos) << bad.Error();
}

TEST(ModelSettings, JsonRoundTripAndClamping) {
    ModelSettings s;
    s.methods.fill(false);
    s.methods[static_cast<std::size_t>(MethodKind::Yarn)] = true;
    s.max_multiple = 8;
    s.finetune_factor = 2.5;
    s.shape.layers = 3;
    const ModelSettings back = model_settings_from_json(model_settings_to_json(s));
    EXPECT_EQ(back.methods, s.methods);
    EXPECT_EQ(back.max_multiple, 8);
    EXPECT_EQ(back.finetune_factor, 2.5);
    EXPECT_EQ(back.shape.layers, 3);
    const ModelSettings clamped = model_settings_from_json({{"layers", 1e9}, {"factor", 0.5}, {"max_multiple", "x"}});
    EXPECT_EQ(clamped.shape.layers, model::kMaxLayers);
    EXPECT_EQ(clamped.factor, 1);  // below 1 (and not 0 = auto): 1
    EXPECT_EQ(clamped.max_multiple, ModelSettings{}.max_multiple);
}

// The Train defaults are the shipped model's recipe (scripts/make_default_model.sh) on one thread;
// a state file from before they were stored keeps its steps/batch/lr and gets the rest from them.
TEST(ModelSettings, TrainDefaultsAreTheShippedRecipe) {
    const ModelSettings s;
    EXPECT_TRUE(s.shape.smear_keys);
    EXPECT_EQ(s.recipe.steps, 1200);
    EXPECT_EQ(s.recipe.batch, 8);
    EXPECT_DOUBLE_EQ(s.recipe.learning_rate, 0.008);
    EXPECT_EQ(s.recipe.copy_warmup_steps, 200);
    EXPECT_DOUBLE_EQ(s.recipe.copy_fraction, 0.25);
    EXPECT_DOUBLE_EQ(s.recipe.answer_weight, 30);
    EXPECT_DOUBLE_EQ(s.recipe.short_passkey_fraction, 0.5);
    EXPECT_DOUBLE_EQ(s.recipe.passkey_fraction, 0.25);
    EXPECT_EQ(s.recipe.seed, 1u);
    EXPECT_EQ(s.threads, 1);
    const ModelSettings old = model_settings_from_json({{"steps", 320}, {"batch", 16}, {"lr", 0.003}, {"threads", 0}});
    EXPECT_EQ(old.recipe.steps, 320);
    EXPECT_EQ(old.recipe.batch, 16);
    EXPECT_DOUBLE_EQ(old.recipe.learning_rate, 0.003);
    EXPECT_EQ(old.threads, 0);
    EXPECT_TRUE(old.shape.smear_keys);
    EXPECT_EQ(old.recipe.copy_warmup_steps, 200);
    EXPECT_DOUBLE_EQ(old.recipe.answer_weight, 30);
    // A short run from an older file: the warm-up shrinks to the recipe's share of its steps, so
    // that Train is not refused for a field the file never had.
    const ModelSettings short_run = model_settings_from_json({{"steps", 120}});
    EXPECT_EQ(short_run.recipe.copy_warmup_steps, 20);
    ModelSettings changed;
    changed.shape.smear_keys = false;
    changed.recipe.copy_warmup_steps = 0;
    changed.recipe.copy_fraction = 0;
    changed.recipe.answer_weight = 5;
    changed.recipe.short_passkey_fraction = 0;
    const ModelSettings back = model_settings_from_json(model_settings_to_json(changed));
    EXPECT_FALSE(back.shape.smear_keys);
    EXPECT_EQ(back.recipe.copy_warmup_steps, 0);
    EXPECT_DOUBLE_EQ(back.recipe.copy_fraction, 0);
    EXPECT_DOUBLE_EQ(back.recipe.answer_weight, 5);
    EXPECT_DOUBLE_EQ(back.recipe.short_passkey_fraction, 0);
}

}  // namespace
}  // namespace ropescope::gui
