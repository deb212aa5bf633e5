// Training text: a file or a folder of text files, read without trusting it, split
// deterministically into training and held-out text. Bytes are the model's tokens.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "ropescope/result.h"

namespace ropescope::model {

// Largest single file read into a corpus, and the largest corpus in all.
inline constexpr std::size_t kMaxCorpusFileBytes = std::size_t{16} << 20;   // 16 MiB
inline constexpr std::size_t kMaxCorpusBytes = std::size_t{256} << 20;      // 256 MiB
// Files whose first 64 KiB hold a NUL byte, or more than 10% control bytes, count as binary.
inline constexpr double kMaxControlByteFraction = 0.10;

struct Corpus {
    std::string name;                // the path as given
    std::string train;               // training text
    std::string heldout;             // held-out text (never trained on)
    int files = 0;                   // text files read
    int heldout_files = 0;           // of which held out (0: the split is inside the text)
    std::vector<std::string> notes;  // files skipped and why (binary, empty, unreadable)
};

// The default corpus: the C++ headers of Eigen (/usr/include/eigen3/Eigen, Debian libeigen3-dev,
// a build dependency of RopeScope, so every install has it).
std::string default_corpus_path();

// Reads `path`: a text file, or a folder whose regular files (recursively, sorted by path) are
// read as text; binary and empty files in a folder are skipped with a note. With at least 10
// files, every 10th file (sorted order, 10th, 20th, ...) is held out; otherwise the last 10% of
// the text is. Errors (field "corpus"): missing path, a FIFO or device that does not end, a
// binary or empty file, a folder without text, too much text, too little to split.
Result<Corpus> load_corpus(const std::string& path);

// True if `bytes` look like text (the rule above).
bool looks_like_text(const std::string& bytes);

}  // namespace ropescope::model
