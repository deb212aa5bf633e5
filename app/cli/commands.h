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

// Prints "error: <message>" to stderr and returns kExitUsage.
int usage_error(const std::string& message);

}  // namespace ropescope::cli
