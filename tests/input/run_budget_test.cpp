// The resource budget: an estimate that bounds what a run really spends, and a run loop that
// stops a run at its budget — never a crash, never a violation in a hunt.
#include <cmath>  // std::ceil, std::isinf

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "model/presets.hpp"
#include "model/resource_estimate.hpp"
#include "model/run.hpp"
#include "model/scenario_json.hpp"
#include "properties/generators.hpp"
#include "properties/hunt.hpp"
#include "statemachines/config_error.hpp"

namespace cascadelab {
namespace {

// The run, checked after every event against a budget of exactly its estimate.
RunMetrics run_within_estimate(const Scenario& s) {
    const ResourceEstimate e = estimate_resources(s);
    ResourceBudget b;
    b.max_events = std::isinf(e.events) ? UINT64_MAX : static_cast<std::uint64_t>(std::ceil(e.events));
    b.max_bytes = static_cast<std::uint64_t>(std::ceil(e.bytes));
    return run_scenario(s, RunOptions{}.with_budget(b).with_check_every(1));
}

TEST(ResourceEstimate, EveryPresetRunsWithinItsEstimate) {
    for (const PresetInfo& p : preset_catalog()) {
        const std::vector<Scenario> scenarios = *preset(p.name);
        for (const Scenario& s : scenarios) {
            SCOPED_TRACE(s.name);
            EXPECT_NO_THROW(run_within_estimate(s));
        }
    }
}

RC_GTEST_PROP(ResourceEstimate, AnyConfigurationRunsWithinItsEstimate, ()) {
    const std::string base = *rc::gen::element<std::string>("rpc-naive", "rpc-safe", "event-naive", "event-safe");
    const Scenario s = *properties::gen::knobs(preset(base)->front());
    try {
        run_within_estimate(s);
    } catch (const RunLimitExceeded& e) {
        const ResourceEstimate est = estimate_resources(s);
        RC_FAIL(fmt::format("{}\nestimate: {} bytes for {}\n{}", e.what(), est.bytes, est.live_basis, scenario_to_json(s)));
    }
}

TEST(ResourceEstimate, IsACeilingNotAGuessForTheBurstOfTheTutorial) {
    const Scenario s = preset("rpc-naive")->front();
    const ResourceEstimate e = estimate_resources(s);
    const RunMetrics m = run_scenario(s);
    EXPECT_EQ(e.requests, s.workload.expected_requests());
    EXPECT_EQ(e.attempts, static_cast<double>(e.requests * s.rpc.retry.max_attempts));
    EXPECT_LE(static_cast<double>(m.events), e.events);
    EXPECT_GE(e.events, static_cast<double>(m.attempts) * 3);  // a real run's events per attempt
}

TEST(ResourceEstimate, UnlimitedRedeliveriesHaveNoCeiling) {
    Scenario s = preset("event-naive")->front();
    s.event.message.max_deliveries = MessageConfig::kUnlimited;
    EXPECT_TRUE(std::isinf(estimate_resources(s).events));
}

TEST(ResourceEstimate, AnOverBudgetScenarioIsRefusedNamingTheOption) {
    Scenario s = preset("rpc-naive")->front();
    s.workload.burst_size = 20'000'000;
    s.workload.bursts = 1;
    ResourceBudget b;
    try {
        check_budget(s, estimate_resources(s), b);
        FAIL() << "a burst of 2e7 requests at once fits 8 GiB?";
    } catch (const BudgetExceeded& e) {
        EXPECT_NE(std::string{e.what()}.find("more than the budget of 8.0 GiB (raise --max-memory"), std::string::npos) << e.what();
    }
    b.max_bytes = std::uint64_t{64} << 30;
    b.max_events = 1000;
    try {
        check_budget(s, estimate_resources(s), b);
        FAIL() << "2e7 requests in 1000 events?";
    } catch (const BudgetExceeded& e) {
        EXPECT_NE(std::string{e.what()}.find("(--max-events)"), std::string::npos) << e.what();
    }
}

TEST(RunBudget, ARunIsStoppedAtItsEventBudget) {
    const Scenario s = preset("rpc-naive")->front();
    const RunMetrics whole = run_scenario(s);
    ResourceBudget b;
    b.max_events = whole.events / 2;
    try {
        run_scenario(s, RunOptions{}.with_budget(b).with_check_every(64));
        FAIL() << "ran past its budget";
    } catch (const RunLimitExceeded& e) {
        EXPECT_NE(std::string{e.what()}.find("rpc-naive: passed its budget of " + std::to_string(b.max_events) +
                                             " events"),
                  std::string::npos)
            << e.what();
    }
    b.max_events = whole.events;  // exactly enough
    EXPECT_EQ(run_scenario(s, RunOptions{}.with_budget(b).with_check_every(1)).events, whole.events);
}

TEST(RunBudget, ARunIsStoppedAtItsMemoryBudget) {
    ResourceBudget b;
    b.max_bytes = 64 * 1024;
    for (const char* name : {"rpc-naive", "event-naive"}) {
        try {
            run_scenario(preset(name)->front(), RunOptions{}.with_budget(b).with_check_every(1));
            ADD_FAILURE() << name << " ran in 64 KiB";
        } catch (const RunLimitExceeded& e) {
            EXPECT_NE(std::string{e.what()}.find("passed its budget of 0 MiB (raise it with --max-memory"), std::string::npos)
                << e.what();
        }
    }
}

TEST(RunBudget, AHuntThatOutgrowsItsBudgetStopsAndFindsNothingFalse) {
    properties::HuntSetup setup;
    setup.scenario = preset("rpc-naive")->front();
    setup.budget.max_events = 5000;
    properties::HuntOptions options;
    options.cases = 10;
    EXPECT_THROW(properties::hunt("conservation", setup, options), RunLimitExceeded);
}

TEST(Workload, SizesThatWouldOverflowAreRefused) {
    WorkloadConfig w;
    w.burst_size = std::uint64_t{1} << 32;
    w.bursts = std::uint64_t{1} << 32;  // the product wraps to 0 in 64 bits
    w.gap = Duration::millis(1);
    EXPECT_THROW(w.validate(), ConfigError);
    EXPECT_EQ(w.expected_requests(), UINT64_MAX);

    WorkloadConfig p;
    p.kind = WorkloadKind::Poisson;
    p.rate_per_second = 1e-6;
    p.requests = 100'000;  // 1e11 s: past the 1e12 ms a run may span
    EXPECT_THROW(p.validate(), ConfigError);

    WorkloadConfig s;
    s.kind = WorkloadKind::Step;
    s.base_rate_per_second = 1e7;
    s.duration = Duration::seconds(1000);  // 1e10 requests expected
    EXPECT_THROW(s.validate(), ConfigError);
}

TEST(Duration, MicrosRoundedSaturatesInsteadOfWrapping) {
    EXPECT_EQ(Duration::micros_rounded(1.5).us(), 2);
    EXPECT_EQ(Duration::micros_rounded(-1.5).us(), -2);
    EXPECT_EQ(Duration::micros_rounded(1e300), Duration::max());
    EXPECT_EQ(Duration::micros_rounded(-1e300), Duration::min());
    EXPECT_EQ(Duration::micros_rounded(std::nan("")), Duration::zero());
}

}  // namespace
}  // namespace cascadelab
