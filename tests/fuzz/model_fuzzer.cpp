// libFuzzer target: the model file loader must never crash, hang, leak or allocate beyond the
// file, whatever the bytes. Every input is tried as it is and with its trailing checksum
// recomputed, so that mutations reach the header and tensor checks behind the checksum.
// It fuzzes the format itself (model_file.h: plain C++ data, no LibTorch, whose 1.13 headers clang
// 14 cannot compile in C++20); checkpoint.cpp only copies the checked floats into tensors.
// Built by scripts/fuzz.sh (target "model"; clang, ASan + UBSan), seeded with tests/fuzz/seeds/model.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ropescope/model/model_file.h"

namespace {

void with_checksum(std::string& bytes) {
    if (bytes.size() < 8) return;
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (std::size_t i = 0; i < bytes.size() - 8; ++i) {
        h ^= static_cast<unsigned char>(bytes[i]);
        h *= 0x100000001b3ULL;
    }
    for (int i = 0; i < 8; ++i) bytes[bytes.size() - 8 + static_cast<std::size_t>(i)] = static_cast<char>((h >> (8 * i)) & 0xff);
}

void try_load(const std::string& bytes) {
    auto file = ropescope::model::model_file_from_bytes(bytes, "fuzz.rsmodel");
    if (!file) return;
    // Whatever loads must write a file that loads again and writes back to the same bytes (the
    // first write may differ from the input: spacing, key order, fields older files lack).
    auto write = [](const ropescope::model::ModelFile& f) {
        std::vector<std::span<const float>> tensors(f.tensors.begin(), f.tensors.end());
        return ropescope::model::model_file_to_bytes(f.info, tensors);
    };
    const std::string written = write(*file);
    auto again = ropescope::model::model_file_from_bytes(written, "fuzz.rsmodel");
    if (!again || write(*again) != written) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string bytes(reinterpret_cast<const char*>(data), size);
    try_load(bytes);
    with_checksum(bytes);
    try_load(bytes);
    return 0;
}
