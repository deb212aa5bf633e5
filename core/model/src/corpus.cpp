// Reading a corpus (a file or a folder of text files) and splitting it deterministically.
#include "ropescope/model/corpus.h"

#include <algorithm>
#include <filesystem>

#include "ropescope/text_input.h"

namespace ropescope::model {

namespace fs = std::filesystem;

namespace {

Error corpus_error(const std::string& path, const std::string& what) {
    return Error{"corpus", "corpus: " + path + ": " + what};
}

}  // namespace

std::string default_corpus_path() { return "/usr/include/eigen3/Eigen"; }

bool looks_like_text(const std::string& bytes) {
    const std::size_t n = std::min<std::size_t>(bytes.size(), 65536);
    std::size_t control = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const auto c = static_cast<unsigned char>(bytes[i]);
        if (c == 0) return false;
        if (c < 32 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != '\v') ++control;
    }
    return n == 0 || static_cast<double>(control) <= kMaxControlByteFraction * static_cast<double>(n);
}

Result<Corpus> load_corpus(const std::string& path) {
    Corpus corpus;
    corpus.name = path;
    if (path.empty()) return Error{"corpus", "corpus: empty; give a text file or a folder of text files."};
    std::error_code ec;
    std::vector<std::string> texts;
    if (fs::is_directory(path, ec)) {
        std::vector<fs::path> files;
        fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end;
        if (ec) return corpus_error(path, "cannot list the folder (" + ec.message() + ").");
        for (; it != end; it.increment(ec)) {
            if (ec) return corpus_error(path, "cannot list the folder (" + ec.message() + ").");
            if (it->is_regular_file(ec)) files.push_back(it->path());
        }
        std::sort(files.begin(), files.end());
        std::size_t total = 0;
        for (const auto& file : files) {
            const std::string name = file.string();
            if (fs::file_size(file, ec) == 0) {
                corpus.notes.push_back(name + ": empty, skipped");
                continue;
            }
            auto text = read_text_file(name, kMaxCorpusFileBytes, "a text file", "corpus");
            if (!text) {
                corpus.notes.push_back(text.error().message + " (skipped)");
                continue;
            }
            if (!looks_like_text(*text)) {
                corpus.notes.push_back(name + ": binary (NUL or control bytes), skipped");
                continue;
            }
            total += text->size();
            if (total > kMaxCorpusBytes)
                return corpus_error(path, "more than " + byte_size_text(kMaxCorpusBytes) +
                                              " of text; give a smaller folder.");
            texts.push_back(std::move(*text));
        }
        if (texts.empty())
            return corpus_error(path, "no text files in the folder (" + std::to_string(files.size()) +
                                          " files, none readable text); give a folder of text files.");
    } else {
        auto text = read_text_file(path, kMaxCorpusFileBytes, "a text file or a folder of text files", "corpus");
        if (!text) return Error{"corpus", "corpus: " + text.error().message};
        if (text->empty()) return corpus_error(path, "empty; give a text file or a folder of text files.");
        if (!looks_like_text(*text))
            return corpus_error(path, "looks binary (NUL or control bytes); give a text file or a folder of text files.");
        texts.push_back(std::move(*text));
    }
    corpus.files = static_cast<int>(texts.size());
    if (texts.size() >= 10) {
        for (std::size_t i = 0; i < texts.size(); ++i) {
            if (i % 10 == 9) {
                corpus.heldout += texts[i];
                ++corpus.heldout_files;
            } else {
                corpus.train += texts[i];
            }
        }
    } else {
        std::string all;
        for (const auto& t : texts) all += t;
        const std::size_t cut = all.size() - all.size() / 10;
        corpus.train = all.substr(0, cut);
        corpus.heldout = all.substr(cut);
    }
    return corpus;
}

}  // namespace ropescope::model
