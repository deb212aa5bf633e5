// The control panel: the rotary setup, the method list and each enabled method's parameters.
// Every control says what it does and its Hugging Face config key in its tooltip.
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

#include "app.h"
#include "formula.h"
#include "ropescope/color.h"
#include "ropescope/validate.h"
#include "widgets.h"

namespace ropescope::gui {

namespace {

const char* method_help(MethodKind kind) {
    switch (kind) {
        case MethodKind::Default:
            return "Plain RoPE: no scaling; positions past L are extrapolated with the trained frequencies.\n"
                   "HF: rope_type \"default\" (or no rope_scaling).";
        case MethodKind::Linear:
            return "Position Interpolation: every frequency divided by s, so positions up to L' are squeezed into the "
                   "trained range (and neighbouring tokens get harder to tell apart).\nHF: rope_type \"linear\".";
        case MethodKind::Ntk:
            return "NTK-aware: the base becomes b s^(d/(d-2)); the fastest pairs are almost unchanged, the slowest "
                   "interpolated.\nHF: no static form (RopeScope name \"ntk\"); see Dynamic NTK.";
        case MethodKind::Dynamic:
            return "Dynamic NTK: NTK-aware with the factor recomputed from seq_len; no change until seq_len exceeds "
                   "max_position_embeddings.\nHF: rope_type \"dynamic\".";
        case MethodKind::NtkByParts:
            return "NTK-by-parts (YaRN paper): a ramp γ(r) on the rotations r = L / λ; pairs with r > β "
                   "are kept, r < alpha interpolated.\nNo HF rope_type (RopeScope name \"ntk_by_parts\").";
        case MethodKind::Yarn:
            return "YaRN: NTK-by-parts with HF's ramp linear in the pair index, plus attention scaling "
                   "0.1 ln(s) + 1.\nHF: rope_type \"yarn\".";
        case MethodKind::DynamicYarn:
            return "Dynamic YaRN: YaRN with s = max(1, seq_len / L) recomputed for the current length.\n"
                   "HF: not a rope_type (RopeScope name \"dynamic_yarn\"; vLLM and llama.cpp variants).";
        case MethodKind::Llama3:
            return "Llama 3.1: wavelengths below L / high_freq_factor kept, above L / low_freq_factor divided by s, a "
                   "smooth blend between.\nHF: rope_type \"llama3\".";
        case MethodKind::LongRope:
            return "LongRoPE (Phi-3): explicit per-pair rescale factors found by search, short_factor below L and "
                   "long_factor beyond.\nHF: rope_type \"longrope\" (alias \"su\").";
    }
    return "";
}

bool OptionalDouble(const char* label, const char* id, const char* tooltip, std::optional<double>& value,
                    double default_value, double min, double max) {
    bool on = value.has_value();
    bool changed = false;
    ImGui::AlignTextToFramePadding();
    if (ImGui::Checkbox(label, &on)) {
        value = on ? std::optional<double>(default_value) : std::nullopt;
        changed = true;
    }
    Tooltip(tooltip);
    ImGui::SameLine(150.0f * UiScale());
    ImGui::SetNextItemWidth(-1.0f);
    ImGui::BeginDisabled(!on);
    double v = value.value_or(default_value);
    if (SliderDouble(id, &v, min, max, "%.4g") && on) {
        value = v;
        changed = true;
    }
    Tooltip(tooltip);
    ImGui::EndDisabled();
    return changed;
}

void DoubleRow(const char* label, const char* id, const char* tooltip, double& value, double min, double max,
               bool log = false) {
    RowLabel(label, tooltip);
    if (log) SliderDoubleLog(id, &value, min, max, "%.4g");
    else SliderDouble(id, &value, min, max, "%.4g");
    Tooltip(tooltip);
}

void YarnControls(YarnMethod& y) {
    DoubleRow("beta_fast", "##beta_fast",
              "Rotations in L above which a pair is kept (the ramp starts here; a larger value keeps fewer pairs).\n"
              "HF: rope_scaling.beta_fast (default 32).",
              y.beta_fast, 1.0, 256.0, true);
    DoubleRow("beta_slow", "##beta_slow",
              "Rotations in L below which a pair is fully interpolated (the ramp ends here).\n"
              "HF: rope_scaling.beta_slow (default 1).",
              y.beta_slow, 0.01, 64.0, true);
    RowLabel("truncate", "Round the correction range to whole pairs (floor / ceil) as HF does by default.\n"
                         "HF: rope_scaling.truncate (default true; gpt-oss sets false).");
    ImGui::Checkbox("##truncate", &y.truncate);
    Tooltip("Round the correction range to whole pairs (floor / ceil) as HF does by default.\n"
            "HF: rope_scaling.truncate (default true; gpt-oss sets false).");
    OptionalDouble("mscale", "##mscale",
                   "DeepSeek: attention_factor = mscale(s, mscale) / mscale(s, mscale_all_dim), with "
                   "mscale(s, m) = 0.1 m ln(s) + 1. Tick to set it.\nHF: rope_scaling.mscale.",
                   y.mscale, 1.0, 0.0, 4.0);
    OptionalDouble("mscale_all_dim", "##mscale_all_dim",
                   "DeepSeek: also multiplies the softmax scale by mscale(s, mscale_all_dim)^2. Tick to set it.\n"
                   "HF: rope_scaling.mscale_all_dim.",
                   y.mscale_all_dim, 1.0, 0.0, 4.0);
    OptionalDouble("attention_factor", "##yarn_attention_factor",
                   "Override: use this attention_factor instead of the formula (cos and sin are multiplied by it, "
                   "logits by its square). Tick to set it.\nHF: rope_scaling.attention_factor.",
                   y.attention_factor, 1.0, 0.1, 4.0);
}

void MethodControls(App& app, MethodKind kind, Method& method) {
    switch (kind) {
        case MethodKind::NtkByParts: {
            auto& m = std::get<NtkByPartsMethod>(method);
            DoubleRow("alpha", "##alpha",
                      "Pairs with fewer than alpha rotations in L are fully interpolated (theta/s).\n"
                      "YaRN paper alpha (HF's yarn calls the same bound beta_slow).",
                      m.alpha, 0.01, 64.0, true);
            DoubleRow("beta", "##beta",
                      "Pairs with more than beta rotations in L are kept unchanged.\n"
                      "YaRN paper beta (HF's yarn calls the same bound beta_fast).",
                      m.beta, 0.1, 512.0, true);
            break;
        }
        case MethodKind::Yarn: YarnControls(std::get<YarnMethod>(method)); break;
        case MethodKind::DynamicYarn:
            YarnControls(std::get<DynamicYarnMethod>(method).yarn);
            MutedText("s follows seq_len: set it in the rotary setup.");
            break;
        case MethodKind::Llama3: {
            auto& m = std::get<Llama3Method>(method);
            DoubleRow("low_freq_factor", "##low_freq_factor",
                      "Wavelengths longer than L / low_freq_factor are divided by s (fully interpolated).\n"
                      "HF: rope_scaling.low_freq_factor (default 1).",
                      m.low_freq_factor, 0.1, 16.0, true);
            DoubleRow("high_freq_factor", "##high_freq_factor",
                      "Wavelengths shorter than L / high_freq_factor are kept.\n"
                      "HF: rope_scaling.high_freq_factor (default 4).",
                      m.high_freq_factor, 0.1, 64.0, true);
            break;
        }
        case MethodKind::LongRope: {
            auto& m = std::get<LongRopeMethod>(method);
            const char* choice_help = "Which factor list is used. Auto follows HF: long_factor when seq_len > L, "
                                      "else short_factor.\nHF: chosen at run time from the sequence length.";
            RowLabel("factor list", choice_help);
            int choice = static_cast<int>(m.choice);
            const char* names[] = {"auto (HF)", "short", "long"};
            if (ImGui::Combo("##lr_choice", &choice, names, 3)) m.choice = static_cast<LongRopeFactorChoice>(choice);
            Tooltip(choice_help);
            const char* n_hat_help = "LongRoPE paper: the first n_hat positions keep the original rotation "
                                     "(0: off). HF does not implement it.";
            RowLabel("n_hat", n_hat_help);
            std::int64_t n_hat = m.n_hat;
            if (InputInt64("##n_hat", &n_hat)) m.n_hat = std::max<std::int64_t>(0, n_hat);
            Tooltip(n_hat_help);
            OptionalDouble("attention_factor", "##lr_attention_factor",
                           "Override the default sqrt(1 + ln(s) / ln(L)). Tick to set it.\n"
                           "HF: rope_scaling.attention_factor.",
                           m.attention_factor, 1.0, 0.1, 4.0);
            if (!m.short_factor.empty()) {
                const auto [lo, hi] = std::minmax_element(m.long_factor.begin(), m.long_factor.end());
                if (lo != m.long_factor.end())
                    MutedText(std::to_string(m.long_factor.size()) + " long_factor values, " + fmt(*lo) + " .. " +
                              fmt(*hi) + " (HF: rope_scaling.long_factor / short_factor)");
            }
            if (!app.longrope_note.empty()) WarningText(app.longrope_note);
            break;
        }
        default: break;
    }
}

bool HasParameters(MethodKind kind) {
    return kind == MethodKind::NtkByParts || kind == MethodKind::Yarn || kind == MethodKind::DynamicYarn ||
           kind == MethodKind::Llama3 || kind == MethodKind::LongRope;
}

void SetupControls(App& app) {
    RopeSetup& setup = app.state.lab.setup;
    const float s = UiScale();

    const char* head_dim_help = "Per-head dimension. The rotated dimension d is head_dim x partial_rotary_factor; "
                                "there are d/2 rotary pairs.\nHF: head_dim (else hidden_size / num_attention_heads).";
    RowLabel("head_dim", head_dim_help);
    int head_dim = setup.head_dim;
    if (ImGui::InputInt("##head_dim", &head_dim, 2, 16)) setup.head_dim = std::clamp(head_dim, 2, 65536);
    Tooltip(head_dim_help);

    const char* theta_help = "Base b of the frequencies θᵢ = b^(−2i/d): a larger base gives slower pairs and "
                             "longer wavelengths. Ctrl+click to type an exact value.\nHF: rope_theta.";
    RowLabel("rope_theta", theta_help);
    SliderDoubleLog("##rope_theta", &setup.rope_theta, 100.0, 1e8, "%.6g");
    Tooltip(theta_help);

    const char* L_help = "L: the context the model was pre-trained with. Pairs whose wavelength exceeds L never "
                         "completed a turn in training. Ctrl+click to type.\n"
                         "HF: rope_scaling.original_max_position_embeddings (else max_position_embeddings).";
    RowLabel("original context L", L_help);
    std::int64_t L = setup.original_max_position_embeddings;
    if (SliderInt64Log("##L", &L, 256, 1 << 20)) setup.original_max_position_embeddings = std::max<std::int64_t>(1, L);
    Tooltip(L_help);

    const char* s_help = "s = L′ / L: how much longer the target context is. Ctrl+click to type (values below 1 "
                         "shrink the context).\nHF: rope_scaling.factor.";
    RowLabel("factor s", s_help);
    SliderDoubleLog("##factor", &setup.factor, 1.0, 512.0, "%.4g");
    Tooltip(s_help);

    const char* Lp_help = "L′ = s × L, the target context. Editing it sets the factor s = L′ / L.\n"
                          "HF: usually max_position_embeddings of the extended model.";
    RowLabel("target context L′", Lp_help);
    std::int64_t target = setup.target_context();
    const std::int64_t L_now = std::max<std::int64_t>(1, setup.original_max_position_embeddings);
    if (SliderInt64Log("##Lp", &target, L_now, std::max<std::int64_t>(L_now * 512, L_now + 1)))
        setup.factor = static_cast<double>(std::max<std::int64_t>(1, target)) / static_cast<double>(L_now);
    Tooltip(Lp_help);

    const char* mpe_help = "The config's max_position_embeddings (0 means equal to L). Dynamic NTK starts scaling "
                           "only past it.\nHF: max_position_embeddings.";
    RowLabel("max_position_emb.", mpe_help);
    std::int64_t mpe = setup.max_position_embeddings;
    if (InputInt64("##mpe", &mpe)) setup.max_position_embeddings = std::max<std::int64_t>(0, mpe);
    Tooltip(mpe_help);

    const char* seq_help = "Current sequence length: sets s for Dynamic NTK and dynamic YaRN, and LongRoPE's "
                           "short/long choice. Ctrl+click to type.\nHF: seq_len passed to the rotary embedding.";
    RowLabel("seq_len", seq_help);
    const float button = ImGui::CalcTextSize("= L'").x + ImGui::GetStyle().FramePadding.x * 2;
    ImGui::SetNextItemWidth(-(button + ImGui::GetStyle().ItemSpacing.x));
    std::int64_t seq = setup.seq_len;
    if (SliderInt64Log("##seq_len", &seq, 1, kMaxContext, setup.seq_len > 0 ? "%lld" : "none"))
        setup.seq_len = std::max<std::int64_t>(1, seq);
    Tooltip(seq_help);
    ImGui::SameLine();
    if (ImGui::Button("= L'")) setup.seq_len = setup.target_context();
    Tooltip("Set seq_len to the target context L'.");

    const char* partial_help = "Fraction of head_dim that is rotated (e.g. 0.5 in Phi-2 / GPT-NeoX style models); "
                               "the rest of the head is position-free.\nHF: partial_rotary_factor.";
    RowLabel("partial_rotary", partial_help);
    SliderDouble("##partial", &setup.partial_rotary_factor, 0.05, 1.0, "%.3g");
    Tooltip(partial_help);

    const char* rot_help = "DeepSeek MLA rotates only qk_rope_head_dim dimensions per head (0: use head_dim x "
                           "partial_rotary_factor).\nHF: qk_rope_head_dim.";
    RowLabel("qk_rope_head_dim", rot_help);
    int rot = setup.rotary_dim_override;
    if (ImGui::InputInt("##rotary_override", &rot, 2, 16)) setup.rotary_dim_override = std::clamp(rot, 0, 65536);
    Tooltip(rot_help);

    ImGui::PushStyleColor(ImGuiCol_Text, kMutedColor);
    ImGui::Text("d = %d rotated dims, %d pairs, L′ = %lld", setup.rotary_dim(), setup.num_pairs(),
                static_cast<long long>(setup.target_context()));
    ImGui::PopStyleColor();
    (void)s;
    if (!app.setup_error.empty()) ErrorText(app.setup_error);
}

void MethodList(App& app) {
    LabState& lab = app.state.lab;
    for (const MethodKind kind : kAllMethods) {
        const int k = static_cast<int>(kind);
        MethodSlot& slot_ref = slot(lab, kind);
        ImGui::PushID(k);
        ImGui::Checkbox("##on", &slot_ref.enabled);
        Tooltip(method_help(kind));
        ImGui::SameLine();
        ColorSwatch(to_imu32(method_color(kind)));
        ImGui::SameLine();
        const bool selected = app.state.view.selected_method == k;
        std::string name(method_label(kind));
        name += "  (" + std::string(method_name(kind)) + ")";
        ImGui::AlignTextToFramePadding();
        if (ImGui::Selectable(name.c_str(), selected, ImGuiSelectableFlags_None,
                              ImVec2(0, ImGui::GetFrameHeight() - ImGui::GetStyle().FramePadding.y * 2))) {
            app.state.view.selected_method = k;
            slot_ref.enabled = true;
        }
        Tooltip((std::string(method_help(kind)) + "\n\nClick to show its formula; the box shows or hides it.").c_str());
        const MethodStatus& status = app.method_status[static_cast<std::size_t>(k)];
        if (slot_ref.enabled && !status.error.empty()) {
            ImGui::Indent(ImGui::GetFrameHeight() * 2);
            ErrorText(status.error);
            ImGui::Unindent(ImGui::GetFrameHeight() * 2);
        }
        ImGui::PopID();
    }
}

// Pin / unpin the current settings as A, and how A and B are compared.
void CompareControls(App& app) {
    ViewState& view = app.state.view;
    if (!view.pinned_a) {
        if (ImGui::Button("Pin as A")) app_pin(app, false);
        Tooltip("Keep a copy of the current settings as A; then change anything and every plot compares A (dashed) "
                "with the current settings B. Key: P.");
        ImGui::SameLine();
        MutedText("compare two settings");
        return;
    }
    if (ImGui::Button("Unpin A")) app_pin(app, true);
    Tooltip("Back to a single state (key: P).");
    ImGui::SameLine();
    int mode = view.compare == CompareMode::Overlay ? 1 : 0;
    if (ImGui::RadioButton("side by side", &mode, 0)) view.compare = CompareMode::SideBySide;
    Tooltip("A and B in two linked panels with the same axes.");
    ImGui::SameLine();
    if (ImGui::RadioButton("overlay", &mode, 1)) view.compare = CompareMode::Overlay;
    Tooltip("B's curves over A's, A dashed (the heatmap stays side by side).");
    const RopeSetup& a = view.pinned_a->setup;
    int methods = 0;
    for (const auto& m : view.pinned_a->methods) methods += m.enabled ? 1 : 0;
    MutedText("A: d=" + std::to_string(a.rotary_dim()) + ", b=" + fmt(a.rope_theta) + ", L=" +
              std::to_string(a.original_max_position_embeddings) + ", s=" + fmt(a.factor) + ", " +
              std::to_string(methods) + " methods");
}

}  // namespace

void draw_control_panel(App& app) {
    CompareControls(app);
    LabState& lab = app.state.lab;
    if (!lab.model_name.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, kMutedColor);
        ImGui::PushTextWrapPos(0);
        ImGui::Text("Model: %s", lab.model_name.c_str());
        ImGui::PopTextWrapPos();
        ImGui::PopStyleColor();
    }
    SectionHeading("Rotary setup");
    SetupControls(app);

