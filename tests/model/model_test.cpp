// The model module's parts without training: shapes, passkey samples, corpora, rotary tables
// (against the core), the forward pass's own math, and the model file (round trip, every corrupt case).
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <random>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "model_test_util.h"
#include "ropescope/model/checkpoint.h"
#include "ropescope/model/passkey.h"
#include "ropescope/rope.h"
#include "weights.h"

namespace ropescope::model {
namespace {

using test::read_bytes;
using test::temp_dir;
namespace fs = std::filesystem;
using test::write_bytes;

// ---------------------------------------------------------------------------------------------
// Shape

TEST(ModelShape, ErrorsNameTheField) {
    ModelShape s;
    EXPECT_TRUE(validate_shape(s).ok());
    s.layers = 0;
    EXPECT_EQ(validate_shape(s).error().field, "layers");
    s = {};
    s.heads = 3;  // 128 / 3 is not whole
    EXPECT_EQ(validate_shape(s).error().field, "heads");
    s = {};
    s.heads = 128;  // head_dim 1 is odd (and more heads than allowed)
    EXPECT_FALSE(validate_shape(s).ok());
    s = {};
    s.rope_theta = std::nan("");
    EXPECT_EQ(validate_shape(s).error().field, "rope_theta");
    s = {};
    s.train_context = kMaxTrainContext + 1;
    const auto e = validate_shape(s).error();
    EXPECT_EQ(e.field, "train_context");
    EXPECT_NE(e.message.find("16385"), std::string::npos) << e.message;
}

TEST(ModelShape, ParameterCountOfTheDefaultShape) {
    // embed 256x128 + 2 x (2 norms x 256 + qkv 384x128 + proj 128x128 + up 512x128 + 512 + down 128x512 + 128) + 256
    const std::int64_t layer = 512 + 384 * 128 + 128 * 128 + 512 * 128 + 512 + 128 * 512 + 128;
    EXPECT_EQ(parameter_count(ModelShape{}), 256 * 128 + 2 * layer + 256);
}

// ---------------------------------------------------------------------------------------------
// Passkey

TEST(Passkey, SampleHasTheKeyTwiceAndTheExactLength) {
    const std::string filler = "int main() { return 0; }\n";
    std::mt19937_64 rng(3);
    for (const std::int64_t length : {std::int64_t{100}, std::int64_t{257}, std::int64_t{4097}}) {
        const auto s = make_passkey_sample(filler, 5, length, 10, rng);
        ASSERT_EQ(static_cast<std::int64_t>(s.text.size()), length);
        ASSERT_EQ(s.key.size(), 5u);
        EXPECT_EQ(s.text.substr(static_cast<std::size_t>(s.answer_begin)), s.key);
        EXPECT_EQ(s.text.substr(static_cast<std::size_t>(s.needle_begin), 5), s.key);
        EXPECT_EQ(s.answer_begin, length - 5);
        EXPECT_EQ(s.distance(), s.answer_begin - s.needle_begin);
        EXPECT_EQ(s.text.substr(static_cast<std::size_t>(s.question_begin), 22), " What is the pass key?");
        EXPECT_EQ(s.answer_begin - s.question_begin + 5, passkey_question_bytes());
        for (char c : s.key) EXPECT_TRUE(c >= '0' && c <= '9');
    }
}

// The key's first digit follows a backquote in both the needle and the question, and the backquote
// appears nowhere else (not after the key): "`" before a digit is the one-byte context to copy from.
TEST(Passkey, BackquoteMarksTheKeyOnlyBeforeItsFirstDigit) {
    const std::string filler = "int main() { return 0; }\n";
    std::mt19937_64 rng(5);
    const auto s = make_passkey_sample(filler, 0, 200, 30, rng);
    EXPECT_EQ(s.text.substr(static_cast<std::size_t>(s.needle_begin) - 18, 22), " The pass key is `" + s.key.substr(0, 4));
    EXPECT_EQ(s.text.substr(static_cast<std::size_t>(s.needle_begin) + 5, 15), ". Remember it. ");
    EXPECT_EQ(s.text.substr(static_cast<std::size_t>(s.question_begin)),
              " What is the pass key? The pass key is `" + s.key);
    EXPECT_EQ(std::count(s.text.begin(), s.text.end(), '`'), 2);
}

TEST(Passkey, NeedleIsClampedToFit) {
    std::mt19937_64 rng(1);
    const auto s = make_passkey_sample("abc", 0, 120, 1000000, rng);
    EXPECT_EQ(s.text.size(), 120u);
    EXPECT_EQ(s.text.substr(static_cast<std::size_t>(s.needle_begin), 5), s.key);
}

// ---------------------------------------------------------------------------------------------
// Corpus

TEST(Corpus, FolderSplitsEveryTenthFileAndSkipsBinaries) {
    const auto dir = temp_dir() / "corpus_folder";
    fs::create_directories(dir / "sub");
    std::string all_heldout;
    for (int i = 0; i < 20; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "f%02d.txt", i);
        const std::string text = "file " + std::to_string(i) + " says hello\n";
        write_bytes(dir / name, text);
        if (i % 10 == 9) all_heldout += text;
    }
    write_bytes(dir / "sub" / "z.bin", std::string("\x7f" "ELF\0\0\1", 7));
    write_bytes(dir / "sub" / "zz_empty.txt", "");
    auto c = load_corpus(dir.string());
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->files, 20);
    EXPECT_EQ(c->heldout_files, 2);
    EXPECT_EQ(c->heldout, all_heldout);
    EXPECT_EQ(c->notes.size(), 2u);
    EXPECT_NE(c->notes[0].find("z.bin: binary"), std::string::npos) << c->notes[0];
    EXPECT_NE(c->notes[1].find("empty"), std::string::npos) << c->notes[1];
    // Deterministic: the same text twice.
    auto again = load_corpus(dir.string());
    EXPECT_EQ(again->train, c->train);
}

