// libFuzzer target: the config parser (and the setting importer) and everything downstream of it must never crash,
// hang or leak, whatever the bytes. Built with clang -fsanitize=fuzzer,address,undefined by
// scripts/fuzz.sh; seeded with assets/presets.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ropescope/decay.h"
#include "ropescope/engines.h"
#include "ropescope/hf_config.h"
#include "ropescope/rope.h"
#include "ropescope/serialize.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ropescope;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    // The clipboard / --from importer reads the same bytes as any of its three formats.
    if (auto imported = import_setting(text, RopeSetup{}); imported && imported->setup.rotary_dim() <= 4096)
        (void)compute_rope(imported->setup, imported->method);
    auto config = parse_hf_config(text);
    if (!config) return 0;
    // Keep the downstream work bounded: huge pair counts are valid but slow to fuzz.
    if (config->setup.rotary_dim() > 4096) return 0;
    auto result = compute_rope(config->setup, config->method);
    if (!result) return 0;
    (void)result_to_json(*result).dump();
    DecayOptions decay;
    decay.points = 16;
    (void)decay_curve(*result, decay);
    for (const Engine engine : {Engine::Hf, Engine::Hf45x, Engine::Vllm, Engine::LlamaCpp}) {
        const EngineView view = engine_view(*config, engine);
        if (view.supported) (void)compute_rope(view.setup, view.method);
    }
    // Round trip: the HF form we write must import again.
    auto again = parse_hf_config(to_hf_json(config->setup, config->method));
    if (!again) __builtin_trap();
    (void)to_vllm_args(config->setup, config->method);
    // Every format we write must read back.
    if (!import_setting(to_vllm_args(config->setup, config->method), config->setup)) __builtin_trap();
    (void)import_setting(to_llamacpp_args(config->setup, config->method), config->setup);
    return 0;
}
