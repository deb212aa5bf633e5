// Training, fine-tuning and evaluation on the tiny model (1 layer, d_model 32, context 64, 200
// steps on a few Eigen headers: about a second): loss falls, seeds reproduce, factor 1 changes
// nothing, gradients match finite differences, errors name their field.
#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "model_test_util.h"
#include "ropescope/model/evaluate.h"
#include "ropescope/model/model_search.h"
#include "train_batch.h"
#include "weights.h"

namespace ropescope::model {
namespace {

double mean(const std::vector<double>& v, std::size_t from, std::size_t to) {
    double s = 0;
    for (std::size_t i = from; i < to; ++i) s += v[i];
    return s / static_cast<double>(to - from);
}

TEST(Train, LossFalls) {
    const auto& out = test::tiny_trained();
    ASSERT_EQ(out.losses.size(), 200u);
    EXPECT_FALSE(out.cancelled);
    // Bytes start near ln 256 = 5.55 nats; C++ headers are far more predictable than that.
    EXPECT_GT(mean(out.losses, 0, 5), 5.0);
    EXPECT_LT(mean(out.losses, 190, 200), 3.5);
    EXPECT_DOUBLE_EQ(out.final_loss, mean(out.losses, 190, 200));
    EXPECT_EQ(out.model.info().steps, 200);
    EXPECT_GT(out.tokens_per_second, 0);
}

TEST(Train, SameSeedSameLossesOtherSeedOtherLosses) {
    const auto a = train_model(test::small_corpus(), test::tiny_options(30, 11));
    const auto b = train_model(test::small_corpus(), test::tiny_options(30, 11));
    const auto c = train_model(test::small_corpus(), test::tiny_options(30, 12));
    ASSERT_TRUE(a.ok() && b.ok() && c.ok());
    EXPECT_EQ(a->losses, b->losses);
    EXPECT_NE(a->losses, c->losses);
}

TEST(Train, CancelStopsBeforeTheNextStep) {
    std::atomic<bool> cancel{false};
    auto o = test::tiny_options(1000, 3);
    o.cancel = &cancel;
    o.progress = [&](const TrainProgress& p) {
        if (p.step == 5) cancel.store(true);
    };
    auto out = train_model(test::small_corpus(), o);
    ASSERT_TRUE(out.ok());
    EXPECT_TRUE(out->cancelled);
    EXPECT_EQ(out->steps_done, 5);
}

TEST(Train, ErrorsNameTheField) {
    auto o = test::tiny_options();
    o.recipe.learning_rate = std::nan("");
    EXPECT_EQ(validate_training(test::small_corpus(), o).error().field, "learning_rate");
    o = test::tiny_options();
    o.recipe.batch = 0;
    EXPECT_EQ(validate_training(test::small_corpus(), o).error().field, "batch");
    o = test::tiny_options();
    o.shape.train_context = 16384;
    o.recipe.batch = 4096;  // terabytes of activations
    const auto e = validate_training(test::small_corpus(), o).error();
    EXPECT_EQ(e.field, "context");
    EXPECT_NE(e.message.find("MiB"), std::string::npos) << e.message;
    o = test::tiny_options();
    o.recipe.answer_weight = 0.5;  // below 1 would weigh the answer less than the text
    EXPECT_EQ(validate_training(test::small_corpus(), o).error().field, "answer_weight");
    o = test::tiny_options();
    o.recipe.short_passkey_fraction = std::nan("");
    EXPECT_EQ(validate_training(test::small_corpus(), o).error().field, "short_passkey_fraction");
    o = test::tiny_options();
    o.recipe.copy_fraction = 0.8;
    o.recipe.passkey_fraction = 0.5;
    const auto shares = validate_training(test::small_corpus(), o).error();
    EXPECT_EQ(shares.field, "copy_fraction");
    EXPECT_NE(shares.message.find("at most 1"), std::string::npos) << shares.message;
    o = test::tiny_options(100);
    o.recipe.copy_warmup_steps = 101;
    EXPECT_EQ(validate_training(test::small_corpus(), o).error().field, "copy_warmup_steps");
    o = test::tiny_options();
    o.recipe.passkey_fraction = 0.5;  // 64 bytes cannot hold a passkey sample
    EXPECT_EQ(validate_training(test::small_corpus(), o).error().field, "train_context");
    Corpus tiny;
    tiny.name = "tiny";
    tiny.train = "abc";
    EXPECT_EQ(validate_training(tiny, test::tiny_options()).error().field, "corpus");
}

// Central finite differences on the double-precision model against autograd, through the
// rotary embedding, the chunked causal attention and the tied output layer; with smeared keys, also
// through the smear gates.
class Gradients : public ::testing::TestWithParam<bool> {};

TEST_P(Gradients, MatchFiniteDifferences) {
    ModelShape shape;
    shape.smear_keys = GetParam();
    shape.layers = 2;
    shape.d_model = 16;
    shape.heads = 2;
    shape.mlp_ratio = 2;
    shape.train_context = 16;
    auto m = init_model(shape, 9);
    ASSERT_TRUE(m.ok());
    auto w = m->weights()->clone(at::kDouble);
    for (auto& [name, t] : w.named()) *t = (*t + 0.05 * at::randn_like(*t)).detach().requires_grad_(true);
    auto rope = rope_tables(shape, YarnMethod{}, 2.0, 24, at::kDouble);
    const auto tokens = at::randint(0, 256, {2, 25}, at::kLong);
    auto loss_of = [&](const ModelWeights& weights) {
        const auto logits = forward(weights, tokens.narrow(1, 0, 24), *rope, 0, 5);
        return at::cross_entropy_loss(logits.reshape({-1, kVocabSize}), tokens.narrow(1, 1, 24).reshape({-1}));
    };
    loss_of(w).backward();
    std::mt19937_64 rng(1);
    int checked = 0;
    for (auto& [name, t] : w.named()) {
        const auto grad = t->grad().clone();
        for (int k = 0; k < 3; ++k) {
            const auto flat = std::uniform_int_distribution<std::int64_t>(0, t->numel() - 1)(rng);
            const double h = 1e-5;
            double plus = 0, minus = 0;
            {
                at::NoGradGuard guard;
                auto v = t->view({-1});
                const double orig = v[flat].item<double>();
                v[flat] = orig + h;
                plus = loss_of(w).item<double>();
                v[flat] = orig - h;
                minus = loss_of(w).item<double>();
                v[flat] = orig;
            }
            const double numeric = (plus - minus) / (2 * h);
            const double analytic = grad.view({-1})[flat].item<double>();
            EXPECT_NEAR(analytic, numeric, 1e-7 + 1e-5 * std::abs(numeric)) << name << "[" << flat << "]";
            ++checked;
        }
    }
    EXPECT_EQ(checked, 3 * static_cast<int>(w.named().size()));
    EXPECT_EQ(w.named().size(), shape.smear_keys ? 25u : 23u);
}

INSTANTIATE_TEST_SUITE_P(Train, Gradients, ::testing::Values(false, true),
                         [](const auto& param_info) { return param_info.param ? "SmearedKeys" : "PlainKeys"; });

// ---------------------------------------------------------------------------------------------
// Training batches

std::string row_text(const at::Tensor& tokens, std::int64_t row) {
    std::string s;
    for (std::int64_t i = 0; i < tokens.size(1); ++i) s.push_back(static_cast<char>(tokens[row][i].item<std::int64_t>()));
    return s;
}

// The answer weight sits on exactly the five targets that predict the answer digits (target t
// predicts byte t + 1), and those digits are the key stated earlier in the row.
TEST(Batch, AnswerWeightSitsOnTheTargetsOfTheAnswerDigits) {
    TrainRecipe r;
    r.passkey_fraction = 1;
    r.answer_weight = 7;
    std::mt19937_64 rng(3);
    const auto b = make_batch(test::small_corpus().train, 256, 4, r, rng);
    ASSERT_EQ(b.tokens.size(0), 4);
    EXPECT_EQ(b.copy_tokens.size(0), 0);
    for (std::int64_t row = 0; row < 4; ++row) {
        const auto text = row_text(b.tokens, row);
        ASSERT_EQ(text.size(), 257u);
        const std::string key = text.substr(252, 5);
        EXPECT_NE(text.find("The pass key is `" + key + "."), std::string::npos) << text;
        for (std::int64_t t = 0; t < 256; ++t)
            EXPECT_EQ(b.weights[row][t].item<float>(), t >= 251 ? 7.0f : 1.0f) << "row " << row << " target " << t;
    }
}

// A copy row is a random string repeated with its period; at context 256 it becomes short rows,
// whose first copy (unpredictable) has weight 0 and the rest weight 1.
TEST(Batch, CopyRowsRepeatAStringAndDoNotScoreItsFirstCopy) {
    TrainRecipe r;
    r.passkey_fraction = 0;
    r.copy_fraction = 1;
    std::mt19937_64 rng(5);
    const auto b = make_batch(test::small_corpus().train, 256, 2, r, rng);
    EXPECT_EQ(b.tokens.size(0), 0);
    ASSERT_EQ(b.copy_tokens.size(0), 2 * (257 / kCopyRowBytes));
    ASSERT_EQ(b.copy_tokens.size(1), kCopyRowBytes);
    for (std::int64_t row = 0; row < b.copy_tokens.size(0); ++row) {
        std::int64_t unscored = 0;
        while (unscored < kCopyRowBytes - 1 && b.copy_weights[row][unscored].item<float>() == 0) ++unscored;
        const std::int64_t period = unscored + 1;
        EXPECT_GE(period, kCopyMin);
        EXPECT_LE(period, kCopyMax);
        const auto text = row_text(b.copy_tokens, row);
        for (std::int64_t i = period; i < kCopyRowBytes; ++i) EXPECT_EQ(text[i], text[i - period]) << row << " " << i;
        for (std::int64_t t = unscored; t < kCopyRowBytes - 1; ++t) EXPECT_EQ(b.copy_weights[row][t].item<float>(), 1.0f);
    }
    // A context too short for two short rows keeps the copy rows at full length.
    const auto small = make_batch(test::small_corpus().train, 64, 3, r, rng);
    EXPECT_EQ(small.tokens.size(0), 3);
    EXPECT_EQ(small.copy_tokens.size(0), 0);
}

// Without copy rows (every recipe made before them) the batches are drawn exactly as before:
// the passkey rows are a quarter of the rows on average, and no row is dropped.
TEST(Batch, MixesTextPasskeyAndCopyRowsByTheirShares) {
    TrainRecipe r;
    r.passkey_fraction = 0.25;
    r.copy_fraction = 0.25;
    std::mt19937_64 rng(8);
    int main_rows = 0, short_rows = 0, passkey_rows = 0;
    for (int k = 0; k < 50; ++k) {
        const auto b = make_batch(test::small_corpus().train, 256, 16, r, rng);
        main_rows += static_cast<int>(b.tokens.size(0));
        short_rows += static_cast<int>(b.copy_tokens.size(0));
        for (std::int64_t row = 0; row < b.tokens.size(0); ++row)
            passkey_rows += row_text(b.tokens, row).find("What is the pass key?") != std::string::npos;
    }
    const int copy_rows = short_rows / static_cast<int>(257 / kCopyRowBytes);
    EXPECT_EQ(main_rows + copy_rows, 800);
    // 800 rows, each share 0.25: 200 expected, standard deviation about 12.
    EXPECT_NEAR(copy_rows, 200, 60);
    EXPECT_NEAR(passkey_rows, 200, 60);
}

// ---------------------------------------------------------------------------------------------
// Evaluation

EvalOptions tiny_eval(std::vector<std::int64_t> lengths) {
    EvalOptions o;
    o.lengths = std::move(lengths);
    o.passkey = false;
    o.threads = 1;
    return o;
}

std::vector<Method> all_methods_at_factor_one(int pairs) {
    std::vector<Method> methods;
    for (const MethodKind kind : kAllMethods) {
        Method m = default_method(kind);
        if (auto* lr = std::get_if<LongRopeMethod>(&m)) {
            lr->short_factor.assign(static_cast<std::size_t>(pairs), 1.0);
            lr->long_factor = lr->short_factor;
        }
        methods.push_back(m);
    }
    return methods;
}

TEST(Eval, FactorOneGivesIdenticalPerplexityForEveryMethod) {
    const auto& model = test::tiny_trained().model;
    auto o = tiny_eval({32, 64});
    o.methods = all_methods_at_factor_one(model.shape().head_dim() / 2);
    o.factor = 1.0;
    auto r = evaluate_model(model, test::small_corpus().heldout, o);
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->results.size(), 18u);
    for (const auto& p : r->results) {
        const auto& plain = r->results[p.length == 32 ? 0 : 1];
        // Identical up to the last bits of a blend like theta (1 - r) + theta r in the core.
        EXPECT_NEAR(p.perplexity, plain.perplexity, 1e-9 * plain.perplexity) << p.method << " at " << p.length;
        ASSERT_EQ(p.attention_entropy.size(), plain.attention_entropy.size());
        for (std::size_t l = 0; l < p.attention_entropy.size(); ++l)
            EXPECT_NEAR(p.attention_entropy[l], plain.attention_entropy[l], 1e-9) << p.method;
    }
    // Past L the static methods at factor 1 are still plain RoPE (the dynamic ones rescale by design).
    auto past = tiny_eval({128});
    past.factor = 1.0;
    past.methods = {DefaultMethod{}, LinearMethod{}, NtkMethod{}, NtkByPartsMethod{}, YarnMethod{}, Llama3Method{}};
    auto q = evaluate_model(model, test::small_corpus().heldout, past);
    ASSERT_TRUE(q.ok()) << q.error().message;
    for (const auto& p : q->results)
        EXPECT_NEAR(p.perplexity, q->results[0].perplexity, 1e-9 * q->results[0].perplexity) << p.method;
}

TEST(Eval, WithinTheTrainingContextTheModelPredictsAndFarBeyondPlainRopeDegrades) {
    const auto& model = test::tiny_trained().model;
    auto o = tiny_eval({64, 512});
    o.methods = {DefaultMethod{}};
    auto r = evaluate_model(model, test::small_corpus().heldout, o);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_LT(r->results[0].perplexity, 30.0);  // far below 256 (uniform bytes)
    EXPECT_GT(r->results[1].perplexity, r->results[0].perplexity);
    EXPECT_EQ(r->results[0].attention_entropy.size(), 1u);
}

TEST(Eval, ErrorsNameTheField) {
    const auto& model = test::tiny_trained().model;
    const auto& heldout = test::small_corpus().heldout;
    auto o = tiny_eval({64});
    o.factor = std::nan("");
    EXPECT_EQ(validate_eval(model, heldout, o).error().field, "factor");
    o = tiny_eval({8});
    EXPECT_EQ(validate_eval(model, heldout, o).error().field, "lengths");
    o = tiny_eval({65536});
    EXPECT_EQ(validate_eval(model, "short held-out text", o).error().field, "corpus");
    o = tiny_eval({64});
    o.methods = {LongRopeMethod{}};  // no factor lists
    EXPECT_EQ(validate_eval(model, heldout, o).error().field, "method");
    o = tiny_eval({64});
    o.passkey = true;  // 64 tokens cannot hold the passkey test
    EXPECT_EQ(validate_eval(model, heldout, o).error().field, "lengths");
    EXPECT_EQ(validate_eval(Model{}, heldout, tiny_eval({64})).error().field, "model");
}

TEST(Eval, PasskeyAccuracyIsAFractionOfTheWindows) {
    const auto& model = test::tiny_trained().model;
    EvalOptions o;
    o.lengths = {128};
    o.windows = 4;
    o.threads = 1;
    auto r = evaluate_model(model, test::small_corpus().heldout, o);
    ASSERT_TRUE(r.ok()) << r.error().message;
    const double acc = r->results[0].passkey_accuracy;
    EXPECT_TRUE(acc == 0 || acc == 0.25 || acc == 0.5 || acc == 0.75 || acc == 1) << acc;
    EXPECT_GT(r->results[0].passkey_distance, 128 - 64);
}

// ---------------------------------------------------------------------------------------------
// Fine-tuning and the search with the model's perplexity as fitness

TEST(Finetune, TrainsACopyAtTheExtendedContextAndRecordsIt) {
    const auto& base = test::tiny_trained().model;
    FinetuneOptions o;
    o.method = LinearMethod{};
    o.factor = 2;
    o.steps = 20;
    o.batch = 4;
    o.passkey_fraction = 0;
    o.threads = 1;
    auto out = finetune_model(base, test::small_corpus(), o);
    ASSERT_TRUE(out.ok()) << out.error().message;
    ASSERT_EQ(out->model.info().finetunes.size(), 1u);
    EXPECT_EQ(out->model.info().finetunes[0].method, "linear");
    EXPECT_EQ(out->model.info().finetunes[0].context, 128);
    EXPECT_EQ(base.info().finetunes.size(), 0u);  // the original is untouched
    // PI at s = 2 on 128 tokens gets better with fine-tuning under PI.
    auto e = tiny_eval({128});
    e.methods = {LinearMethod{}};
    auto before = evaluate_model(base, test::small_corpus().heldout, e);
    auto after = evaluate_model(out->model, test::small_corpus().heldout, e);
    ASSERT_TRUE(before.ok() && after.ok());
    EXPECT_LT(after->results[0].perplexity, before->results[0].perplexity);
    o.factor = 0.5;
    EXPECT_EQ(validate_finetune(base, test::small_corpus(), o).error().field, "factor");
}

TEST(ModelSearch, PerplexityIsTheFitnessAndTheBestIsNoWorseThanTheSeeds) {
    const auto& model = test::tiny_trained().model;
    ModelSearchOptions o;
    o.factor = 4;
    o.windows = 2;
    o.threads = 1;
    o.search.population = 6;
    o.search.iterations = 2;
    o.search.parents = 4;
    o.search.mutations = 2;
    o.search.crossovers = 2;
    auto r = search_factors_on_model(model, test::small_corpus().heldout, o);
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->search.seeds.size(), 3u);
    for (const auto& seed : r->search.seeds) {
        EXPECT_LE(r->best.perplexity, seed.terms.total) << seed.label;
        EXPECT_EQ(seed.terms.range, 0);  // the proxy terms are not computed
    }
    // The fitness is the model's perplexity with those factors.
    LongRopeMethod m;
    m.long_factor = r->best.long_factor;
    m.short_factor.assign(m.long_factor.size(), 1.0);
    m.n_hat = r->best.n_hat;
    m.choice = LongRopeFactorChoice::Long;
    auto ppl = heldout_perplexity(model, test::small_corpus().heldout, m, 4, 256, 2);
    ASSERT_TRUE(ppl.ok());
    EXPECT_DOUBLE_EQ(*ppl, r->best.perplexity);
}

}  // namespace
}  // namespace ropescope::model
