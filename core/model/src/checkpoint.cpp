// The .rsmodel file: writing, and reading without trusting a byte of it (checkpoint.h).
#include "ropescope/model/checkpoint.h"

#include <bit>
#include <cmath>
#include <cstring>

#include <nlohmann/json.hpp>

#include "ropescope/export.h"
#include "ropescope/text_input.h"
#include "weights.h"

namespace ropescope::model {

static_assert(std::endian::native == std::endian::little, "the model file stores little-endian float32");

namespace {

using nlohmann::json;

constexpr std::string_view kMagic = "RSMODEL1";

std::uint64_t fnv1a64(std::string_view bytes) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (const char c : bytes) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    return h;
}

void put_u64(std::string& out, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::uint64_t get_u64(std::string_view bytes, std::size_t at) {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(i)]);
    return v;
}

json header_json(const ModelInfo& info) {
    const auto& s = info.shape;
    const auto& r = info.recipe;
    json h = {{"format", "ropescope-model"},
              {"version", 1},
              {"vocab_size", kVocabSize},
              {"shape", {{"layers", s.layers}, {"d_model", s.d_model}, {"heads", s.heads}, {"mlp_ratio", s.mlp_ratio}}},
              {"train_context", s.train_context},
              {"rope_theta", s.rope_theta},
              {"recipe",
               {{"steps", r.steps},
                {"batch", r.batch},
                {"learning_rate", r.learning_rate},
                {"warmup_fraction", r.warmup_fraction},
                {"min_lr_fraction", r.min_lr_fraction},
                {"weight_decay", r.weight_decay},
                {"passkey_fraction", r.passkey_fraction}}},
              {"seed", r.seed},
              {"corpus", info.corpus},
              {"steps", info.steps},
              {"final_loss", info.final_loss},
              {"train_seconds", info.train_seconds},
              {"threads", info.threads}};
    json finetunes = json::array();
    for (const auto& f : info.finetunes)
        finetunes.push_back({{"method", f.method},
                             {"factor", f.factor},
                             {"context", f.context},
                             {"steps", f.steps},
                             {"final_loss", f.final_loss}});
    h["finetunes"] = finetunes;
    if (info.longrope) {
        h["longrope"] = {{"factor", info.longrope->factor},
                         {"long_factor", info.longrope->long_factor},
                         {"n_hat", info.longrope->n_hat},
                         {"perplexity", info.longrope->perplexity}};
    }
    return h;
}

// Typed, bounded reads from the header: every failure names the key.
class HeaderReader {
public:
    HeaderReader(const json& j, std::string name) : j_(j), name_(std::move(name)) {}
    std::optional<Error> error;

