// Reading a setting back from the formats engines_export writes: Hugging Face config JSON, vLLM
// arguments and llama.cpp flags (see engines.h, import_setting).
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ropescope/engines.h"
#include "ropescope/text_input.h"
#include "ropescope/validate.h"

namespace ropescope {

namespace {

using nlohmann::json;

// The text without comment lines (# ...), which the exporters use for explanations.
std::string strip_comments(std::string_view text) {
    std::string out;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view line = text.substr(start, end - start);
        const std::size_t first = line.find_first_not_of(" \t\r");
        if (first != std::string_view::npos && line[first] != '#') {
            out.append(line);
            out.push_back('\n');
        }
        start = end + 1;
    }
    return out;
}

// Shell-like words: whitespace separates, single and double quotes group (no escapes inside
// single quotes, as in sh), "--flag=value" splits in two.
Result<std::vector<std::string>> shell_words(const std::string& text) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;
    char quote = 0;
    for (const char c : text) {
        if (quote) {
            if (c == quote) quote = 0;
            else word.push_back(c);
        } else if (c == '\'' || c == '"') {
            quote = c;
            in_word = true;
        } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\\') {
            if (in_word) words.push_back(std::move(word));
            word.clear();
            in_word = false;
        } else {
            word.push_back(c);
            in_word = true;
        }
    }
    if (quote) return Error{"arguments", std::string("arguments: unterminated ") + quote + " quote."};
    if (in_word) words.push_back(std::move(word));
    std::vector<std::string> split;
    for (auto& w : words) {
        const std::size_t eq = w.find('=');
        if (w.rfind("--", 0) == 0 && eq != std::string::npos) {
            split.push_back(w.substr(0, eq));
            split.push_back(w.substr(eq + 1));
        } else {
            split.push_back(std::move(w));
        }
    }
    return split;
}

Result<double> flag_number(const std::string& flag, const std::string& value) {
    char* end = nullptr;
    const double x = std::strtod(value.c_str(), &end);
    if (value.empty() || end != value.c_str() + value.size() || !std::isfinite(x))
        return Error{flag, flag + ": \"" + value + "\" is not a finite number."};
    return x;
}

Result<std::int64_t> flag_integer(const std::string& flag, const std::string& value) {
    auto x = flag_number(flag, value);
    if (!x) return x.error();
    if (*x != std::floor(*x) || *x < 1 || *x > static_cast<double>(kMaxContext))
        return Error{flag, flag + ": " + value + " is not allowed; it must be a whole number from 1 to " +
                               std::to_string(kMaxContext) + "."};
    return static_cast<std::int64_t>(*x);
}

// The base setup as an HF config without scaling: what a fragment is laid over.
json base_config(const RopeSetup& base) {
    json config = json::parse(to_hf_json(base, DefaultMethod{}));
    config.erase("rope_scaling");
    config["max_position_embeddings"] = base.original_max_position_embeddings;
    return config;
}

Result<ModelConfig> import_hf(const std::string& text, const RopeSetup& base, const std::string& field) {
    auto parsed = parse_json_text(text, field);
    if (!parsed) return parsed.error();
    const json& pasted = *parsed;
    if (!pasted.is_object())
        return Error{field, field + ": expected a JSON object (a config.json or a rope_scaling block), got " +
                                std::string(pasted.type_name()) + "."};
    if (pasted.contains("head_dim") || pasted.contains("hidden_size") || pasted.contains("model_type") ||
        pasted.contains("qk_rope_head_dim"))
        return parse_hf_config(text);  // a whole config: its own head dims, nothing of ours mixed in
    json merged = base_config(base);
    if (pasted.contains("rope_type") || pasted.contains("type")) {
        merged["rope_scaling"] = pasted;  // a bare block
    } else {
        for (const auto& [key, value] : pasted.items()) merged[key] = value;
    }
    return parse_hf_config(merged.dump());
}

