// The .rsmodel file without LibTorch: header, tensor table and raw float32 data, written and
// read without trusting a byte (model_file.h). checkpoint.cpp turns it into tensors.
#include "ropescope/model/model_file.h"

#include <bit>
#include <cmath>
#include <cstring>

#include <nlohmann/json.hpp>

#include "ropescope/text_input.h"
#include "ropescope/validate.h"

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
              {"shape", {{"layers", s.layers}, {"d_model", s.d_model}, {"heads", s.heads}, {"mlp_ratio", s.mlp_ratio}, {"smear_keys", s.smear_keys}}},
              {"train_context", s.train_context},
              {"rope_theta", s.rope_theta},
              {"recipe",
               {{"steps", r.steps},
                {"batch", r.batch},
                {"learning_rate", r.learning_rate},
                {"warmup_fraction", r.warmup_fraction},
                {"min_lr_fraction", r.min_lr_fraction},
                {"weight_decay", r.weight_decay},
                {"passkey_fraction", r.passkey_fraction},
                {"answer_weight", r.answer_weight},
                {"short_passkey_fraction", r.short_passkey_fraction},
                {"copy_fraction", r.copy_fraction},
                {"copy_warmup_steps", r.copy_warmup_steps}}},
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
    explicit HeaderReader(std::string name) : name_(std::move(name)) {}
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
    std::string name_;
};

Error file_error(const std::string& name, const std::string& what) {
    return Error{"model", name + ": not a valid RopeScope model file (" + what + ")."};
}

}  // namespace

TensorLayout expected_tensors(const ModelShape& s) {
    const std::int64_t d = s.d_model, h = static_cast<std::int64_t>(s.mlp_ratio) * s.d_model;
    TensorLayout out;
    out.push_back({"embed", {kVocabSize, d}});
    for (int i = 0; i < s.layers; ++i) {
        const std::string p = "layers." + std::to_string(i) + ".";
        out.push_back({p + "norm1.weight", {d}});
        out.push_back({p + "norm1.bias", {d}});
        out.push_back({p + "qkv", {3 * d, d}});
        if (s.smear_keys) out.push_back({p + "smear", {s.heads}});
        out.push_back({p + "proj", {d, d}});
        out.push_back({p + "norm2.weight", {d}});
        out.push_back({p + "norm2.bias", {d}});
        out.push_back({p + "up", {h, d}});
        out.push_back({p + "up.bias", {h}});
        out.push_back({p + "down", {d, h}});
        out.push_back({p + "down.bias", {d}});
    }
    out.push_back({"norm.weight", {d}});
    out.push_back({"norm.bias", {d}});
    return out;
}

std::string model_file_to_bytes(const ModelInfo& info, const std::vector<std::span<const float>>& tensors) {
    json h = header_json(info);
    json table = json::array();
    std::uint64_t offset = 0;
    const auto layout = expected_tensors(info.shape);
    for (std::size_t i = 0; i < layout.size() && i < tensors.size(); ++i) {
        const auto bytes = static_cast<std::uint64_t>(tensors[i].size()) * 4;
        table.push_back({{"name", layout[i].first}, {"shape", layout[i].second}, {"offset", offset}, {"bytes", bytes}});
        offset += bytes;
    }
    h["tensors"] = table;
    const std::string header = h.dump();
    std::string out(kMagic);
    put_u64(out, header.size());
    out += header;
    for (const auto& t : tensors) out.append(reinterpret_cast<const char*>(t.data()), t.size() * 4);
    put_u64(out, fnv1a64(out));
    return out;
}

Result<ModelFile> model_file_from_bytes(std::string_view bytes, const std::string& name) {
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
    HeaderReader r(name);
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
        // Files written before smeared keys existed have plain keys.
        if (shape->is_object() && shape->contains("smear_keys")) {
            const json& v = (*shape)["smear_keys"];
            if (v.is_boolean()) info.shape.smear_keys = v.get<bool>();
            else r.fail("shape.smear_keys must be true or false");
        }
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
        // Files written before these existed trained with weight 1, no short samples and no copy rows.
        if (rec->is_object() && rec->contains("answer_weight"))
            info.recipe.answer_weight = r.number(*rec, "answer_weight", 1, 1000, "recipe.");
        if (rec->is_object() && rec->contains("short_passkey_fraction"))
            info.recipe.short_passkey_fraction = r.number(*rec, "short_passkey_fraction", 0, 1, "recipe.");
        if (rec->is_object() && rec->contains("copy_fraction"))
            info.recipe.copy_fraction = r.number(*rec, "copy_fraction", 0, 1, "recipe.");
        if (rec->is_object() && rec->contains("copy_warmup_steps"))
            info.recipe.copy_warmup_steps = static_cast<int>(r.integer(*rec, "copy_warmup_steps", 0, 10000000, "recipe."));
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

    ModelFile file;
    std::size_t at_byte = data_at;
    for (const auto& [tensor_name, dims] : expected) {
        std::size_t n = 1;
        for (const auto v : dims) n *= static_cast<std::size_t>(v);
        std::vector<float> values(n);
        std::memcpy(values.data(), bytes.data() + at_byte, n * 4);
        at_byte += n * 4;
        for (const float v : values)
            if (!std::isfinite(v)) return file_error(name, "tensor " + tensor_name + " holds NaN or infinite values");
        file.tensors.push_back(std::move(values));
    }
    file.info = std::move(info);
    return file;
}

Result<ModelFile> read_model_file(const std::string& path) {
    auto bytes = read_text_file(path, kMaxModelFileBytes, "a RopeScope model file (.rsmodel)", "model");
    if (!bytes) return bytes.error();
    return model_file_from_bytes(*bytes, path);
}

}  // namespace ropescope::model
