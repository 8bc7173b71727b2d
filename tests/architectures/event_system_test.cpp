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

// A service with an exact latency and no failures, for counting what the queue does.
Scenario exact_event(std::uint64_t burst, std::uint32_t consumers, Duration latency) {
    Scenario s = plain_event(burst, consumers);
    s.downstream.base_latency = latency;
    s.downstream.jitter = Duration::zero();
    s.downstream.failure_probability = 0.0;
    return s;
}

std::uint64_t dead_letters(const RunMetrics& m, DeadLetterReason why) {
    return m.dead_letters_by_reason[static_cast<std::size_t>(why)];
}

// RabbitMQ's default overflow: the oldest message leaves (dead-lettered, reason maxlen).
TEST(EventSystem, DropHeadEvictsTheOldestMessages) {
    Scenario s = exact_event(100, 1, 5_ms);
    s.event.queue_capacity = 10;
    s.event.overflow = QueueOverflow::DropHead;
    const RunMetrics m = checked_run(s);
    EXPECT_EQ(m.outcome(Outcome::Dropped), 0u);
    EXPECT_EQ(dead_letters(m, DeadLetterReason::MaxLength), 89u);  // 2 .. 90 made room for 12 .. 100
    EXPECT_EQ(m.ok(), 11u);
}

TEST(EventSystem, RejectPublishDlxDeadLettersTheRefusedOnes) {
    Scenario s = exact_event(100, 1, 5_ms);
    s.event.queue_capacity = 10;
    s.event.overflow = QueueOverflow::RejectPublishDlx;
    const RunMetrics m = checked_run(s);
    EXPECT_EQ(m.outcome(Outcome::Dropped), 0u);
    EXPECT_EQ(dead_letters(m, DeadLetterReason::MaxLength), 89u);
    EXPECT_EQ(m.ok(), 11u);
}

// RabbitMQ x-message-ttl: one consumer takes one message per 10 ms; at 50 ms the head is 50 ms
// old and everything left has expired.
TEST(EventSystem, MessagesPastTheirTtlAreDeadLetteredAtTheHead) {
    Scenario s = exact_event(20, 1, 10_ms);
    s.event.message.ttl = 50_ms;
    const RunMetrics m = checked_run(s);
    EXPECT_EQ(m.ok(), 5u);
    EXPECT_EQ(dead_letters(m, DeadLetterReason::Expired), 15u);
}

// SQS: work that outlasts the visibility timeout is delivered again while it runs, until the
// receive count passes maxReceiveCount.
TEST(EventSystem, AVisibilityTimeoutShorterThanTheWorkDeliversDuplicatesUntilTheDlq) {
    Scenario s = exact_event(10, 2, 30_ms);
    s.event.attempt_timeout = Duration::zero();
    s.event.message = MessageConfig::sqs(3, 20_ms);
    const RunMetrics m = checked_run(s);
    EXPECT_EQ(m.ok(), 0u);
    EXPECT_EQ(dead_letters(m, DeadLetterReason::DeliveryLimit), 10u);
    EXPECT_EQ(m.duplicate_deliveries, 20u);  // each message delivered twice more while in the works
    EXPECT_EQ(m.attempts, 30u);
    s.event.message = MessageConfig::sqs(3, 50_ms);  // long enough: no duplicates
    const RunMetrics fine = checked_run(s);
    EXPECT_EQ(fine.ok(), 10u);
    EXPECT_EQ(fine.duplicate_deliveries, 0u);
}

// A poison message (a fatal error) is rejected without requeue: dead-lettered at its first delivery.
TEST(EventSystem, FatalErrorsAreDeadLetteredAtOnce) {
    Scenario s = plain_event(30, 4);
    s.faults = FaultSchedule({FaultWindow{FaultKind::ErrorRate, Time{}, 3600_s, 1.0}});
    s.downstream.fatal_fraction = 1.0;
    const RunMetrics m = checked_run(s);
    EXPECT_EQ(dead_letters(m, DeadLetterReason::Rejected), 30u);
    EXPECT_EQ(m.attempts, 30u);
}

}  // namespace
}  // namespace cascadelab
