// ropescope-cli model train | finetune: training runs with progress, Ctrl+C and atomic output.
#include <cstdio>
#include <tuple>

#include <nlohmann/json.hpp>

#include "attention_flags.h"
#include "commands.h"
#include "model_cli.h"
#include "ropescope/model/checkpoint.h"
#include "ropescope/model/model_figures.h"
#include "ropescope/validate.h"

namespace ropescope::cli {

namespace {

constexpr const char* kTrainHelp = R"(Usage: ropescope-cli model train --out FILE [--corpus PATH] [--layers N] [--d-model N]
                                [--heads N] [--mlp-ratio N] [--smear-keys 0|1] [--context L] [--rope-theta B]
                                [--batch N] [--steps N] [--lr X] [--warmup F] [--weight-decay X]
                                [--passkey-fraction F] [--short-passkeys F] [--answer-weight W]
                                [--copy-fraction F] [--copy-warmup N]
                                [--seed S] [--threads T] [--format text|json] [--svg FILE]

Trains a decoder-only RoPE transformer from scratch on CPU (LibTorch): byte tokens, pre-norm
blocks, causal attention with plain RoPE at the training context, AdamW with warm-up and cosine
decay, a passkey retrieval task mixed into every batch. The same seed and threads give the same
losses. Progress (loss, tokens/s) goes to stderr once a second; Ctrl+C stops without writing.

  --out FILE              the model file to write (atomically)
  --corpus PATH           a text file or a folder of text files (default: /usr/include/eigen3/Eigen);
                          every 10th file (or the last 10%) is held out for evaluation
  --layers N              transformer blocks (default 2)
  --d-model N             residual width (default 128)
  --heads N               attention heads, d_model / heads must be even (default 4)
  --mlp-ratio N           MLP width in multiples of d_model (default 4)
  --smear-keys 0|1        1: every key mixed with the previous position's by a learned gate per
                          head, which lets copying (passkey retrieval) form fast (default 0)
  --context L             training context L (default 256)
  --rope-theta B          RoPE base (default 10000)
  --batch N               sequences per step (default 16)
  --steps N               optimizer steps (default 320)
  --lr X                  peak learning rate (default 0.003)
  --warmup F              warm-up fraction of the steps (default 0.05)
  --weight-decay X        AdamW weight decay (default 0.1)
  --passkey-fraction F    share of each batch that is a passkey sample (default 0.25)
  --short-passkeys F      share of passkey rows packed with short samples (default 0)
  --answer-weight W       loss weight of the passkey answer digits, 1 to 1000 (default 1)
  --copy-fraction F       share of each batch that is a random string repeated, which teaches
                          copying (induction heads) fast (default 0)
  --copy-warmup N         the first N of the steps train on copy rows only (default 0)
  --seed S                seed of weights, batches and passkeys (default 1)
  --threads T             compute threads (default: all cores)
  --format text|json      json prints {"steps", "final_loss", "tokens_per_second", "seconds"}
  --svg FILE              also write the loss curve as SVG

Example:
  ropescope-cli model train --steps 300 --out my.rsmodel --corpus my_texts/
)";

constexpr const char* kFinetuneHelp = R"(Usage: ropescope-cli model finetune --out FILE --method M [--model FILE] [--factor S]
                                   [--context N] [--steps N] [--batch N] [--lr X] [--warmup F]
                                   [--passkey-fraction F] [--answer-weight W] [--seed S] [--threads T]
                                   [--corpus PATH] [--format text|json] [--svg FILE]

Continues training a model at an extended context under one method (the PI and YaRN papers'
recipe): the method's frequencies and attention factor at factor s come from the core, exactly as
model eval applies them. Evaluate the result with 'model eval --model FILE'.

