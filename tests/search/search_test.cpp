// LongRoPE search: constraints, determinism, elitism, fitness against the seeds, cancel, and its CLI.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ropescope/hf_config.h"
#include "ropescope/longrope_search.h"
#include "ropescope/rope.h"

namespace {

namespace fs = std::filesystem;
using namespace ropescope;

RopeSetup phi3_setup() {
    RopeSetup s;
    s.head_dim = 96;
    s.original_max_position_embeddings = 4096;
    s.factor = 32;
    return s;
}

SearchOptions small_options(int iterations = 8) {
    SearchOptions o;
    o.iterations = iterations;
    o.threads = 2;
    o.seed = 7;
    return o;
}

TEST(LongRopeSearch, EveryCandidateIsMonotonicOnTheGridAndInRange) {
    const RopeSetup setup = phi3_setup();
    SearchOptions o = small_options(10);
    int generations_seen = 0;
    std::size_t candidates_seen = 0;
    o.on_population = [&](int generation, const std::vector<SearchCandidate>& population) {
        EXPECT_EQ(generation, generations_seen);
        ++generations_seen;
        for (const auto& c : population) {
            ++candidates_seen;
            ASSERT_EQ(c.steps.size(), 48u);
            const auto f = c.factors();
            for (std::size_t i = 0; i < f.size(); ++i) {
                EXPECT_GE(f[i], 1.0);
                EXPECT_LE(f[i], 1.0 + setup.factor + 1e-12);
                EXPECT_NEAR(f[i] * 100.0, std::round(f[i] * 100.0), 1e-9) << "factor " << f[i] << " off the 0.01 grid";
                if (i > 0) {
                    EXPECT_LE(f[i - 1], f[i]) << "pair " << i << " of a candidate in generation " << generation;
                }
            }
            EXPECT_NE(std::find(kLongRopeNHatChoices.begin(), kLongRopeNHatChoices.end(), c.n_hat),
                      kLongRopeNHatChoices.end());
            EXPECT_TRUE(std::isfinite(c.fitness));
        }
    };
    auto r = longrope_search(setup, o);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(generations_seen, 11);
    EXPECT_EQ(candidates_seen, 64u + 10u * 64u);
    EXPECT_EQ(r->best_per_generation.size(), 11u);
    EXPECT_EQ(r->mean_per_generation.size(), 11u);
}

TEST(LongRopeSearch, SameSeedSameResultWhateverTheThreads) {
    const RopeSetup setup = phi3_setup();
    SearchOptions o = small_options(6);
    o.threads = 1;
    auto a = longrope_search(setup, o);
    o.threads = 3;
    auto b = longrope_search(setup, o);
    o.threads = 2;
    auto c = longrope_search(setup, o);
    ASSERT_TRUE(a.ok() && b.ok() && c.ok());
    for (const auto* other : {&b.value(), &c.value()}) {
        EXPECT_EQ(a->best.steps, other->best.steps);
        EXPECT_EQ(a->best.n_hat, other->best.n_hat);
        EXPECT_EQ(a->best_per_generation, other->best_per_generation);
        EXPECT_EQ(a->mean_per_generation, other->mean_per_generation);
    }
    o.seed = 8;
    auto d = longrope_search(setup, o);
    ASSERT_TRUE(d.ok());
    EXPECT_NE(a->mean_per_generation, d->mean_per_generation) << "a different seed should search differently";
}

TEST(LongRopeSearch, BestFitnessNeverGetsWorse) {
    auto r = longrope_search(phi3_setup(), small_options(15));
    ASSERT_TRUE(r.ok());
    for (std::size_t g = 1; g < r->best_per_generation.size(); ++g)
        EXPECT_LE(r->best_per_generation[g], r->best_per_generation[g - 1]) << "generation " << g;
    for (std::size_t g = 0; g < r->best_per_generation.size(); ++g)
        EXPECT_LE(r->best_per_generation[g], r->mean_per_generation[g]);
    EXPECT_DOUBLE_EQ(r->best_terms.total, r->best_per_generation.back());
}

TEST(LongRopeSearch, BeatsPiAndMatchesOrBeatsYarn) {
    SearchOptions o;  // the defaults: population 64, 40 iterations
    o.threads = 2;
    auto r = longrope_search(phi3_setup(), o);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->seeds.size(), 3u);
    EXPECT_EQ(r->seeds[0].label, "PI");
    EXPECT_EQ(r->seeds[2].label, "YaRN");
    EXPECT_LT(r->best_terms.total, r->seeds[0].terms.total);
    EXPECT_LE(r->best_terms.total, r->seeds[2].terms.total);
    EXPECT_LT(r->best_terms.total, r->seeds[1].terms.total);
    // The defaults should find a strictly better point than YaRN on this setup.
    EXPECT_LT(r->best_terms.total, r->seeds[2].terms.total);
    EXPECT_EQ(r->generations, 40);
}

