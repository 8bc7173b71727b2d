// The downstream service every request ends at: base latency with uniform jitter, a failure
// probability, and the overload model of the seed tutorial — above a knee of in-flight work,
// latency and failures grow with the load factor. Faults (faults.hpp) act on top.
//
//   load      = max(min_load_factor, in_flight / (knee_in_flight * capacity_factor))
//               taken when an attempt starts, in_flight counting that attempt
//   latency   = (base_latency + U[0, jitter) + max(0, load - 1) * latency_per_load) * latency_factor
//   p(failure)= load <= 1 ? p : min(failure_cap, p + (load - 1) * failure_per_load)
//
// A failed attempt takes its full latency (the error arrives when the work is done), except in
// an outage or above the concurrency capacity, where it is refused after `refusal_latency`.
//
// How a failure looks to the caller: an outage refuses with a retryable error (UNAVAILABLE, a
// reset connection); a full service refuses as throttled (HTTP 429, RESOURCE_EXHAUSTED); of the
// failures of work that ran, `fatal_fraction` are fatal (INVALID_ARGUMENT, HTTP 4xx: no retry can
// fix them). A pushback policy adds the server's retry advice to the failures it names.
#pragma once

#include <cstdint>      // std::uint32_t
#include <string_view>  // std::string_view

#include "model/faults.hpp"
#include "statemachines/outcome.hpp"
#include "model/kernel/rng.hpp"
#include "model/kernel/time.hpp"

namespace cascadelab {

// What the downstream does with the work of an attempt its caller gave up on.
enum class TimeoutSemantics {
    Cancel,   // the work stops when the caller times out (the tutorial)
    Abandon,  // the work runs to the end and keeps its capacity (what most servers really do)
};
std::string_view name(TimeoutSemantics t);

// When the service attaches retry advice to a failure (gRPC "grpc-retry-pushback-ms", HTTP
// Retry-After), and which: a delay, or "do not retry" (a negative pushback).
struct PushbackPolicy {
    enum class When { Never, OnRefusal, OnAnyFailure };
    When when = When::Never;
    Pushback advice = Pushback::stop();
    bool applies(bool refused) const {
        return when == When::OnAnyFailure || (when == When::OnRefusal && refused);
    }
};
std::string_view name(PushbackPolicy::When w);

struct DownstreamConfig {
    Duration base_latency = Duration::millis(8);
    Duration jitter = Duration::millis(6);  // uniform [0, jitter)
    double failure_probability = 0.05;
    double knee_in_flight = 25.0;           // in-flight attempts at load factor 1
    double min_load_factor = 0.5;
    Duration latency_per_load = Duration::millis(50);  // extra latency per unit of load above 1
    double failure_per_load = 0.40;                    // extra failure probability per unit above 1
    double failure_cap = 0.95;
    // Attempts beyond this many in flight are refused at once (a full accept queue, Envoy's
    // max_requests); kUnlimited = no limit (the tutorial).
    static constexpr std::uint32_t kUnlimited = 0;
    std::uint32_t capacity = kUnlimited;
    Duration refusal_latency = Duration::millis(1);
    TimeoutSemantics on_timeout = TimeoutSemantics::Cancel;
    // Of the failures of work that ran, the fraction that are fatal (not retryable). Drawn from
    // its own stream, only when above 0, so that the other streams never move.
    double fatal_fraction = 0.0;
    PushbackPolicy pushback;

    // The seed tutorial's service: 8 ms + U[0, 6) ms, p = 0.05, knee 25, +50 ms and +0.40 per
    // unit of load above 1, failures capped at 0.95, timed-out work cancelled.
    static DownstreamConfig tutorial() { return DownstreamConfig{}; }
    void validate() const;  // throws ConfigError naming the field and the value
};

// How one attempt will go, decided when it starts.
struct AttemptPlan {
    Duration latency;
    bool fails = false;
    bool refused = false;  // outage or capacity: failed without doing work
    double load = 0.0;
    AttemptOutcome failure = AttemptOutcome::Error;  // how a failure looks to the caller
    Pushback pushback;                               // the server's retry advice with it
};

class Downstream {
public:
    Downstream(const DownstreamConfig& config, const FaultSchedule& faults, Rng latency_rng, Rng failure_rng,
               Rng fatal_rng);

    // An attempt arrives now; it is counted in flight until finish() (refused ones are not).
    AttemptPlan start(Time now);
    void finish() { --in_flight_; }

    std::uint32_t in_flight() const { return in_flight_; }
    std::uint32_t max_in_flight() const { return max_in_flight_; }
    std::uint64_t started() const { return started_; }
    std::uint64_t refused() const { return refused_; }
    const DownstreamConfig& config() const { return config_; }

private:
    DownstreamConfig config_;
    const FaultSchedule* faults_;
    Rng latency_rng_;
    Rng failure_rng_;
    Rng fatal_rng_;
    std::uint32_t in_flight_ = 0;
    std::uint32_t max_in_flight_ = 0;
    std::uint64_t started_ = 0;
    std::uint64_t refused_ = 0;
};

}  // namespace cascadelab