    const json* find(const json& obj, const std::string& key, const std::string& path) {
        if (error) return nullptr;
        if (!obj.is_object() || !obj.contains(key)) {
            fail(path + " is missing");
            return nullptr;
        }
        return &obj.at(key);
    }
    std::int64_t integer(const json& obj, const std::string& key, std::int64_t lo, std::int64_t hi,
                         const std::string& prefix = "") {
        const auto* v = find(obj, key, prefix + key);
        if (!v) return lo;
        if (!v->is_number_integer() || v->get<std::int64_t>() < lo || v->get<std::int64_t>() > hi) {
            fail(prefix + key + " must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
            return lo;
        }
        return v->get<std::int64_t>();
    }
    double number(const json& obj, const std::string& key, double lo, double hi, const std::string& prefix = "") {
        const auto* v = find(obj, key, prefix + key);
        if (!v) return lo;
        if (!v->is_number() || !std::isfinite(v->get<double>()) || v->get<double>() < lo || v->get<double>() > hi) {
            fail(prefix + key + " must be a number in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
            return lo;
        }
        return v->get<double>();
    }
    std::string text(const json& obj, const std::string& key, std::size_t max = 4096) {
        const auto* v = find(obj, key, key);
        if (!v) return "";
        if (!v->is_string() || v->get_ref<const std::string&>().size() > max) {
            fail(key + " must be a string of at most " + std::to_string(max) + " characters");
            return "";
        }
        return v->get<std::string>();
    }
    void fail(const std::string& what) {
        if (!error) error = Error{"model", name_ + ": not a valid RopeScope model file (header: " + what + ")."};
    }

private:
    const json& j_;
    std::string name_;
};

Error file_error(const std::string& name, const std::string& what) {
    return Error{"model", name + ": not a valid RopeScope model file (" + what + ")."};
}

}  // namespace

std::string model_to_bytes(const Model& model) {
    const auto& w = *model.weights();
    json h = header_json(model.info());
    json table = json::array();
    std::uint64_t offset = 0;
    std::vector<at::Tensor> contiguous;
    for (const auto& [name, t] : w.named()) {
        auto c = t->detach().to(at::kFloat).contiguous();
        const auto bytes = static_cast<std::uint64_t>(c.numel()) * 4;
        table.push_back({{"name", name}, {"shape", c.sizes().vec()}, {"offset", offset}, {"bytes", bytes}});
        offset += bytes;
        contiguous.push_back(std::move(c));
    }
    h["tensors"] = table;
    const std::string header = h.dump();
    std::string out(kMagic);
    put_u64(out, header.size());
    out += header;
    for (const auto& c : contiguous)
        out.append(static_cast<const char*>(c.data_ptr()), static_cast<std::size_t>(c.numel()) * 4);
    put_u64(out, fnv1a64(out));
    return out;
}

Result<Model> model_from_bytes(std::string_view bytes, const std::string& name) {
    if (bytes.size() < kMagic.size() + 16 || bytes.substr(0, kMagic.size()) != kMagic)
        return file_error(name, bytes.size() < kMagic.size() + 16 ? "too short" : "it does not start with RSMODEL1");
    if (bytes.size() > kMaxModelFileBytes) return file_error(name, "larger than " + byte_size_text(kMaxModelFileBytes));
    const std::uint64_t header_size = get_u64(bytes, kMagic.size());
    const std::size_t header_at = kMagic.size() + 8;
    if (header_size > kMaxModelHeaderBytes || header_size > bytes.size() - header_at - 8)
        return file_error(name, "header length " + std::to_string(header_size) + " does not fit the file");
    const std::size_t body = bytes.size() - 8;
    if (fnv1a64(bytes.substr(0, body)) != get_u64(bytes, body))
        return file_error(name, "checksum mismatch: the file is damaged or truncated");
    auto parsed = parse_json_text(bytes.substr(header_at, header_size), name + " header");
    if (!parsed) return file_error(name, parsed.error().message);
    const json& h = *parsed;
    HeaderReader r(h, name);
    if (!h.is_object()) return file_error(name, "the header is not a JSON object");
    if (r.text(h, "format") != "ropescope-model" && !r.error) r.fail("format must be \"ropescope-model\"");
    r.integer(h, "version", 1, 1);
    r.integer(h, "vocab_size", kVocabSize, kVocabSize);
    ModelInfo info;
    const json* shape = r.find(h, "shape", "shape");
    if (shape) {
        info.shape.layers = static_cast<int>(r.integer(*shape, "layers", 1, kMaxLayers, "shape."));
        info.shape.d_model = static_cast<int>(r.integer(*shape, "d_model", 8, kMaxDModel, "shape."));
        info.shape.heads = static_cast<int>(r.integer(*shape, "heads", 1, kMaxHeads, "shape."));
        info.shape.mlp_ratio = static_cast<int>(r.integer(*shape, "mlp_ratio", 1, kMaxMlpRatio, "shape."));
    }
    info.shape.train_context = r.integer(h, "train_context", 8, kMaxTrainContext);
    info.shape.rope_theta = r.number(h, "rope_theta", 1, 1e9);
    if (const json* rec = r.find(h, "recipe", "recipe")) {
        info.recipe.steps = static_cast<int>(r.integer(*rec, "steps", 0, 10000000, "recipe."));
        info.recipe.batch = static_cast<int>(r.integer(*rec, "batch", 1, 4096, "recipe."));
        info.recipe.learning_rate = r.number(*rec, "learning_rate", 0, 1, "recipe.");
        info.recipe.warmup_fraction = r.number(*rec, "warmup_fraction", 0, 1, "recipe.");
        info.recipe.min_lr_fraction = r.number(*rec, "min_lr_fraction", 0, 1, "recipe.");
        info.recipe.weight_decay = r.number(*rec, "weight_decay", 0, 10, "recipe.");
        info.recipe.passkey_fraction = r.number(*rec, "passkey_fraction", 0, 1, "recipe.");
    }
    if (const json* seed = r.find(h, "seed", "seed")) {
        if (!seed->is_number_unsigned() && !(seed->is_number_integer() && seed->get<std::int64_t>() >= 0))
            r.fail("seed must be a non-negative integer");
        else info.recipe.seed = seed->get<std::uint64_t>();
    }
    info.corpus = r.text(h, "corpus");
    info.steps = r.integer(h, "steps", 0, 10000000);
    info.final_loss = r.number(h, "final_loss", 0, 1000);
    info.train_seconds = r.number(h, "train_seconds", 0, 1e9);
    info.threads = static_cast<int>(r.integer(h, "threads", 0, 4096));
    if (const json* ft = r.find(h, "finetunes", "finetunes")) {
        if (!ft->is_array() || ft->size() > 1000) r.fail("finetunes must be an array of at most 1000 entries");
        else
            for (const auto& f : *ft) {
                FinetuneRecord rec;
                rec.method = r.text(f, "method", 64);
                rec.factor = r.number(f, "factor", 1, 1024, "finetunes[].");
                rec.context = r.integer(f, "context", 1, 1 << 20, "finetunes[].");
                rec.steps = static_cast<int>(r.integer(f, "steps", 0, 10000000, "finetunes[]."));
                rec.final_loss = r.number(f, "final_loss", 0, 1000, "finetunes[].");
                info.finetunes.push_back(std::move(rec));
            }
    }
    if (h.contains("longrope")) {
        const json& lr = h.at("longrope");
        ModelLongRope m;
        m.factor = r.number(lr, "factor", 1, 1024, "longrope.");
        m.n_hat = r.integer(lr, "n_hat", 0, kMaxTrainContext, "longrope.");
        m.perplexity = r.number(lr, "perplexity", 0, 1e9, "longrope.");
        if (const json* f = r.find(lr, "long_factor", "longrope.long_factor")) {
            if (!f->is_array() || f->size() > kMaxDModel) r.fail("longrope.long_factor must be an array of numbers");
            else
                for (const auto& v : *f) {
                    if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() <= 0) {
                        r.fail("longrope.long_factor must hold numbers > 0");
                        break;
                    }
                    m.long_factor.push_back(v.get<double>());
                }
        }
        info.longrope = std::move(m);
    }
    if (r.error) return *r.error;
    info.checksum = get_u64(bytes, body);
    if (auto s = validate_shape(info.shape); !s) return file_error(name, "header: " + s.error().message);
    if (info.longrope && static_cast<int>(info.longrope->long_factor.size()) != info.shape.head_dim() / 2)
        return file_error(name, "header: longrope.long_factor must have one entry per rotary pair (" +
                                    std::to_string(info.shape.head_dim() / 2) + ")");