TEST(LongRopeSearch, CancelStopsWithinOneGeneration) {
    std::atomic<bool> cancel{false};
    SearchOptions o = small_options(40);
    o.cancel = &cancel;
    int last = -1;
    o.progress = [&](const SearchProgress& p) {
        last = p.iteration;
        if (p.iteration == 3) cancel = true;
    };
    auto r = longrope_search(phi3_setup(), o);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->cancelled);
    EXPECT_EQ(last, 3);
    EXPECT_EQ(r->generations, 3);
    EXPECT_EQ(r->best_per_generation.size(), 4u);
    EXPECT_FALSE(r->best.steps.empty());

    cancel = true;  // already set: only the initial population is evaluated
    o.progress = nullptr;
    auto early = longrope_search(phi3_setup(), o);
    ASSERT_TRUE(early.ok());
    EXPECT_TRUE(early->cancelled);
    EXPECT_EQ(early->generations, 0);
    EXPECT_EQ(early->best_per_generation.size(), 1u);
}

TEST(LongRopeSearch, ValidationNamesTheField) {
    SearchOptions o;
    o.parents = 100;
    auto r = longrope_search(phi3_setup(), o);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().field, "parents");
    RopeSetup setup = phi3_setup();
    setup.factor = 1.0;
    auto s = longrope_search(setup, SearchOptions{});
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().field, "factor");
    SearchOptions w;
    w.weights.fidelity = -1;
    auto t = longrope_search(phi3_setup(), w);
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.error().field, "weights.fidelity");
}

TEST(LongRopeSearch, FitnessOfSeedsAndExplicitFactors) {
    const RopeSetup setup = phi3_setup();
    auto pi = longrope_fitness(setup, std::vector<double>(48, 32.0), 0);
    ASSERT_TRUE(pi.ok());
    EXPECT_DOUBLE_EQ(pi->range, 0.0);  // every pair interpolated by s: nothing leaves the range
    EXPECT_GT(pi->fidelity, 0.0);
    auto none = longrope_fitness(setup, std::vector<double>(48, 1.0), 0);
    ASSERT_TRUE(none.ok());
    EXPECT_NEAR(none->fidelity, 0.0, 1e-20);  // the original RoPE is perfectly faithful
    EXPECT_GT(none->range, 0.0);            // but its slow pairs leave the trained range at L'
    EXPECT_FALSE(longrope_fitness(setup, std::vector<double>(47, 1.0), 0).ok());
}

TEST(LongRopeSearch, ResultAsMethodAndFigures) {
    auto r = longrope_search(phi3_setup(), small_options(3));
    ASSERT_TRUE(r.ok());
    const LongRopeMethod m = to_longrope_method(*r);
    EXPECT_EQ(m.long_factor, r->best.factors());
    EXPECT_EQ(m.short_factor, std::vector<double>(48, 1.0));
    EXPECT_EQ(m.n_hat, r->best.n_hat);
    RopeSetup setup = phi3_setup();
    setup.seq_len = 131072;
    auto rope = compute_rope(setup, m);
    ASSERT_TRUE(rope.ok()) << rope.error().message;
    EXPECT_TRUE(rope->uses_long_factor);

    const Figure f = longrope_factors_figure(phi3_setup(), *r,
                                             {{"ref", std::vector<double>(48, 2.0)}, {"wrong length", {1.0, 2.0}}}, "c");
    ASSERT_EQ(f.panels.size(), 1u);
    EXPECT_EQ(f.panels[0].series.size(), 5u);  // PI, NTK, YaRN, one reference, searched
    const Figure g = longrope_fitness_figure(*r, "c");
    ASSERT_EQ(g.panels.size(), 1u);
    EXPECT_EQ(g.panels[0].series[0].y, r->best_per_generation);
}

