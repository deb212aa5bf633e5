// ropescope-cli model: train, evaluate, fine-tune and inspect the small trained RoPE model, and
// search LongRoPE factors with its perplexity as fitness (cmd_model*.cpp, docs/model.md).
#pragma once

#include <atomic>
#include <string>

#include "cli_args.h"
#include "ropescope/model/corpus.h"
#include "ropescope/model/model.h"
#include "ropescope/model/train.h"

namespace ropescope::cli {

int run_model_info(int argc, char** argv, int first);
int run_model_train(int argc, char** argv, int first);
int run_model_finetune(int argc, char** argv, int first);
int run_model_eval(int argc, char** argv, int first);
int run_model_search(int argc, char** argv, int first);

// The cancel flag raised by Ctrl+C (SIGINT) while a model command runs; installs the handler.
const std::atomic<bool>* interrupt_flag();

// --model PATH, or the shipped model when absent. Errors name --model.
Result<model::Model> load_model_flag(const ParsedArgs& args);
// --corpus PATH, else `fallback` when it is readable, else the default corpus.
Result<model::Corpus> load_corpus_flag(const ParsedArgs& args, const std::string& fallback = "");

// "--name" for a core field such as "d_model" (the model commands' field-to-flag table).
std::string model_flag_for_field(const std::string& field);
// An error from the model module as "--flag: message".
std::string model_error_message(const Error& error);

// Progress on stderr for runs longer than a second: one line a second with loss and tokens/s.
class TrainProgressPrinter {
public:
    explicit TrainProgressPrinter(const char* what) : what_(what) {}
    void operator()(const model::TrainProgress& p);

private:
    const char* what_;
    double next_print_ = 1.0;
};

// Prints "error: ..." and returns kExitFailure (I/O problems: a file could not be written).
int io_error(const std::string& message);

}  // namespace ropescope::cli
