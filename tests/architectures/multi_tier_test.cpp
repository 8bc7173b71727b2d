// Retries multiply across tiers: with retries at every tier, the attempts reaching the last tier
// grow as the product of the tiers' attempt counts; retrying at one tier, or a budget, bounds it.
#include <set>          // std::set
#include <string_view>  // std::string_view

#include <gtest/gtest.h>

#include "checked_run.hpp"
#include "model/presets.hpp"
#include "model/kernel/trace.hpp"

namespace cascadelab {
namespace {

using namespace literals;
using testing::checked_run;

// N requests into a chain whose service is down for the whole run: every attempt fails fast.
Scenario chain(std::vector<std::uint32_t> attempts, std::uint64_t requests) {
    Scenario s;
    s.name = "chain";
    s.architecture = Architecture::Rpc;
    s.workload.kind = WorkloadKind::Burst;
    s.workload.burst_size = 1;
    s.workload.bursts = requests;
    s.workload.gap = 5_ms;
    s.faults = FaultSchedule({FaultWindow{FaultKind::Outage, Time{}, 3600_s, 1.0}});
    auto tier = [](std::uint32_t n) {
        RpcConfig t;
        t.retry = RetryConfig::tutorial();
        t.retry.max_attempts = n;
        return t;
    };
    s.rpc = tier(attempts[0]);
    for (std::size_t i = 1; i < attempts.size(); ++i) s.inner_tiers.push_back(tier(attempts[i]));
    return s;
}

TEST(MultiTier, AttemptsMultiplyAcrossTiers) {
    const RunMetrics m = checked_run(chain({3, 3, 3}, 100));
    ASSERT_EQ(m.attempts_by_tier.size(), 3u);
    EXPECT_EQ(m.attempts_by_tier[0], 300u);
    EXPECT_EQ(m.attempts_by_tier[1], 900u);
    EXPECT_EQ(m.attempts_by_tier[2], 2700u);
    EXPECT_EQ(m.attempts, 2700u);  // every one of them reached the service
    EXPECT_DOUBLE_EQ(m.amplification(), 27.0);
    // The client's 120 ms timeout often expires while the inner tiers still retry: the inner work
    // goes on regardless (nobody cancels it), which is why the product holds.
    EXPECT_EQ(m.outcome(Outcome::Error) + m.outcome(Outcome::Timeout), 100u);
}

TEST(MultiTier, TheProductHoldsForUnevenTiers) {
    const RunMetrics m = checked_run(chain({2, 4, 1, 3}, 50));
    EXPECT_EQ(m.attempts, 50u * 2 * 4 * 1 * 3);
}

TEST(MultiTier, RetryingAtOneTierOnlyKeepsItLinear) {
    const RunMetrics m = checked_run(chain({3, 1, 1}, 100));
    EXPECT_EQ(m.attempts, 300u);
}

TEST(MultiTier, ABudgetAtEveryTierBoundsIt) {
    Scenario s = chain({3, 3, 3}, 1000);
    s.rpc.retry_budget = RetryBudgetConfig::finagle();
    for (RpcConfig& t : s.inner_tiers) t.retry_budget = RetryBudgetConfig::finagle();
    const RunMetrics m = checked_run(s);
    // Finagle lets each tier retry 20 % of its requests plus 100: at most (1.2)^3 N plus reserves.
    EXPECT_LT(m.attempts, 2500u);
    EXPECT_GT(m.budget_denials, 0u);
}

TEST(MultiTier, ThePresetShowsAllThree) {
    const std::vector<Scenario> v = *preset("tiers");
    ASSERT_EQ(v.size(), 3u);
    const RunMetrics everywhere = checked_run(v[0]);
    const RunMetrics once = checked_run(v[1]);
    const RunMetrics budget = checked_run(v[2]);
    EXPECT_GT(everywhere.amplification(), 5.0);
    EXPECT_LT(once.amplification(), everywhere.amplification() / 3);
    EXPECT_LT(budget.amplification(), everywhere.amplification() / 3);
}

TEST(MultiTier, TiersAreForRpcAndAtMostEight) {
    Scenario s = chain({2, 2}, 1);
    s.inner_tiers.resize(kMaxTiers, s.rpc);
    EXPECT_THROW(s.validate(), std::invalid_argument);
}

// Each tier's machines carry their tier, so a trace tells a client retry from an inner one and
// an inner breaker's openings are counted apart from the client breaker's series.
TEST(MultiTier, TracesNameEachTiersMachines) {
    Scenario s = chain({2, 2}, 20);
    s.rpc.breaker = CircuitBreakerConfig::tutorial();
    s.inner_tiers[0].breaker = CircuitBreakerConfig::tutorial();
    TraceRecorder trace(true);
    const RunMetrics m = run_scenario(s, RunOptions{}.with_trace(&trace));
    std::set<std::string_view> components;
    std::uint64_t inner_opens = 0;
    for (const TraceEntry& e : trace.entries()) {
        components.insert(e.component);
        if (e.component == "tier2.breaker" && e.to == "Open" && e.from != "Open") ++inner_opens;
    }
    for (std::string_view name : {"retry", "tier2.retry", "breaker", "tier2.breaker"})
        EXPECT_TRUE(components.contains(name)) << name;
    ASSERT_GT(inner_opens, 0u);
    // breaker_opens counts both breakers' openings; the client's alone drive the breaker series.
    std::uint64_t client_opens = 0;
    for (const TraceEntry& e : trace.entries())
        if (e.component == "breaker" && e.to == "Open" && e.from != "Open") ++client_opens;
    EXPECT_EQ(m.breaker_opens, client_opens + inner_opens);
}

}  // namespace
}  // namespace cascadelab