    // The tensor table must be exactly what the shape implies, back to back after the header.
    const auto expected = expected_tensors(info.shape);
    const json* table = r.find(h, "tensors", "tensors");
    if (!table || !table->is_array() || table->size() != expected.size())
        return file_error(name, "header: tensors must list the " + std::to_string(expected.size()) +
                                    " tensors of this shape");
    const std::size_t data_at = header_at + header_size;
    std::uint64_t offset = 0;
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const auto& [want_name, want_dims] = expected[i];
        const json& t = (*table)[i];
        std::uint64_t count = 1;
        for (const auto d : want_dims) count *= static_cast<std::uint64_t>(d);
        const bool ok = t.is_object() && t.contains("name") && t["name"] == want_name && t.contains("shape") &&
                        t["shape"] == json(want_dims) && t.contains("offset") && t["offset"] == offset &&
                        t.contains("bytes") && t["bytes"] == count * 4;
        if (!ok)
            return file_error(name, "header: tensor " + std::to_string(i) + " must be " + want_name + " of shape " +
                                        json(want_dims).dump() + " at offset " + std::to_string(offset));
        offset += count * 4;
    }
    if (data_at + offset != body)
        return file_error(name, "the tensors take " + std::to_string(body - data_at) + " bytes; the shape needs " +
                                    std::to_string(offset));

    auto w = std::make_shared<ModelWeights>();
    w->shape = info.shape;
    w->layers.resize(static_cast<std::size_t>(info.shape.layers));
    std::size_t at_byte = data_at;
    auto named = w->named();
    for (std::size_t i = 0; i < expected.size(); ++i) {
        auto t = at::empty(expected[i].second, at::kFloat);
        const auto n = static_cast<std::size_t>(t.numel());
        std::memcpy(t.data_ptr<float>(), bytes.data() + at_byte, n * 4);
        at_byte += n * 4;
        if (!at::isfinite(t).all().item<bool>())
            return file_error(name, "tensor " + expected[i].first + " holds NaN or infinite values");
        *named[i].second = std::move(t);
    }
    return Model(std::move(info), std::move(w));
}

Status save_model(const Model& model, const std::string& path) {
    if (model.empty()) return Error{"model", "model: nothing to save."};
    return write_file_atomic(path, model_to_bytes(model));
}

Result<Model> load_model(const std::string& path) {
    auto bytes = read_text_file(path, kMaxModelFileBytes, "a RopeScope model file (.rsmodel)", "model");
    if (!bytes) return bytes.error();
    return model_from_bytes(*bytes, path);
}

}  // namespace ropescope::model