// ---------------------------------------------------------------------------------------------
// The CLI

struct CliRun {
    int exit_code = -1;
    std::string out;
    std::string err;
};

std::string shell_quote(const std::string& arg) {
    std::string quoted = "'";
    for (const char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

CliRun run_cli(const std::vector<std::string>& args) {
    const fs::path err_path = fs::temp_directory_path() / ("ropescope_search_cli_" + std::to_string(getpid()) + ".txt");
    std::string command = shell_quote(ROPESCOPE_CLI_PATH);
    for (const auto& arg : args) command += " " + shell_quote(arg);
    command += " 2>" + shell_quote(err_path.string());
    CliRun run;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return run;
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) run.out.append(buffer, n);
    const int status = pclose(pipe);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream file(err_path);
    std::stringstream text;
    text << file.rdbuf();
    run.err = text.str();
    fs::remove(err_path);
    return run;
}

fs::path temp_dir() {
    const fs::path dir = fs::temp_directory_path() / ("ropescope_search_" + std::to_string(getpid()));
    fs::create_directories(dir);
    return dir;
}

TEST(SearchCli, WritesALongRopeConfigThatImports) {
    const fs::path dir = temp_dir();
    const fs::path out = dir / "factors.json";
    const fs::path svg = dir / "search.svg";
    const CliRun run = run_cli({"search", "--head-dim", "96", "--original-max-position-embeddings", "4096", "--factor",
                                "32", "--iterations", "5", "--threads", "2", "--out", out.string(), "--svg",
                                svg.string(), "--progress"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_NE(run.out.find("searched"), std::string::npos);
    EXPECT_NE(run.out.find("YaRN"), std::string::npos);
    EXPECT_NE(run.err.find("generation 5/5"), std::string::npos) << run.err;
    auto config = load_hf_config(out.string());
    ASSERT_TRUE(config.ok()) << config.error().message;
    const auto* m = std::get_if<LongRopeMethod>(&config->method);
    ASSERT_NE(m, nullptr);
    ASSERT_EQ(m->long_factor.size(), 48u);
    EXPECT_EQ(m->short_factor, std::vector<double>(48, 1.0));
    EXPECT_TRUE(std::is_sorted(m->long_factor.begin(), m->long_factor.end()));
    EXPECT_EQ(config->setup.original_max_position_embeddings, 4096);
    EXPECT_DOUBLE_EQ(config->setup.factor, 32.0);
    EXPECT_EQ(config->setup.num_pairs(), 48);
    std::ifstream in(out);
    const auto j = nlohmann::json::parse(in);
    EXPECT_EQ(j["rope_scaling"]["rope_type"], "longrope");
    // The SVG holds the Phi-3 references (head_dim 96).
    std::ifstream svg_in(svg);
    std::stringstream svg_text;
    svg_text << svg_in.rdbuf();
    EXPECT_NE(svg_text.str().find("Phi-3-mini-128k"), std::string::npos);
    EXPECT_NE(svg_text.str().find("Phi-3.5-mini"), std::string::npos);
    fs::remove_all(dir);
}

TEST(SearchCli, UnwritableOutFailsCleanly) {
    const fs::path out = fs::temp_directory_path() / "ropescope_no_such_dir_search" / "factors.json";
    const CliRun run = run_cli({"search", "--iterations", "1", "--out", out.string()});
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_NE(run.err.find("error:"), std::string::npos);
    EXPECT_FALSE(fs::exists(out));
}

TEST(SearchCli, BadInputExitsTwoNamingTheOption) {
    const fs::path out = temp_dir() / "never.json";
    for (const auto& [flag, value] : std::vector<std::pair<std::string, std::string>>{
             {"--factor", "0.5"}, {"--iterations", "-3"}, {"--parents", "1000"}, {"--weight-range", "-1"},
             {"--head-dim", "x"}}) {
        const CliRun run = run_cli({"search", flag, value, "--out", out.string()});
        EXPECT_EQ(run.exit_code, 2) << flag;
        EXPECT_NE(run.err.find(flag), std::string::npos) << run.err;
        EXPECT_FALSE(fs::exists(out));
    }
    EXPECT_EQ(run_cli({"search"}).exit_code, 2);  // --out missing
    fs::remove_all(out.parent_path());
}

}  // namespace
