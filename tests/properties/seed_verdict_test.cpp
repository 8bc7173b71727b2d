// Verdicts over seeds: the same counts and decisions whatever the thread count, and the
// counterexample docs/hunting.md shows breaks recovery on at least 90 % of seeds.
#include <gtest/gtest.h>

#include "properties/seed_verdict.hpp"
#include "properties/statistical_check.hpp"
#include "hunt_setup.hpp"

namespace cascadelab::properties {
namespace {

using namespace literals;

Schedule one_burst(std::uint32_t size) { return Schedule{{Burst{Time{}, size, Duration::zero()}}, {}}; }

TEST(SeedVerdict, CountsAndDecisionsDoNotDependOnTheThreadCount) {
    const HuntSetup h = setup_of("rpc-naive");
    // 65 requests at once: a knife-edge trigger, violating on some seeds and not others.
    SeedEvaluator one("recovery", h, 1), three("recovery", h, 3);
    const SeedEstimate a = one.estimate(one_burst(65), 1, 12);
    const SeedEstimate b = three.estimate(one_burst(65), 1, 12);
    EXPECT_EQ(a.violations, b.violations);
    const SequentialVerdict x = one.decide(one_burst(200), 1, SprtOptions{});
    const SequentialVerdict y = three.decide(one_burst(200), 1, SprtOptions{});
    EXPECT_EQ(x.decision, y.decision);
    EXPECT_EQ(x.runs, y.runs);
    EXPECT_EQ(x.violations, y.violations);
}

TEST(SeedVerdict, ALargeBurstFailsRobustlyAndNoBurstHolds) {
    const HuntSetup h = setup_of("rpc-naive");
    SeedEvaluator seeds("recovery", h, 2);
    EXPECT_EQ(seeds.decide(one_burst(200), 1, SprtOptions{}).decision, Sprt::Decision::Fails);
    EXPECT_EQ(seeds.decide(one_burst(1), 1, SprtOptions{}).decision, Sprt::Decision::Holds);
}

// docs/hunting.md shows the robust minimum of `hunt --property recovery --scenario rpc-naive
// --seed 20261122`: one burst of 80 at once. It breaks recovery on ≥ 90 % of the 20 seeds the hunt
// reports (the scenario's, 20261122 on), and on ≥ 90 % of 200 fresh ones (185 of 200 today:
// 0.925, Wilson 0.88–0.95), while the knife-edge minimum of a one-seed hunt breaks it rarely.
TEST(SeedVerdict, TheDocumentedCounterexampleViolatesOnNinetyPercentOfSeeds) {
    const HuntSetup h = setup_of("rpc-naive");
    SeedEvaluator seeds("recovery", h, 2);
    const SeedEstimate reported = seeds.estimate(one_burst(80), h.scenario.seed, 20);
    EXPECT_GE(reported.violations, 18u) << reported.violations << " of 20";
    const SeedEstimate fresh = seeds.estimate(one_burst(80), 1, 200);
    EXPECT_GE(fresh.probability(), 0.9) << fresh.violations << " of 200";
    const Schedule knife_edge{{Burst{Time::at(13_ms), 49, Duration::zero()}, Burst{Time::at(12_ms), 10, Duration::zero()}},
                              {FaultWindow{FaultKind::Outage, Time{}, 12_ms, 1.0}}};
    EXPECT_LE(seeds.estimate(knife_edge, h.scenario.seed, 20).violations, 6u);
}

TEST(StatisticalCheck, TheNaivePresetGetsACounterexampleAndABudgetedOneTheStatement) {
    CheckOptions o;
    o.epsilon = 0.05;  // 59 samples: quick, and the naive preset breaks far more often
    o.threads = 2;
    const CheckResult naive = check_statistically("retry-storm", setup_of("rpc-naive"), o);
    EXPECT_FALSE(naive.holds(o.epsilon));
    ASSERT_TRUE(naive.counterexample);
    EXPECT_EQ(naive.runs, 59u);
    HuntSetup budgeted = setup_of("rpc-naive");
    budgeted.scenario.rpc.retry_budget = RetryBudgetConfig::finagle();
    const CheckResult safe = check_statistically("retry-storm", budgeted, o);
    EXPECT_TRUE(safe.holds(o.epsilon)) << safe.violations << " violations";
    EXPECT_EQ(safe.violations, 0u);
}

// The safe presets recover: P(violation) ≤ 0.01 with confidence 0.95 over 299 drawn schedules and
// seeds. Recovery compares a window with the same window without triggers; compared with the
// run's average instead, 3 of these 299 samples "failed" on a quiet second of arrivals.
TEST(StatisticalCheck, TheSafePresetsRecoverWithNinetyFivePercentConfidence) {
    CheckOptions o;
    o.threads = 2;
    for (const char* preset : {"rpc-safe", "event-safe"}) {
        const CheckResult r = check_statistically("recovery", setup_of(preset), o);
        EXPECT_EQ(r.runs, 299u) << preset;
        EXPECT_TRUE(r.holds(o.epsilon)) << preset << ": " << r.violations << " violations";
    }
}

}  // namespace
}  // namespace cascadelab::properties
