// The engines panel: what transformers, vLLM and llama.cpp compute from the current setting (or
// from the config as loaded), pair by pair against transformers, and the setting written in each
// engine's own format, ready to copy. Paste a config or a rope_scaling block from the clipboard.
#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "app.h"
#include "engine_compare.h"
#include "ropescope/engines.h"
#include "ropescope/plots.h"
#include "widgets.h"

namespace ropescope::gui {

namespace {

// The engine-view inputs kept in the GUI state file (view.panels.engines).
constexpr const char* kSettingsKey = "engines";

EngineInputs load_inputs(const App& app) {
    EngineInputs inputs;
    const auto it = app.state.view.panel_settings.find(kSettingsKey);
    if (it != app.state.view.panel_settings.end() && it->second.is_object() && it->second.contains("max_model_len") &&
        it->second["max_model_len"].is_number_integer()) {
        const auto value = it->second["max_model_len"].get<std::int64_t>();
        if (value >= 0 && value <= kMaxContext) inputs.max_model_len = value;
    }
    return inputs;
}

void save_inputs(App& app, const EngineInputs& inputs) {
    app.state.view.panel_settings[kSettingsKey] = nlohmann::json{{"max_model_len", inputs.max_model_len}};
}

// The entry the panel describes: the selected method if enabled, else the first scaled one.
const PlotEntry* chosen_entry(const App& app) {
    const PlotEntry* chosen = nullptr;
    for (const auto& e : app.entries)
        if (static_cast<int>(e.result.kind) == app.state.view.selected_method) chosen = &e;
    if (!chosen)
        for (const auto& e : app.entries)
            if (e.result.kind != MethodKind::Default) return &e;
    if (!chosen && !app.entries.empty()) chosen = &app.entries.front();
    return chosen;
}

// The config the engines read: the file as loaded while the lab still holds exactly its
// setting (engines differ on keys the lab does not keep, e.g. where original_max_position_embeddings
// sat), else the current setting written as an HF config and read back.
struct Source {
    Result<ModelConfig> config = Error{"", ""};
    std::string description;
};

Source engine_source(const App& app, const RopeResult& result) {
    Source source;
    if (app.loaded_config && kind_of(app.loaded_config->method) == result.kind &&
        to_hf_json(app.loaded_config->setup, app.loaded_config->method) == to_hf_json(result.setup, result.method)) {
        source.config = *app.loaded_config;
        source.description = "Source: " + app.loaded_source + ", as loaded.";
    } else {
        source.config = config_for_setting(result.setup, result.method);
        source.description = "Source: the current setting, written as the Hugging Face config below and read back.";
    }
    if (source.config) source.config->setup.seq_len = result.setup.seq_len;  // dynamic methods: the current length
    return source;
}

void CodeBlock(App& app, const char* title, const char* id, const std::string& text, const char* tooltip) {
    const float s = UiScale();
    ImGui::PushFont(app.fonts.ui_bold);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(title);
    ImGui::PopFont();
    Tooltip(tooltip);
    ImGui::SameLine();
    ImGui::PushID(id);
    if (ImGui::SmallButton("Copy")) {
        ImGui::SetClipboardText(text.c_str());
        app.toasts.Info(std::string("Copied the ") + title + " to the clipboard.");
    }
    // Wrapped monospace text on a frame (InputTextMultiline cannot wrap long vLLM lines), as tall
    // as the text up to 18 lines, then scrolled.
    const ImVec2 padding(8.0f * s, 6.0f * s);
    ImGui::PushFont(app.fonts.mono);
    const float wrap_width = ImGui::GetContentRegionAvail().x - 2 * padding.x - ImGui::GetStyle().ScrollbarSize;
    const std::string wrapped = WrapAtSpaces(text, wrap_width);  // never inside a number or a flag
    const float text_height = ImGui::CalcTextSize(wrapped.c_str()).y;
    const float height = std::min(text_height, 18.0f * ImGui::GetTextLineHeight()) + 2 * padding.y + 2.0f * s;
    ImGui::PushStyleColor(ImGuiCol_ChildBg, ImGui::GetStyleColorVec4(ImGuiCol_FrameBg));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, padding);
    ImGui::BeginChild("##text", ImVec2(-1.0f, height), true, ImGuiWindowFlags_AlwaysUseWindowPadding);
    ImGui::TextUnformatted(wrapped.c_str());
    ImGui::EndChild();
    ImGui::PopStyleVar();
    ImGui::PopStyleColor();
    ImGui::PopFont();
    ImGui::PopID();
}

void EngineTable(const std::vector<EngineRow>& rows) {
    ImGui::PushID("table");
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_BordersOuter |
                                  ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_PadOuterX;
    if (!ImGui::BeginTable("##engines", 4, flags)) return;
    ImGui::TableSetupColumn("engine", ImGuiTableColumnFlags_WidthStretch, 1.1f);
    ImGui::TableSetupColumn("runs", ImGuiTableColumnFlags_WidthStretch, 1.5f);
    ImGui::TableSetupColumn("vs transformers 5.x", ImGuiTableColumnFlags_WidthStretch, 1.3f);
    ImGui::TableSetupColumn("what differs", ImGuiTableColumnFlags_WidthStretch, 3.2f);
    ImGui::TableHeadersRow();
    for (const auto& row : rows) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(std::string(engine_title(row.engine)).c_str());
        ImGui::TextDisabled("%s", std::string(engine_name(row.engine)).c_str());
        ImGui::TableNextColumn();
        ImGui::PushTextWrapPos(0.0f);
        if (!row.supported) {
            ImGui::PushStyleColor(ImGuiCol_Text, kErrorColor);
            ImGui::TextUnformatted("cannot run this method");
            ImGui::PopStyleColor();
        } else if (!row.error.empty()) {
            ErrorText(row.error);
        } else {
            ImGui::TextUnformatted(row.runs_as.empty() ? row.method.c_str() : row.runs_as.c_str());
            ImGui::TextDisabled("attention factor %.5g, logits x %.5g", row.attention_factor, row.logit_scale);
            if (row.long_factor) ImGui::TextDisabled("long_factor list");
            ImGui::TextDisabled("float32 theta' off by up to %.2g (relative)", row.float32_max_rel_error);
        }
        ImGui::PopTextWrapPos();
        ImGui::TableNextColumn();
        ImGui::PushTextWrapPos(0.0f);
        if (row.supported && row.error.empty()) {
            if (row.engine == Engine::Hf) {
                ImGui::TextDisabled("the reference");
            } else if (row.pairs_differing == 0) {
                ImGui::PushStyleColor(ImGuiCol_Text, kOkColor);
                ImGui::TextUnformatted("same frequencies");
                ImGui::PopStyleColor();
            } else {
                ImGui::PushStyleColor(ImGuiCol_Text, kWarningColor);
                ImGui::Text("%d pairs differ", row.pairs_differing);
                ImGui::PopStyleColor();
                ImGui::TextDisabled("theta' up to %.3gx apart", row.max_ratio);
            }
        }
        ImGui::PopTextWrapPos();
        ImGui::TableNextColumn();
        ImGui::PushTextWrapPos(0.0f);
        if (row.notes.empty()) ImGui::TextDisabled("nothing: computes what transformers computes");
        for (const auto& note : row.notes) {
            ImGui::Bullet();
            ImGui::TextWrapped("%s", note.c_str());
        }
        ImGui::PopTextWrapPos();
    }
    ImGui::EndTable();
    ImGui::PopID();
}

}  // namespace