TEST(Corpus, SingleFileHoldsOutTheLastTenth) {
    const auto path = temp_dir() / "one.txt";
    std::string text;
    for (int i = 0; i < 100; ++i) text += "line " + std::to_string(i) + "\n";
    write_bytes(path, text);
    auto c = load_corpus(path.string());
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->train + c->heldout, text);
    EXPECT_EQ(c->heldout.size(), text.size() / 10);
}

TEST(Corpus, BadPathsGetOneClearError) {
    const auto empty = temp_dir() / "empty.txt";
    write_bytes(empty, "");
    const auto binary = temp_dir() / "binary.dat";
    write_bytes(binary, std::string(1000, '\0'));
    const auto no_text = temp_dir() / "no_text";
    fs::create_directories(no_text);
    write_bytes(no_text / "a.bin", std::string(64, '\1'));
    const auto fifo = temp_dir() / "fifo";
    ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
    const std::pair<std::string, std::string> cases[] = {
        {"", "empty"},
        {(temp_dir() / "missing").string(), "no such file"},
        {empty.string(), "empty"},
        {binary.string(), "binary"},
        {no_text.string(), "no text files"},
        {fifo.string(), "fifo"},
        {"/dev/zero", "/dev/zero"}};
    for (const auto& [path, expect] : cases) {
        auto c = load_corpus(path);
        ASSERT_FALSE(c.ok()) << path;
        EXPECT_EQ(c.error().field, "corpus");
        EXPECT_EQ(c.error().message.rfind("corpus: ", 0), 0u) << c.error().message;
        EXPECT_EQ(c.error().message.find('\n'), std::string::npos) << c.error().message;
        if (expect != "fifo") {
            EXPECT_NE(c.error().message.find(expect), std::string::npos) << c.error().message;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Rotary tables: the core's numbers, in HF's rotate_half layout

RopeSetup setup_of(const ModelShape& shape, double factor, std::int64_t length) {
    RopeSetup s;
    s.head_dim = shape.head_dim();
    s.rope_theta = shape.rope_theta;
    s.original_max_position_embeddings = shape.train_context;
    s.factor = factor;
    s.seq_len = length;
    return s;
}

TEST(RopeTables, EveryMethodMatchesTheCore) {
    ModelShape shape;
    shape.train_context = 64;
    const std::int64_t T = 512;
    for (const MethodKind kind : kAllMethods) {
        Method method = default_method(kind);
        if (auto* lr = std::get_if<LongRopeMethod>(&method)) {
            for (int i = 0; i < shape.head_dim() / 2; ++i) lr->long_factor.push_back(1.0 + 0.3 * i);
            lr->short_factor.assign(lr->long_factor.size(), 1.0);
            lr->n_hat = 16;
        }
        auto t = rope_tables(shape, method, 8.0, T, at::kDouble);
        ASSERT_TRUE(t.ok()) << method_name(kind) << ": " << t.error().message;
        auto rope = compute_rope(setup_of(shape, 8.0, T), method);
        ASSERT_TRUE(rope.ok());
        const int pairs = rope->num_pairs();
        const auto* c = t->cos.data_ptr<double>();
        const auto* s = t->sin.data_ptr<double>();
        for (const std::int64_t m : {std::int64_t{0}, std::int64_t{1}, std::int64_t{15}, std::int64_t{16},
                                     std::int64_t{300}, T - 1}) {
            for (int i = 0; i < pairs; ++i) {
                const double a = rope->angle(m, i);
                const double f = rope->attention_factor;
                EXPECT_DOUBLE_EQ(c[m * 2 * pairs + i], std::cos(a) * f) << method_name(kind) << " m " << m << " i " << i;
                EXPECT_DOUBLE_EQ(c[m * 2 * pairs + i + pairs], std::cos(a) * f);
                EXPECT_DOUBLE_EQ(s[m * 2 * pairs + i + pairs], std::sin(a) * f);
            }
        }
        EXPECT_DOUBLE_EQ(t->softmax_scale, rope->softmax_scale_multiplier / std::sqrt(32.0));
    }
}

TEST(RopeTables, DynamicMethodsUseTheEvaluatedLength) {
    ModelShape shape;
    shape.train_context = 64;
    auto short_t = rope_tables(shape, DynamicMethod{}, 1.0, 64, at::kDouble);
    auto long_t = rope_tables(shape, DynamicMethod{}, 1.0, 512, at::kDouble);
    auto plain = rope_tables(shape, DefaultMethod{}, 1.0, 512, at::kDouble);
    // Within L dynamic NTK is plain RoPE; at 8L its base grows, so slow pairs turn less.
    EXPECT_TRUE(at::allclose(short_t->cos, plain->cos.narrow(0, 0, 64), 0, 0));
    const auto slow = shape.head_dim() / 2 - 1;
    EXPECT_NE(long_t->cos[100][slow].item<double>(), plain->cos[100][slow].item<double>());
}

// Rotating q at m and k at n (HF rotate_half) gives a dot product that depends only on m - n.
TEST(RopeTables, RotatedDotProductDependsOnlyOnDistance) {
    ModelShape shape;
    auto t = rope_tables(shape, YarnMethod{}, 4.0, 300, at::kDouble);
    ASSERT_TRUE(t.ok());
    at::manual_seed(0);
    const auto q = at::randn({32}, at::kDouble), k = at::randn({32}, at::kDouble);
    auto rotated = [&](const at::Tensor& x, std::int64_t m) { return x * t->cos[m] + rotate_half(x) * t->sin[m]; };
    const double d1 = rotated(q, 120).dot(rotated(k, 100)).item<double>();
    const double d2 = rotated(q, 270).dot(rotated(k, 250)).item<double>();
    EXPECT_NEAR(d1, d2, 1e-10);
    // And the norm is scaled exactly by the attention factor.
    auto rope = compute_rope(setup_of(shape, 4.0, 300), YarnMethod{});
    EXPECT_NEAR(rotated(q, 77).norm().item<double>(), q.norm().item<double>() * rope->attention_factor, 1e-10);
}

// ---------------------------------------------------------------------------------------------
// Forward pass: the parts written here (chunked causal attention, the scored tail, entropy)

TEST(Forward, ChunkedAttentionAndTheScoredTailMatchTheFullPass) {
    ModelShape shape;
    shape.layers = 2;
    shape.d_model = 32;
    shape.heads = 2;
    shape.train_context = 32;
    auto m = init_model(shape, 5);
    ASSERT_TRUE(m.ok());
    auto w = m->weights()->clone(at::kDouble);
    auto rope = rope_tables(shape, YarnMethod{}, 2.0, 64, at::kDouble);
    const auto tokens = at::randint(0, 256, {2, 64}, at::kLong);
    const auto full = forward(w, tokens, *rope);
    const auto chunked = forward(w, tokens, *rope, 0, 7);
    EXPECT_TRUE(at::allclose(full, chunked, 1e-12, 1e-12));
    const auto tail = forward(w, tokens, *rope, 48, 5);
    EXPECT_TRUE(at::allclose(full.narrow(1, 48, 16), tail, 1e-12, 1e-12));
}

TEST(Forward, EntropyOfUniformAttentionIsLogOfTheKeysSeen) {
    ModelShape shape;
    shape.layers = 1;
    shape.d_model = 16;
    shape.heads = 2;
    shape.train_context = 16;
    auto m = init_model(shape, 1);
    auto w = m->weights()->clone(at::kDouble);
    w.layers[0].qkv.zero_();  // every score 0: attention uniform over the keys each query sees
    auto rope = rope_tables(shape, DefaultMethod{}, 1.0, 40, at::kDouble);
    ForwardStats stats;
    forward(w, at::zeros({1, 40}, at::kLong), *rope, 30, 4, &stats);
    double expect = 0;
    for (int p = 30; p < 40; ++p) expect += std::log(p + 1.0);
    ASSERT_EQ(stats.attention_entropy.size(), 1u);
    EXPECT_NEAR(stats.attention_entropy[0], expect / 10, 1e-12);
}

// ---------------------------------------------------------------------------------------------
// The model file

TEST(Checkpoint, RoundTripKeepsEveryByteAndEveryWeight) {
    const auto& trained = test::tiny_trained();
    Model m = trained.model;
    m.mutable_info().finetunes.push_back(FinetuneRecord{"yarn", 4, 256, 10, 2.5});
    m.mutable_info().longrope = ModelLongRope{8, std::vector<double>(8, 1.5), 4, 3.25};
    const std::string bytes = model_to_bytes(m);
    auto back = model_from_bytes(bytes, "mem");
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(model_to_bytes(*back), bytes);
    EXPECT_EQ(back->info().finetunes.size(), 1u);
    EXPECT_EQ(back->info().longrope->n_hat, 4);
    EXPECT_EQ(back->info().recipe.seed, 7u);
    EXPECT_EQ(back->info().steps, 200);
    EXPECT_EQ(back->info().recipe.answer_weight, m.info().recipe.answer_weight);
    EXPECT_EQ(back->info().recipe.short_passkey_fraction, m.info().recipe.short_passkey_fraction);
    auto a = m.weights()->named();
    auto b = back->weights()->named();
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(at::equal(*a[i].second, *b[i].second)) << a[i].first;
    const auto path = temp_dir() / "tiny.rsmodel";
    ASSERT_TRUE(save_model(m, path.string()).ok());
    auto loaded = load_model(path.string());
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    EXPECT_EQ(model_to_bytes(*loaded), bytes);
}

// A file written before the recipe had an answer weight and short passkey samples (the fuzzer's
// seed) loads with the values it was trained with: weight 1, no short samples.
TEST(Checkpoint, OlderFilesWithoutTheNewerRecipeFieldsLoad) {
    auto m = load_model(std::string(ROPESCOPE_TEST_SOURCE_DIR) + "/fuzz/seeds/model/tiny.rsmodel");
    ASSERT_TRUE(m.ok()) << m.error().message;
    EXPECT_EQ(m->info().recipe.answer_weight, 1.0);
    EXPECT_EQ(m->info().recipe.short_passkey_fraction, 0.0);
    EXPECT_EQ(m->info().recipe.copy_fraction, 0.0);
    EXPECT_EQ(m->info().recipe.copy_warmup_steps, 0);
    EXPECT_FALSE(m->shape().smear_keys);
}

// Rebuilds a file from a (possibly hostile) header and data, with a valid checksum, so that the
// checks behind the checksum are reached.
std::string build_file(const std::string& header, const std::string& data) {
    std::string out = "RSMODEL1";
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((header.size() >> (8 * i)) & 0xff));
    out += header + data;
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (const char c : out) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((h >> (8 * i)) & 0xff));
    return out;
}

struct Parts {
    nlohmann::json header;
    std::string data;
};

Parts split(const std::string& bytes) {
    std::uint64_t n = 0;
    for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(bytes[8 + static_cast<std::size_t>(i)]);
    Parts p;
    p.header = nlohmann::json::parse(bytes.substr(16, n));
    p.data = bytes.substr(16 + n, bytes.size() - 16 - n - 8);
    return p;
}

void expect_refused(const std::string& bytes, const std::string& expect, const char* what) {
    auto r = model_from_bytes(bytes, "bad.rsmodel");
    ASSERT_FALSE(r.ok()) << what;
    EXPECT_EQ(r.error().field, "model") << what;
    EXPECT_EQ(r.error().message.rfind("bad.rsmodel: ", 0), 0u) << r.error().message;
    EXPECT_EQ(r.error().message.find('\n'), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find(expect), std::string::npos) << what << ": " << r.error().message;
}

// Smeared keys add one gate tensor per layer; the flag, the gates and the copy recipe round-trip.
TEST(Checkpoint, SmearedKeysAndTheCopyRecipeRoundTrip) {
    ModelShape shape;
    shape.layers = 2;
    shape.d_model = 16;
    shape.heads = 2;
    shape.train_context = 16;
    shape.smear_keys = true;
    auto m = init_model(shape, 4);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(parameter_count(shape), [&] {
        ModelShape plain = shape;
        plain.smear_keys = false;
        return parameter_count(plain) + 2 * 2;
    }());
    m->mutable_info().recipe.copy_fraction = 0.25;
    m->mutable_info().recipe.copy_warmup_steps = 40;
    const std::string bytes = model_to_bytes(*m);
    auto back = model_from_bytes(bytes, "mem");
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_TRUE(back->shape().smear_keys);
    EXPECT_EQ(back->info().recipe.copy_fraction, 0.25);
    EXPECT_EQ(back->info().recipe.copy_warmup_steps, 40);
    EXPECT_EQ(model_to_bytes(*back), bytes);
    // A smear_keys that is not a boolean is refused with one line naming it.
    auto parts = split(bytes);
    parts.header["shape"]["smear_keys"] = 1;
    auto bad = model_from_bytes(build_file(parts.header.dump(), parts.data), "bad.rsmodel");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("smear_keys"), std::string::npos) << bad.error().message;
}

