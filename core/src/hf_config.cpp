// Hugging Face config.json import, following transformers' rules for which keys each rope_type
// requires and accepts (modeling_rope_utils.py, >= 4.56).
#include "ropescope/hf_config.h"

#include <cmath>
#include <initializer_list>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

#include "ropescope/text_input.h"
#include "ropescope/validate.h"

namespace ropescope {

namespace {

using nlohmann::json;

#define ROPESCOPE_TRY_ASSIGN(lhs, expr)            \
    auto lhs##_result = (expr);                    \
    if (!lhs##_result) return lhs##_result.error(); \
    auto lhs = std::move(lhs##_result).value()

std::string type_name(const json& value) {
    switch (value.type()) {
        case json::value_t::null: return "null";
        case json::value_t::boolean: return "a boolean";
        case json::value_t::string: return "a string";
        case json::value_t::array: return "an array";
        case json::value_t::object: return "an object";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned:
        case json::value_t::number_float: return "a number";
        default: return "an unsupported value";
    }
}

std::string short_dump(const json& value) {
    std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
    if (text.size() > 40) text = text.substr(0, 37) + "...";
    return text;
}

Error wrong_type(const std::string& field, const json& value, const std::string& expected) {
    return Error{field, field + ": expected " + expected + ", got " + type_name(value) + " (" + short_dump(value) + ")."};
}

// Typed access to one JSON object; `prefix` is the object's path ("" or "rope_scaling.").
// Null counts as absent, as HF's `.get(key) or default` does.
class ObjectReader {
public:
    ObjectReader(const json& object, std::string prefix) : object_(object), prefix_(std::move(prefix)) {}

    const json* find(const std::string& key) const {
        const auto it = object_.find(key);
        if (it == object_.end() || it->is_null()) return nullptr;
        return &*it;
    }
    bool has(const std::string& key) const { return find(key) != nullptr; }
    std::string path(const std::string& key) const { return prefix_ + key; }

    Result<std::optional<double>> number(const std::string& key) const {
        const json* value = find(key);
        if (!value) return std::optional<double>{};
        if (!value->is_number()) return wrong_type(path(key), *value, "a number");
        return std::optional<double>{value->get<double>()};
    }

    // A whole number in [lo, hi]; accepts 128.0 but not 127.5.
    Result<std::optional<std::int64_t>> integer(const std::string& key, std::int64_t lo, std::int64_t hi) const {
        const json* value = find(key);
        if (!value) return std::optional<std::int64_t>{};
        if (!value->is_number()) return wrong_type(path(key), *value, "a whole number");
        const double x = value->get<double>();
        if (!std::isfinite(x) || x != std::floor(x) || x < static_cast<double>(lo) || x > static_cast<double>(hi))
            return Error{path(key), path(key) + ": " + short_dump(*value) + " is not allowed; it must be a whole number from " +
                                        std::to_string(lo) + " to " + std::to_string(hi) + "."};
        return std::optional<std::int64_t>{static_cast<std::int64_t>(x)};
    }

    Result<std::optional<bool>> boolean(const std::string& key) const {
        const json* value = find(key);
        if (!value) return std::optional<bool>{};
        if (!value->is_boolean()) return wrong_type(path(key), *value, "true or false");
        return std::optional<bool>{value->get<bool>()};
    }

    Result<std::optional<std::vector<double>>> number_list(const std::string& key) const {
        const json* value = find(key);
        if (!value) return std::optional<std::vector<double>>{};
        if (!value->is_array()) return wrong_type(path(key), *value, "an array of numbers");
        std::vector<double> out;
        out.reserve(value->size());
        for (std::size_t i = 0; i < value->size(); ++i) {
            const json& item = (*value)[i];
            if (!item.is_number())
                return wrong_type(path(key) + "[" + std::to_string(i) + "]", item, "a number");
            out.push_back(item.get<double>());
        }
        return std::optional<std::vector<double>>{std::move(out)};
    }

    Result<std::optional<std::string>> string(const std::string& key) const {
        const json* value = find(key);
        if (!value) return std::optional<std::string>{};
        if (!value->is_string()) return wrong_type(path(key), *value, "a string");
        return std::optional<std::string>{value->get<std::string>()};
    }

private:
    const json& object_;
    std::string prefix_;
};

Error missing(const std::string& field, const std::string& why) {
    return Error{field, field + ": missing; " + why + "."};
}

// Keys each rope_type accepts in the rope block (beyond rope_type/type), as HF lists them,
// plus RopeScope's own extensions (alpha/beta, n_hat).
std::set<std::string> accepted_keys(MethodKind kind) {
    std::set<std::string> keys = {"rope_type", "type", "rope_theta", "partial_rotary_factor"};
    auto add = [&](std::initializer_list<const char*> more) {
        for (const char* k : more) keys.insert(k);
    };
    switch (kind) {
        case MethodKind::Default: break;
        case MethodKind::Linear:
        case MethodKind::Ntk:
        case MethodKind::Dynamic: add({"factor", "original_max_position_embeddings"}); break;
        case MethodKind::NtkByParts: add({"factor", "original_max_position_embeddings", "alpha", "beta"}); break;
        case MethodKind::Yarn:
        case MethodKind::DynamicYarn:
            add({"factor", "original_max_position_embeddings", "attention_factor", "beta_fast", "beta_slow", "mscale",
                 "mscale_all_dim", "truncate"});
            break;
        case MethodKind::Llama3:
            add({"factor", "original_max_position_embeddings", "low_freq_factor", "high_freq_factor"});
            break;
        case MethodKind::LongRope:
            add({"factor", "original_max_position_embeddings", "attention_factor", "short_factor", "long_factor",
                 "n_hat"});
            break;
    }
    return keys;
}

Result<Method> read_yarn(const ObjectReader& rope, bool dynamic) {
    YarnMethod yarn;
    ROPESCOPE_TRY_ASSIGN(beta_fast, rope.number("beta_fast"));
    ROPESCOPE_TRY_ASSIGN(beta_slow, rope.number("beta_slow"));
    // HF: `get("beta_fast") or 32`: zero also takes the default.
    if (beta_fast && *beta_fast != 0) yarn.beta_fast = *beta_fast;
    if (beta_slow && *beta_slow != 0) yarn.beta_slow = *beta_slow;
    ROPESCOPE_TRY_ASSIGN(truncate, rope.boolean("truncate"));
    if (truncate) yarn.truncate = *truncate;
    ROPESCOPE_TRY_ASSIGN(mscale, rope.number("mscale"));
    ROPESCOPE_TRY_ASSIGN(mscale_all_dim, rope.number("mscale_all_dim"));
    ROPESCOPE_TRY_ASSIGN(attention_factor, rope.number("attention_factor"));
    yarn.mscale = mscale;
    yarn.mscale_all_dim = mscale_all_dim;
    yarn.attention_factor = attention_factor;
    if (dynamic) return Method{DynamicYarnMethod{yarn}};
    return Method{yarn};
}

}  // namespace

Result<ModelConfig> parse_hf_config(std::string_view text) {
    if (text.size() > kMaxConfigBytes)
        return Error{"json", "json: " + std::to_string(text.size()) + " bytes; a config.json is at most " +
                                 byte_size_text(kMaxConfigBytes) + "."};
    ROPESCOPE_TRY_ASSIGN(root, parse_json_text(text, "json"));
    if (!root.is_object()) return wrong_type("json", root, "an object (a config.json)");

    ModelConfig config;
    const ObjectReader top(root, "");
    std::vector<std::string>& warnings = config.warnings;
    RopeSetup& setup = config.setup;

    if (const json* model = top.find("_model"); model && model->is_string()) config.model_name = model->get<std::string>();
    if (const json* about = top.find("_description"); about && about->is_string())
        config.description = about->get<std::string>();

    // The rope block: rope_parameters (newer) wins over rope_scaling (older).
    const char* block_key = top.has("rope_parameters") ? "rope_parameters" : "rope_scaling";
    const json empty_block = json::object();
    const json* block = top.find(block_key);
    if (block && !block->is_object()) return wrong_type(block_key, *block, "an object or null");
    if (!block) block = &empty_block;
    const ObjectReader rope(*block, std::string(block_key) + ".");

    // rope_type, with HF's legacy `type` key and alias names.
    MethodKind kind = MethodKind::Default;
    {
        ROPESCOPE_TRY_ASSIGN(rope_type, rope.string("rope_type"));
        ROPESCOPE_TRY_ASSIGN(legacy_type, rope.string("type"));
        const std::optional<std::string> name = rope_type ? rope_type : legacy_type;
        const std::string field = rope_type ? rope.path("rope_type") : rope.path("type");
        if (name) {
            const auto parsed = method_from_name(*name);
            if (!parsed)
                return Error{field, field + ": \"" + *name + "\" is not a known rope_type; use one of " +
                                        method_names_list() + "."};
            kind = *parsed;
        } else if (!block->empty()) {
            return missing(rope.path("rope_type"), "the rope block needs rope_type (or the legacy key type)");
        }
    }

    // Dimensions: qk_rope_head_dim (DeepSeek MLA) > head_dim > hidden_size / num_attention_heads.
    ROPESCOPE_TRY_ASSIGN(qk_rope_head_dim, top.integer("qk_rope_head_dim", 1, 65536));
    ROPESCOPE_TRY_ASSIGN(head_dim, top.integer("head_dim", 1, 65536));
    ROPESCOPE_TRY_ASSIGN(hidden_size, top.integer("hidden_size", 1, std::int64_t{1} << 40));
    ROPESCOPE_TRY_ASSIGN(num_heads, top.integer("num_attention_heads", 1, 1 << 20));
    if (qk_rope_head_dim) {
        setup.rotary_dim_override = static_cast<int>(*qk_rope_head_dim);
        setup.head_dim = static_cast<int>(*qk_rope_head_dim);
    } else if (head_dim) {
        setup.head_dim = static_cast<int>(*head_dim);
    } else if (hidden_size && num_heads) {
        const std::int64_t derived = *hidden_size / *num_heads;  // HF: hidden_size // num_attention_heads
        if (derived < 1 || derived > 65536)
            return Error{"hidden_size", "hidden_size: " + std::to_string(*hidden_size) + " / num_attention_heads " +
                                            std::to_string(*num_heads) + " gives head_dim " + std::to_string(derived) +
                                            "; it must be from 2 to 65536."};
        setup.head_dim = static_cast<int>(derived);
    } else {
        return missing("head_dim", "give head_dim, or hidden_size and num_attention_heads");
    }

    // rope_theta and partial_rotary_factor: top level, or inside rope_parameters (transformers v5).
    for (const ObjectReader* reader : {&top, &rope}) {
        ROPESCOPE_TRY_ASSIGN(theta, reader->number("rope_theta"));
        if (theta) setup.rope_theta = *theta;
        ROPESCOPE_TRY_ASSIGN(partial, reader->number("partial_rotary_factor"));
        if (partial) setup.partial_rotary_factor = *partial;
    }

    ROPESCOPE_TRY_ASSIGN(max_pos, top.integer("max_position_embeddings", 1, kMaxContext));
    if (!max_pos) return missing("max_position_embeddings", "every config.json states the model's context length");
    setup.max_position_embeddings = *max_pos;
    ROPESCOPE_TRY_ASSIGN(top_original, top.integer("original_max_position_embeddings", 1, kMaxContext));
    ROPESCOPE_TRY_ASSIGN(rope_original, rope.integer("original_max_position_embeddings", 1, kMaxContext));
    ROPESCOPE_TRY_ASSIGN(factor, rope.number("factor"));

    // Required keys per rope_type, as HF raises for them.
    const auto require = [&](const char* key) -> std::optional<Error> {
        if (!rope.has(key))
            return missing(rope.path(key), std::string("rope_type \"") + std::string(method_name(kind)) + "\" requires it");
        return std::nullopt;
    };
    std::vector<const char*> required;
    switch (kind) {
        case MethodKind::Linear:
        case MethodKind::Ntk:
        case MethodKind::Dynamic:
        case MethodKind::NtkByParts:
        case MethodKind::Yarn: required = {"factor"}; break;
        case MethodKind::Llama3:
            required = {"factor", "original_max_position_embeddings", "low_freq_factor", "high_freq_factor"};
            break;
        case MethodKind::LongRope: required = {"short_factor", "long_factor"}; break;
        case MethodKind::Default:
        case MethodKind::DynamicYarn: break;
    }
    for (const char* key : required)
        if (auto error = require(key)) return *error;

    // Context lengths. L comes from the rope block, else max_position_embeddings (HF); a top-level
    // original_max_position_embeddings is read by LongRoPE only (Phi-3), below.
    setup.original_max_position_embeddings = rope_original.value_or(*max_pos);
    if (top_original && kind != MethodKind::LongRope)
        warnings.push_back("top-level original_max_position_embeddings " + std::to_string(*top_original) +
                           " is ignored for rope_type \"" + std::string(method_name(kind)) +
                           "\" (transformers reads it only for longrope); L = " +
                           std::to_string(setup.original_max_position_embeddings) + ".");
    config.rope_block_original_max_position_embeddings = rope_original.value_or(0);
    setup.factor = factor.value_or(1.0);
    if (kind == MethodKind::LongRope) {
        // HF: a top-level original_max_position_embeddings (Phi-3) sets factor = max_pos / original.
        if (top_original) {
            setup.original_max_position_embeddings = *top_original;
            setup.factor = static_cast<double>(*max_pos) / static_cast<double>(*top_original);
        } else if (rope_original && !factor) {
            setup.factor = static_cast<double>(*max_pos) / static_cast<double>(*rope_original);
        }
    }
    if ((kind == MethodKind::Yarn || kind == MethodKind::DynamicYarn) && rope_original && factor) {
        const double implicit = static_cast<double>(*max_pos) / static_cast<double>(*rope_original);
        if (implicit != *factor)
            warnings.push_back("rope factor " + format_number(*factor) + " differs from max_position_embeddings / "
                               "original_max_position_embeddings = " + format_number(implicit) +
                               "; the explicit factor is used (transformers >= 4.56). transformers 4.48-4.55 used " +
                               format_number(implicit) + " instead.");
    }

    // Method parameters.
    Method method = DefaultMethod{};
    switch (kind) {
        case MethodKind::Default: method = DefaultMethod{}; break;
        case MethodKind::Linear: method = LinearMethod{}; break;
        case MethodKind::Ntk: method = NtkMethod{}; break;
        case MethodKind::Dynamic: method = DynamicMethod{}; break;
        case MethodKind::NtkByParts: {
            NtkByPartsMethod m;
            ROPESCOPE_TRY_ASSIGN(alpha, rope.number("alpha"));
            ROPESCOPE_TRY_ASSIGN(beta, rope.number("beta"));
            m.alpha = alpha.value_or(m.alpha);
            m.beta = beta.value_or(m.beta);
            method = m;
            break;
        }
        case MethodKind::Yarn:
        case MethodKind::DynamicYarn: {
            ROPESCOPE_TRY_ASSIGN(yarn, read_yarn(rope, kind == MethodKind::DynamicYarn));
            method = yarn;
            break;
        }
        case MethodKind::Llama3: {
            Llama3Method m;
            ROPESCOPE_TRY_ASSIGN(low, rope.number("low_freq_factor"));
            ROPESCOPE_TRY_ASSIGN(high, rope.number("high_freq_factor"));
            m.low_freq_factor = *low;
            m.high_freq_factor = *high;
            method = m;
            break;
        }
        case MethodKind::LongRope: {
            LongRopeMethod m;
            ROPESCOPE_TRY_ASSIGN(short_factor, rope.number_list("short_factor"));
            ROPESCOPE_TRY_ASSIGN(long_factor, rope.number_list("long_factor"));
            ROPESCOPE_TRY_ASSIGN(attention_factor, rope.number("attention_factor"));
            ROPESCOPE_TRY_ASSIGN(n_hat, rope.integer("n_hat", 0, kMaxContext));
            m.short_factor = std::move(*short_factor);
            m.long_factor = std::move(*long_factor);
            m.attention_factor = attention_factor;
            m.n_hat = n_hat.value_or(0);
            method = std::move(m);
            break;
        }
    }
    config.method = std::move(method);

    // Unknown keys in the rope block: HF warns and ignores them; so do we, listing them.
    const auto accepted = accepted_keys(kind);
    std::vector<std::string> unknown;
    for (const auto& [key, value] : block->items())
        if (!accepted.count(key)) unknown.push_back(key);
    if (!unknown.empty()) {
        std::string list;
        for (const auto& key : unknown) list += (list.empty() ? "" : ", ") + std::string(block_key) + "." + key;
        warnings.push_back("unknown keys ignored for rope_type \"" + std::string(method_name(kind)) + "\": " + list + ".");
    }

    // Full validation (ranges, list lengths) with the method's own field names.
    std::vector<std::string> value_warnings;
    if (auto status = validate(setup, config.method, &value_warnings); !status) {
        Error error = status.error();
        // Point method keys at their place in the file.
        const auto accepted_here = accepted_keys(kind);
        std::string root_key = error.field.substr(0, error.field.find('['));
        if (accepted_here.count(root_key) && root_key != "rope_theta" && root_key != "partial_rotary_factor" &&
            block != &empty_block) {
            error.message = std::string(block_key) + "." + error.message;
            error.field = std::string(block_key) + "." + error.field;
        }
        return error;
    }
    for (auto& w : value_warnings) warnings.push_back(std::move(w));
    return config;
}

Result<ModelConfig> load_hf_config(const std::string& path) {
    auto text = read_text_file(path, kMaxConfigBytes, "a config.json");
    if (!text) return text.error();
    auto parsed = parse_hf_config(*text);
    if (!parsed) {
        Error error = parsed.error();
        error.message = path + ": " + error.message;
        return error;
    }
    return parsed;
}

}  // namespace ropescope
