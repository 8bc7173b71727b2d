// How a run can be watched while it happens: every state transition and, after every event, a
// snapshot of the quantities the invariants talk about. The properties library (properties/)
// implements this to check invariants at every step, the hunt and replay commands to draw
// timelines. A run without an observer pays one branch per event.
#pragma once

#include <cstdint>      // std::uint64_t
#include <string_view>  // std::string_view

#include "model/kernel/time.hpp"
#include "statemachines/circuit_breaker.hpp"
#include "statemachines/component_id.hpp"
#include "statemachines/outcome.hpp"

namespace cascadelab {

struct Snapshot {
    Time now;
    std::uint64_t step = 0;  // events dispatched so far

    // Requests (RPC) or messages (event-driven).
    std::uint64_t started = 0;    // requests started / messages published (attempted)
    std::uint64_t settled = 0;    // with their one outcome
    std::uint64_t ok = 0;
    std::uint64_t attempts = 0;   // downstream attempts so far
    std::uint64_t retries = 0;    // attempts (deliveries) after the first, counted when they start
    std::uint64_t retries_decided = 0;  // retries decided (a backoff began), counted at the decision
    std::uint64_t in_system = 0;  // requests or messages without an outcome yet
    std::uint32_t max_attempt_number = 0;  // the highest attempt (delivery) number seen so far
    Duration max_backoff;                   // the longest backoff drawn so far
    std::uint64_t breaker_permits = 0;      // calls the breaker let through so far

    std::uint32_t downstream_in_flight = 0;
    std::uint32_t bulkhead_active = 0;      // 0 without a bulkhead
    std::uint32_t bulkhead_limit = 0;       // 0 without a bulkhead
    std::uint32_t bulkhead_waiting = 0;     // callers in the bulkhead's queue (stale entries too)
    std::uint32_t bulkhead_queue_limit = 0; // max_queue_length; 0 without a bulkhead
    bool has_breaker = false;
    BreakerState breaker_state = BreakerState::Closed;
    std::uint32_t breaker_probes = 0;       // probes in flight in HalfOpen
    std::uint32_t breaker_probe_limit = 0;

    // Event-driven only: where the published messages are now.
    std::uint64_t queued = 0;        // in the queue
    std::uint64_t in_transit = 0;    // published but not yet in the queue, or on the way to a consumer
    std::uint64_t processing = 0;    // held by a consumer (calling, or blocking in backoff)
    std::uint64_t waiting = 0;       // non-blocking redelivery pending
    std::uint64_t acked = 0;
    std::uint64_t dead_lettered = 0;
    std::uint64_t dropped = 0;
};

// One call on its way through the guards (breaker, bulkhead) to the service or the next tier, as
// the guards see it. The invariants judge the breaker, the bulkhead and the retry machines from
// these steps instead of reading the machines' own counters (which a bug in a machine would keep
// consistent with itself).
enum class CallStep : std::uint8_t {
    Permitted,  // the breaker gave the call a permit (`epoch`)
    Queued,     // the bulkhead is full: the call waits in its queue
    Dequeued,   // it left the queue without a slot (refused, its wait expired, the caller gave up)
    Sent,       // past the guards: the call left for the service (or the next tier)
    Answered,   // the answer the caller awaited: ok, or `failed` with `outcome` and `pushback`
    Left,       // the caller stopped waiting for a call at the service (timeout, deadline)
    Recorded,   // an outcome handed to the breaker: `failed` with `outcome`, `took`, the permit's `epoch`
};
struct CallEvent {
    CallStep step = CallStep::Sent;
    std::uint64_t caller = 0;  // the request number (RPC) or event number (event-driven) of the call
    bool failed = false;
    AttemptOutcome outcome = AttemptOutcome::Error;  // when `failed`
    Pushback pushback{};                             // Answered
    Duration took{};                                 // Recorded
    std::uint64_t epoch = 0;                         // Permitted, Recorded
};

class RunObserver {
public:
    virtual ~RunObserver() = default;
    // A machine changed state (or took an internal row). Names have static storage duration.
    virtual void transitioned(Time, ComponentId /*component*/, std::string_view /*from*/,
                              std::string_view /*event*/, std::string_view /*to*/, std::uint64_t /*id*/) {}
    // A call of the client tier (RPC) or the calling stage (event-driven) took a step.
    virtual void call(Time, const CallEvent&) {}
    // After every simulator event.
    virtual void step(const Snapshot&) {}
};

}  // namespace cascadelab
