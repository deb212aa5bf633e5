#include "ropescope/serialize.h"

#include <cmath>

#include "ropescope/validate.h"

namespace ropescope {

namespace {

// NaN becomes JSON null (nlohmann does this too, but say it explicitly).
nlohmann::json number_or_null(double value) {
    if (!std::isfinite(value)) return nullptr;
    return value;
}

std::string csv_number(double value) { return std::isnan(value) ? "" : format_number(value); }

}  // namespace

nlohmann::json result_to_json(const RopeResult& r) {
    nlohmann::json j;
    j["rope_type"] = std::string(method_name(r.kind));
    j["method_label"] = std::string(method_label(r.kind));
    j["head_dim"] = r.setup.head_dim;
    j["partial_rotary_factor"] = r.setup.partial_rotary_factor;
    j["rotary_dim"] = r.rotary_dim;
    j["rope_theta"] = r.setup.rope_theta;
    j["effective_rope_theta"] = r.effective_theta;
    j["original_max_position_embeddings"] = r.original_context;
    j["max_position_embeddings"] = r.setup.effective_max_position_embeddings();
    j["target_context"] = r.target_context;
    j["factor"] = r.factor;
    j["seq_len"] = r.setup.seq_len > 0 ? nlohmann::json(r.setup.seq_len) : nlohmann::json(nullptr);
    j["attention_factor"] = r.attention_factor;
    j["softmax_scale_multiplier"] = r.softmax_scale_multiplier;
    j["logit_scale"] = r.logit_scale();
    j["inv_freq"] = r.inv_freq;
    j["inv_freq_original"] = r.inv_freq_original;
    nlohmann::json wavelengths = nlohmann::json::array();
    for (const auto& p : r.pairs) wavelengths.push_back(p.wavelength);
    j["wavelength"] = wavelengths;
    if (r.yarn) {
        j["yarn"] = {{"low_raw", r.yarn->low_raw}, {"high_raw", r.yarn->high_raw},
                     {"low", r.yarn->low},         {"high", r.yarn->high}};
    }
    if (r.llama3_low_freq_wavelen) {
        j["llama3"] = {{"low_freq_wavelen", *r.llama3_low_freq_wavelen},
                       {"high_freq_wavelen", *r.llama3_high_freq_wavelen}};
    }
    if (r.kind == MethodKind::LongRope) {
        j["longrope"] = {{"uses", r.uses_long_factor ? "long_factor" : "short_factor"}, {"n_hat", r.n_hat}};
    }
    int leaving = 0;
    nlohmann::json pairs = nlohmann::json::array();
    for (const auto& p : r.pairs) {
        leaving += p.leaves_trained_range ? 1 : 0;
        pairs.push_back({{"index", p.index},
                         {"inv_freq_original", p.inv_freq_original},
                         {"inv_freq", p.inv_freq},
                         {"scale", p.scale},
                         {"wavelength_original", p.wavelength_original},
                         {"wavelength", p.wavelength},
                         {"rotations", p.rotations},
                         {"ramp", number_or_null(p.ramp)},
                         {"keep_weight", number_or_null(p.keep_weight)},
                         {"band", std::string(band_name(p.band))},
                         {"max_angle_trained", p.max_angle_trained},
                         {"max_angle_target", p.max_angle_target},
                         {"leaves_trained_range", p.leaves_trained_range}});
    }
    j["pairs_leaving_trained_range"] = leaving;
    j["pairs"] = pairs;
    j["warnings"] = r.warnings;
    return j;
}

const std::vector<std::string>& pair_csv_columns() {
    static const std::vector<std::string> columns = {
        "pair", "inv_freq_original_rad_per_token", "inv_freq_rad_per_token", "scale",
        "wavelength_original_tokens", "wavelength_tokens", "rotations_in_L", "ramp", "keep_weight", "band",
        "max_angle_trained_rad", "max_angle_target_rad", "leaves_trained_range"};
    return columns;
}

std::string pairs_to_csv(const RopeResult& r) {
    std::string out;
    for (std::size_t c = 0; c < pair_csv_columns().size(); ++c) out += (c ? "," : "") + pair_csv_columns()[c];
    out += '\n';
    for (const auto& p : r.pairs) {
        out += std::to_string(p.index) + ',' + csv_number(p.inv_freq_original) + ',' + csv_number(p.inv_freq) + ',' +
               csv_number(p.scale) + ',' + csv_number(p.wavelength_original) + ',' + csv_number(p.wavelength) + ',' +
               csv_number(p.rotations) + ',' + csv_number(p.ramp) + ',' + csv_number(p.keep_weight) + ',' +
               std::string(band_name(p.band)) + ',' + csv_number(p.max_angle_trained) + ',' +
               csv_number(p.max_angle_target) + ',' + (p.leaves_trained_range ? "true" : "false") + '\n';
    }
    return out;
}

}  // namespace ropescope