  --out FILE              the fine-tuned model file to write (atomically)
  --model FILE            the model to start from (default: the shipped model)
  --method M              linear (PI), ntk, ntk_by_parts, yarn, llama3, dynamic, dynamic_yarn, default
  --factor S              extension factor s >= 1 (default 4)
  --context N             context trained on (default s * L)
  --steps N               optimizer steps (default 100)
  --batch N               sequences per step (default 4)
  --lr X                  peak learning rate (default 0.001)
  --warmup F              warm-up fraction (default 0.05)
  --passkey-fraction F    share of passkey samples (default 0.25)
  --answer-weight W       loss weight of the passkey answer digits (default: the model's recipe)
  --seed S                batch seed (default 1)
  --threads T             compute threads (default: all cores)
  --corpus PATH           training text (default: the model's own corpus, else the Eigen headers)
  --format text|json      json prints {"steps", "final_loss", "tokens_per_second", "seconds"}
  --svg FILE              also write the fine-tuning loss curve as SVG

Example:
  ropescope-cli model finetune --method linear --factor 4 --steps 100 --out pi.rsmodel
)";

// Reads a number flag into `target` when present.
Status read_number(const ParsedArgs& args, const char* name, double& target) {
    auto v = args.number(name);
    if (!v) return v.error();
    if (*v) target = **v;
    return Ok{};
}

Status read_integer(const ParsedArgs& args, const char* name, std::int64_t lo, std::int64_t hi, auto& target) {
    auto v = args.integer(name, lo, hi);
    if (!v) return v.error();
    if (*v) target = static_cast<std::remove_reference_t<decltype(target)>>(**v);
    return Ok{};
}

int print_outcome(const model::TrainOutcome& out, const std::string& format, const std::string& path,
                  const char* what) {
    if (format == "json") {
        const nlohmann::json j = {{"steps", out.steps_done},
                                  {"final_loss", out.final_loss},
                                  {"tokens_per_second", out.tokens_per_second},
                                  {"seconds", out.seconds}};
        std::printf("%s\n", j.dump().c_str());
    } else {
        std::printf("%s: %d steps, final loss %.4f nats/byte, %.0f tokens/s, %.1f s\nwrote %s\n", what, out.steps_done,
                    out.final_loss, out.tokens_per_second, out.seconds, path.c_str());
    }
    return kExitOk;
}

// Writes the model (and the loss figure) unless the run was interrupted.
int finish_run(const ParsedArgs& args, const model::TrainOutcome& out, const std::string& path,
               const std::string& format, const char* what, const std::string& caption) {
    if (out.cancelled)
        return io_error(std::string(what) + " interrupted at step " + std::to_string(out.steps_done) + "; " + path +
                        " not written.");
    if (auto s = model::save_model(out.model, path); !s) return io_error(s.error().message);
    if (const auto svg = args.get("svg")) {
        const auto figure = model::loss_figure(out.losses, std::string("Model ") + what + ": loss", caption);
        if (auto s = write_svg(figure, *svg, 1000, 560); !s) return io_error(s.error().message);
    }
    return print_outcome(out, format, path, what);
}

}  // namespace

int run_model_train(int argc, char** argv, int first) {
    ArgSpec spec;
    spec.options = {"out",   "corpus", "layers", "d-model", "heads",        "mlp-ratio", "context", "rope-theta",
                    "batch", "steps",  "lr",     "warmup",  "weight-decay", "passkey-fraction",     "seed",
                    "threads", "format", "svg", "answer-weight", "short-passkeys", "copy-fraction", "copy-warmup", "smear-keys"};
    spec.flags = {"help"};
    auto args = parse_args("model train", spec, argc, argv, first);
    if (!args) return usage_error(args.error().message);
    if (args->flags.count("help")) {
        std::fputs(kTrainHelp, stdout);
        return kExitOk;
    }
    const std::string format = args->get("format").value_or("text");
    if (format != "text" && format != "json")
        return usage_error("--format: \"" + format + "\" is not allowed; use text or json.");
    const auto out_path = args->get("out");
    if (!out_path || out_path->empty()) return usage_error("--out: missing; give the model file to write.");
    model::TrainOptions o;
    const Status reads[] = {
        read_integer(*args, "layers", 1, model::kMaxLayers, o.shape.layers),
        read_integer(*args, "d-model", 8, model::kMaxDModel, o.shape.d_model),
        read_integer(*args, "heads", 1, model::kMaxHeads, o.shape.heads),
        read_integer(*args, "mlp-ratio", 1, model::kMaxMlpRatio, o.shape.mlp_ratio),
        read_integer(*args, "smear-keys", 0, 1, o.shape.smear_keys),
        read_integer(*args, "context", 8, model::kMaxTrainContext, o.shape.train_context),
        read_number(*args, "rope-theta", o.shape.rope_theta),
        read_integer(*args, "batch", 1, 4096, o.recipe.batch),
        read_integer(*args, "steps", 1, 10000000, o.recipe.steps),
        read_number(*args, "lr", o.recipe.learning_rate),
        read_number(*args, "warmup", o.recipe.warmup_fraction),
        read_number(*args, "weight-decay", o.recipe.weight_decay),
        read_number(*args, "passkey-fraction", o.recipe.passkey_fraction),
        read_number(*args, "answer-weight", o.recipe.answer_weight),
        read_number(*args, "short-passkeys", o.recipe.short_passkey_fraction),
        read_number(*args, "copy-fraction", o.recipe.copy_fraction),
        read_integer(*args, "copy-warmup", 0, 10000000, o.recipe.copy_warmup_steps),
        read_integer(*args, "seed", 0, std::int64_t{1} << 62, o.recipe.seed),
        read_integer(*args, "threads", 1, 256, o.threads)};
    for (const auto& s : reads)
        if (!s) return usage_error(s.error().message);
    auto corpus = load_corpus_flag(*args);
    if (!corpus) return usage_error(model_error_message(corpus.error()));
    for (const auto& note : corpus->notes) std::fprintf(stderr, "note: %s\n", note.c_str());
    if (auto s = model::validate_training(*corpus, o); !s) return usage_error(model_error_message(s.error()));
    o.cancel = interrupt_flag();
    o.progress = TrainProgressPrinter("train");
    auto out = model::train_model(*corpus, o);
    if (!out) return usage_error(model_error_message(out.error()));
    return finish_run(*args, *out, *out_path, format, "train", command_line(argc, argv));
}

int run_model_finetune(int argc, char** argv, int first) {
    ArgSpec spec;
    spec.options = {"out",     "model",   "method", "factor", "context", "steps",  "batch", "lr",
                    "warmup",  "passkey-fraction", "seed", "threads", "corpus", "format", "svg",
                    "answer-weight"};
    spec.flags = {"help"};
    auto args = parse_args("model finetune", spec, argc, argv, first);
    if (!args) return usage_error(args.error().message);
    if (args->flags.count("help")) {
        std::fputs(kFinetuneHelp, stdout);
        return kExitOk;
    }
    const std::string format = args->get("format").value_or("text");
    if (format != "text" && format != "json")
        return usage_error("--format: \"" + format + "\" is not allowed; use text or json.");
    const auto out_path = args->get("out");
    if (!out_path || out_path->empty()) return usage_error("--out: missing; give the model file to write.");
    const auto method_text = args->get("method");
    if (!method_text) return usage_error("--method: missing; give the method to fine-tune under (e.g. linear or yarn).");
    const auto kind = method_from_name(*method_text);
    if (!kind || *kind == MethodKind::LongRope)
        return usage_error("--method: \"" + *method_text + "\" is not allowed here; use one of " +
                           "default, linear, ntk, dynamic, ntk_by_parts, yarn, dynamic_yarn, llama3.");
    model::FinetuneOptions o;
    o.method = default_method(*kind);
    const Status reads[] = {read_number(*args, "factor", o.factor),
                            read_integer(*args, "context", 8, 65536, o.context),
                            read_integer(*args, "steps", 1, 1000000, o.steps),
                            read_integer(*args, "batch", 1, 4096, o.batch),
                            read_number(*args, "lr", o.learning_rate),
                            read_number(*args, "warmup", o.warmup_fraction),
                            read_number(*args, "passkey-fraction", o.passkey_fraction),
                            read_integer(*args, "seed", 0, std::int64_t{1} << 62, o.seed),
                            read_integer(*args, "threads", 1, 256, o.threads)};
    for (const auto& s : reads)
        if (!s) return usage_error(s.error().message);
    auto m = load_model_flag(*args);
    if (!m) return usage_error(model_error_message(m.error()));
    o.answer_weight = m->info().recipe.answer_weight;
    if (auto s = read_number(*args, "answer-weight", o.answer_weight); !s) return usage_error(s.error().message);
    auto corpus = load_corpus_flag(*args, m->info().corpus);
    if (!corpus) return usage_error(model_error_message(corpus.error()));
    if (auto s = model::validate_finetune(*m, *corpus, o); !s) return usage_error(model_error_message(s.error()));
    o.cancel = interrupt_flag();
    o.progress = TrainProgressPrinter("finetune");
    auto out = model::finetune_model(*m, *corpus, o);
    if (!out) return usage_error(model_error_message(out.error()));
    return finish_run(*args, *out, *out_path, format, "finetune", command_line(argc, argv));
}

}  // namespace ropescope::cli
