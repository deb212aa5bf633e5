// The .rsmodel file format on plain C++ data (no LibTorch, so the file fuzzer and any tool can use
// it): writing a header and float32 tensors, and reading them back without trusting a byte.
// checkpoint.h turns it into a Model (tensors). The layout is described there.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ropescope/model/model.h"
#include "ropescope/result.h"

namespace ropescope::model {

inline constexpr std::size_t kMaxModelFileBytes = std::size_t{256} << 20;  // 256 MiB
inline constexpr std::size_t kMaxModelHeaderBytes = std::size_t{1} << 20;  // 1 MiB

// The tensors a shape implies: file name ("embed", "layers.0.qkv", ...) and dimensions, in file order.
using TensorLayout = std::vector<std::pair<std::string, std::vector<std::int64_t>>>;
TensorLayout expected_tensors(const ModelShape& shape);

// A model file's contents: what the header says and every tensor's values (row-major), in
// expected_tensors(info.shape) order.
struct ModelFile {
    ModelInfo info;
    std::vector<std::vector<float>> tensors;
};

// The file's bytes for `info` and its tensors (in expected_tensors order, sizes matching).
std::string model_file_to_bytes(const ModelInfo& info, const std::vector<std::span<const float>>& tensors);
// Parses and checks a model file's bytes (magic, sizes, checksum, JSON, shape limits, the tensor
// table, finite values); `name` (the path) starts every error message. info.checksum is the file's.
Result<ModelFile> model_file_from_bytes(std::string_view bytes, const std::string& name);
// Reads and checks a model file (read_text_file limits: directories, FIFOs, devices refused), as
// checkpoint.h's load_model does, without making tensors of it.
Result<ModelFile> read_model_file(const std::string& path);

}  // namespace ropescope::model
