// Reading what a user hands us (config files, state files, pasted text, corpora) without trusting
// it: bounded size, bounded time, bounded JSON nesting, and one clear message for every way a path
// can be wrong (missing, unreadable, a directory, a socket, endless like /dev/zero, a FIFO whose
// writer never finishes).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ropescope/result.h"

namespace ropescope {

// Largest config.json (or fragment, vLLM arguments, llama.cpp flags) accepted: real configs are a
// few KiB; quantization blocks take some to tens of KiB.
inline constexpr std::size_t kMaxConfigBytes = std::size_t{1} << 20;  // 1 MiB
// Largest lab state file accepted (LongRoPE factor lists and panel settings included, a state is
// a few KiB).
inline constexpr std::size_t kMaxStateBytes = std::size_t{1} << 20;  // 1 MiB
// Deepest JSON nesting accepted anywhere: configs and states are at most a few levels deep, and the
// JSON parser and every recursive copy of a parsed value would overflow the stack far below what a
// hostile file can nest.
inline constexpr int kMaxJsonDepth = 64;
// How long a read from a FIFO, a pipe or a device may take before it is given up.
inline constexpr double kReadTimeoutSeconds = 10.0;

// "1 MiB", "64 KiB", "300 bytes": sizes in messages.
std::string byte_size_text(std::size_t bytes);

// Reads the whole file at `path`, at most `max_bytes`. Regular files, FIFOs, pipes and character
// devices are read; more than `max_bytes` is an error (never a silent truncation), and so is a
// read from a FIFO or device that has not ended within kReadTimeoutSeconds. A missing, unreadable
// or empty path, a directory and a socket are errors too. Every message starts with the path and
// says what is allowed, with `kind` naming what the file should be ("a config.json", "a state
// file"); Error::field is `field`. Never throws.
Result<std::string> read_text_file(const std::string& path, std::size_t max_bytes, std::string_view kind,
                                   std::string_view field = "path");
// The same for an open descriptor (e.g. 0 for standard input); `name` stands for the path.
Result<std::string> read_text_fd(int fd, const std::string& name, std::size_t max_bytes, std::string_view kind,
                                 std::string_view field = "path");

// Error if `text` nests objects/arrays deeper than `max_depth` (brackets inside strings do not
// count). Cheap: one pass, no allocation. Run it before any recursive parser sees the text.
Status check_json_depth(std::string_view text, std::string_view field, int max_depth = kMaxJsonDepth);

// check_json_depth, then nlohmann's parser, with parse errors turned into "FIELD: invalid JSON at
// line L, column C (...)" messages (only printable ASCII of the input is quoted). Never throws.
Result<nlohmann::json> parse_json_text(std::string_view text, std::string_view field, int max_depth = kMaxJsonDepth);

}  // namespace ropescope
