// The event-driven architecture: queue, consumers, redelivery and the dead-letter queue.
#include <gtest/gtest.h>

#include "checked_run.hpp"
#include "model/presets.hpp"

namespace cascadelab {
namespace {

using namespace literals;
using testing::checked_run;

Scenario plain_event(std::uint64_t burst, std::uint32_t consumers) {
    Scenario s;
    s.name = "test-event";
    s.architecture = Architecture::Event;
    s.workload.kind = WorkloadKind::Burst;
    s.workload.burst_size = burst;
    s.event.consumers = consumers;
    s.event.publish_latency = Duration::zero();
    s.event.delivery_latency = Duration::zero();
    return s;
}

TEST(EventSystem, TheSeedRunProcessesEveryEvent) {
    const RunMetrics m = checked_run(preset("seed")->back());
    EXPECT_EQ(m.ok(), 2000u);
    EXPECT_LE(m.max_downstream_in_flight, 16u);  // one call per consumer
    EXPECT_GE(m.max_queue_depth, 1900u);
    EXPECT_GE(m.service_latency.p50(), 8_ms);
    EXPECT_LT(m.service_latency.p50(), 14_ms);
    EXPECT_GT(m.latency.p50(), 500_ms);  // queue wait included end to end
}

TEST(EventSystem, AFullQueueDropsPublishes) {
    Scenario s = plain_event(100, 1);
    s.event.queue_capacity = 10;
    const RunMetrics m = checked_run(s);
    // The first is taken by the consumer at once, ten wait, the rest are refused.
    EXPECT_EQ(m.outcome(Outcome::Dropped), 89u);
    EXPECT_EQ(m.ok() + m.outcome(Outcome::DeadLettered), 11u);
}

TEST(EventSystem, AnAlwaysFailingMessageIsDeadLetteredAfterExactlyMaxDeliveries) {
    Scenario s = plain_event(30, 4);
    s.faults = FaultSchedule({FaultWindow{FaultKind::ErrorRate, Time{}, 3600_s, 1.0}});
    s.event.message.max_deliveries = 5;
    const RunMetrics m = checked_run(s);
    EXPECT_EQ(m.outcome(Outcome::DeadLettered), 30u);
    EXPECT_EQ(m.attempts, 30u * 5u);
    EXPECT_EQ(m.retries, 30u * 4u);
}

TEST(EventSystem, NonBlockingRetriesFreeTheConsumer) {
    Scenario s = plain_event(10, 1);
    s.faults = FaultSchedule({FaultWindow{FaultKind::ErrorRate, Time{}, 3600_s, 1.0}});
    s.event.message.redelivery_backoff.kind = BackoffKind::Constant;
    s.event.message.redelivery_backoff.jitter = Jitter::None;
    s.event.message.redelivery_backoff.base = 100_ms;
    s.event.message.redelivery_backoff.cap = 100_ms;
    const RunMetrics blocking = checked_run(s);
    s.event.message.retry_mode = RetryMode::NonBlocking;
    const RunMetrics non_blocking = checked_run(s);
    EXPECT_EQ(blocking.outcome(Outcome::DeadLettered), 10u);
    EXPECT_EQ(non_blocking.outcome(Outcome::DeadLettered), 10u);
    // Blocking: the one consumer sleeps 3 x 100 ms for each of the 10 messages.
    EXPECT_GE(blocking.finished_at, Time::at(3_s));
    EXPECT_LT(non_blocking.finished_at, Time::at(1_s));
}

TEST(EventSystem, ABulkheadBoundsTheCallsOfManyConsumers) {
    Scenario s = plain_event(500, 64);
    s.event.bulkhead = BulkheadConfig{10, Duration::max(), BulkheadConfig::kUnboundedQueue};
    const RunMetrics m = checked_run(s);
    EXPECT_LE(m.max_downstream_in_flight, 10u);
    EXPECT_EQ(m.ok() + m.outcome(Outcome::DeadLettered), 500u);
}

TEST(EventSystem, AnOpenBreakerFailsDeliveriesFast) {
    Scenario s = plain_event(200, 8);
    s.faults = FaultSchedule({FaultWindow{FaultKind::Outage, Time{}, 3600_s, 1.0}});
    CircuitBreakerConfig b = CircuitBreakerConfig::resilience4j();
    b.sliding_window_size = 10;
    b.minimum_number_of_calls = 10;
    s.event.breaker = b;
    const RunMetrics m = checked_run(s);
    EXPECT_EQ(m.breaker_opens, 1u);
    EXPECT_GT(m.breaker_rejections, 0u);
    EXPECT_EQ(m.outcome(Outcome::DeadLettered), 200u);
}

TEST(EventSystem, BrokerHopsAddToEndToEndLatencyOnly) {
    Scenario s = plain_event(1, 1);
    s.downstream.failure_probability = 0.0;
    s.downstream.jitter = Duration::zero();
    s.event.publish_latency = 3_ms;
    s.event.delivery_latency = 2_ms;
    const RunMetrics m = checked_run(s);
    EXPECT_EQ(m.service_latency.max(), 8_ms);
    EXPECT_EQ(m.latency.max(), 13_ms);
}

TEST(EventSystem, AProcessingTimeoutLetsTheConsumerGo) {
    Scenario s = plain_event(20, 2);
    s.faults = FaultSchedule({FaultWindow{FaultKind::LatencySpike, Time{}, 3600_s, 100.0}});
    s.event.attempt_timeout = Duration::zero();
    s.event.consumer.processing_timeout = 50_ms;
    s.event.message.max_deliveries = 2;
    const RunMetrics m = checked_run(s);
    EXPECT_EQ(m.outcome(Outcome::DeadLettered), 20u);
    EXPECT_EQ(m.ok(), 0u);
}

}  // namespace
}  // namespace cascadelab
