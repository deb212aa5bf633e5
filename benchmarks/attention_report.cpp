// One run, one table: the attention kernel's fast path, the scalar double reference and a
// straightforward Eigen implementation (rotated keys materialised, then a matrix-vector product)
// on the same queries, at several key counts, with nominal GFLOP/s and the fraction of the
// machine's fp32 FMA peak, which this program measures itself first.
//
//   build/benchmarks/attention_report                       # 32K, 256K, 1M and 2M keys
//   build/benchmarks/attention_report --keys 32768,262144 --repeats 3
//
// Times are the best of --repeats runs of the fast path (the Eigen peer and the reference: of up
// to 3 runs, one at 1M keys and more), wall clock.
// FLOPs: 2 * head_dim per key (the q.k products), the same count for every implementation.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "peak_flops.h"
#include "ropescope/attention.h"
#include "ropescope/rope.h"
#include "rotated_keys_peer.h"

namespace {

using namespace ropescope;
using Clock = std::chrono::steady_clock;

struct Options {
    std::vector<std::int64_t> keys = {32768, 262144, 1048576, 2097152};
    std::vector<ContentModel> contents = {ContentModel::Positional, ContentModel::Identical, ContentModel::Needle};
    int threads = 2;
    int repeats = 5;
    std::vector<PhasePrecision> precisions = {PhasePrecision::Fp64};  // of the main table's rows
    bool eigen = true;
    bool reference = true;
    bool formats = true;  // the phase-format table at the largest key count
};

[[noreturn]] void usage(const std::string& problem) {
    std::fprintf(stderr,
                 "attention_report: %s\n"
                 "usage: attention_report [--keys N,N,...] [--content positional,identical,needle] [--threads T]\n"
                 "                        [--repeats R] [--precision fp64,fp32,bf16,fp16] [--no-eigen]\n"
                 "                        [--no-reference] [--no-formats]\n",
                 problem.c_str());
    std::exit(2);
}

std::vector<std::string> split(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t comma; (comma = text.find(',', start)) != std::string::npos; start = comma + 1)
        out.push_back(text.substr(start, comma - start));
    out.push_back(text.substr(start));
    return out;
}

Options parse(int argc, char** argv) {
    Options o;
    for (int k = 1; k < argc; ++k) {
        const std::string arg = argv[k];
        auto value = [&]() -> std::string {
            if (k + 1 >= argc) usage(arg + ": missing value");
            return argv[++k];
        };
        auto integer = [&](const std::string& text, long long lo, long long hi) {
            char* end = nullptr;
            const long long v = std::strtoll(text.c_str(), &end, 10);
            if (end == text.c_str() || *end != '\0' || v < lo || v > hi)
                usage(arg + ": \"" + text + "\" is not allowed; use an integer from " + std::to_string(lo) + " to " +
                      std::to_string(hi));
            return v;
        };
        if (arg == "--keys") {
            o.keys.clear();
            for (const auto& s : split(value())) o.keys.push_back(integer(s, 1, kMaxAttentionKeys));
        } else if (arg == "--content") {
            o.contents.clear();
            for (const auto& s : split(value())) {
                const auto model = content_model_from_name(s);
                if (!model) usage("--content: \"" + s + "\" is not allowed; use positional, identical or needle");
                o.contents.push_back(*model);
            }
        } else if (arg == "--precision") {
            o.precisions.clear();
            for (const auto& s : split(value())) {
                const auto precision = phase_precision_from_name(s);
                if (!precision) usage("--precision: \"" + s + "\" is not allowed; use fp64, fp32, bf16 or fp16");
                o.precisions.push_back(*precision);
            }
        } else if (arg == "--threads") {
            o.threads = static_cast<int>(integer(value(), 1, 256));
        } else if (arg == "--repeats") {
            o.repeats = static_cast<int>(integer(value(), 1, 1000));
        } else if (arg == "--no-eigen") {
            o.eigen = false;
        } else if (arg == "--no-reference") {
            o.reference = false;
        } else if (arg == "--no-formats") {
            o.formats = false;
        } else {
            usage("unknown argument \"" + arg + "\"");
        }
    }
    return o;
}

// head_dim 128, rope_theta 10000, L = 4096, YaRN x8 (L' = 32768): the figures' setup.
RopeResult yarn_x8() {
    RopeSetup setup;
    setup.head_dim = 128;
    setup.original_max_position_embeddings = 4096;
    setup.factor = 8;
    auto r = compute_rope(setup, default_method(MethodKind::Yarn));
    if (!r) {
        std::fprintf(stderr, "attention_report: %s\n", r.error().message.c_str());
        std::exit(1);
    }
    return std::move(r).value();
}

