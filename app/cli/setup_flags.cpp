#include "setup_flags.h"

#include <algorithm>
#include <limits>
#include <optional>

#include "presets_dir.h"
#include "ropescope/hf_config.h"
#include "ropescope/validate.h"

namespace ropescope::cli {

namespace {

#define CLI_TRY_ASSIGN(lhs, expr)                   \
    auto lhs##_result = (expr);                     \
    if (!lhs##_result) return lhs##_result.error(); \
    auto lhs = std::move(lhs##_result).value()

// Method-specific flags, and which methods read them (for "ignored" warnings).
struct MethodFlag {
    const char* name;
    std::vector<MethodKind> used_by;
};

const std::vector<MethodFlag>& method_flags() {
    using K = MethodKind;
    static const std::vector<MethodFlag> flags = {
        {"beta-fast", {K::Yarn, K::DynamicYarn}},
        {"beta-slow", {K::Yarn, K::DynamicYarn}},
        {"mscale", {K::Yarn, K::DynamicYarn}},
        {"mscale-all-dim", {K::Yarn, K::DynamicYarn}},
        {"no-truncate", {K::Yarn, K::DynamicYarn}},
        {"attention-factor", {K::Yarn, K::DynamicYarn, K::LongRope}},
        {"low-freq-factor", {K::Llama3}},
        {"high-freq-factor", {K::Llama3}},
        {"alpha", {K::NtkByParts}},
        {"beta", {K::NtkByParts}},
        {"short-factor", {K::LongRope}},
        {"long-factor", {K::LongRope}},
        {"n-hat", {K::LongRope}},
        {"longrope-factors", {K::LongRope}},
    };
    return flags;
}

Status apply_yarn_flags(const ParsedArgs& args, YarnMethod& yarn) {
    CLI_TRY_ASSIGN(beta_fast, args.number("beta-fast"));
    CLI_TRY_ASSIGN(beta_slow, args.number("beta-slow"));
    CLI_TRY_ASSIGN(mscale, args.number("mscale"));
    CLI_TRY_ASSIGN(mscale_all_dim, args.number("mscale-all-dim"));
    CLI_TRY_ASSIGN(attention_factor, args.number("attention-factor"));
    if (beta_fast) yarn.beta_fast = *beta_fast;
    if (beta_slow) yarn.beta_slow = *beta_slow;
    if (mscale) yarn.mscale = *mscale;
    if (mscale_all_dim) yarn.mscale_all_dim = *mscale_all_dim;
    if (attention_factor) yarn.attention_factor = *attention_factor;
    if (args.flags.count("no-truncate")) yarn.truncate = false;
    return Ok{};
}

// Applies the method-specific flags that this method reads.
Status apply_method_flags(const ParsedArgs& args, Method& method) {
    switch (kind_of(method)) {
        case MethodKind::NtkByParts: {
            auto& m = std::get<NtkByPartsMethod>(method);
            CLI_TRY_ASSIGN(alpha, args.number("alpha"));
            CLI_TRY_ASSIGN(beta, args.number("beta"));
            if (alpha) m.alpha = *alpha;
            if (beta) m.beta = *beta;
            return Ok{};
        }
        case MethodKind::Yarn: return apply_yarn_flags(args, std::get<YarnMethod>(method));
        case MethodKind::DynamicYarn: return apply_yarn_flags(args, std::get<DynamicYarnMethod>(method).yarn);
        case MethodKind::Llama3: {
            auto& m = std::get<Llama3Method>(method);
            CLI_TRY_ASSIGN(low, args.number("low-freq-factor"));
            CLI_TRY_ASSIGN(high, args.number("high-freq-factor"));
            if (low) m.low_freq_factor = *low;
            if (high) m.high_freq_factor = *high;
            return Ok{};
        }
        case MethodKind::LongRope: {
            auto& m = std::get<LongRopeMethod>(method);
            CLI_TRY_ASSIGN(short_factor, args.number_list("short-factor"));
            CLI_TRY_ASSIGN(long_factor, args.number_list("long-factor"));
            CLI_TRY_ASSIGN(attention_factor, args.number("attention-factor"));
            CLI_TRY_ASSIGN(n_hat, args.integer("n-hat", 0, kMaxContext));
            if (short_factor) m.short_factor = *short_factor;
            if (long_factor) m.long_factor = *long_factor;
            if (attention_factor) m.attention_factor = *attention_factor;
            if (n_hat) m.n_hat = *n_hat;
            if (const auto choice = args.get("longrope-factors")) {
                if (*choice == "auto") m.choice = LongRopeFactorChoice::Auto;
                else if (*choice == "short") m.choice = LongRopeFactorChoice::Short;
                else if (*choice == "long") m.choice = LongRopeFactorChoice::Long;
                else
                    return Error{"longrope-factors",
                                 "--longrope-factors: \"" + *choice + "\" is not allowed; use auto, short or long."};
            }
            if (m.short_factor.empty() && m.long_factor.empty())
                return Error{"short_factor",
                             "short_factor: missing; longrope needs --short-factor and --long-factor "
                             "(comma-separated, one per rotary pair) or --config with a longrope config."};
            if (m.short_factor.empty()) m.short_factor = m.long_factor;
            if (m.long_factor.empty()) m.long_factor = m.short_factor;
            return Ok{};
        }
        default: return Ok{};
    }
}

// A core error about a field the user set with a flag names the flag instead ("factor: ..." from
// --factor 1e-310 reads "--factor: ..."), so the message points at what was typed.
Error name_the_flag(Error error, const ParsedArgs& args) {
    const std::string root = error.field.substr(0, error.field.find('['));
    std::string flag = root;
    for (char& c : flag)
        if (c == '_') c = '-';
    if (root == "factor" && !args.has("factor") && args.has("target-context")) flag = "target-context";
    if (root.empty() || !args.has(flag)) return error;
    const std::string suffix = error.field.substr(root.size());  // e.g. "[3]"
    if (error.message.rfind(error.field, 0) == 0)
        error.message = "--" + flag + suffix + error.message.substr(error.field.size());
    else
        error.message = "--" + flag + ": " + error.message;
    error.field = flag;
    return error;
}

// A method flag that none of the chosen methods reads is still checked, with a method that does
// read it: "--alpha nan" is nonsense whatever the method, and should not pass as a warning.
Status check_unused_method_flag(const ParsedArgs& args, const MethodFlag& flag, const RopeSetup& setup) {
    Method method = default_method(flag.used_by.front());
    if (kind_of(method) == MethodKind::LongRope) {
        auto& m = std::get<LongRopeMethod>(method);
        m.short_factor.assign(static_cast<std::size_t>(std::max(0, setup.num_pairs())), 1.0);
        m.long_factor = m.short_factor;
    }
    if (auto status = apply_method_flags(args, method); !status) return status;
    std::vector<std::string> ignored;
    if (auto status = validate(setup, method, &ignored); !status) {
        const std::string field = status.error().field.substr(0, status.error().field.find('['));
        std::string as_flag = field;
        for (char& c : as_flag)
            if (c == '_') c = '-';
        // Only this flag's own value matters here (the placeholder factor lists are ours).
        if (as_flag == flag.name) return status;
    }
    return Ok{};
}

}  // namespace

void add_setup_args(ArgSpec& spec) {
    for (const char* name : {"config", "method", "head-dim", "partial-rotary-factor", "rope-theta",
                             "original-max-position-embeddings", "factor", "target-context",
                             "max-position-embeddings", "seq-len"})
        spec.options.insert(name);
    for (const auto& flag : method_flags()) {
        if (std::string(flag.name) == "no-truncate") spec.flags.insert(flag.name);
        else spec.options.insert(flag.name);
    }
}

const char* setup_args_help() {
    return R"(Setup (or take it from a model):
  --config FILE                          a Hugging Face config.json; flags below override it
  --head-dim N                           per-head dimension (default 128)
  --partial-rotary-factor F              fraction of head_dim that rotates (default 1)
  --rope-theta B                         RoPE base (default 10000)
  --original-max-position-embeddings L   pre-training context L (default 4096)
  --factor S                             extension factor s = L'/L (default 1)
  --target-context N                     L' directly (sets factor = N / L)
  --max-position-embeddings N            the config's max_position_embeddings (HF dynamic uses it; default L)
  --seq-len N                            current sequence length for dynamic methods and LongRoPE's switch
Method parameters (HF key names):
  --beta-fast X --beta-slow X            yarn ramp ends in rotations (32, 1)
  --mscale X --mscale-all-dim X          DeepSeek-style attention scaling
  --attention-factor X                   explicit attention factor (yarn, longrope)
  --no-truncate                          yarn: do not floor/ceil the correction dims
  --low-freq-factor X --high-freq-factor X   llama3 bands (1, 4)
  --alpha X --beta X                     ntk_by_parts ramp ends in rotations (1, 32)
  --short-factor A,B,.. --long-factor A,B,..  longrope per-pair factors
  --longrope-factors auto|short|long     which list to use (auto: long iff seq_len > L)
  --n-hat N                              longrope: first N positions keep the original angle
)";
}

Result<SetupFromFlags> setup_from_flags(const ParsedArgs& args, bool many_methods) {
    SetupFromFlags out;
    std::optional<Method> config_method;
    if (const auto path = args.get("config")) {
        CLI_TRY_ASSIGN(config, load_hf_config(resolve_config_path(*path)));
        out.model_name = config.model_name;
        out.setup = config.setup;
        config_method = config.method;
        out.warnings = config.warnings;
    }

    RopeSetup& setup = out.setup;
    // Whole numbers only here; the range (even, 2..65536) is validate()'s, whose message says so.
    CLI_TRY_ASSIGN(head_dim, args.integer("head-dim", std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
    CLI_TRY_ASSIGN(partial, args.number("partial-rotary-factor"));
    CLI_TRY_ASSIGN(theta, args.number("rope-theta"));
    CLI_TRY_ASSIGN(original, args.integer("original-max-position-embeddings", 1, kMaxContext));
    CLI_TRY_ASSIGN(factor, args.number("factor"));
    CLI_TRY_ASSIGN(target, args.integer("target-context", 1, kMaxContext));
    CLI_TRY_ASSIGN(max_pos, args.integer("max-position-embeddings", 1, kMaxContext));
    CLI_TRY_ASSIGN(seq_len, args.integer("seq-len", 1, kMaxContext));
    if (head_dim) {
        setup.head_dim = static_cast<int>(*head_dim);
        setup.rotary_dim_override = 0;
    }
    if (partial) setup.partial_rotary_factor = *partial;
    if (theta) setup.rope_theta = *theta;
    if (original) setup.original_max_position_embeddings = *original;
    if (factor && target)
        return Error{"factor", "--factor and --target-context both set the extension; give one of them."};
    if (factor) setup.factor = *factor;
    if (target)
        setup.factor = static_cast<double>(*target) / static_cast<double>(setup.original_max_position_embeddings);
    if (max_pos) setup.max_position_embeddings = *max_pos;
    if (seq_len) setup.seq_len = *seq_len;

    // Methods: --method list, else the config's, else default.
    std::vector<std::string> names;
    if (const auto list = args.get("method")) names = split_list(*list);
    if (names.empty() && args.has("method"))
        return Error{"method", "--method: empty; use one of " + method_names_list() + "."};
    if (names.size() > 1 && !many_methods)
        return Error{"method", "--method: give one method here (got \"" + *args.get("method") + "\")."};
    if (names.empty()) {
        out.methods.push_back(config_method ? *config_method : Method{DefaultMethod{}});
    } else {
        for (const auto& name : names) {
            const auto kind = method_from_name(name);
            if (!kind)
                return Error{"method", "--method: \"" + name + "\" is not a known method; use one of " +
                                           method_names_list() + "."};
            // A method of the config's own kind keeps the config's parameters.
            out.methods.push_back(config_method && kind_of(*config_method) == *kind ? *config_method
                                                                                  : default_method(*kind));
        }
    }
    for (auto& method : out.methods)
        if (auto status = apply_method_flags(args, method); !status) return name_the_flag(status.error(), args);
    // Every method valid on the setup, checked here so that every command reports the same error,
    // once, naming the flag the user typed.
    for (const auto& method : out.methods)
        if (auto status = validate(setup, method, nullptr); !status) return name_the_flag(status.error(), args);

    // Flags that none of the chosen methods reads are most likely a mistake: say so.
    for (const auto& flag : method_flags()) {
        if (!args.has(flag.name)) continue;
        bool used = false;
        for (const auto& method : out.methods)
            for (const auto kind : flag.used_by) used = used || kind_of(method) == kind;
        if (used) continue;
        if (auto status = check_unused_method_flag(args, flag, setup); !status)
            return name_the_flag(status.error(), args);
        out.warnings.push_back("--" + std::string(flag.name) + " is ignored by the chosen method(s).");
    }
    return out;
}

}  // namespace ropescope::cli
