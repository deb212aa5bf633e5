// Parameter list, copies and initialisation of the model's tensors.
#include "weights.h"

#include <cmath>

#include <ATen/CPUGeneratorImpl.h>

namespace ropescope::model {

namespace {

template <class W, class T>
std::vector<std::pair<std::string, T*>> named_of(W& w) {
    std::vector<std::pair<std::string, T*>> out;
    out.emplace_back("embed", &w.embed);
    for (std::size_t i = 0; i < w.layers.size(); ++i) {
        auto& l = w.layers[i];
        const std::string p = "layers." + std::to_string(i) + ".";
        out.emplace_back(p + "norm1.weight", &l.norm1_weight);
        out.emplace_back(p + "norm1.bias", &l.norm1_bias);
        out.emplace_back(p + "qkv", &l.qkv);
        if (w.shape.smear_keys) out.emplace_back(p + "smear", &l.smear);
        out.emplace_back(p + "proj", &l.proj);
        out.emplace_back(p + "norm2.weight", &l.norm2_weight);
        out.emplace_back(p + "norm2.bias", &l.norm2_bias);
        out.emplace_back(p + "up", &l.up);
        out.emplace_back(p + "up.bias", &l.up_bias);
        out.emplace_back(p + "down", &l.down);
        out.emplace_back(p + "down.bias", &l.down_bias);
    }
    out.emplace_back("norm.weight", &w.norm_weight);
    out.emplace_back("norm.bias", &w.norm_bias);
    return out;
}

}  // namespace

std::vector<std::pair<std::string, at::Tensor*>> ModelWeights::named() {
    return named_of<ModelWeights, at::Tensor>(*this);
}

std::vector<std::pair<std::string, const at::Tensor*>> ModelWeights::named() const {
    return named_of<const ModelWeights, const at::Tensor>(*this);
}

ModelWeights ModelWeights::clone(at::ScalarType dtype) const {
    ModelWeights out;
    out.shape = shape;
    out.layers.resize(layers.size());
    auto src = named();
    auto dst = out.named();
    for (std::size_t i = 0; i < src.size(); ++i) *dst[i].second = src[i].second->detach().to(dtype).clone();
    return out;
}

Result<Model> init_model(const ModelShape& shape, std::uint64_t seed) {
    if (auto s = validate_shape(shape); !s) return s.error();
    // GPT-2's initialisation: N(0, 0.02) for matrices and embeddings, the two residual output
    // projections scaled by 1/sqrt(2 layers), zero biases, unit norms.
    auto gen = at::detail::createCPUGenerator(seed);
    auto w = std::make_shared<ModelWeights>();
    w->shape = shape;
    w->layers.resize(static_cast<std::size_t>(shape.layers));
    // Smear gates start at sigmoid(-1) = 0.27: keys mostly their own byte, a little of the previous.
    constexpr double kSmearInit = -1.0;
    const double residual_std = 0.02 / std::sqrt(2.0 * shape.layers);
    for (auto& [name, tensor] : w->named()) {
        std::vector<std::int64_t> dims;
        for (const auto& [n, d] : expected_tensors(shape))
            if (n == name) dims = d;
        const bool is_norm_weight = name.find("norm") != std::string::npos && name.ends_with(".weight");
        if (name.ends_with(".smear")) {
            *tensor = at::full(dims, kSmearInit, at::kFloat);
        } else if (is_norm_weight) {
            *tensor = at::ones(dims, at::kFloat);
        } else if (name.ends_with("bias")) {
            *tensor = at::zeros(dims, at::kFloat);
        } else {
            const bool residual_out = name.ends_with(".proj") || name.ends_with(".down");
            *tensor = at::normal(0.0, residual_out ? residual_std : 0.02, dims, gen);
        }
    }
    ModelInfo info;
    info.shape = shape;
    info.recipe.seed = seed;
    return Model(std::move(info), std::move(w));
}

}  // namespace ropescope::model
