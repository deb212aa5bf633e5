// The lab state: everything that determines what RopeScope shows. Saved by the GUI, read by
// `ropescope-cli export --state`, written as state.json next to exported figures.
#pragma once

#include <array>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ropescope/methods.h"
#include "ropescope/plots.h"
#include "ropescope/result.h"
#include "ropescope/rope_setup.h"

namespace ropescope {

inline constexpr int kStateVersion = 1;

// One row of the method list: on/off and its parameters.
struct MethodSlot {
    bool enabled = false;
    Method method;
};

struct LabState {
    std::string model_name;  // preset or config the setup came from; empty if hand-made
    RopeSetup setup;
    std::array<MethodSlot, kAllMethods.size()> methods;  // indexed by MethodKind
    PlotOptions plot;
};

// Default, linear, ntk, yarn and llama3 enabled on a Llama-2-like setup (d=128, b=1e4,
// L=4096, s=8, seq_len = L').
LabState default_lab_state();

MethodSlot& slot(LabState& state, MethodKind kind);
const MethodSlot& slot(const LabState& state, MethodKind kind);

// Applies a loaded config: its setup, and its method enabled with its parameters.
void apply_config(LabState& state, const std::string& model_name, const RopeSetup& setup, const Method& method);

// LongRoPE needs one factor per pair. If its lists do not match setup.num_pairs(), replace them by
// a documented seed (short: 1 everywhere; long: YaRN's per-pair scale at the current factor, one of
// the LongRoPE search's initial candidates) and return a note saying so; else return "".
std::string fit_longrope_lists(LabState& state);

// The results of every enabled method, in MethodKind order; a method whose parameters are
// invalid is skipped and its error appended to `errors` (if non-null).
std::vector<PlotEntry> compute_entries(const LabState& state, std::vector<std::string>* errors);

nlohmann::json state_to_json(const LabState& state);
// Reads what state_to_json wrote. Unknown keys are ignored; a wrong type or an unsupported
// "version" is an error naming the key. Missing keys keep their defaults.
Result<LabState> state_from_json(const nlohmann::json& json);
Result<LabState> load_state_file(const std::string& path);

// README.md for a folder of exported figures: the setup and every enabled method with its
// parameters, the files (name and what it shows), and `command`, which regenerates them.
struct ReadmeFile {
    std::string name;         // e.g. "wavelength.svg"
    std::string description;  // e.g. the figure's title
};
std::string state_readme(const LabState& state, const std::vector<ReadmeFile>& files, const std::string& command);

}  // namespace ropescope
