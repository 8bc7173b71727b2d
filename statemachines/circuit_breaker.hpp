// The circuit breaker: Closed / Open / HalfOpen inside an Operating region, plus the
// administrative states ForcedOpen, Disabled and MetricsOnly (Resilience4j's full set).
// The Boost.MSM transition table is in circuit_breaker.cpp, first thing in the file; this header
// is Boost-free so that only one translation unit pays for MSM.
#pragma once

#include <cstdint>      // std::uint64_t
#include <memory>       // std::unique_ptr
#include <string_view>  // std::string_view

#include "model/time.hpp"
#include "statemachines/breaker_window.hpp"
#include "statemachines/description.hpp"
#include "statemachines/effects.hpp"

namespace cascadelab {

enum class BreakerState { Closed, Open, HalfOpen, ForcedOpen, Disabled, MetricsOnly };
std::string_view name(BreakerState s);

// Administrative modes (Resilience4j transitionToForcedOpenState() etc.); Normal = Operating.
enum class BreakerMode { Normal, ForcedOpen, Disabled, MetricsOnly };

// What happens when the wait in Open is over.
enum class HalfOpenPolicy {
    Probes,  // HalfOpen admits permitted_calls_in_half_open probes (Resilience4j; Polly = 1 probe)
    None,    // straight back to Closed with an empty window (the tutorial's breaker)
};

// Why the breaker last opened: Resilience4j's FAILURE_RATE_EXCEEDED / SLOW_CALL_RATE_EXCEEDED
// events, plus the two HalfOpen verdicts.
enum class TripReason { None, FailureRate, SlowCallRate, ProbesFailed, HalfOpenTimedOut };
std::string_view name(TripReason r);

struct CircuitBreakerConfig {
    // Names follow Resilience4j (snake_case); defaults are Resilience4j's unless noted.
    WindowKind sliding_window_type = WindowKind::CountBased;
    std::uint32_t sliding_window_size = 100;                 // outcomes, or buckets when time-based
    Duration time_window_bucket = Duration::seconds(1);      // width of one time-based bucket
    std::uint32_t minimum_number_of_calls = 100;             // clamped to the window size (count-based)
    double failure_rate_threshold = 50.0;                    // percent, trips at >=
    double slow_call_rate_threshold = 100.0;                 // percent, trips at >=
    Duration slow_call_duration_threshold = Duration::seconds(60);  // slow = strictly longer
    Duration wait_duration_in_open_state = Duration::seconds(60);
    // Growing wait (waitIntervalFunctionInOpenState / Polly's BreakDurationGenerator): the n-th
    // consecutive opening waits min(max_wait_in_open_state, wait * multiplier^(n-1)).
    double wait_in_open_multiplier = 1.0;
    Duration max_wait_in_open_state = Duration::seconds(60);
    // false: lazy, the first call after the wait moves Open -> HalfOpen (and is the first probe).
    bool automatic_transition_from_open_to_half_open = false;
    HalfOpenPolicy half_open_policy = HalfOpenPolicy::Probes;
    std::uint32_t permitted_number_of_calls_in_half_open_state = 10;
    // 0 = off. Otherwise HalfOpen -> Open after this long, so hung probes cannot leave it stuck
    // (Resilience4j #935).
    Duration max_wait_duration_in_half_open_state = Duration::zero();

    static CircuitBreakerConfig resilience4j();
    // Polly v8: one probe in HalfOpen; FailureRatio 0.1, MinimumThroughput 100, BreakDuration 5 s,
    // a 30 s time window (sampled here as 30 one-second buckets), and a hung probe is replaced
    // after one more BreakDuration.
    static CircuitBreakerConfig polly();
    // The tutorial: last 20 outcomes, opens on >= 8 failures with a full window, 500 ms open,
    // then Closed again (no HalfOpen).
    static CircuitBreakerConfig tutorial();

    // Throws ConfigError naming the field and the value.
    void validate() const;
};

// A call the breaker let through carries the epoch of its permit, so that an outcome arriving
// after the breaker moved on (a late probe, a call admitted before the breaker opened) is told
// apart from the probes of the current HalfOpen.
struct BreakerPermit {
    bool permitted = false;
    std::uint64_t epoch = 0;
};

class CircuitBreaker {
public:
    CircuitBreaker(const CircuitBreakerConfig& config, Effects& effects, std::string_view component = "breaker");
    ~CircuitBreaker();
    CircuitBreaker(const CircuitBreaker&) = delete;
    CircuitBreaker& operator=(const CircuitBreaker&) = delete;

    // Events (past-tense facts, as in the table).
    BreakerPermit call_requested(Time now);
    void call_completed(Time now, const BreakerPermit& permit, Duration duration, bool failed);
    void open_wait_elapsed(Time now);       // the BreakerOpenWait timer fired
    void half_open_wait_elapsed(Time now);  // the BreakerHalfOpenWait timer fired
    void mode_changed(Time now, BreakerMode mode);

    // Read-outs.
    BreakerState state() const;
    WindowTotals window(Time now) const;  // Closed/MetricsOnly: the window; HalfOpen: the probes
    double failure_rate(Time now) const { return window(now).failure_rate(); }
    double slow_call_rate(Time now) const { return window(now).slow_call_rate(); }
    TripReason last_trip() const;
    std::uint64_t transitions() const;
    std::uint64_t not_permitted() const;  // calls rejected
    std::uint64_t unhandled_events() const;  // modelling errors: must stay 0
    std::string_view last_row_guard() const;  // the guard of the last row taken ("" if none)
    std::uint32_t consecutive_opens() const;
    Duration current_open_wait() const;
    std::uint32_t probes_in_flight() const;
    const CircuitBreakerConfig& config() const;

    static MachineDescription describe();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace cascadelab