double load_average() {
    std::ifstream in("/proc/loadavg");
    double one = -1;
    in >> one;
    return one;
}

struct Timing {
    double best_ms = 1e300;
    void add(double ms) { best_ms = std::min(best_ms, ms); }
};

double since_ms(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double gflops(double flops, double ms) { return flops / (ms * 1e6); }

AttentionOptions options_for(ContentModel content, PhasePrecision precision, std::int64_t keys, int threads) {
    AttentionOptions o;
    o.num_keys = keys;
    o.content = content;
    o.precision = precision;
    o.threads = threads;
    o.target_distance = 100;
    o.window_radius = 0;
    o.query_scale = 4;
    return o;
}

double max_relative_difference(std::span<const float> a, std::span<const double> reference) {
    double scale = 0, err = 0;
    for (std::size_t k = 0; k < reference.size() && k < a.size(); ++k) {
        scale = std::max(scale, std::fabs(reference[k]));
        err = std::max(err, std::fabs(static_cast<double>(a[k]) - reference[k]));
    }
    return scale > 0 ? err / scale : err;
}

}  // namespace

int main(int argc, char** argv) {
    const Options opt = parse(argc, argv);
    const RopeResult rope = yarn_x8();
    const double load = load_average();
    const bench::Peak peak = bench::measure_peak(opt.threads, 5);
    std::printf("RopeScope attention kernel: one query, head_dim 128, YaRN x8 (L = 4096), fast path %s, %d thread%s\n",
                std::string(kernel_isa_name(KernelIsa::Best)).c_str(), opt.threads, opt.threads == 1 ? "" : "s");
    // The machine's peak: the one-core peak times the threads (measuring all threads at once on
    // shared cores gives less, which is printed too).
    const double machine_peak = peak.gflops_1 * opt.threads;
    std::printf("Measured fp32 FMA peak (%s): 1 thread %.1f GFLOP/s; peak of %d threads taken as %.1f GFLOP/s\n",
                peak.isa.c_str(), peak.gflops_1, opt.threads, machine_peak);
    std::printf("(%d threads measured at once: %.1f GFLOP/s; lower means the cores were shared meanwhile)\n",
                opt.threads, peak.gflops_all);
    std::printf(
        "Load average when started: %.2f (the cores are shared: the fast path's times are the best of %d runs,\n"
        "the others' of up to 3, of 1 from 1M keys on; wall clock)\n",
        load, opt.repeats);
    std::printf("GFLOP/s count 2 * head_dim FLOPs per key for every implementation; %%peak is of the %d-thread peak\n",
                opt.threads);
    std::printf("(the Eigen peer runs on one thread: its %%peak is of the 1-thread peak).\n");
    std::printf(
        "(cpu ms: the fast path's best CPU time, all threads added; unlike wall clock it leaves out the\n"
        "time a thread waits for a core that another process holds.)\n\n");
    // Rows at other phase formats than fp64 are labelled content/format (the Eigen peer: fp64 only).
    const bool labelled = std::any_of(opt.precisions.begin(), opt.precisions.end(),
                                      [](PhasePrecision p) { return p != PhasePrecision::Fp64; });
    const int label_width = labelled ? 15 : 10;
    std::printf("%-*s %8s | %9s %8s %6s %8s | %9s %8s %6s | %9s %8s | %8s %9s %9s\n", label_width, "content", "keys",
                "fast ms", "GFLOP/s", "%peak", "cpu ms", "eigen ms", "GFLOP/s", "%peak", "ref ms", "GFLOP/s",
                "fast/ref", "err fast", "err eigen");

    AttentionEngine engine;
    bench::RotatedKeysPeer peer;
    std::vector<float> fast_logits;
    for (const ContentModel content : opt.contents) {
        for (const PhasePrecision precision : opt.precisions) {
            const bool eigen_row = opt.eigen && precision == PhasePrecision::Fp64;
            std::string label(content_model_name(content));
            if (precision != PhasePrecision::Fp64) label += "/" + std::string(phase_precision_name(precision));
            for (const std::int64_t keys : opt.keys) {
                const AttentionOptions o = options_for(content, precision, keys, opt.threads);
                const double flops = 2.0 * 128 * static_cast<double>(keys);
                Timing fast, fast_cpu, eigen, ref;
                for (int r = 0; r < opt.repeats + 1; ++r) {  // the first run builds the tables: not counted
                    auto result = engine.run(rope, o);
                    if (!result) {
                        std::fprintf(stderr, "attention_report: %s\n", result.error().message.c_str());
                        return 1;
                    }
                    if (r > 0) {
                        fast.add(result->kernel_ms);
                        fast_cpu.add(result->kernel_cpu_ms);
                    }
                }
                fast_logits.assign(engine.fast_logits().begin(), engine.fast_logits().end());
                auto inputs = attention_inputs(rope, o);
                if (!inputs) {
                    std::fprintf(stderr, "attention_report: %s\n", inputs.error().message.c_str());
                    return 1;
                }
                if (eigen_row)  // seconds per run at 1M keys: best of fewer runs there
                    for (int r = 0; r < (keys >= 1048576 ? 1 : std::min(opt.repeats, 3)); ++r) {
                        const auto start = Clock::now();
                        bench::rotated_keys_attention(rope, *inputs, o.first_key, keys, peer);
                        eigen.add(since_ms(start));
                    }
                double err_fast = NAN, err_eigen = NAN;
                if (opt.reference) {
                    AttentionOptions ro = o;
                    ro.path = KernelPath::Reference;
                    const int runs = keys >= 1048576 ? 1 : std::min(opt.repeats, 3);
                    for (int r = 0; r < runs; ++r) {
                        auto result = engine.run(rope, ro);
                        if (!result) return 1;
                        ref.add(result->kernel_ms);
                    }
                    err_fast = max_relative_difference(fast_logits, engine.reference_logits());
                    if (eigen_row)
                        err_eigen =
                            max_relative_difference({peer.logits.data(), static_cast<std::size_t>(peer.logits.size())},
                                                    engine.reference_logits());
                }
                std::printf("%-*s %8lld | %9.3f %8.1f %5.1f%% %8.3f | ", label_width, label.c_str(),
                            static_cast<long long>(keys), fast.best_ms, gflops(flops, fast.best_ms),
                            100 * gflops(flops, fast.best_ms) / machine_peak, fast_cpu.best_ms);
                if (eigen_row)
                    std::printf("%9.2f %8.2f %5.1f%% | ", eigen.best_ms, gflops(flops, eigen.best_ms),
                                100 * gflops(flops, eigen.best_ms) / peak.gflops_1);
                else std::printf("%9s %8s %6s | ", "-", "-", "-");
                if (opt.reference && eigen_row)
                    std::printf("%9.1f %8.3f | %7.0fx %9.1e %9.1e\n", ref.best_ms, gflops(flops, ref.best_ms),
                                ref.best_ms / fast.best_ms, err_fast, err_eigen);
                else if (opt.reference)  // no Eigen peer on this row: no error of it either
                    std::printf("%9.1f %8.3f | %7.0fx %9.1e %9s\n", ref.best_ms, gflops(flops, ref.best_ms),
                                ref.best_ms / fast.best_ms, err_fast, "-");
                else std::printf("%9s %8s | %8s %9s %9s\n", "-", "-", "-", "-", "-");
                std::fflush(stdout);
            }
        }
    }

    // Phase formats: the fast path only, at the largest key count, against its own fp64 time.
    if (!opt.formats) {
        std::printf("\nLoad average when done: %.2f\n", load_average());
        return 0;
    }
    const std::int64_t keys = *std::max_element(opt.keys.begin(), opt.keys.end());
    std::printf("\nPhase formats, fast path, %lld keys (best of %d, ms; x: against fp64 phases)\n",
                static_cast<long long>(keys), opt.repeats);
    std::printf("%-10s %9s %9s %7s %9s %7s %9s %7s\n", "content", "fp64", "fp32", "x", "bf16", "x", "fp16", "x");
    for (const ContentModel content : opt.contents) {
        double ms[4] = {};
        const PhasePrecision formats[] = {PhasePrecision::Fp64, PhasePrecision::Fp32, PhasePrecision::Bf16,
                                          PhasePrecision::Fp16};
        for (int f = 0; f < 4; ++f) {
            Timing t;
            for (int r = 0; r < opt.repeats + 1; ++r) {
                auto result = engine.run(rope, options_for(content, formats[f], keys, opt.threads));
                if (!result) return 1;
                if (r > 0) t.add(result->kernel_ms);
            }
            ms[f] = t.best_ms;
        }
        std::printf("%-10s %9.3f %9.3f %6.1fx %9.3f %6.1fx %9.3f %6.1fx\n",
                    std::string(content_model_name(content)).c_str(), ms[0], ms[1], ms[1] / ms[0], ms[2], ms[2] / ms[0],
                    ms[3], ms[3] / ms[0]);
    }
    std::printf("\nLoad average when done: %.2f\n", load_average());
    return 0;
}
