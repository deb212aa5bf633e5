// Hugging Face config.json import, following each transformers line's rules for where keys are read
// and which keys each rope_type requires (modeling_rope_utils.py and the model configuration files;
// docs/models.md names the file and version each rule was read from).
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

// Model types whose rotary class computes default RoPE without partial_rotary_factor
// (transformers 5.x: LlamaRotaryEmbedding.compute_default_rope_parameters uses dim = head_dim; the
// generated Qwen2/Qwen3/Mistral classes copy it).
bool default_rope_ignores_partial(const std::string& model_type) {
    return model_type == "llama" || model_type == "qwen2" || model_type == "qwen3" || model_type == "mistral";
}

const char* version_label(HfVersion version) {
    switch (version) {
        case HfVersion::V5: return "transformers 5.x";
        case HfVersion::V456: return "transformers 4.56-4.57";
        case HfVersion::V45x: return "transformers 4.48-4.55";
    }
    return "transformers";
}

}  // namespace

Result<ModelConfig> parse_hf_config(std::string_view text, HfVersion version) {
    if (text.size() > kMaxConfigBytes)
        return Error{"json", "json: " + std::to_string(text.size()) + " bytes; a config.json is at most " +
                                 byte_size_text(kMaxConfigBytes) + "."};
    ROPESCOPE_TRY_ASSIGN(root, parse_json_text(text, "json"));
    if (!root.is_object()) return wrong_type("json", root, "an object (a config.json)");

    ModelConfig config;
    config.source_json = std::string(text);
    const ObjectReader top(root, "");
    std::vector<std::string>& warnings = config.warnings;
    RopeSetup& setup = config.setup;
    const bool v5 = version == HfVersion::V5;
    const std::string who = version_label(version);
    // A difference of this version's reading: a warning, and a note for the engine views.
    const auto note = [&](std::string text_) {
        config.version_notes.push_back(text_);
        warnings.push_back(std::move(text_));
    };

    if (const json* model = top.find("_model"); model && model->is_string()) config.model_name = model->get<std::string>();
    if (const json* about = top.find("_description"); about && about->is_string())
        config.description = about->get<std::string>();
    if (const json* type = top.find("model_type"); type && type->is_string()) config.model_type = type->get<std::string>();

    // The rope block. 5.x: `self.rope_parameters = rope_scaling or self.rope_parameters`
    // (RotaryEmbeddingConfigMixin.convert_rope_params_to_dict): a non-empty rope_scaling wins.
    // 4.x reads config.rope_scaling only; rope_parameters is an unknown attribute there.
    for (const char* key : {"rope_scaling", "rope_parameters"}) {
        const json* b = top.find(key);
        if (b && !b->is_object()) return wrong_type(key, *b, "an object or null");
    }
    const json* scaling = top.find("rope_scaling");
    const json* parameters = top.find("rope_parameters");
    const bool scaling_set = scaling && !scaling->empty();
    const bool parameters_set = parameters && !parameters->empty();
    const char* block_key = "rope_scaling";
    if (v5) {
        if (!scaling_set && parameters) block_key = "rope_parameters";
        if (scaling_set && parameters_set)
            note("both rope_scaling and rope_parameters are given: transformers 5.x reads rope_scaling "
                 "(`rope_scaling or rope_parameters`) and ignores rope_parameters.");
    } else if (parameters_set) {
        note(who + " ignores rope_parameters (a transformers 5.x key): it reads rope_scaling only" +
             (scaling_set ? "." : ", so this config runs plain RoPE."));
    }
    const json empty_block = json::object();
    const json* block = top.find(block_key);
    if (!block) block = &empty_block;
    const ObjectReader rope(*block, std::string(block_key) + ".");

    // rope_type, with HF's legacy `type` key and alias names.
    MethodKind kind = MethodKind::Default;
    bool proportional = false;
    {
        ROPESCOPE_TRY_ASSIGN(rope_type, rope.string("rope_type"));
        ROPESCOPE_TRY_ASSIGN(legacy_type, rope.string("type"));
        std::optional<std::string> name = rope_type ? rope_type : legacy_type;
        const std::string field = rope_type ? rope.path("rope_type") : rope.path("type");
        // Phi3Config maps the legacy names "su" and "yarn" to longrope (5.x convert_rope_params_to_dict,
        // 4.x _rope_scaling_adjustment).
        if (name && config.model_type == "phi3" && (*name == "yarn" || *name == "su")) {
            if (*name == "yarn") warnings.push_back(field + " \"yarn\" on a phi3 model is read as longrope (Phi3Config).");
            name = "longrope";
        }
        if (name && *name == "proportional") {
            // 5.x only (_compute_proportional_rope_parameters, used by Gemma 4).
            if (!v5)
                return Error{field, field + ": \"proportional\" is a transformers 5.x rope_type; " + who +
                                        " has no such function (ROPE_INIT_FUNCTIONS raises KeyError)."};
            proportional = true;
            kind = MethodKind::Linear;
        } else if (name) {
            const auto parsed = method_from_name(*name);
            if (!parsed)
                return Error{field, field + ": \"" + *name + "\" is not a known rope_type; use one of " +
                                        method_names_list() + ", proportional."};
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

    // rope_theta. 5.x: `rope_parameters.setdefault("rope_theta", kwargs.pop("rope_theta", default_theta))`:
    // the block's value wins over the top level. 4.x: config.rope_theta only.
    ROPESCOPE_TRY_ASSIGN(top_theta, top.number("rope_theta"));
    ROPESCOPE_TRY_ASSIGN(block_theta, rope.number("rope_theta"));
    if (v5) {
        setup.rope_theta = block_theta ? *block_theta : top_theta.value_or(10000.0);
        if (block_theta && top_theta && *block_theta != *top_theta)
            note("rope_theta " + format_number(*top_theta) + " at the top level and " + format_number(*block_theta) +
                 " in " + block_key + ": transformers 5.x uses the block's (setdefault).");
    } else {
        setup.rope_theta = top_theta.value_or(10000.0);
        if (block_theta && *block_theta != setup.rope_theta)
            note(who + " ignores " + std::string(block_key) + ".rope_theta " + format_number(*block_theta) +
                 " (it reads config.rope_theta = " + format_number(setup.rope_theta) + ").");
    }

    // partial_rotary_factor. 5.x: standardize_rope_params writes the config attribute over the block's
    // (`rope_parameters["partial_rotary_factor"] = partial_rotary_factor`): the top level wins.
    // 4.x: config.partial_rotary_factor only.
    ROPESCOPE_TRY_ASSIGN(top_partial, top.number("partial_rotary_factor"));
    ROPESCOPE_TRY_ASSIGN(block_partial, rope.number("partial_rotary_factor"));
    if (v5) {
        setup.partial_rotary_factor = top_partial ? *top_partial : block_partial.value_or(1.0);
        if (top_partial && block_partial && *top_partial != *block_partial)
            note("partial_rotary_factor " + format_number(*top_partial) + " at the top level and " +
                 format_number(*block_partial) + " in " + block_key +
                 ": transformers 5.x uses the top level's (standardize_rope_params overwrites the block's).");
    } else {
        setup.partial_rotary_factor = top_partial.value_or(1.0);
        if (block_partial && *block_partial != setup.partial_rotary_factor)
            note(who + " ignores " + std::string(block_key) + ".partial_rotary_factor " +
                 format_number(*block_partial) + " (it reads config.partial_rotary_factor).");
    }
    if (v5 && kind == MethodKind::Default && setup.partial_rotary_factor != 1.0 &&
        default_rope_ignores_partial(config.model_type) && setup.rotary_dim_override == 0) {
        note("default RoPE of model_type \"" + config.model_type + "\" rotates the whole head in transformers 5.x "
             "(compute_default_rope_parameters uses dim = head_dim): partial_rotary_factor " +
             format_number(setup.partial_rotary_factor) + " is not applied.");
        setup.partial_rotary_factor = 1.0;
    }

    ROPESCOPE_TRY_ASSIGN(max_pos, top.integer("max_position_embeddings", 1, kMaxContext));
    if (!max_pos) return missing("max_position_embeddings", "every config.json states the model's context length");
    setup.max_position_embeddings = *max_pos;
    ROPESCOPE_TRY_ASSIGN(top_original_read, top.integer("original_max_position_embeddings", 1, kMaxContext));
    ROPESCOPE_TRY_ASSIGN(rope_original, rope.integer("original_max_position_embeddings", 1, kMaxContext));
    ROPESCOPE_TRY_ASSIGN(factor, rope.number("factor"));
    std::optional<std::int64_t> top_original = top_original_read;
    // Phi3Config declares original_max_position_embeddings (default 4096), so the attribute always exists.
    if (!top_original && config.model_type == "phi3") top_original = 4096;
    const bool factor_null = block->contains("factor") && (*block)["factor"].is_null();

    // Required keys per rope_type, as HF raises for them.
    const auto require = [&](const char* key) -> std::optional<Error> {
        if (!rope.has(key) && !(v5 && kind == MethodKind::Yarn && std::string(key) == "factor" && factor_null))
            return missing(rope.path(key), std::string("rope_type \"") + std::string(method_name(kind)) + "\" requires it");
        return std::nullopt;
    };
    std::vector<const char*> required;
    switch (kind) {
        case MethodKind::Linear:
            if (!proportional) required = {"factor"};
            break;
        case MethodKind::Ntk:
        case MethodKind::Dynamic:
        case MethodKind::NtkByParts:
        case MethodKind::Yarn: required = {"factor"}; break;
        case MethodKind::Llama3:
            required = {"factor", "low_freq_factor", "high_freq_factor"};
            if (!(v5 && top_original)) required.push_back("original_max_position_embeddings");
            break;
        case MethodKind::LongRope: required = {"short_factor", "long_factor"}; break;
        case MethodKind::Default:
        case MethodKind::DynamicYarn: break;
    }
    for (const char* key : required)
        if (auto error = require(key)) return *error;

    // Context lengths and the factor, per version.
    config.rope_block_original_max_position_embeddings = rope_original.value_or(0);
    setup.factor = factor.value_or(1.0);
    const bool uses_original = kind == MethodKind::Llama3 || kind == MethodKind::Yarn ||
                               kind == MethodKind::DynamicYarn || kind == MethodKind::LongRope;
    setup.original_max_position_embeddings = rope_original.value_or(*max_pos);
    const std::string type_name_quoted = "\"" + std::string(method_name(kind)) + "\"";
    if (v5) {
        // standardize_rope_params: for llama3, yarn and longrope a config attribute
        // original_max_position_embeddings (Phi-3 keeps it there) overrides the block's value.
        if (uses_original && top_original) {
            if (rope_original && *rope_original != *top_original)
                note("original_max_position_embeddings " + std::to_string(*top_original) + " at the top level " +
                     (top_original_read ? "" : "(Phi3Config's default) ") + "overrides the block's " +
                     std::to_string(*rope_original) + " in transformers 5.x (standardize_rope_params).");
            setup.original_max_position_embeddings = *top_original;
        } else if (top_original_read && !uses_original) {
            warnings.push_back("top-level original_max_position_embeddings " + std::to_string(*top_original_read) +
                               " is not used by rope_type " + type_name_quoted + " (transformers reads it only for "
                               "llama3, yarn and longrope); L = " +
                               std::to_string(setup.original_max_position_embeddings) + ".");
        }
        const double ratio = static_cast<double>(*max_pos) / static_cast<double>(setup.original_max_position_embeddings);
        if (kind == MethodKind::Yarn && factor_null) {
            setup.factor = ratio;  // `if factor is None: factor = max_position_embeddings / original`
            note("rope factor is null: transformers 5.x uses max_position_embeddings / original_max_position_embeddings = " +
                 format_number(ratio) + ".");
        }
        if (kind == MethodKind::LongRope && !factor) setup.factor = ratio;  // same rule in _compute_longrope_parameters
        if ((kind == MethodKind::Yarn || kind == MethodKind::DynamicYarn) && factor && rope_original && ratio != *factor)
            warnings.push_back("rope factor " + format_number(*factor) + " differs from max_position_embeddings / "
                               "original_max_position_embeddings = " + format_number(ratio) +
                               "; transformers 5.x and 4.56 use the explicit factor, 4.48-4.55 used " +
                               format_number(ratio) + " instead.");
    } else {
        if (kind == MethodKind::LongRope) {
            // `if hasattr(config, "original_max_position_embeddings"): factor = max_pos / original`, else the
            // pre-training length is max_position_embeddings: the block's value is never read.
            if (rope_original)
                note(who + " ignores " + std::string(block_key) + ".original_max_position_embeddings " +
                     std::to_string(*rope_original) + " for longrope (it reads only the top-level key).");
            if (top_original) {
                setup.original_max_position_embeddings = *top_original;
                const double ratio = static_cast<double>(*max_pos) / static_cast<double>(*top_original);
                if (factor && *factor != ratio)
                    note(who + " replaces longrope factor " + format_number(*factor) +
                         " by max_position_embeddings / original_max_position_embeddings = " + format_number(ratio) + ".");
                setup.factor = ratio;
            } else {
                setup.original_max_position_embeddings = *max_pos;
            }
        } else if (top_original_read) {
            warnings.push_back("top-level original_max_position_embeddings " + std::to_string(*top_original_read) +
                               " is ignored for rope_type " + type_name_quoted + " by " + who +
                               " (it reads the rope_scaling block's); L = " +
                               std::to_string(setup.original_max_position_embeddings) + ".");
            if (uses_original)
                config.version_notes.push_back(who + " ignores the top-level original_max_position_embeddings " +
                                               std::to_string(*top_original_read) + " for " + type_name_quoted +
                                               " (5.x lets it override the block).");
        }
        if ((kind == MethodKind::Yarn || kind == MethodKind::DynamicYarn) && rope_original && factor) {
            const double ratio = static_cast<double>(*max_pos) / static_cast<double>(*rope_original);
            if (version == HfVersion::V45x && ratio != *factor) {
                // 4.48-4.55 _compute_yarn_parameters: `factor = max_position_embeddings / original`.
                note(who + " replaces factor " + format_number(*factor) +
                     " by max_position_embeddings / original_max_position_embeddings = " + format_number(ratio) +
                     (ratio == 1.0 ? ": YaRN is switched off." : "."));
                setup.factor = ratio;
            } else if (ratio != *factor && ratio != 1.0) {
                warnings.push_back("rope factor " + format_number(*factor) + " differs from max_position_embeddings / "
                                   "original_max_position_embeddings = " + format_number(ratio) + "; " + who +
                                   " uses the explicit factor.");
            }
        }
    }
    if (proportional) {
        // rope_angles = int(partial * head_dim // 2) pairs rotate as base^(-2i/head_dim) / factor; the
        // other head_dim/2 - rope_angles pairs get frequency 0 (not rotated, like partial rotary's
        // pass-through dimensions). The same rotated pairs are linear scaling over rotary_dim 2*rope_angles
        // with the base b^(2*rope_angles/head_dim).
        const int angles = static_cast<int>(std::floor(setup.partial_rotary_factor * setup.head_dim / 2.0));
        if (angles < 1)
            return Error{"partial_rotary_factor", "partial_rotary_factor: " + format_number(setup.partial_rotary_factor) +
                                                      " leaves no rotated pair for rope_type \"proportional\" (head_dim " +
                                                      std::to_string(setup.head_dim) + ")."};
        const double equivalent = std::pow(setup.rope_theta, 2.0 * angles / setup.head_dim);
        warnings.push_back("rope_type \"proportional\" (transformers 5.x): pairs 0-" + std::to_string(angles - 1) +
                           " rotate as rope_theta^(-2i/head_dim) / factor and the other " +
                           std::to_string(setup.head_dim / 2 - angles) +
                           " pairs are not rotated; shown as linear scaling over rotary_dim " + std::to_string(2 * angles) +
                           " with the equivalent base " + format_number(equivalent) + ".");
        setup.rotary_dim_override = 2 * angles;
        setup.partial_rotary_factor = 1.0;
        setup.rope_theta = equivalent;
        if (setup.factor == 1.0) kind = MethodKind::Default;
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
            for (const char* key : {"beta_fast", "beta_slow"}) {
                const json* beta = rope.find(key);
                if (beta && beta->is_number() && beta->get<double>() == 0) config.yarn_beta_zero = true;
            }
            YarnMethod& y = kind == MethodKind::Yarn ? std::get<YarnMethod>(yarn) : std::get<DynamicYarnMethod>(yarn).yarn;
            if (version == HfVersion::V45x && !y.truncate) {
                // truncate arrived in 4.56 (gpt-oss); earlier versions always floor/ceil the correction dims.
                note(who + " has no truncate option: it always rounds the YaRN correction dims (truncate: false ignored).");
                y.truncate = true;
            }
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
    // (transformers 5.x rules; engine views read config.source_json again with their own.)
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
