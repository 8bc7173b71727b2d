// The event-driven architecture:
//
//   producer -> queue (bounded; reject-publish when full) -> N consumers -> [breaker] -> [bulkhead]
//        -> call with timeout -> downstream
//
// A failed message is redelivered after a backoff — the consumer sleeps it out holding the
// message (blocking, the tutorial) or the message waits on a delayed requeue and the consumer is
// free (non-blocking) — and is dead-lettered after max deliveries. End-to-end latency runs from
// publish to ack (queue wait and broker hops included); service latency from the last dequeue
// to the ack.
#pragma once

#include "model/metrics.hpp"
#include "model/run_options.hpp"
#include "model/scenario.hpp"

namespace cascadelab {

// Precondition: scenario.validate() passed and scenario.architecture is Event.
RunMetrics run_event(const Scenario& scenario, const RunOptions& options = {});
// Bytes of live state per message (its slot, its machine and its place in a queue) and per
// consumer: what the run's memory budget counts.
std::size_t event_bytes_per_message();
std::size_t event_bytes_per_consumer();

}  // namespace cascadelab