TEST(Checkpoint, EveryCorruptFileGetsOneLineAndNoAllocation) {
    const std::string good = model_to_bytes(test::tiny_trained().model);
    ASSERT_TRUE(model_from_bytes(good, "ok").ok());
    expect_refused("", "too short", "empty");
    expect_refused("PK\3\4 this is a zip" + std::string(40, 'x'), "RSMODEL1", "another format");
    // Truncated anywhere, or one byte flipped anywhere: the checksum (or a size check) catches it.
    for (std::size_t cut : {std::size_t{17}, std::size_t{100}, good.size() / 2, good.size() - 1}) {
        auto r = model_from_bytes(good.substr(0, cut), "bad.rsmodel");
        EXPECT_FALSE(r.ok()) << "cut at " << cut;
    }
    for (std::size_t at : {std::size_t{9}, std::size_t{40}, good.size() / 3, good.size() - 3}) {
        std::string flipped = good;
        flipped[at] = static_cast<char>(flipped[at] ^ 0x20);
        EXPECT_FALSE(model_from_bytes(flipped, "bad.rsmodel").ok()) << "flip at " << at;
    }
    std::string huge_header = good;
    for (int i = 0; i < 8; ++i) huge_header[8 + static_cast<std::size_t>(i)] = static_cast<char>(0xff);
    expect_refused(huge_header, "header length", "header length 2^64-1");

    const Parts parts = split(good);
    auto with = [&](const std::function<void(nlohmann::json&)>& edit, std::string data = "\x01") {
        nlohmann::json h = parts.header;
        edit(h);
        return build_file(h.dump(), data == "\x01" ? parts.data : data);
    };
    expect_refused(build_file("{not json", parts.data), "not valid JSON", "not JSON");
    expect_refused(build_file(std::string(100, '[') + std::string(100, ']'), parts.data), "nesting", "deep nesting");
    expect_refused(with([](auto& h) { h["format"] = "pytorch"; }), "format", "wrong format");
    expect_refused(with([](auto& h) { h["version"] = 2; }), "version", "future version");
    expect_refused(with([](auto& h) { h["shape"]["layers"] = 1000000; }), "shape.layers", "a million layers");
    expect_refused(with([](auto& h) { h["shape"]["d_model"] = "128"; }), "shape.d_model", "a string");
    expect_refused(with([](auto& h) { h["shape"]["heads"] = 3; }), "heads", "heads not dividing");
    expect_refused(with([](auto& h) { h["train_context"] = -5; }), "train_context", "negative context");
    expect_refused(with([](auto& h) { h["rope_theta"] = 1e300; }), "rope_theta", "huge theta");
    expect_refused(with([](auto& h) { h.erase("recipe"); }), "recipe is missing", "no recipe");
    expect_refused(with([](auto& h) { h["seed"] = -1; }), "seed", "negative seed");
    expect_refused(with([](auto& h) { h["longrope"] = {{"factor", 8}, {"n_hat", 0}, {"perplexity", 1},
                                                         {"long_factor", {1, 2}}}; }),
                   "long_factor", "wrong long_factor length");
    expect_refused(with([](auto& h) { h["tensors"][3]["name"] = "evil"; }), "tensor 3", "renamed tensor");
    expect_refused(with([](auto& h) { h["tensors"][0]["shape"] = {256, 33}; }), "tensor 0", "reshaped tensor");
    expect_refused(with([](auto& h) { h["tensors"][1]["offset"] = 1u << 30; }), "tensor 1", "far offset");
    expect_refused(with([](auto& h) { h["tensors"].erase(h["tensors"].size() - 1); }), "tensors must list",
                   "missing tensor");
    expect_refused(with([](auto&) {}, parts.data + "xxxx"), "tensors take", "extra data");
    expect_refused(with([](auto&) {}, parts.data.substr(0, parts.data.size() - 4)), "tensors take", "short data");
    // A claimed shape far larger than the file: refused by the size check, nothing allocated.
    expect_refused(with([](auto& h) { h["shape"]["d_model"] = 1024; h["shape"]["layers"] = 32; }), "tensors",
                   "huge claimed shape");
    std::string nan_data = parts.data;
    const float nan = std::nanf("");
    std::memcpy(nan_data.data() + 12, &nan, 4);
    expect_refused(with([](auto&) {}, nan_data), "NaN", "NaN weight");
}

TEST(Checkpoint, PathsThatAreNotFilesGetOneLine) {
    const auto dir = temp_dir() / "a_dir.rsmodel";
    fs::create_directories(dir);
    const auto empty = temp_dir() / "empty.rsmodel";
    write_bytes(empty, "");
    for (const std::string& path : {dir.string(), empty.string(), (temp_dir() / "missing.rsmodel").string(),
                                   std::string("/dev/zero")}) {
        auto r = load_model(path);
        ASSERT_FALSE(r.ok()) << path;
        EXPECT_EQ(r.error().field, "model");
        EXPECT_NE(r.error().message.find(path), std::string::npos) << r.error().message;
        EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
    }
}

TEST(Checkpoint, UnwritablePathLeavesNothing) {
    const auto path = temp_dir() / "no_such_dir" / "m.rsmodel";
    const auto s = save_model(test::tiny_trained().model, path.string());
    ASSERT_FALSE(s.ok());
    EXPECT_FALSE(fs::exists(path));
}

}  // namespace
}  // namespace ropescope::model
