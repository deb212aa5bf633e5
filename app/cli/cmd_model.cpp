// ropescope-cli model: dispatch, `model info`, and what every model subcommand shares.
#include <malloc.h>

#include <csignal>
#include <cstdio>
#include <map>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "model_cli.h"
#include "ropescope/model/checkpoint.h"
#include "ropescope/validate.h"

namespace ropescope::cli {

namespace {

constexpr const char* kUsage = R"(Usage: ropescope-cli model SUBCOMMAND [options]

A small RoPE transformer (decoder-only, byte vocabulary, 2 layers, d_model 128 by default) trained
on this machine's CPU, then evaluated past its training context with every method. Without
--model, eval, finetune, info and search use the shipped model (assets/model/default.rsmodel).

Subcommands:
  train      train a model from scratch on a corpus (default: the Eigen headers)
  eval       held-out perplexity and passkey accuracy per method per length
  finetune   continue training at an extended context under one method (PI, YaRN, ...)
  info       the model's shape, training recipe and history
  search     LongRoPE factor search with the model's perplexity as fitness

Examples:
  ropescope-cli model info --format json
  ropescope-cli model eval --method default,linear,ntk,yarn --lengths 256,512,1024,2048,4096
  ropescope-cli model train --steps 300 --out my.rsmodel --corpus my_texts/
  ropescope-cli model finetune --method linear --factor 4 --steps 100 --out pi.rsmodel

'ropescope-cli model SUBCOMMAND --help' shows each one's options. See docs/model.md.
)";

constexpr const char* kInfoHelp = R"(Usage: ropescope-cli model info [--model FILE] [--format text|json]

The model's shape (layers, d_model, heads, head_dim, mlp_ratio, parameters), train_context,
rope_theta, how it was trained (corpus, seed, steps, recipe, final loss, seconds), its
fine-tuning runs and any LongRoPE factors searched on it.

  --model FILE        a .rsmodel file (default: the shipped model)
  --format text|json  (default text)

Example:
  ropescope-cli model info --format json
)";

std::atomic<bool> g_interrupted{false};

extern "C" void on_interrupt(int) { g_interrupted.store(true); }

}  // namespace

const std::atomic<bool>* interrupt_flag() {
    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);
    return &g_interrupted;
}

int io_error(const std::string& message) {
    std::fprintf(stderr, "error: %s\n", message.c_str());
    return kExitFailure;
}

std::string model_flag_for_field(const std::string& field) {
    static const std::map<std::string, std::string> flags = {
        {"layers", "--layers"},         {"d_model", "--d-model"},       {"heads", "--heads"},
        {"mlp_ratio", "--mlp-ratio"},   {"train_context", "--context"}, {"context", "--context"},
        {"rope_theta", "--rope-theta"}, {"steps", "--steps"},           {"batch", "--batch"},
        {"learning_rate", "--lr"},      {"warmup_fraction", "--warmup"}, {"min_lr_fraction", "--min-lr"},
        {"weight_decay", "--weight-decay"}, {"passkey_fraction", "--passkey-fraction"},
        {"answer_weight", "--answer-weight"}, {"short_passkey_fraction", "--short-passkeys"},
        {"copy_fraction", "--copy-fraction"}, {"copy_warmup_steps", "--copy-warmup"},
        {"threads", "--threads"},       {"corpus", "--corpus"},         {"model", "--model"},
        {"method", "--method"},         {"lengths", "--lengths"},       {"factor", "--factor"},
        {"windows", "--windows"},       {"population", "--population"}, {"iterations", "--iterations"},
        {"parents", "--parents"},       {"mutations", "--mutations"},   {"crossovers", "--crossovers"}};
    const auto it = flags.find(field);
    return it != flags.end() ? it->second : "--" + field;
}

std::string model_error_message(const Error& error) {
    const std::string flag = model_flag_for_field(error.field);
    // Messages from the model module start with the field name; say the flag instead.
    const std::string& m = error.message;
    if (m.rfind(error.field, 0) == 0 && !error.field.empty()) return flag + m.substr(error.field.size());
    return flag + ": " + m;
}

Result<model::Model> load_model_flag(const ParsedArgs& args) {
    std::string path;
    if (const auto p = args.get("model")) {
        path = *p;
    } else {
        path = model::default_model_path();
        if (path.empty())
            return Error{"model", "model: the shipped model (assets/model/default.rsmodel) was not found; "
                                  "give --model FILE or set ROPESCOPE_MODEL."};
    }
    return model::load_model(path);
}

Result<model::Corpus> load_corpus_flag(const ParsedArgs& args, const std::string& fallback) {
    if (const auto p = args.get("corpus")) return model::load_corpus(*p);
    if (!fallback.empty()) {
        auto c = model::load_corpus(fallback);
        if (c) return c;
    }
    return model::load_corpus(model::default_corpus_path());
}

void TrainProgressPrinter::operator()(const model::TrainProgress& p) {
    if (p.elapsed_seconds < next_print_ && p.step != p.steps) return;
    if (p.elapsed_seconds < 1.0) return;  // quick runs stay quiet
    next_print_ = p.elapsed_seconds + 1.0;
    std::fprintf(stderr, "%s: step %d/%d  loss %.4f  lr %.2e  %.0f tokens/s  %.1f s\n", what_, p.step, p.steps, p.loss,
                 p.learning_rate, p.tokens_per_second, p.elapsed_seconds);
}

