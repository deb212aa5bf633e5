// libFuzzer target: the model file loader must never crash, hang, leak or allocate beyond the
// file, whatever the bytes. Every input is tried as it is and with its trailing checksum
// recomputed, so that mutations reach the header and tensor checks behind the checksum.
// Built by scripts/fuzz_model.sh (clang, ASan + UBSan); seeded with tests/fuzz/seeds/*.rsmodel.
#include <cstddef>
#include <cstdint>
#include <string>

#include "ropescope/model/checkpoint.h"

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
    auto model = ropescope::model::model_from_bytes(bytes, "fuzz.rsmodel");
    if (!model) return;
    // Whatever loads must write back to the same bytes.
    if (ropescope::model::model_to_bytes(*model) != bytes) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string bytes(reinterpret_cast<const char*>(data), size);
    try_load(bytes);
    with_checksum(bytes);
    try_load(bytes);
    return 0;
}
