// See process_clock.h.
#include "process_clock.h"

#include <unistd.h>

#include <cstdio>
#include <cstring>

namespace ropescope::gui {

double seconds_since_process_start() {
    FILE* stat = std::fopen("/proc/self/stat", "r");
    FILE* uptime = std::fopen("/proc/uptime", "r");
    double result = -1;
    if (stat && uptime) {
        char buffer[1024] = {};
        const std::size_t n = std::fread(buffer, 1, sizeof buffer - 1, stat);
        buffer[n] = 0;
        const char* after_name = std::strrchr(buffer, ')');  // the command name may contain spaces
        unsigned long long start_ticks = 0;
        double up = 0;
        if (after_name && std::sscanf(after_name + 2,
                                      "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
                                      &start_ticks) == 1 &&
            std::fscanf(uptime, "%lf", &up) == 1)
            result = up - static_cast<double>(start_ticks) / static_cast<double>(sysconf(_SC_CLK_TCK));
    }
    if (stat) std::fclose(stat);
    if (uptime) std::fclose(uptime);
    return result;
}

}  // namespace ropescope::gui
