// Evaluation reports to and from JSON (eval_report.h).
#include "ropescope/model/eval_report.h"

#include <cmath>
#include <cstdio>

namespace ropescope::model {

std::string checksum_hex(std::uint64_t checksum) {
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(checksum));
    return text;
}

nlohmann::json eval_report_to_json(const EvalReport& r, std::uint64_t checksum) {
    nlohmann::json results = nlohmann::json::array();
    for (const auto& p : r.results)
        results.push_back({{"method", p.method},
                           {"factor", p.factor},
                           {"length", p.length},
                           {"perplexity", p.perplexity},
                           {"passkey_accuracy", p.passkey_accuracy},
                           {"passkey_distance", p.passkey_distance},
                           {"passkey_digit_accuracy", p.passkey_digit_accuracy},
                           {"attention_entropy", p.attention_entropy},
                           {"windows", p.windows}});
    nlohmann::json j = {{"train_context", r.train_context}, {"results", results}, {"seconds", r.seconds}};
    if (checksum != 0) j["model_checksum"] = checksum_hex(checksum);
    return j;
}

Result<EvalReport> eval_report_from_json(const nlohmann::json& j, std::uint64_t* checksum) {
    const Error bad{"report", "report: not an evaluation report (model eval --format json)."};
    if (!j.is_object() || !j.contains("train_context") || !j["train_context"].is_number_integer() ||
        !j.contains("results") || !j["results"].is_array())
        return bad;
    EvalReport r;
    r.train_context = j["train_context"].get<std::int64_t>();
    if (j.contains("seconds") && j["seconds"].is_number()) r.seconds = j["seconds"].get<double>();
    for (const auto& e : j["results"]) {
        if (!e.is_object()) return bad;
        EvalPoint p;
        const auto name = e.value("method", std::string());
        const auto kind = method_from_name(name);
        if (!kind || !e.contains("length") || !e["length"].is_number_integer()) return bad;
        p.kind = *kind;
        p.method = std::string(method_name(*kind));
        p.length = e["length"].get<std::int64_t>();
        for (const auto& [key, target] : {std::pair<const char*, double*>{"factor", &p.factor},
                                          {"perplexity", &p.perplexity},
                                          {"passkey_accuracy", &p.passkey_accuracy}}) {
            if (!e.contains(key) || !e[key].is_number() || !std::isfinite(e[key].get<double>())) return bad;
            *target = e[key].get<double>();
        }
        if (e.contains("passkey_distance") && e["passkey_distance"].is_number_integer())
            p.passkey_distance = e["passkey_distance"].get<std::int64_t>();
        if (e.contains("passkey_digit_accuracy") && e["passkey_digit_accuracy"].is_array())
            for (const auto& v : e["passkey_digit_accuracy"])
                if (v.is_number() && std::isfinite(v.get<double>())) p.passkey_digit_accuracy.push_back(v.get<double>());
        if (e.contains("windows") && e["windows"].is_number_integer()) p.windows = e["windows"].get<int>();
        if (e.contains("attention_entropy") && e["attention_entropy"].is_array())
            for (const auto& v : e["attention_entropy"])
                if (v.is_number()) p.attention_entropy.push_back(v.get<double>());
        r.results.push_back(std::move(p));
    }
    if (checksum) {
        *checksum = 0;
        if (j.contains("model_checksum") && j["model_checksum"].is_string())
            *checksum = std::strtoull(j["model_checksum"].get<std::string>().c_str(), nullptr, 16);
    }
    return r;
}

}  // namespace ropescope::model