void draw_engines_panel(App& app) {
    const float s = UiScale();
    ImGui::BeginChild("##engines_scroll", ImVec2(0, 0), false);
    ImGui::PushTextWrapPos(0.0f);
    const PlotEntry* entry = chosen_entry(app);

    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Method");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(260.0f * s);
    const std::string current = entry ? std::string(method_label(entry->result.kind)) : "(no method enabled)";
    if (ImGui::BeginCombo("##engine_method", current.c_str())) {
        for (const auto& e : app.entries)
            if (ImGui::Selectable(std::string(method_label(e.result.kind)).c_str(), entry == &e))
                app.state.view.selected_method = static_cast<int>(e.result.kind);
        ImGui::EndCombo();
    }
    Tooltip("The enabled method whose setting the engines read (the same choice as the formula panel's).");
    ImGui::SameLine();
    if (ImGui::Button("Paste config from clipboard")) app_paste_config(app);
    Tooltip("Load a config.json, a fragment of one, or a bare rope_scaling / rope_parameters block from the "
            "clipboard (Ctrl+Shift+V). A bare block keeps the current head_dim and rope_theta.");
    ImGui::Spacing();
    if (!entry) {
        MutedText("Enable a method in the list on the left to see what each engine computes from it.");
        ImGui::PopTextWrapPos();
        ImGui::EndChild();
        return;
    }
    const Source source = engine_source(app, entry->result);
    MutedText(source.description);
    if (!source.config) {
        ErrorText("This setting cannot be written as a config: " + source.config.error().message);
        ImGui::PopTextWrapPos();
        ImGui::EndChild();
        return;
    }
    ImGui::Spacing();
    SectionHeading("What each engine computes");
    EngineInputs inputs = load_inputs(app);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("vLLM --max-model-len");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(160.0f * s);
    std::int64_t max_model_len = inputs.max_model_len;
    if (InputInt64("##max_model_len", &max_model_len)) {
        inputs.max_model_len = std::clamp<std::int64_t>(max_model_len, 0, kMaxContext);
        save_inputs(app, inputs);
    }
    Tooltip("The length vLLM serves. It picks Phi-3 LongRoPE's factor list (long iff it exceeds L) and the base of "
            "vLLM's static dynamic NTK. 0: the target context L' (what the vLLM arguments below pass).");
    ImGui::SameLine();
    MutedText(inputs.max_model_len > 0 ? "" : "(0: L' = " + std::to_string(entry->result.setup.target_context()) + ")");
    EngineTable(compare_engines(*source.config, inputs));
    MutedText("\"pairs differ\" compares each engine's theta'_i with transformers 5.x's for every rotary pair; float32 "
              "is how far the engine's stored float32 inv_freq is from the exact value. Every note names the file it was "
              "read from; docs/models.md lists the versions and commits.");

    ImGui::Spacing();
    SectionHeading("The setting in each engine's format");
    MutedText("The exported blocks set max_position_embeddings to the target context L' = " +
              std::to_string(entry->result.setup.target_context()) +
              " where the method needs it, so every transformers version computes the same; importing the Hugging "
              "Face block gives back this setting.");
    const RopeSetup& setup = entry->result.setup;
    const Method& method = entry->result.method;
    CodeBlock(app, "Hugging Face config", "hf", to_hf_json(setup, method),
              "The rope keys of config.json: head_dim, rope_theta, max_position_embeddings and rope_scaling.\n"
              "CLI: ropescope-cli convert --to hf");
    CodeBlock(app, "vLLM arguments", "vllm", to_vllm_args(setup, method),
              "Arguments for vllm serve: --hf-overrides with the same keys, and --max-model-len.\n"
              "CLI: ropescope-cli convert --to vllm");
    CodeBlock(app, "llama.cpp flags", "llamacpp", to_llamacpp_args(setup, method),
              "Flags for llama-cli / llama-server, or what llama.cpp would need when it cannot express the method.\n"
              "CLI: ropescope-cli convert --to llama.cpp");
    ImGui::PopTextWrapPos();
    ImGui::EndChild();
}

}  // namespace ropescope::gui
