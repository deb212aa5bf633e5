// The subcommands of ropescope-cli. Each returns the process exit status:
// 0 success, 2 bad input (message on stderr, nothing on stdout), 1 I/O failure.
#pragma once

#include <string>

namespace ropescope::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

int run_inspect(int argc, char** argv, int first);
int run_decay(int argc, char** argv, int first);
// ropescope-cli export: plots as SVG, PNG, CSV or JSON files (cmd_export.cpp).
int run_export(int argc, char** argv, int first);
int run_presets(int argc, char** argv, int first);
int run_convert(int argc, char** argv, int first);
// ropescope-cli attention / resolution: the CPU attention kernel (cmd_attention.cpp, cmd_resolution.cpp).
int run_attention(int argc, char** argv, int first);
int run_resolution(int argc, char** argv, int first);
// ropescope-cli search: LongRoPE evolutionary search for per-pair factors (cmd_search.cpp).
int run_search(int argc, char** argv, int first);
// ropescope-cli model train|eval|finetune|info|search: the trained RoPE model (cmd_model*.cpp).
int run_model(int argc, char** argv, int first);

// Prints "error: <message>" to stderr and returns kExitUsage.
int usage_error(const std::string& message);

}  // namespace ropescope::cli
