// The model file (.rsmodel): a small self-describing format of our own, chosen over torch::save
// because every byte of it can be checked before anything is allocated (torch::load runs a
// pickle/zip reader on whatever it is given).
//
//   "RSMODEL1"                       8 bytes, magic and version
//   header length N                  8 bytes, little-endian uint64, N <= 1 MiB
//   header                           N bytes of JSON: shape, train_context, rope_theta, recipe,
//                                    corpus, seed, steps, final_loss, fine-tunes, LongRoPE factors,
//                                    and the tensor table [{name, shape, offset, bytes}]
//   tensors                          raw little-endian float32, in table order, back to back
//   checksum                         8 bytes, little-endian FNV-1a 64 of everything before it
//
// Loading checks the magic, sizes, JSON, shape limits, that the table lists exactly the tensors
// the shape implies (names, shapes, offsets, sizes) and the checksum, and that every value is
// finite; any failure is one line naming the file and what is wrong. The format itself (no
// LibTorch) is model_file.h.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "ropescope/model/model.h"
#include "ropescope/model/model_file.h"
#include "ropescope/result.h"

namespace ropescope::model {

// The file's bytes.
std::string model_to_bytes(const Model& model);
// Parses a model file's bytes; `name` (the path) starts every error message.
Result<Model> model_from_bytes(std::string_view bytes, const std::string& name);

// Writes the model atomically (temporary file, fsync, rename): a failed or interrupted write
// leaves no partial file.
Status save_model(const Model& model, const std::string& path);
// Reads and checks a model file (read_text_file limits: directories, FIFOs, devices refused).
Result<Model> load_model(const std::string& path);

}  // namespace ropescope::model
