// The circuit breaker's context: its configuration, its books and counters, and the questions the
// guards of circuit_breaker.cpp ask. For that file only (kept apart so that the machine's tables,
// guards and actions read in one file of their own); Boost-free.
#pragma once

#include <algorithm>    // std::min
#include <cmath>        // std::pow
#include <cstdint>      // std::uint64_t
#include <optional>     // std::optional
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "statemachines/breaker_book.hpp"
#include "statemachines/circuit_breaker.hpp"
#include "statemachines/effects.hpp"

namespace cascadelab {

// ---- The context: configuration, books and counters the guards and actions read ----
struct BreakerContext {
    BreakerContext(const CircuitBreakerConfig& c, BreakerEffects& fx, ComponentId comp, Time created)
        : config(c), effects(&fx), component(comp), now(created), book(config, created), target(c.initial_state) {}

    CircuitBreakerConfig config;
    BreakerEffects* effects;
    ComponentId component;
    Time now;  // of the event being dispatched
    BreakerBook book;

    BreakerState state = BreakerState::Closed;
    std::string_view fired_guard;
    BreakerState target;        // where the entry choice leads (initial state, manual transition)
    bool wait_given = false;    // open_for / open_until chose the next wait in Open
    Duration given_wait;
    bool decided = false;       // a CallRequested row permitted or rejected the call
    BreakerPermit last_permit;
    std::uint64_t epoch = 1;    // advances on every entry to a state; 0 is never a valid epoch

    // Open
    Time open_until;
    Duration open_wait;
    std::uint32_t consecutive_opens = 0;
    // HalfOpen
    std::uint32_t permits_left = 0;      // Resilience4j's permittedNumberOfCalls (a release adds one back)
    std::uint32_t probes_in_flight = 0;  // probes of this HalfOpen not answered yet
    std::uint32_t extra_permits = 0;     // given back by releases of earlier permits
    Time probe_blocked_until;            // Polly: the break of the HalfOpen's probe
    Time next_retest;                    // Polly v7: when one more probe may go
    // MetricsOnly: Resilience4j publishes each threshold event once per stay
    bool reported_failure_rate = false;
    bool reported_slow_call_rate = false;

    TripReason last_trip = TripReason::None;
    std::uint64_t failure_rate_events = 0;
    std::uint64_t slow_call_rate_events = 0;
    std::uint64_t late_outcomes = 0;
    std::uint64_t illegal = 0;
    std::string last_illegal;
    std::uint64_t unhandled = 0;
    std::uint64_t transitions = 0;

    std::vector<std::string_view>* guard_log = nullptr;  // CircuitBreaker::log_guards
    void note_unhandled(std::string_view) { ++unhandled; }

    bool polly() const { return polly_family(config.model); }
    static bool operating(BreakerState s) {
        return s == BreakerState::Closed || s == BreakerState::Open || s == BreakerState::HalfOpen;
    }
    // Resilience4j's StateTransition table: everything but CLOSED -> HALF_OPEN and
    // METRICS_ONLY -> OPEN / HALF_OPEN.
    bool legal(BreakerState to) const {
        if (state == BreakerState::Closed && to == BreakerState::HalfOpen) return false;
        if (state == BreakerState::MetricsOnly && (to == BreakerState::Open || to == BreakerState::HalfOpen)) return false;
        return true;
    }
    bool wait_over() const {
        return config.wait_boundary == WaitBoundary::Inclusive ? now >= open_until : now > open_until;
    }
    bool stale(std::uint64_t e) const { return e != epoch; }
    // The window's verdict with the CallCompleted being dispatched (`e`: its epoch and outcome),
    // worked out once per event: up to three rows' guards and actions ask for it (Closed: trips
    // and !trips, then the tripping action), and it is the costliest part of the dispatch. The
    // memo is cleared before each CallCompleted (CircuitBreaker::call_completed).
    template <class CallCompleted>
    Verdict verdict(const CallCompleted& e) const {
        if (!verdict_memo) verdict_memo = book.verdict_with(now, e.outcome);
        return *verdict_memo;
    }
    template <class CallCompleted>
    Verdict probe_verdict(const CallCompleted& e) const {
        if (!probe_verdict_memo) probe_verdict_memo = book.probe_verdict_with(now, e.outcome);
        return *probe_verdict_memo;
    }
    void forget_verdicts() { verdict_memo = probe_verdict_memo = std::nullopt; }
    mutable std::optional<Verdict> verdict_memo;
    mutable std::optional<Verdict> probe_verdict_memo;
    template <class CallCompleted>
    bool counts_as_probe(const CallCompleted& e) const {
        return !(stale(e.epoch) && config.stale_outcomes == StaleOutcomes::Ignore);
    }

    void refuse() {
        last_permit = {false, epoch};
        decided = true;
        book.not_permitted();
    }
    void permit() {
        last_permit = {true, epoch};
        decided = true;
    }
    void count_exceeded(Verdict v) {
        if (failure_rate_exceeded(v)) ++failure_rate_events;
        if (slow_call_rate_exceeded(v)) ++slow_call_rate_events;
    }

    // The wait of the n-th consecutive opening (waitIntervalFunctionInOpenState, Polly's
    // BreakDurationGenerator), computed with the books as they are when the circuit opens.
    Duration next_open_wait() const {
        const Duration base = config.wait_duration_in_open_state;
        Duration w = base;
        switch (config.wait_growth) {
            case OpenWaitGrowth::Geometric:
                if (consecutive_opens > 1) {
                    const double grown = static_cast<double>(base.us()) *
                                         std::pow(config.wait_in_open_multiplier, static_cast<double>(consecutive_opens - 1));
                    w = grown >= 9.0e18 ? Duration::max() : Duration::micros(static_cast<std::int64_t>(grown));
                }
                break;
            case OpenWaitGrowth::LinearInFailures: w = base + config.wait_per_failure * book.failures(now); break;
            case OpenWaitGrowth::StepsByFailureRate: {
                const double rate = book.failure_rate_percent(now);
                for (const WaitStep& s : config.wait_steps)
                    if (rate >= s.min_failure_rate) w = s.wait;
                break;
            }
        }
        return std::min(w, config.max_wait_in_open_state);
    }
};

}  // namespace cascadelab
