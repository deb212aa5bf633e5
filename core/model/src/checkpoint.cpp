// The .rsmodel file as a Model: tensors to and from model_file.h's plain data, saving and loading.
#include "ropescope/model/checkpoint.h"

#include <cstring>
#include <span>

#include "ropescope/export.h"
#include "ropescope/text_input.h"
#include "weights.h"

namespace ropescope::model {

std::string model_to_bytes(const Model& model) {
    std::vector<at::Tensor> contiguous;
    std::vector<std::span<const float>> spans;
    for (const auto& [name, t] : model.weights()->named()) {
        contiguous.push_back(t->detach().to(at::kFloat).contiguous());
        spans.emplace_back(contiguous.back().data_ptr<float>(), static_cast<std::size_t>(contiguous.back().numel()));
    }
    return model_file_to_bytes(model.info(), spans);
}

Result<Model> model_from_bytes(std::string_view bytes, const std::string& name) {
    auto file = model_file_from_bytes(bytes, name);
    if (!file) return file.error();
    auto w = std::make_shared<ModelWeights>();
    w->shape = file->info.shape;
    w->layers.resize(static_cast<std::size_t>(w->shape.layers));
    const auto layout = expected_tensors(w->shape);
    auto named = w->named();
    for (std::size_t i = 0; i < layout.size(); ++i) {
        auto t = at::empty(layout[i].second, at::kFloat);
        std::memcpy(t.data_ptr<float>(), file->tensors[i].data(), file->tensors[i].size() * 4);
        *named[i].second = std::move(t);
    }
    return Model(std::move(file->info), std::move(w));
}

Status save_model(const Model& model, const std::string& path) {
    if (model.empty()) return Error{"model", "model: nothing to save."};
    return write_file_atomic(path, model_to_bytes(model));
}

Result<Model> load_model(const std::string& path) {
    auto bytes = read_text_file(path, kMaxModelFileBytes, "a RopeScope model file (.rsmodel)", "model");
    if (!bytes) return bytes.error();
    return model_from_bytes(*bytes, path);
}

}  // namespace ropescope::model
