// libFuzzer target: the lab state loader (state.json, as `export --state` and the GUI read it) and
// the GUI's own state file (view, panels), and everything a loaded state feeds. Whatever the bytes:
// no crash, hang, leak or huge allocation, and what loads writes back and loads again identically.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "attention_worker.h"
#include "search_worker.h"
#include "view_state.h"
#include "ropescope/plots.h"
#include "ropescope/state.h"
#include "ropescope/text_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ropescope;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (size > kMaxStateBytes) return 0;
    auto json = parse_json_text(text, "state");
    if (!json) return 0;
    if (auto lab = state_from_json(*json)) {
        const auto written = state_to_json(*lab);
        auto again = state_from_json(written);
        if (!again || state_to_json(*again) != written) __builtin_trap();  // round trip is exact
        // The figures of a loaded state, while the work stays small enough to fuzz quickly.
        const PlotOptions& p = lab->plot;
        if (lab->setup.rotary_dim() <= 256 && p.decay_points <= 2000 && p.heatmap_columns <= 256) {
            std::vector<std::string> errors;
            const auto entries = compute_entries(*lab, &errors);
            for (const auto& id : plot_ids()) (void)build_figure(id, entries, p);
        }
    }
    if (auto gui_state = gui::gui_state_from_json(*json)) {
        const auto written = gui::gui_state_to_json(*gui_state);
        if (!gui::gui_state_from_json(written)) __builtin_trap();
        for (const auto& [name, settings] : gui_state->view.panel_settings) {
            (void)gui::attention_settings_from_json(settings);
            (void)gui::search_settings_from_json(settings);
        }
    }
    return 0;
}
