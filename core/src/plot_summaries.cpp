// One sentence per plot saying what it shows, for a teacher's slide: the GUI's presentation mode
// shows it under the title, and every export carries it (Figure::summary). Each sentence names
// only methods that are on the plot and uses the setup's own numbers.
#include <algorithm>
#include <string>

#include "ropescope/plots.h"
#include "ropescope/validate.h"

namespace ropescope {

namespace {

bool has(const std::vector<PlotEntry>& entries, MethodKind kind) {
    return std::any_of(entries.begin(), entries.end(), [kind](const PlotEntry& e) { return e.result.kind == kind; });
}

// "YaRN and Llama 3", "YaRN, NTK-by-parts and Llama 3" from those of `kinds` that are plotted.
std::string named(const std::vector<PlotEntry>& entries, std::initializer_list<MethodKind> kinds) {
    std::vector<std::string> names;
    for (const MethodKind k : kinds)
        if (has(entries, k)) names.emplace_back(method_label(k));
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i)
        out += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
    return out;
}

int pairs_out_of_range(const RopeResult& r) {
    int n = 0;
    for (const auto& p : r.pairs) n += p.leaves_trained_range ? 1 : 0;
    return n;
}

}  // namespace

std::string plot_summary(std::string_view id, const std::vector<PlotEntry>& entries) {
    if (entries.empty()) return "";
    const RopeSetup& setup = entries.front().result.setup;
    const std::string s = format_number(setup.factor);
    const std::string L = std::to_string(setup.original_max_position_embeddings);
    const std::string Lp = std::to_string(setup.target_context());
    const std::string selective = named(entries, {MethodKind::NtkByParts, MethodKind::Yarn, MethodKind::DynamicYarn,
                                                  MethodKind::Llama3});
    const bool pi = has(entries, MethodKind::Linear);
    if (id == "wavelength") {
        if (pi && !selective.empty())
            return "PI stretches every wavelength " + s + "\u00d7, fast pairs too; " + selective +
                   " stretch only the slow pairs whose wavelength is near or above L = " + L + ".";
        if (pi) return "PI stretches every pair's wavelength " + s + "\u00d7: the fast pairs slow down too.";
        return "A pair turns once every \u03bb tokens: pairs above L = " + L +
               " never made a full turn in training and are the ones a method must stretch.";
    }
    if (id == "scale") {
        if (pi && !selective.empty())
            return "1 keeps a pair as trained, s = " + s + " interpolates it: PI interpolates every pair, " +
                   selective + " only the slow ones, with a ramp between.";
        return "1 keeps a pair as trained, s = " + s + " interpolates it fully; values between blend the two.";
    }
    if (id == "ramp")
        return "Pairs that turn many times within L keep their frequency (\u03b3 = 1), pairs that never turn are "
               "interpolated (\u03b3 = 0), and the ramp blends the pairs between.";
    if (id == "decay") {
        if (pi)
            return "PI divides every frequency by s: neighbouring tokens become hard to tell apart (its curve is "
                   "default RoPE's stretched " + s + "\u00d7 to the right).";
        return "The score of identical q and k falls with distance; a method that keeps the fast pairs keeps "
               "nearby tokens apart.";
    }
    if (id == "coverage") {
        for (const auto& e : entries) {
            if (e.result.kind != MethodKind::Default) continue;
            const int n = pairs_out_of_range(e.result);
            if (n > 0)
                return "Ringed pairs reach angles at L\u2032 = " + Lp + " that training never showed (" +
                       std::to_string(n) + " pairs for default RoPE); interpolating the slow pairs keeps them in "
                       "range.";
        }
        return "Ringed pairs reach angles at L\u2032 = " + Lp +
               " that training never showed; a method that interpolates the slow pairs keeps every pair in range.";
    }
    if (id == "dynamic")
        return "Dynamic methods recompute the factor from the current length: below L they are plain RoPE, "
               "past it their slow pairs slide towards interpolation as the sequence grows.";
    if (id == "heatmap")
        return "Each row is one pair turning with position m: fast pairs (bottom) cycle quickly and carry local "
               "order, slow pairs (top) barely move and carry long-range position.";
    return "";
}

}  // namespace ropescope
