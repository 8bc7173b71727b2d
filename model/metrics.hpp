// What one run measured. Counters per outcome, latency as streaming histograms (constant memory)
// and per-window time series — nothing per request, so ten million requests cost what one does.
#pragma once

#include <array>    // std::array
#include <cstdint>  // std::uint64_t
#include <string>   // std::string
#include <vector>   // std::vector

#include "model/kernel/histogram.hpp"
#include "model/scenario.hpp"
#include "model/kernel/time.hpp"
#include "model/kernel/time_series.hpp"

namespace cascadelab {

// How a request (RPC) or a message (event-driven) ended. Exactly one per request.
enum class Outcome {
    Ok,
    Error,             // RPC: the last attempt failed with an error
    Timeout,           // RPC: the last attempt timed out
    BreakerRejected,   // RPC: the breaker refused the (last) call
    BulkheadRejected,  // RPC: the bulkhead refused the (last) call
    BudgetDenied,      // RPC: a retry was wanted but the retry budget said no
    Deadline,          // RPC: the overall deadline passed
    DeadLettered,      // event: max deliveries used up
    Dropped,           // event: the queue was full when it was published (or re-published)
};
inline constexpr std::size_t kOutcomeCount = 9;
std::string_view name(Outcome o);

struct RunMetrics {
    std::string scenario;
    Architecture architecture = Architecture::Rpc;
    std::uint64_t seed = 0;

    std::uint64_t requests = 0;  // requests started / events published (attempted)
    std::uint64_t outcomes[kOutcomeCount] = {};
    std::uint64_t outcome(Outcome o) const { return outcomes[static_cast<std::size_t>(o)]; }
    std::uint64_t ok() const { return outcome(Outcome::Ok); }
    std::uint64_t failed() const;    // RPC failures of every reason
    std::uint64_t settled() const;   // every outcome
    std::uint64_t unfinished = 0;    // still open when the run stopped at its horizon

    // Attempt-level counts (a request may see several).
    std::uint64_t attempts = 0;            // calls that reached the downstream (refused ones included)
    std::vector<std::uint64_t> attempts_by_tier;  // RPC: calls each tier made (the last: = attempts)
    std::uint64_t retries = 0;             // attempts or deliveries after the first
    std::uint64_t attempt_timeouts = 0;
    std::uint64_t attempt_errors = 0;
    std::uint64_t breaker_rejections = 0;  // calls the breaker refused
    std::uint64_t bulkhead_rejections = 0;
    std::uint64_t budget_denials = 0;
    std::uint64_t refused_by_downstream = 0;  // outage or capacity
    std::uint64_t breaker_opens = 0;          // transitions into Open
    std::uint64_t abandoned_work = 0;         // attempts whose work ran on after the caller left
    std::uint64_t throttled_attempts = 0;     // failures the caller saw as throttled (a full service)
    std::uint64_t fatal_errors = 0;           // failures no retry can fix
    std::uint64_t pushbacks = 0;              // failures that came with the server's retry advice
    // Event: deliveries of a message after its visibility timeout ran out while a consumer was
    // still working on it (SQS's at-least-once: the work may happen twice).
    std::uint64_t duplicate_deliveries = 0;
    // Event: dead letters by reason, indexed by DeadLetterReason (none, rejected, expired,
    // delivery_limit, maxlen).
    std::array<std::uint64_t, 5> dead_letters_by_reason{};

    std::uint64_t max_downstream_in_flight = 0;
    std::uint64_t max_queue_depth = 0;
    std::uint64_t max_bulkhead_waiting = 0;

    // End to end, what the caller waited: request start / publish -> its outcome, for every
    // request that got an answer (ok or failed; dead-lettered included). Dropped publishes are
    // left out: they were refused at the door and nobody waited for them.
    LatencyHistogram latency;
    LatencyHistogram ok_latency;       // the same, successes only
    LatencyHistogram service_latency;  // the successful attempt: admission / dequeue -> success
    Time finished_at;                  // the last outcome
    std::uint64_t events = 0;          // simulator events dispatched
    // Modelling errors, which must be 0: an event no row of a machine accepted, an effect the
    // architecture cannot carry out, or an event scheduled before the present (clamped to it).
    std::uint64_t unhandled_events = 0;

    TimeSeries goodput{Duration::millis(100)};      // successes per window
    TimeSeries in_flight{Duration::millis(100)};    // downstream in-flight, sampled at each change
    TimeSeries queue_depth{Duration::millis(100)};  // event: queue depth, sampled at each change
    TimeSeries breaker_open{Duration::millis(100)}; // 1 while Open/ForcedOpen, 0.5 HalfOpen, 0 else
    TimeSeries arrivals{Duration::millis(100)};     // requests started / events published per window
    Time last_arrival;

    explicit RunMetrics(Duration window = Duration::millis(100))
        : goodput(window), in_flight(window), queue_depth(window), breaker_open(window), arrivals(window) {}

    // Successes over arrivals in the last second of the workload, [last arrival − 1 s, last arrival):
    // about 1 for a system that keeps up at the end, about 0 for one stuck in a metastable state.
    double tail_goodput_ratio() const;

    // A breaker changed state: counts an opening and samples the breaker series.
    void note_breaker_state(Time at, BreakerState to);

    double amplification() const;   // downstream attempts / requests
    double duration_s() const { return finished_at.since_start().ms() / 1e3; }
    double throughput() const;       // settled outcomes per simulated second
    double goodput_per_s() const;    // successes per simulated second
    double success_ratio() const;    // ok / requests
};

}  // namespace cascadelab
