// The circuit breaker: Closed / Open / HalfOpen inside an Operating region, and the
// administrative states ForcedOpen, Disabled and MetricsOnly inside an Administrative region
// (Resilience4j's full set; Polly's Isolated is ForcedOpen). The Boost.MSM transition tables are
// in circuit_breaker.cpp, first thing in the file; this header is Boost-free so that only one
// translation unit pays for MSM. The configuration is breaker_config.hpp, the bookkeeping
// breaker_book.hpp.
#pragma once

#include <cstdint>      // std::uint64_t
#include <memory>       // std::unique_ptr
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "model/kernel/time.hpp"
#include "statemachines/breaker_book.hpp"
#include "statemachines/breaker_config.hpp"
#include "statemachines/description.hpp"
#include "statemachines/effects.hpp"
#include "statemachines/outcome.hpp"

namespace cascadelab {

// Why the breaker last opened: Resilience4j's FAILURE_RATE_EXCEEDED / SLOW_CALL_RATE_EXCEEDED
// events, the two HalfOpen verdicts, and an operator's transition.
enum class TripReason { None, FailureRate, SlowCallRate, ProbesFailed, HalfOpenTimedOut, Manual };
std::string_view name(TripReason r);

// A call the breaker let through carries the epoch of its permit, so that an outcome arriving
// after the breaker moved on (a late probe, a call admitted before the breaker opened) can be
// told apart from the probes of the current HalfOpen.
struct BreakerPermit {
    bool permitted = false;
    std::uint64_t epoch = 0;
};

// A manual transition's result: Resilience4j throws IllegalStateTransitionException for
// CLOSED -> HALF_OPEN and METRICS_ONLY -> OPEN / HALF_OPEN; here the breaker stays put and says so.
enum class TransitionResult { Done, Illegal };

class CircuitBreaker {
public:
    // `now`: when the breaker is created (an initial Open state waits from then).
    CircuitBreaker(const CircuitBreakerConfig& config, BreakerEffects& effects,
                   ComponentId component = {ComponentKind::Breaker},
                   Time now = Time::zero());
    ~CircuitBreaker();
    CircuitBreaker(const CircuitBreaker&) = delete;
    CircuitBreaker& operator=(const CircuitBreaker&) = delete;

    // --- Calls: ask, then report one of the outcomes ---
    BreakerPermit call_requested(Time now);
    // An outcome as the breaker's `record` setting classifies it (a failure, a success, ignored).
    void call_finished(Time now, const BreakerPermit& permit, Duration took, AttemptOutcome outcome);
    void call_succeeded(Time now, const BreakerPermit& permit, Duration took);
    void call_completed(Time now, const BreakerPermit& permit, Duration took, bool failed);
    // Resilience4j releasePermission (and an ignored exception): a HalfOpen probe's permit is
    // given back, nothing is recorded.
    void permit_released(Time now, const BreakerPermit& permit);

    // --- Timers the breaker started ---
    void open_wait_elapsed(Time now);       // BreakerOpenWait (automatic mode)
    void half_open_wait_elapsed(Time now);  // BreakerHalfOpenWait

    // --- Manual control (Resilience4j transitionTo*State, Polly's Isolate and Close) ---
    TransitionResult transition_to(Time now, BreakerState target);
    TransitionResult open_for(Time now, Duration wait);  // Resilience4j transitionToOpenStateFor
    TransitionResult open_until(Time now, Time until);   // Resilience4j transitionToOpenStateUntil
    // Resilience4j reset() and Polly CloseCircuitAsync: Closed with fresh metrics, from any state.
    void reset(Time now);

    // --- Read-outs ---
    BreakerState state() const;
    WindowTotals window(Time now) const;           // the current books' counts
    Resilience4jMetrics metrics(Time now) const;   // Resilience4j's CircuitBreaker.Metrics
    HealthInfo health(Time now) const;             // Polly's HealthInfo
    // Polly's BrokenCircuitException.RetryAfter: until the break ends (HalfOpen: the probe's
    // break, which may have passed); Duration::max() when forced open; zero otherwise.
    Duration retry_after(Time now) const;
    TripReason last_trip() const;
    std::uint64_t failure_rate_exceeded_events() const;  // Resilience4j FAILURE_RATE_EXCEEDED
    std::uint64_t slow_call_rate_exceeded_events() const;
    std::uint64_t transitions() const;
    std::uint64_t not_permitted() const;  // every call refused, all states together
    std::uint64_t late_outcomes() const;  // outcomes that arrived while Open or from an earlier state
    std::uint64_t illegal_transitions() const;
    std::string last_illegal_transition() const;  // Resilience4j's message, or ""
    std::uint64_t unhandled_events() const;       // modelling errors: must stay 0
    std::string_view last_row_guard() const;      // the guard of the last row taken ("" if none)
    std::uint32_t consecutive_opens() const;      // Resilience4j's attempts: 1 for the first opening
    Duration current_open_wait() const;
    Time open_until() const;                       // when the current (or last) wait in Open ends
    std::uint32_t probes_in_flight() const;
    std::uint32_t probe_permits_left() const;
    // The most probes this HalfOpen may have out: the permitted number, plus the permits that
    // releases of earlier calls gave back (ReleasedPermits::AnyPermit, Resilience4j).
    std::uint32_t probe_limit() const;
    const CircuitBreakerConfig& config() const;

    // Appends the name of every guard that holds from now on (nullptr: stop). For row-coverage
    // tests: one event may take several rows (a transition, then a region's entry choice).
    void log_guards(std::vector<std::string_view>* sink);

    static MachineDescription describe();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace cascadelab
