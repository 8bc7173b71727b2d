// A Resilience4j-shaped handle on cascadelab's breaker for the ported tests: tryAcquirePermission,
// onSuccess / onError with a duration, releasePermission, the manual transitions and getMetrics,
// each mapped onto one event of the machine in virtual time.
#pragma once

#include <gtest/gtest.h>

#include "statemachines/circuit_breaker.hpp"
#include "tests/conformance/virtual_clock.hpp"

namespace cascadelab::conformance {

class R4jBreaker {
public:
    explicit R4jBreaker(const CircuitBreakerConfig& config) : cb(config, clock, {ComponentKind::Breaker}, clock.now) {
        clock.on_fire = [this](TimerKind kind, std::uint64_t, Time at) {
            if (kind == TimerKind::BreakerOpenWait) cb.open_wait_elapsed(at);
            if (kind == TimerKind::BreakerHalfOpenWait) cb.half_open_wait_elapsed(at);
        };
    }

    bool tryAcquirePermission() {
        const BreakerPermit p = cb.call_requested(clock.now);
        if (p.permitted) permit_ = p;
        return p.permitted;
    }
    // Resilience4j records whatever outcome arrives, acquired or not: the last permit stands in.
    void onSuccess(Duration took) { cb.call_succeeded(clock.now, permit_, took); }
    void onError(Duration took) { cb.call_finished(clock.now, permit_, took, AttemptOutcome::Error); }
    // An exception the breaker was told to ignore (the setups' NumberFormatException).
    void onIgnoredError(Duration took) { cb.call_finished(clock.now, permit_, took, AttemptOutcome::FatalError); }
    void releasePermission() { cb.permit_released(clock.now, permit_); }

    TransitionResult transitionTo(BreakerState s) { return cb.transition_to(clock.now, s); }
    void reset() { cb.reset(clock.now); }
    BreakerState getState() const { return cb.state(); }
    Resilience4jMetrics getMetrics() const { return cb.metrics(clock.now); }
    void advanceBySeconds(std::int64_t s) { clock.advance(Duration::seconds(s)); }

    // assertCircuitBreakerMetricsEqualTo(failureRate, successful, buffered, failed, notPermitted)
    void expect_metrics(float failure_rate, std::uint32_t successful, std::uint32_t buffered, std::uint32_t failed,
                        std::uint64_t not_permitted) const {
        const Resilience4jMetrics m = getMetrics();
        EXPECT_FLOAT_EQ(m.failure_rate, failure_rate);
        EXPECT_EQ(m.successful, successful);
        EXPECT_EQ(m.buffered, buffered);
        EXPECT_EQ(m.failed, failed);
        EXPECT_EQ(m.not_permitted, not_permitted);
    }
    void expect_metrics_reset() const { expect_metrics(-1.0f, 0, 0, 0, 0); }

    VirtualClock clock;
    CircuitBreaker cb;

private:
    BreakerPermit permit_{true, 0};
};

}  // namespace cascadelab::conformance
