// The RPC architecture: each mechanism does what it says in the composed system.
#include <gtest/gtest.h>

#include "checked_run.hpp"
#include "model/presets.hpp"

namespace cascadelab {
namespace {

using namespace literals;
using testing::checked_run;

Scenario plain_rpc(std::uint64_t requests, Duration every) {
    Scenario s;
    s.name = "test-rpc";
    s.architecture = Architecture::Rpc;
    s.workload.kind = WorkloadKind::Burst;
    s.workload.burst_size = 1;
    s.workload.bursts = requests;
    s.workload.gap = every;
    s.rpc.retry = RetryConfig::tutorial();
    s.rpc.retry.timeout_starts_after_admission = false;
    return s;
}

TEST(RpcSystem, OneHealthyRequestTakesTheServiceLatency) {
    Scenario s = plain_rpc(1, 1_ms);
    s.downstream.failure_probability = 0.0;
    const RunMetrics m = checked_run(s);
    EXPECT_EQ(m.ok(), 1u);
    EXPECT_EQ(m.attempts, 1u);
    EXPECT_GE(m.latency.max(), 8_ms);
    EXPECT_LT(m.latency.max(), 14_ms + 100_us);
}

TEST(RpcSystem, DuringAnOutageEveryAttemptIsRefusedAndRetried) {
    Scenario s = plain_rpc(50, 10_ms);
    s.faults = FaultSchedule({FaultWindow{FaultKind::Outage, Time{}, 10_s, 1.0}});
    const RunMetrics m = checked_run(s);
    EXPECT_EQ(m.ok(), 0u);
    EXPECT_EQ(m.outcome(Outcome::Error), 50u);
    EXPECT_EQ(m.attempts, 50u * 4u);  // max_attempts counts the first call
    EXPECT_EQ(m.retries, 50u * 3u);
    EXPECT_EQ(m.refused_by_downstream, 200u);
}

TEST(RpcSystem, TheBulkheadBoundsDownstreamConcurrency) {
    Scenario s = preset("seed")->front();
    const RunMetrics m = checked_run(s);
    EXPECT_LE(m.max_downstream_in_flight, 40u);
    EXPECT_GT(m.max_bulkhead_waiting, 1000u);  // 2000 at once: most of them wait
}

// A breaker consulted once per request (the tutorial): while it is Open, new requests fail fast.
TEST(RpcSystem, AnOpenBreakerRejectsNewRequestsUntilItsWaitIsOver) {
    Scenario s = plain_rpc(300, 10_ms);  // 3 s of traffic
    s.faults = FaultSchedule({FaultWindow{FaultKind::Outage, Time::at(500_ms), 500_ms, 1.0}});
    s.rpc.breaker = CircuitBreakerConfig::tutorial();
    s.rpc.breaker_scope = BreakerScope::PerRequest;
    const RunMetrics m = checked_run(s);
    EXPECT_GE(m.breaker_opens, 1u);
    EXPECT_GT(m.breaker_rejections, 0u);
    EXPECT_EQ(m.outcome(Outcome::BreakerRejected), m.breaker_rejections);
    // After the outage and the open wait, traffic succeeds again: the last second is healthy.
    const auto& good = m.goodput.windows();
    ASSERT_GE(good.size(), 30u);
    EXPECT_GE(good[25].count, 5u);
}

TEST(RpcSystem, BreakerBeforeEveryAttemptAlsoStopsRetries) {
    Scenario s = plain_rpc(200, 5_ms);
    s.faults = FaultSchedule({FaultWindow{FaultKind::Outage, Time{}, 10_s, 1.0}});
    CircuitBreakerConfig b = CircuitBreakerConfig::resilience4j();
    b.sliding_window_size = 10;
    b.minimum_number_of_calls = 10;
    b.wait_duration_in_open_state = 60_s;
    b.max_wait_in_open_state = 60_s;
    s.rpc.breaker = b;
    s.rpc.breaker_scope = BreakerScope::PerAttempt;
    const RunMetrics m = checked_run(s);
    EXPECT_EQ(m.breaker_opens, 1u);
    // Only the ten calls that filled the window reached the downstream.
    EXPECT_EQ(m.attempts, 10u);
    EXPECT_EQ(m.outcome(Outcome::BreakerRejected) + m.outcome(Outcome::Error), 200u);
}

// Cancel: a timed-out attempt's work stops. Abandon: it runs on and keeps the capacity, which
// is what amplifies retry storms.
TEST(RpcSystem, AbandonedWorkKeepsLoadingTheDownstream) {
    Scenario s = plain_rpc(400, 1_ms);
    s.faults = FaultSchedule({FaultWindow{FaultKind::LatencySpike, Time{}, 1_s, 20.0}});
    s.rpc.retry.per_attempt_timeout = 50_ms;
    const RunMetrics cancelled = checked_run(s);
    s.downstream.on_timeout = TimeoutSemantics::Abandon;
    const RunMetrics abandoned = checked_run(s);
    EXPECT_EQ(cancelled.abandoned_work, 0u);
    EXPECT_GT(abandoned.abandoned_work, 100u);
    EXPECT_GT(abandoned.max_downstream_in_flight, cancelled.max_downstream_in_flight);
}

TEST(RpcSystem, ARetryBudgetCutsAmplification) {
    Scenario s = preset("rpc-naive")->front();
    const RunMetrics unbounded = checked_run(s);
    s.rpc.retry_budget = RetryBudgetConfig::grpc(10.0, 0.1);
    const RunMetrics budgeted = checked_run(s);
    EXPECT_GT(unbounded.amplification(), 3.0);
    EXPECT_LT(budgeted.amplification(), 1.5);
    EXPECT_GT(budgeted.budget_denials, 0u);
    EXPECT_EQ(budgeted.outcome(Outcome::BudgetDenied), budgeted.budget_denials);
}

TEST(RpcSystem, TheOverallDeadlineEndsRequests) {
    Scenario s = plain_rpc(20, 10_ms);
    s.faults = FaultSchedule({FaultWindow{FaultKind::LatencySpike, Time{}, 10_s, 50.0}});
    s.rpc.retry.per_attempt_timeout = Duration::zero();
    s.rpc.retry.overall_deadline = 100_ms;
    const RunMetrics m = checked_run(s);
    EXPECT_EQ(m.outcome(Outcome::Deadline), 20u);
    EXPECT_LE(m.latency.max(), 100_ms + 1_ms);
}

TEST(RpcSystem, AHorizonStopsTheRunAndCountsWhatIsLeft) {
    Scenario s = preset("seed")->front();
    s.horizon = 500_ms;
    const RunMetrics m = checked_run(s);
    EXPECT_GT(m.unfinished, 0u);
    EXPECT_EQ(m.settled() + m.unfinished, 2000u);
}

// gRPC A6 pushback: the server's "do not retry" ends each request after its first attempt.
TEST(RpcSystem, APushbackStopEndsTheRequestAtItsFirstFailure) {
    Scenario s = plain_rpc(20, 10_ms);
    s.faults = FaultSchedule({FaultWindow{FaultKind::ErrorRate, Time{}, 10_s, 1.0}});
    s.downstream.pushback = {PushbackPolicy::When::OnAnyFailure, Pushback::stop()};
    const RunMetrics m = checked_run(s);
    EXPECT_EQ(m.attempts, 20u);
    EXPECT_EQ(m.pushbacks, 20u);
    EXPECT_EQ(m.outcome(Outcome::Error), 20u);
    s.rpc.retry.honor_pushback = false;  // a client that ignores it retries as before
    EXPECT_EQ(checked_run(s).attempts, 80u);
}

TEST(RpcSystem, APushbackDelaySpacesTheRetries) {
    Scenario s = plain_rpc(5, 1_s);
    s.faults = FaultSchedule({FaultWindow{FaultKind::ErrorRate, Time{}, 60_s, 1.0}});
    s.downstream.pushback = {PushbackPolicy::When::OnAnyFailure, Pushback::retry_after(200_ms)};
    const RunMetrics m = checked_run(s);
    EXPECT_EQ(m.attempts, 20u);
    EXPECT_GE(m.latency.p50(), 600_ms);  // three waits of 200 ms, whatever the backoff said
}

TEST(RpcSystem, FatalErrorsAreNotRetried) {
    Scenario s = plain_rpc(30, 10_ms);
    s.faults = FaultSchedule({FaultWindow{FaultKind::ErrorRate, Time{}, 10_s, 1.0}});
    s.downstream.fatal_fraction = 1.0;
    const RunMetrics m = checked_run(s);
    EXPECT_EQ(m.attempts, 30u);
    EXPECT_EQ(m.fatal_errors, 30u);
    EXPECT_EQ(m.outcome(Outcome::Error), 30u);
}

// A full service refuses as throttled: AWS's 2026 quota charges such a retry 5, not 14.
TEST(RpcSystem, AFullServiceThrottlesAndTheQuotaChargesThrottlesLess) {
    Scenario s = plain_rpc(1, 1_ms);
    s.workload.burst_size = 200;
    s.downstream.capacity = 1;
    s.downstream.failure_probability = 0.0;
    s.rpc.retry_budget = RetryBudgetConfig::aws_2026();
    s.rpc.retry_budget->initial_quota = 140;
    const RunMetrics m = checked_run(s);
    EXPECT_GT(m.throttled_attempts, 100u);
    EXPECT_GE(m.retries, 28u);  // 140 / 5, and the refunds of retries that succeeded
    s.rpc.retry_budget->throttle_cost = 14;  // charged like an error: 140 / 14
    const RunMetrics dear = checked_run(s);
    EXPECT_LE(dear.retries, 12u);
    EXPECT_GE(dear.retries, 10u);
}

}  // namespace
}  // namespace cascadelab
