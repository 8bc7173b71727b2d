// The circuit breaker's books: what it counts and what its counts say, kept the way the peer it
// follows keeps them (BreakerModel in breaker_config.hpp). The machine (circuit_breaker.cpp) asks
// it and tells it; the books know no more of the machine than the state it reports on each entry.
#pragma once

#include <cstdint>  // std::uint32_t, std::uint64_t

#include "model/kernel/time.hpp"
#include "statemachines/breaker_config.hpp"
#include "statemachines/breaker_window.hpp"
#include "statemachines/health_metrics.hpp"

namespace cascadelab {

// Resilience4j's CircuitBreaker.Metrics of the current state.
struct Resilience4jMetrics {
    float failure_rate = -1.0f;    // percent; -1 below the minimum number of calls
    float slow_call_rate = -1.0f;  // percent; -1 below the minimum number of calls
    std::uint32_t buffered = 0;
    std::uint32_t failed = 0;
    std::uint32_t successful = 0;
    std::uint32_t slow = 0;
    std::uint32_t slow_successful = 0;
    std::uint32_t slow_failed = 0;
    std::uint64_t not_permitted = 0;  // since the breaker entered this state (Open: the state it came from)
    bool operator==(const Resilience4jMetrics&) const = default;
};

// Resilience4j's CircuitBreakerMetrics.Result: what a window says of the thresholds.
enum class Verdict { BelowMinimumCalls, BelowThresholds, FailureRateExceeded, SlowCallRateExceeded, BothExceeded };
constexpr bool exceeded(Verdict v) { return v >= Verdict::FailureRateExceeded; }
constexpr bool failure_rate_exceeded(Verdict v) { return v == Verdict::FailureRateExceeded || v == Verdict::BothExceeded; }
constexpr bool slow_call_rate_exceeded(Verdict v) { return v == Verdict::SlowCallRateExceeded || v == Verdict::BothExceeded; }

class BreakerBook {
public:
    // `config` must outlive the books.
    BreakerBook(const CircuitBreakerConfig& config, Time now);
    BreakerBook(const BreakerBook&) = delete;  // current_ points into *this
    BreakerBook& operator=(const BreakerBook&) = delete;

    // The breaker entered `state`. Resilience4j gives every state fresh metrics but Open, which
    // keeps those of the state it came from; Polly's health resets only when the circuit closes.
    void entered(BreakerState state, Time now);

    // Closed and MetricsOnly: what the thresholds would say once `o` is recorded. Polly: only a
    // failure can exceed them.
    Verdict verdict_with(Time now, const CallOutcome& o) const;
    // HalfOpen: the same over the probes' window (Resilience4j: min(permitted, minimum) calls
    // before a verdict); Polly: the outcome itself is the verdict.
    Verdict probe_verdict_with(Time now, const CallOutcome& o) const;

    // Records an outcome in the current books. Polly counts no failure in HalfOpen.
    void record(Time now, const CallOutcome& o, BreakerState state);
    void not_permitted();

    Resilience4jMetrics resilience4j(Time now) const;
    HealthInfo polly(Time now) const;
    // The current counts either way (Resilience4j: the current state's window).
    WindowTotals current(Time now) const;
    // Failures and failure rate (percent) of the current books: a growing open wait's inputs.
    std::uint32_t failures(Time now) const;
    double failure_rate_percent(Time now) const;
    std::uint64_t not_permitted_total() const { return not_permitted_total_; }

private:
    // One Resilience4j CircuitBreakerMetrics: a window, its minimum number of calls, and the
    // calls refused while it was the current state's.
    struct StateMetrics {
        BreakerWindow window;
        std::uint32_t minimum;
        std::uint64_t not_permitted = 0;
    };
    Verdict r4j_verdict(const WindowTotals& t, std::uint32_t minimum) const;
    Verdict polly_verdict(const HealthInfo& h) const;

    const CircuitBreakerConfig* config_;
    StateMetrics closed_;  // Closed and MetricsOnly
    StateMetrics probes_;  // HalfOpen: a count window of the permitted calls
    StateMetrics admin_;   // ForcedOpen and Disabled: records nothing
    StateMetrics* current_;
    HealthMetrics health_;  // Polly
    std::uint64_t not_permitted_total_ = 0;
};

}  // namespace cascadelab