Result<ModelConfig> import_vllm(const std::vector<std::string>& words, const RopeSetup& base) {
    std::string overrides = "{}";
    std::int64_t max_model_len = 0;
    std::vector<std::string> unknown;
    for (std::size_t i = 0; i < words.size(); ++i) {
        const std::string& w = words[i];
        const bool has_value = i + 1 < words.size();
        if (w == "--hf-overrides" || w == "--rope-scaling") {
            if (!has_value) return Error{w, w + ": missing its JSON value."};
            overrides = w == "--rope-scaling" ? "{\"rope_scaling\": " + words[++i] + "}" : words[++i];
        } else if (w == "--max-model-len") {
            if (!has_value) return Error{w, w + ": missing its value."};
            auto n = flag_integer(w, words[++i]);
            if (!n) return n.error();
            max_model_len = *n;
        } else if (w.rfind("--", 0) == 0) {
            unknown.push_back(w);
        }
    }
    auto config = import_hf(overrides, base, "--hf-overrides");
    if (!config) return config.error();
    if (max_model_len > 0 && max_model_len != config->setup.effective_max_position_embeddings())
        config->warnings.push_back("--max-model-len " + std::to_string(max_model_len) +
                                   " differs from max_position_embeddings " +
                                   std::to_string(config->setup.effective_max_position_embeddings()) +
                                   "; vLLM serves up to --max-model-len tokens.");
    for (const auto& flag : unknown) config->warnings.push_back("unknown vLLM argument " + flag + " ignored.");
    return config;
}

Result<ModelConfig> import_llamacpp(const std::vector<std::string>& words, const RopeSetup& base) {
    ModelConfig config;
    config.setup = base;
    config.setup.factor = 1;
    config.setup.max_position_embeddings = 0;
    config.setup.seq_len = 0;
    std::string scaling = "none";
    bool scaling_given = false;
    YarnMethod yarn;
    std::optional<double> rope_scale, freq_scale, attn_flag;
    for (std::size_t i = 0; i < words.size(); ++i) {
        const std::string& w = words[i];
        if (w.rfind("-", 0) != 0) {
            config.warnings.push_back("llama.cpp: \"" + w + "\" is not a flag; ignored.");
            continue;
        }
        static const char* const kValued[] = {"--rope-scaling", "--rope-scale",     "--rope-freq-scale", "--rope-freq-base",
                                              "--yarn-orig-ctx", "--yarn-beta-fast", "--yarn-beta-slow",  "--yarn-attn-factor",
                                              "--yarn-ext-factor", "--ctx-size",     "-c"};
        bool valued = false;
        for (const char* flag : kValued) valued = valued || w == flag;
        if (!valued) {
            config.warnings.push_back("llama.cpp flag " + w + " has nothing to do with RoPE; ignored.");
            continue;
        }
        if (i + 1 >= words.size()) return Error{w, w + ": missing its value."};
        const std::string& v = words[++i];
        if (w == "--rope-scaling") {
            if (v != "none" && v != "linear" && v != "yarn")
                return Error{w, w + ": \"" + v + "\" is not allowed; llama.cpp takes none, linear or yarn."};
            scaling = v;
            scaling_given = true;
            continue;
        }
        if (w == "--yarn-orig-ctx" || w == "--ctx-size" || w == "-c") {
            auto n = flag_integer(w, v);
            if (!n) return n.error();
            if (w == "--yarn-orig-ctx") config.setup.original_max_position_embeddings = *n;
            else config.setup.max_position_embeddings = *n;
            continue;
        }
        auto x = flag_number(w, v);
        if (!x) return x.error();
        if (w == "--rope-scale") rope_scale = *x;
        else if (w == "--rope-freq-scale") freq_scale = *x;
        else if (w == "--rope-freq-base") config.setup.rope_theta = *x;
        else if (w == "--yarn-beta-fast") yarn.beta_fast = *x;
        else if (w == "--yarn-beta-slow") yarn.beta_slow = *x;
        else if (w == "--yarn-attn-factor") attn_flag = *x;
        else if (w == "--yarn-ext-factor" && *x != 1 && *x >= 0)
            return Error{w, w + ": " + v + " is not supported; RopeScope models YaRN with ext_factor 1 (llama.cpp's "
                                            "default for yarn; -1 means the default too)."};
    }
    if (rope_scale && freq_scale && std::abs(*rope_scale * *freq_scale - 1) > 1e-9)
        return Error{"--rope-scale", "--rope-scale " + format_number(*rope_scale) + " and --rope-freq-scale " +
                                         format_number(*freq_scale) + " disagree (one is the inverse of the other)."};
    if (freq_scale && *freq_scale <= 0)
        return Error{"--rope-freq-scale", "--rope-freq-scale: " + format_number(*freq_scale) +
                                              " is not allowed; it must be > 0."};
    const double factor = rope_scale ? *rope_scale : freq_scale ? 1.0 / *freq_scale : 1.0;
    // llama.cpp's default for --rope-scaling is linear once a scale is given (it reads the GGUF's
    // type otherwise; a bare scale is linear in its examples).
    if (!scaling_given && factor != 1) {
        scaling = "linear";
        config.warnings.push_back("no --rope-scaling: read as linear (llama.cpp itself takes the GGUF's scaling type).");
    }
    if (scaling == "none") {
        if (factor != 1)
            return Error{"--rope-scaling", "--rope-scaling none with a scale of " + format_number(factor) +
                                               " is contradictory; use linear or yarn."};
        config.method = DefaultMethod{};
    } else {
        config.setup.factor = factor;
        if (scaling == "linear") {
            config.method = LinearMethod{};
            if (attn_flag && *attn_flag != 1)
                config.warnings.push_back("--yarn-attn-factor " + format_number(*attn_flag) +
                                          ": llama.cpp multiplies cos and sin by it with linear scaling too; RopeScope's "
                                          "linear method has no attention factor, so it is not shown.");
        } else {
            // llama_context recomputes yarn_attn_factor whenever YaRN is on (llama-context.cpp): the flag
            // has no effect; only the GGUF's {arch}.rope.scaling.attn_factor changes the result.
            if (attn_flag)
                config.warnings.push_back("--yarn-attn-factor " + format_number(*attn_flag) +
                                          " is ignored by llama.cpp with YaRN (it recomputes the factor from --rope-scale); "
                                          "the GGUF key {arch}.rope.scaling.attn_factor carries a different one.");
            config.method = yarn;
        }
    }
    config.rope_block_original_max_position_embeddings =
        scaling == "yarn" ? config.setup.original_max_position_embeddings : 0;
    std::vector<std::string> warnings;
    if (auto status = validate(config.setup, config.method, &warnings); !status) return status.error();
    for (auto& w : warnings) config.warnings.push_back(std::move(w));
    return config;
}

