#include "ropescope/methods.h"

#include <algorithm>
#include <cctype>

namespace ropescope {

namespace {

struct NameEntry {
    MethodKind kind;
    std::string_view name;
    std::string_view label;
};

constexpr NameEntry kNames[] = {
    {MethodKind::Default, "default", "Default RoPE"},
    {MethodKind::Linear, "linear", "Position Interpolation"},
    {MethodKind::Ntk, "ntk", "NTK-aware"},
    {MethodKind::Dynamic, "dynamic", "Dynamic NTK"},
    {MethodKind::NtkByParts, "ntk_by_parts", "NTK-by-parts"},
    {MethodKind::Yarn, "yarn", "YaRN"},
    {MethodKind::DynamicYarn, "dynamic_yarn", "Dynamic YaRN"},
    {MethodKind::Llama3, "llama3", "Llama 3"},
    {MethodKind::LongRope, "longrope", "LongRoPE"},
};

// Input spellings accepted besides the canonical names.
struct Alias {
    std::string_view alias;
    MethodKind kind;
};
constexpr Alias kAliases[] = {
    {"none", MethodKind::Default},        {"pi", MethodKind::Linear},
    {"su", MethodKind::LongRope},         {"ntk_aware", MethodKind::Ntk},
    {"ntk-aware", MethodKind::Ntk},       {"ntk-by-parts", MethodKind::NtkByParts},
    {"dynamic-yarn", MethodKind::DynamicYarn}, {"dynamic_ntk", MethodKind::Dynamic},
};

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

}  // namespace

std::string_view method_name(MethodKind kind) {
    for (const auto& entry : kNames)
        if (entry.kind == kind) return entry.name;
    return "unknown";
}

std::string_view method_label(MethodKind kind) {
    for (const auto& entry : kNames)
        if (entry.kind == kind) return entry.label;
    return "Unknown";
}

std::optional<MethodKind> method_from_name(std::string_view name) {
    const std::string key = lower(name);
    for (const auto& entry : kNames)
        if (entry.name == key) return entry.kind;
    for (const auto& alias : kAliases)
        if (alias.alias == key) return alias.kind;
    return std::nullopt;
}

std::string method_names_list() {
    std::string out;
    for (const auto& entry : kNames) {
        if (!out.empty()) out += ", ";
        out += entry.name;
    }
    return out + " (aliases: none, pi, su)";
}

MethodKind kind_of(const Method& method) {
    // The variant's alternatives are declared in MethodKind order.
    return static_cast<MethodKind>(method.index());
}

Method default_method(MethodKind kind) {
    switch (kind) {
        case MethodKind::Default: return DefaultMethod{};
        case MethodKind::Linear: return LinearMethod{};
        case MethodKind::Ntk: return NtkMethod{};
        case MethodKind::Dynamic: return DynamicMethod{};
        case MethodKind::NtkByParts: return NtkByPartsMethod{};
        case MethodKind::Yarn: return YarnMethod{};
        case MethodKind::DynamicYarn: return DynamicYarnMethod{};
        case MethodKind::Llama3: return Llama3Method{};
        case MethodKind::LongRope: return LongRopeMethod{};
    }
    return DefaultMethod{};
}

}  // namespace ropescope
