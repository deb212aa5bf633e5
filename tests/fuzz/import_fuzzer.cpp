// libFuzzer target: reading a setting back from any of the three formats (a Hugging Face config or
// rope block, vLLM arguments, llama.cpp flags), as `convert --from` and the GUI's paste read it.
// Seeded with one file of each format. What imports must compute, and what RopeScope writes for
// it in each format must import again.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ropescope/engines.h"
#include "ropescope/rope.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ropescope;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    RopeSetup base;
    base.original_max_position_embeddings = 8192;
    auto imported = import_setting(text, base);
    if (!imported || imported->setup.rotary_dim() > 4096) return 0;
    auto result = compute_rope(imported->setup, imported->method);
    if (!result) return 0;
    const RopeSetup& setup = imported->setup;
    const Method& method = imported->method;
    if (!import_setting(to_hf_json(setup, method), setup)) __builtin_trap();
    if (!import_setting(to_vllm_args(setup, method), setup)) __builtin_trap();
    const std::string flags = to_llamacpp_args(setup, method);
    if (flags.rfind("# llama.cpp cannot express", 0) != 0) (void)import_setting(flags, setup);
    return 0;
}