    SectionHeading("Methods");
    MethodList(app);

    for (const MethodKind kind : kAllMethods) {
        MethodSlot& slot_ref = slot(lab, kind);
        if (!slot_ref.enabled || !HasParameters(kind)) continue;
        ImGui::PushID(static_cast<int>(kind) + 100);
        const std::string header = std::string(method_label(kind)) + " parameters";
        ImGui::Spacing();
        // Colour bar left of the header: the method's colour.
        const ImVec2 pos = ImGui::GetCursorScreenPos();
        ImGui::GetWindowDrawList()->AddRectFilled(
            pos, ImVec2(pos.x + 3.0f * UiScale(), pos.y + ImGui::GetFrameHeight()), to_imu32(method_color(kind)));
        ImGui::Indent(6.0f * UiScale());
        const bool open = ImGui::CollapsingHeader(header.c_str(), ImGuiTreeNodeFlags_DefaultOpen);
        ImGui::Unindent(6.0f * UiScale());
        if (open) {
            MethodControls(app, kind, slot_ref.method);
            const MethodStatus& status = app.method_status[static_cast<std::size_t>(kind)];
            if (!status.error.empty()) ErrorText(status.error);
            for (const auto& w : status.warnings) WarningText(w);
        }
        ImGui::PopID();
    }
    ImGui::Spacing();
}

}  // namespace ropescope::gui