// At most this many warnings are listed; a pasted word list must not print millions of lines.
constexpr std::size_t kMaxImportWarnings = 20;

Result<ModelConfig> cap_warnings(Result<ModelConfig> config) {
    if (config && config->warnings.size() > kMaxImportWarnings) {
        const std::size_t more = config->warnings.size() - (kMaxImportWarnings - 1);
        config->warnings.resize(kMaxImportWarnings - 1);
        config->warnings.push_back(std::to_string(more) + " more warnings like these not shown.");
    }
    return config;
}

Result<ModelConfig> import_setting_uncapped(std::string_view text, const RopeSetup& base) {
    const std::string body = strip_comments(text);
    const std::size_t first = body.find_first_not_of(" \t\r\n");
    if (first == std::string::npos)
        return Error{"setting", "setting: empty; expected a Hugging Face config or rope_scaling block (JSON), vLLM "
                                "arguments (--hf-overrides ...) or llama.cpp flags (--rope-scaling ...)."};
    if (body[first] == '{' || body[first] == '[') return import_hf(body, base, "json");
    auto words = shell_words(body);
    if (!words) return words.error();
    bool vllm = false, llamacpp = false;
    for (std::size_t i = 0; i < words->size(); ++i) {
        const std::string& w = (*words)[i];
        vllm = vllm || w == "--hf-overrides" || w == "--max-model-len" ||
               (w == "--rope-scaling" && i + 1 < words->size() && (*words)[i + 1].rfind('{', 0) == 0);
        llamacpp = llamacpp || w.rfind("--rope-", 0) == 0 || w.rfind("--yarn-", 0) == 0 || w == "--ctx-size";
    }
    if (vllm) return import_vllm(*words, base);
    if (llamacpp) return import_llamacpp(*words, base);
    return Error{"setting", "setting: not recognised; expected a Hugging Face config or rope_scaling block (JSON), "
                            "vLLM arguments (--hf-overrides ...) or llama.cpp flags (--rope-scaling ...)."};
}

}  // namespace

Result<ModelConfig> import_setting(std::string_view text, const RopeSetup& base) {
    if (text.size() > kMaxConfigBytes)
        return Error{"setting", "setting: " + std::to_string(text.size()) + " bytes; a config or engine flags are at most " +
                                    byte_size_text(kMaxConfigBytes) + "."};
    return cap_warnings(import_setting_uncapped(text, base));
}

}  // namespace ropescope
