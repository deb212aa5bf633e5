// Shared helpers of the model tests: a scratch folder, a small corpus, a tiny trained model.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "ropescope/model/corpus.h"
#include "ropescope/model/model.h"
#include "ropescope/model/train.h"

namespace ropescope::model::test {

namespace fs = std::filesystem;

// A scratch directory for this process, removed at exit.
inline const fs::path& temp_dir() {
    struct Dir {
        fs::path path = fs::temp_directory_path() / ("ropescope_model_test_" + std::to_string(getpid()));
        Dir() { fs::create_directories(path); }
        ~Dir() {
            std::error_code ignored;
            fs::remove_all(path, ignored);
        }
    };
    static const Dir dir;
    return dir.path;
}

inline void write_bytes(const fs::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
}

inline std::string read_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// A corpus of a few Eigen headers (a build dependency, so always present): about 200 KiB.
inline const Corpus& small_corpus() {
    static const Corpus corpus = [] {
        auto c = load_corpus("/usr/include/eigen3/Eigen/src/Core/util");
        if (!c) throw std::runtime_error(c.error().message);
        return *c;
    }();
    return corpus;
}

// The tiny model of the suite: 1 layer, d_model 32, 2 heads (head_dim 16), context 64.
inline TrainOptions tiny_options(int steps = 200, std::uint64_t seed = 7) {
    TrainOptions o;
    o.shape.layers = 1;
    o.shape.d_model = 32;
    o.shape.heads = 2;
    o.shape.mlp_ratio = 2;
    o.shape.train_context = 64;
    o.recipe.steps = steps;
    o.recipe.batch = 8;
    o.recipe.learning_rate = 1e-2;
    o.recipe.passkey_fraction = 0;  // 64 bytes cannot hold the passkey task
    o.recipe.seed = seed;
    o.threads = 1;
    return o;
}

// Trained once per test binary.
inline const TrainOutcome& tiny_trained() {
    static const TrainOutcome out = [] {
        auto r = train_model(small_corpus(), tiny_options());
        if (!r) throw std::runtime_error(r.error().message);
        return *r;
    }();
    return out;
}

}  // namespace ropescope::model::test
