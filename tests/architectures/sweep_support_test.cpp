// The pieces of sweeps and seed statistics: overrides by path, confidence intervals, parallel
// runs that do not depend on the thread count, and the metastable presets.
#include <gtest/gtest.h>

#include "experiments/parallel_runs.hpp"
#include "experiments/report.hpp"
#include "experiments/runs_table.hpp"
#include "experiments/exit_codes.hpp"
#include "experiments/stats.hpp"
#include "model/presets.hpp"
#include "model/run.hpp"
#include "model/scenario_override.hpp"
#include "statemachines/config_error.hpp"

namespace cascadelab {
namespace {

using namespace literals;

TEST(Override, SetsAKeyByItsPathInTheScenarioFile) {
    const Scenario base = preset("rpc-safe")->front();
    EXPECT_EQ(with_override(base, "rpc.retry.max_attempts", "5").rpc.retry.max_attempts, 5u);
    EXPECT_EQ(with_override(base, "rpc.bulkhead.max_wait_duration_ms", "\"unbounded\"").rpc.bulkhead->max_wait_duration,
              Duration::max());
    EXPECT_EQ(with_override(base, "rpc.breaker_scope", "per_request").rpc.breaker_scope, BreakerScope::PerRequest);
    const Scenario m = preset("metastable-naive")->front();
    EXPECT_EQ(with_override(m, "faults[0].length_ms", "25").faults.windows()[0].length, 25_ms);
}

TEST(Override, RejectsUnknownPathsAndBadValuesNamingThem) {
    const Scenario base = preset("rpc-safe")->front();
    try {
        with_override(base, "rpc.retry.max_tries", "5");
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_EQ(std::string{e.what()}, "rpc.retry.max_tries = 5: no key rpc.retry.max_tries in scenario rpc-safe "
                                         "(`cascadelab scenario show` lists them)");
    }
    EXPECT_THROW(with_override(base, "rpc.retry.max_attempts", "0"), ConfigError);
    EXPECT_THROW(with_override(base, "faults[3].length_ms", "5"), ConfigError);
    EXPECT_THROW(with_override(base, "rpc.retry", "5"), ConfigError);
}

TEST(Override, RejectsMalformedPaths) {
    const Scenario base = preset("rpc-safe")->front();
    for (const char* path : {"", ".rpc.retry.max_attempts", "rpc..retry", "rpc.retry.", "faults[x].length_ms",
                             "faults[0]length_ms", "faults[0", "faults[-1].length_ms", "faults[].length_ms"})
        EXPECT_THROW(with_override(base, path, "5"), ConfigError) << path;
}

TEST(Override, AppliesAllOverridesBeforeValidating) {
    // The low end alone above the default high end is refused; with the high end raised too, the
    // pair is a valid range.
    const Scenario base = preset("rpc-safe")->front();
    ASSERT_LT(base.rpc.retry.backoff.proportional_high, 3.0);
    const Scenario both = with_overrides(base, {{"rpc.retry.backoff.proportional_low", "3"},
                                                {"rpc.retry.backoff.proportional_high", "4"}});
    EXPECT_EQ(both.rpc.retry.backoff.proportional_low, 3.0);
    EXPECT_EQ(both.rpc.retry.backoff.proportional_high, 4.0);
    EXPECT_THROW(with_override(base, "rpc.retry.backoff.proportional_low", "3"), ConfigError);
}

TEST(Stats, StudentIntervalMatchesTheTable) {
    const cli::Estimate e = cli::estimate({1.0, 2.0, 3.0, 4.0});
    EXPECT_DOUBLE_EQ(e.mean, 2.5);
    EXPECT_NEAR(e.sd, 1.2909944, 1e-6);
    EXPECT_NEAR(e.half_width, 3.182 * 1.2909944 / 2.0, 1e-6);
    EXPECT_EQ(cli::estimate({7.0}).half_width, 0.0);
    EXPECT_DOUBLE_EQ(cli::t_quantile_975(1000), 1.96);
}

TEST(ParallelRuns, ResultsDoNotDependOnTheThreadCount) {
    std::vector<Scenario> jobs;
    for (int k = 0; k < 6; ++k) {
        Scenario s = preset("rpc-naive")->front();
        s.seed += static_cast<std::uint64_t>(k);
        jobs.push_back(s);
    }
    const auto one = cli::run_all(jobs, 1, RunOptions{});
    const auto two = cli::run_all(jobs, 2, RunOptions{});
    ASSERT_EQ(one.size(), two.size());
    for (std::size_t i = 0; i < one.size(); ++i)
        EXPECT_EQ(cli::render_csv({one[i]}), cli::render_csv({two[i]})) << i;
    EXPECT_NE(cli::render_csv({one[0]}), cli::render_csv({one[1]}));
}

// The metastable preset: the trigger is over at 1.2 s, yet the naive caller is still failing at
// the end; the same system with a retry budget is back.
TEST(Metastability, TheNaiveCallerStaysDownAndTheBudgetedOneRecovers) {
    const std::vector<Scenario> both = *preset("metastable");
    const RunMetrics naive = run_scenario(both[0]);
    const RunMetrics budget = run_scenario(both[1]);
    EXPECT_LT(naive.tail_goodput_ratio(), 0.2);
    EXPECT_GT(naive.amplification(), 3.0);
    EXPECT_GT(budget.tail_goodput_ratio(), 0.8);
    EXPECT_LT(budget.amplification(), 1.5);
}

// runs.csv's columns come from one layout; read back, a parameter that repeats a fixed name
// (here "architecture" and "seed") is still a parameter, not the fixed column.
TEST(RunsLayout, ReadsBackParametersThatRepeatAFixedName) {
    const std::vector<std::string> figures{"requests", "ok"};
    const cli::RunsLayout written({"architecture", "seed"}, figures);
    cli::CsvTable runs;
    runs.header = written.header();
    ASSERT_EQ(runs.header, (std::vector<std::string>{"point", "seed", "architecture", "seed", "scenario", "architecture",
                                                     "requests", "ok"}));
    const cli::RunsLayout read = cli::RunsLayout::of(runs, figures, "runs.csv");
    EXPECT_EQ(read.params(), (std::vector<std::string>{"architecture", "seed"}));
    EXPECT_EQ(read.architecture_column(), 5u);
    EXPECT_EQ(read.figure_column(0), 6u);
}

TEST(RunsLayout, RefusesATableThatIsNotARunsTable) {
    const std::vector<std::string> figures{"requests", "ok"};
    cli::CsvTable t;
    t.header = {"point", "seed", "scenario", "architecture", "requests"};
    EXPECT_THROW(cli::RunsLayout::of(t, figures, "x.csv"), cli::BadInput);
    t.header = {"point", "seed", "scenario", "architecture", "requests", "goodput"};  // another version's figures
    try {
        cli::RunsLayout::of(t, figures, "x.csv");
        FAIL() << "accepted other figures";
    } catch (const cli::BadInput& e) {
        EXPECT_EQ(std::string(e.what()), "x.csv: its figures differ from this cascadelab's (written by another version?)");
    }
    t.header = {"seed", "point", "scenario", "architecture", "requests", "ok"};
    EXPECT_THROW(cli::RunsLayout::of(t, figures, "x.csv"), cli::BadInput);
}

}  // namespace
}  // namespace cascadelab
