// Envoy's back-off and retry budget cases: test/common/common/backoff_strategy_test.cc and
// test/common/upstream/resource_manager_impl_test.cc, replayed against backoff.hpp and
// retry_budget.hpp. Envoy's delays are whole milliseconds of a 64-bit random modulo the interval.
#include <gtest/gtest.h>

#include <cstdint>  // UINT64_MAX

#include "statemachines/backoff.hpp"
#include "statemachines/retry_budget.hpp"
#include "tests/conformance/virtual_clock.hpp"

namespace cascadelab::conformance {
namespace {

using namespace literals;

// JitteredExponentialBackOffStrategy(base_interval, max_interval, random) with random() fixed.
struct JitteredBackOff {
    JitteredBackOff(std::uint64_t base_ms, std::uint64_t max_ms, std::uint64_t random)
        : config(BackoffConfig::envoy(Duration::millis(static_cast<std::int64_t>(base_ms)),
                                      Duration::millis(static_cast<std::int64_t>(max_ms)))),
          schedule(config), draw(BackoffDraw::of(random)) {}
    std::int64_t nextBackOffMs(Duration base = Duration::zero()) { return schedule.next_with(draw, base).us() / 1000; }
    // reset(): the next interval is the base again; reset(x): and x instead of the base.
    void reset() { schedule.reset(); }
    BackoffConfig config;
    BackoffSchedule schedule;
    BackoffDraw draw;
};

TEST(EnvoyExponentialBackOffStrategy, JitteredBackOffBasicFlow) {
    JitteredBackOff b{25, 30, 27};
    EXPECT_EQ(b.nextBackOffMs(), 2);   // 27 % 25
    EXPECT_EQ(b.nextBackOffMs(), 27);  // 27 % 30
}

TEST(EnvoyExponentialBackOffStrategy, JitteredBackOffBasicReset) {
    JitteredBackOff b{25, 30, 27};
    EXPECT_EQ(b.nextBackOffMs(), 2);
    EXPECT_EQ(b.nextBackOffMs(), 27);
    b.reset();
    EXPECT_EQ(b.nextBackOffMs(), 2);  // from the start
    EXPECT_EQ(b.nextBackOffMs(), 27);
    b.reset();
    EXPECT_EQ(b.nextBackOffMs(26_ms), 1);  // reset(26): 27 % 26
}

// Envoy's intervals are uint64 milliseconds; here the largest interval is Duration::max(). The
// case keeps its point: a hundred doublings never wrap, and every delay stays below the bound.
TEST(EnvoyExponentialBackOffStrategy, JitteredBackOffDoesntOverflow) {
    BackoffConfig c = BackoffConfig::envoy(1_ms, Duration::max());
    BackoffSchedule s{c};
    const BackoffDraw draw = BackoffDraw::of(UINT64_MAX - 1);
    for (int iter = 0; iter < 100; ++iter) {
        const Duration d = s.next_with(draw);
        EXPECT_GE(d, Duration::zero());
        EXPECT_LE(d, Duration::max());
    }
    // Past the doublings the interval is the maximum itself: (max - 1) % interval.
    const std::int64_t interval_ms = Duration::max().us() / 1000;
    EXPECT_EQ(s.next_with(draw).us() / 1000, static_cast<std::int64_t>((UINT64_MAX - 1) % static_cast<std::uint64_t>(interval_ms)));
}

TEST(EnvoyExponentialBackOffStrategy, JitteredBackOffWithMaxInterval) {
    JitteredBackOff b{5, 100, 9999};
    for (std::int64_t expected : {4, 9, 19, 39, 79, 99, 99}) EXPECT_EQ(b.nextBackOffMs(), expected);
}

TEST(EnvoyExponentialBackOffStrategy, JitteredBackOffWithMaxIntervalReset) {
    JitteredBackOff b{5, 100, 9999};
    for (std::int64_t expected : {4, 9, 19, 39, 79, 99, 99}) EXPECT_EQ(b.nextBackOffMs(), expected);
    b.reset();
    for (std::int64_t expected : {4, 9, 19, 39, 79, 99, 99}) EXPECT_EQ(b.nextBackOffMs(), expected);
    b.reset();
    EXPECT_EQ(b.nextBackOffMs(4_ms), 3);  // reset(4): 9999 % 4
}

TEST(EnvoyFixedBackOffStrategy, FixedBackOffBasicReset) {
    BackoffConfig c;
    c.kind = BackoffKind::Constant;
    c.jitter = Jitter::None;
    c.base = 30_ms;
    c.cap = 30_ms;
    BackoffSchedule s{c};
    EXPECT_EQ(s.next_with({}), 30_ms);
    EXPECT_EQ(s.next_with({}), 30_ms);
    s.reset();
    EXPECT_EQ(s.next_with({}), 30_ms);
    s.reset();
    EXPECT_EQ(s.next_with({}, 20_ms), 20_ms);  // reset(20)
}

// ResourceManagerImplTest.RetryBudgetOverrideGauge: a budget of 20 % with
// min_retry_concurrency 5 allows 5 retries while no request is active.
TEST(EnvoyResourceManagerImpl, RetryBudgetOverrideGauge) {
    RetryBudgetConfig c = RetryBudgetConfig::envoy();
    c.budget_percent = 20.0;
    c.min_retry_concurrency = 5;
    VirtualClock clock;
    RetryBudget budget{c, clock};
    EXPECT_EQ(budget.level(clock.now), 5.0);  // retries().max()
    for (int i = 0; i < 5; ++i) EXPECT_TRUE(budget.retry_requested(clock.now).granted);
    EXPECT_FALSE(budget.retry_requested(clock.now).granted);
    budget.signal(clock.now, BudgetSignal::RetryFinished);  // retries().dec()
    EXPECT_TRUE(budget.retry_requested(clock.now).granted);
}

// The documentation's formula (envoy.config.cluster.v3.CircuitBreakers.Thresholds.RetryBudget):
// at most budget_percent of the active requests, whole retries, and never below
// min_retry_concurrency. 20 % of 19 active requests is 3 retries, not 3.8.
TEST(EnvoyRetryBudget, BudgetPercentOfActiveRequestsIsAWholeNumberOfRetries) {
    RetryBudgetConfig c = RetryBudgetConfig::envoy();
    c.min_retry_concurrency = 0;
    VirtualClock clock;
    RetryBudget budget{c, clock};
    for (int i = 0; i < 19; ++i) budget.signal(clock.now, BudgetSignal::RequestStarted);
    EXPECT_EQ(budget.level(clock.now), 3.0);
    int granted = 0;
    while (budget.retry_requested(clock.now).granted) ++granted;
    EXPECT_EQ(granted, 3);
}

}  // namespace
}  // namespace cascadelab::conformance