namespace cascadelab {
namespace {

using namespace literals;
using testing::checked_run;

// The event-driven chain A -> B -> C: each stage retries only its own hop.
Scenario event_chain(std::vector<std::uint32_t> deliveries, std::uint64_t events) {
    Scenario s;
    s.name = "event-chain";
    s.architecture = Architecture::Event;
    s.workload.kind = WorkloadKind::Burst;
    s.workload.burst_size = 1;
    s.workload.bursts = events;
    s.workload.gap = 5_ms;
    s.faults = FaultSchedule({FaultWindow{FaultKind::Outage, Time{}, 3600_s, 1.0}});
    auto stage = [](std::uint32_t n) {
        EventConfig e;
        e.consumers = 4;
        e.message.max_deliveries = n;
        return e;
    };
    s.event = stage(deliveries[0]);
    for (std::size_t i = 1; i < deliveries.size(); ++i) s.inner_stages.push_back(stage(deliveries[i]));
    return s;
}

// Unlike the RPC chain, retries do not multiply: a stage's delivery succeeds once the next queue
// has the message, so only the last stage's retries reach the service.
TEST(MultiStage, EventDrivenRetriesDoNotMultiply) {
    const RunMetrics m = checked_run(event_chain({3, 3, 3}, 100));
    ASSERT_EQ(m.attempts_by_tier.size(), 3u);
    EXPECT_EQ(m.attempts_by_tier[0], 100u);  // forwards from A to B
    EXPECT_EQ(m.attempts_by_tier[1], 100u);  // forwards from B to C
    EXPECT_EQ(m.attempts, 300u);             // C's three deliveries each
    EXPECT_EQ(m.outcome(Outcome::DeadLettered), 100u);
}

TEST(MultiStage, AFullNextQueueFailsTheForwardAndIsRetriedThere) {
    Scenario s = event_chain({2, 3}, 200);
    s.workload.burst_size = 200;  // all at once
    s.workload.bursts = 1;
    s.inner_stages[0].queue_capacity = 5;  // B's queue is small
    s.inner_stages[0].consumers = 1;
    const RunMetrics m = checked_run(s);
    // Some forwards were refused, retried by A, and dead-lettered at A after 2 tries.
    EXPECT_GT(m.attempts_by_tier[0], 200u);
    EXPECT_GT(m.outcome(Outcome::DeadLettered), 0u);
    EXPECT_EQ(m.settled(), 200u);
}

TEST(MultiStage, ThePresetContrastsBothArchitectures) {
    const std::vector<Scenario> v = *preset("stages");
    ASSERT_EQ(v.size(), 1u);
    const RunMetrics m = checked_run(v[0]);
    EXPECT_LE(m.amplification(), 3.0);  // at most the last stage's deliveries
    EXPECT_EQ(m.outcome(Outcome::Dropped), 0u);
}

TEST(MultiStage, OnlyTheLastStageMayGuardTheService) {
    Scenario s = event_chain({2, 2}, 1);
    s.event.bulkhead = BulkheadConfig{};
    EXPECT_THROW(s.validate(), std::invalid_argument);
    s.event.bulkhead.reset();
    s.inner_stages.back().bulkhead = BulkheadConfig{};
    EXPECT_NO_THROW(s.validate());
}

// Each stage's machines carry their stage in their trace names, as a reader of a timeline needs.
TEST(MultiStage, TracesNameEachStagesMessagesAndConsumers) {
    const Scenario s = preset("stages-event")->front();
    TraceRecorder trace(true);
    run_scenario(s, RunOptions{}.with_trace(&trace));
    std::set<std::string_view> components;
    for (const TraceEntry& e : trace.entries()) components.insert(e.component);
    for (std::string_view name : {"message", "stage2.message", "stage3.message", "consumer", "stage2.consumer",
                                  "stage3.consumer"})
        EXPECT_TRUE(components.contains(name)) << name;
}

}  // namespace
}  // namespace cascadelab