int run_model_info(int argc, char** argv, int first) {
    ArgSpec spec;
    spec.options = {"model", "format"};
    spec.flags = {"help"};
    auto args = parse_args("model info", spec, argc, argv, first);
    if (!args) return usage_error(args.error().message);
    if (args->flags.count("help")) {
        std::fputs(kInfoHelp, stdout);
        return kExitOk;
    }
    const std::string format = args->get("format").value_or("text");
    if (format != "text" && format != "json")
        return usage_error("--format: \"" + format + "\" is not allowed; use text or json.");
    auto m = load_model_flag(*args);
    if (!m) return usage_error(model_error_message(m.error()));
    const auto& info = m->info();
    const auto& s = info.shape;
    if (format == "json") {
        nlohmann::json j = {{"layers", s.layers},
                            {"d_model", s.d_model},
                            {"heads", s.heads},
                            {"head_dim", s.head_dim()},
                            {"mlp_ratio", s.mlp_ratio},
                            {"smear_keys", s.smear_keys},
                            {"vocab_size", model::kVocabSize},
                            {"parameters", model::parameter_count(s)},
                            {"train_context", s.train_context},
                            {"rope_theta", s.rope_theta},
                            {"corpus", info.corpus},
                            {"seed", info.recipe.seed},
                            {"steps", info.steps},
                            {"batch", info.recipe.batch},
                            {"learning_rate", info.recipe.learning_rate},
                            {"passkey_fraction", info.recipe.passkey_fraction},
                            {"answer_weight", info.recipe.answer_weight},
                            {"short_passkey_fraction", info.recipe.short_passkey_fraction},
                            {"copy_fraction", info.recipe.copy_fraction},
                            {"copy_warmup_steps", info.recipe.copy_warmup_steps},
                            {"final_loss", info.final_loss},
                            {"train_seconds", info.train_seconds},
                            {"threads", info.threads}};
        nlohmann::json ft = nlohmann::json::array();
        for (const auto& f : info.finetunes)
            ft.push_back({{"method", f.method}, {"factor", f.factor}, {"context", f.context}, {"steps", f.steps},
                          {"final_loss", f.final_loss}});
        j["finetunes"] = ft;
        if (info.longrope)
            j["longrope"] = {{"factor", info.longrope->factor},
                             {"long_factor", info.longrope->long_factor},
                             {"n_hat", info.longrope->n_hat},
                             {"perplexity", info.longrope->perplexity}};
        std::printf("%s\n", j.dump(2).c_str());
        return kExitOk;
    }
    std::printf("model: %d layers, d_model %d, %d heads (head_dim %d%s), MLP %dx, byte vocabulary (256), %lld parameters\n",
                s.layers, s.d_model, s.heads, s.head_dim(), s.smear_keys ? ", smeared keys" : "", s.mlp_ratio,
                static_cast<long long>(model::parameter_count(s)));
    std::printf("train_context %lld, rope_theta %s\n", static_cast<long long>(s.train_context),
                format_number(s.rope_theta).c_str());
    std::printf("trained on %s: %lld steps of batch %d, lr %s, passkey fraction %s, answer weight %s, seed %llu, %d threads, "
                "final loss %.4f, %.1f s\n",
                info.corpus.c_str(), static_cast<long long>(info.steps), info.recipe.batch,
                format_number(info.recipe.learning_rate).c_str(), format_number(info.recipe.passkey_fraction).c_str(),
                format_number(info.recipe.answer_weight).c_str(), static_cast<unsigned long long>(info.recipe.seed), info.threads, info.final_loss, info.train_seconds);
    for (const auto& f : info.finetunes)
        std::printf("fine-tuned: %s, factor %s, context %lld, %d steps, final loss %.4f\n", f.method.c_str(),
                    format_number(f.factor).c_str(), static_cast<long long>(f.context), f.steps, f.final_loss);
    if (info.longrope)
        std::printf("LongRoPE factors searched at s = %s (n_hat %lld): perplexity %.3f at %lld tokens\n",
                    format_number(info.longrope->factor).c_str(), static_cast<long long>(info.longrope->n_hat),
                    info.longrope->perplexity,
                    static_cast<long long>(info.longrope->factor * static_cast<double>(s.train_context)));
    return kExitOk;
}

int run_model(int argc, char** argv, int first) {
    // Keep freed memory in the heap: every window's activations are large blocks that glibc would
    // otherwise mmap and unmap each time, and re-faulting their pages cost a third of an
    // evaluation's CPU (farm-bench: 22 -> 15 CPU s for the default eval).
    mallopt(M_MMAP_THRESHOLD, 1 << 30);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    mallopt(M_TOP_PAD, 256 << 20);
    if (first >= argc) {
        std::fputs(kUsage, stdout);
        return kExitOk;
    }
    const std::string sub = argv[first];
    if (sub == "--help" || sub == "-h" || sub == "help") {
        std::fputs(kUsage, stdout);
        return kExitOk;
    }
    if (sub == "info") return run_model_info(argc, argv, first + 1);
    if (sub == "train") return run_model_train(argc, argv, first + 1);
    if (sub == "finetune") return run_model_finetune(argc, argv, first + 1);
    if (sub == "eval") return run_model_eval(argc, argv, first + 1);
    if (sub == "search") return run_model_search(argc, argv, first + 1);
    return usage_error("model: unknown subcommand \"" + sub + "\"; use train, eval, finetune, info or search.");
}

}  // namespace ropescope::cli
