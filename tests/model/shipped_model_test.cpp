// The shipped model (assets/model/default.rsmodel) shows the papers' qualitative ordering:
// plain RoPE's perplexity at 8L is more than twice its perplexity at L, and YaRN's at 8L is below
// PI's and below plain RoPE's. docs/model.md has the full table.
#include <gtest/gtest.h>

#include "ropescope/model/checkpoint.h"
#include "ropescope/model/corpus.h"
#include "ropescope/model/evaluate.h"

namespace ropescope::model {
namespace {

TEST(ShippedModel, ReproducesThePapersOrdering) {
    auto model = load_model(ROPESCOPE_MODEL_PATH);
    ASSERT_TRUE(model.ok()) << model.error().message;
    EXPECT_EQ(model->shape().train_context, 256);
    auto corpus = load_corpus(default_corpus_path());
    ASSERT_TRUE(corpus.ok()) << corpus.error().message;
    const auto L = model->shape().train_context;
    EvalOptions o;
    o.methods = {DefaultMethod{}, LinearMethod{}, YarnMethod{}};
    o.lengths = {L, 8 * L};
    o.passkey = false;
    auto r = evaluate_model(*model, corpus->heldout, o);
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->results.size(), 6u);
    const double plain_L = r->results[0].perplexity, plain_8L = r->results[1].perplexity;
    const double pi_8L = r->results[3].perplexity, yarn_8L = r->results[5].perplexity;
    EXPECT_GT(plain_8L, 2 * plain_L) << "plain RoPE at L " << plain_L << ", at 8L " << plain_8L;
    EXPECT_LT(yarn_8L, pi_8L) << "YaRN " << yarn_8L << ", PI " << pi_8L;
    EXPECT_LT(yarn_8L, plain_8L) << "YaRN " << yarn_8L << ", plain " << plain_8L;
}

}  // namespace
}  // namespace ropescope::model
