// Resilience4j's own breaker cases, each test named after the peer's test, replayed against the
// resilience4j() preset in virtual time. Peer file unless a test says otherwise:
// resilience4j-circuitbreaker/src/test/java/io/github/resilience4j/circuitbreaker/internal/CircuitBreakerStateMachineTest.java
#include <gtest/gtest.h>

#include "tests/conformance/resilience4j_harness.hpp"

namespace cascadelab::conformance {
namespace {

using namespace literals;
constexpr Duration kInstant = Duration::zero();

// The peer's setUp: failureRateThreshold 50, permittedNumberOfCallsInHalfOpenState 4,
// slowCallDurationThreshold 4 s, slowCallRateThreshold 50, maxWaitDurationInHalfOpenState 1 s,
// slidingWindow(20, 5, TIME_BASED), waitDurationInOpenState 5 s, NumberFormatException ignored.
CircuitBreakerConfig setup() {
    CircuitBreakerConfig c = CircuitBreakerConfig::resilience4j();
    c.failure_rate_threshold = 50;
    c.permitted_number_of_calls_in_half_open_state = 4;
    c.slow_call_duration_threshold = 4_s;
    c.slow_call_rate_threshold = 50;
    c.max_wait_duration_in_half_open_state = 1_s;
    c.sliding_window_type = WindowKind::TimeBased;
    c.sliding_window_size = 20;
    c.minimum_number_of_calls = 5;
    c.wait_duration_in_open_state = 5_s;
    c.max_wait_in_open_state = 5_s;
    c.record.fatal_error = CallVerdict::Ignored;  // stands for NumberFormatException
    return c;
}

class Resilience4jStateMachine : public ::testing::Test {
protected:
    R4jBreaker circuitBreaker{setup()};
};

TEST_F(Resilience4jStateMachine, shouldThrowCallNotPermittedExceptionWhenStateIsOpen) {
    circuitBreaker.transitionTo(BreakerState::Open);
    EXPECT_FALSE(circuitBreaker.tryAcquirePermission());
    EXPECT_EQ(circuitBreaker.getMetrics().not_permitted, 1u);
}

TEST_F(Resilience4jStateMachine, shouldThrowCallNotPermittedExceptionWhenStateIsForcedOpen) {
    circuitBreaker.transitionTo(BreakerState::ForcedOpen);
    EXPECT_FALSE(circuitBreaker.tryAcquirePermission());
    EXPECT_EQ(circuitBreaker.getMetrics().not_permitted, 1u);
}

TEST_F(Resilience4jStateMachine, shouldIncreaseCounterOnReleasePermission) {
    circuitBreaker.transitionTo(BreakerState::Open);
    circuitBreaker.transitionTo(BreakerState::HalfOpen);
    for (int i = 0; i < 4; ++i) EXPECT_TRUE(circuitBreaker.tryAcquirePermission());
    EXPECT_FALSE(circuitBreaker.tryAcquirePermission());
    EXPECT_FALSE(circuitBreaker.tryAcquirePermission());
    circuitBreaker.releasePermission();
    EXPECT_TRUE(circuitBreaker.tryAcquirePermission());
}

TEST_F(Resilience4jStateMachine, shouldThrowCallNotPermittedExceptionWhenNotFurtherTestCallsArePermitted) {
    circuitBreaker.transitionTo(BreakerState::Open);
    circuitBreaker.transitionTo(BreakerState::HalfOpen);
    for (int i = 0; i < 4; ++i) EXPECT_TRUE(circuitBreaker.tryAcquirePermission());
    EXPECT_FALSE(circuitBreaker.tryAcquirePermission());
    EXPECT_EQ(circuitBreaker.getMetrics().not_permitted, 1u);
}

TEST_F(Resilience4jStateMachine, shouldOnlyPermitFourCallsInHalfOpenState) {
    circuitBreaker.expect_metrics_reset();
    for (int round = 0; round < 2; ++round) {
        circuitBreaker.transitionTo(BreakerState::Open);
        circuitBreaker.transitionTo(BreakerState::HalfOpen);
        EXPECT_EQ(circuitBreaker.getState(), BreakerState::HalfOpen);
        for (int i = 0; i < 4; ++i) EXPECT_TRUE(circuitBreaker.tryAcquirePermission());
        EXPECT_FALSE(circuitBreaker.tryAcquirePermission());
        EXPECT_FALSE(circuitBreaker.tryAcquirePermission());
    }
}

TEST_F(Resilience4jStateMachine, shouldOpenAfterFailureRateThresholdExceeded2) {
    for (int i = 0; i < 3; ++i) {
        circuitBreaker.onSuccess(kInstant);
        circuitBreaker.advanceBySeconds(1);
    }
    circuitBreaker.onError(kInstant);
    circuitBreaker.advanceBySeconds(1);
    circuitBreaker.onError(kInstant);
    EXPECT_EQ(circuitBreaker.getState(), BreakerState::Closed);  // 2 of 5: 40 %
    circuitBreaker.advanceBySeconds(1);
    EXPECT_EQ(circuitBreaker.getState(), BreakerState::Closed);
    circuitBreaker.onError(kInstant);  // 3 of 6: 50 %
    EXPECT_EQ(circuitBreaker.getState(), BreakerState::Open);
}

TEST_F(Resilience4jStateMachine, shouldOpenAfterFailureRateThresholdExceeded) {
    EXPECT_TRUE(circuitBreaker.tryAcquirePermission());
    EXPECT_EQ(circuitBreaker.getState(), BreakerState::Closed);
    circuitBreaker.expect_metrics_reset();
    for (std::uint32_t failed = 1; failed <= 3; ++failed) {
        EXPECT_TRUE(circuitBreaker.tryAcquirePermission());
        circuitBreaker.onError(kInstant);
        EXPECT_EQ(circuitBreaker.getState(), BreakerState::Closed);
        circuitBreaker.expect_metrics(-1.0f, 0, failed, failed, 0);
    }
    EXPECT_TRUE(circuitBreaker.tryAcquirePermission());
    circuitBreaker.onSuccess(kInstant);
    EXPECT_EQ(circuitBreaker.getState(), BreakerState::Closed);
    circuitBreaker.expect_metrics(-1.0f, 1, 4, 3, 0);
    circuitBreaker.onSuccess(kInstant);  // the fifth call fills the window: 3 of 5 failed
    EXPECT_EQ(circuitBreaker.getState(), BreakerState::Open);
    EXPECT_EQ(circuitBreaker.getMetrics().buffered, 5u);
    EXPECT_EQ(circuitBreaker.getMetrics().failed, 3u);
    EXPECT_FLOAT_EQ(circuitBreaker.getMetrics().failure_rate, 60.0f);
    circuitBreaker.expect_metrics(60.0f, 2, 5, 3, 0);
    EXPECT_EQ(circuitBreaker.cb.failure_rate_exceeded_events(), 1u);
    EXPECT_FALSE(circuitBreaker.tryAcquirePermission());
    circuitBreaker.expect_metrics(60.0f, 2, 5, 3, 1);
}

TEST_F(Resilience4jStateMachine, shouldOpenAfterSlowCallRateThresholdExceeded) {
    EXPECT_EQ(circuitBreaker.getState(), BreakerState::Closed);
    circuitBreaker.expect_metrics_reset();
    EXPECT_TRUE(circuitBreaker.tryAcquirePermission());
    circuitBreaker.onError(5_s);  // slow
    EXPECT_TRUE(circuitBreaker.tryAcquirePermission());
    circuitBreaker.onSuccess(5_s);  // slow
    EXPECT_TRUE(circuitBreaker.tryAcquirePermission());
    circuitBreaker.onError(100_ms);
    EXPECT_TRUE(circuitBreaker.tryAcquirePermission());
    circuitBreaker.onSuccess(100_ms);
    EXPECT_EQ(circuitBreaker.getState(), BreakerState::Closed);
    circuitBreaker.onSuccess(5_s);  // slow: 3 of 5
    EXPECT_EQ(circuitBreaker.getState(), BreakerState::Open);
    EXPECT_EQ(circuitBreaker.getMetrics().buffered, 5u);
    EXPECT_EQ(circuitBreaker.getMetrics().slow, 3u);
    EXPECT_FLOAT_EQ(circuitBreaker.getMetrics().slow_call_rate, 60.0f);
}

// The calls take their time on the clock: 5 + 5 + 1 + 1 + 5 s, all inside the 20 s window.
TEST_F(Resilience4jStateMachine, shouldOpenAfterSlowCallRateThresholdExceededUsingMockClock) {
    const std::int64_t seconds[] = {5, 5, 1, 1, 5};
    const std::uint32_t slow_after[] = {1, 2, 2, 2, 3};
    for (std::uint32_t i = 0; i < 5; ++i) {
        EXPECT_TRUE(circuitBreaker.tryAcquirePermission());
        circuitBreaker.advanceBySeconds(seconds[i]);
        circuitBreaker.onSuccess(Duration::seconds(seconds[i]));
        if (i < 4) {
            EXPECT_EQ(circuitBreaker.getMetrics().buffered, i + 1);
            EXPECT_EQ(circuitBreaker.getMetrics().slow, slow_after[i]);
            EXPECT_EQ(circuitBreaker.getState(), BreakerState::Closed);
        }
    }
    EXPECT_EQ(circuitBreaker.getState(), BreakerState::Open);
    EXPECT_EQ(circuitBreaker.getMetrics().buffered, 5u);
    EXPECT_EQ(circuitBreaker.getMetrics().slow, 3u);
    EXPECT_FLOAT_EQ(circuitBreaker.getMetrics().slow_call_rate, 60.0f);
}

TEST_F(Resilience4jStateMachine, shouldTransitionToHalfOpenAfterWaitDuration) {
    circuitBreaker.transitionTo(BreakerState::Open);
    circuitBreaker.expect_metrics_reset();
    EXPECT_EQ(circuitBreaker.getState(), BreakerState::Open);
    EXPECT_FALSE(circuitBreaker.tryAcquirePermission());
    circuitBreaker.advanceBySeconds(3);
    EXPECT_EQ(circuitBreaker.getState(), BreakerState::Open);  // 3 of 5 s
    EXPECT_FALSE(circuitBreaker.tryAcquirePermission());
    circuitBreaker.expect_metrics(-1.0f, 0, 0, 0, 2);
    circuitBreaker.advanceBySeconds(3);
    EXPECT_TRUE(circuitBreaker.tryAcquirePermission());
    EXPECT_EQ(circuitBreaker.getState(), BreakerState::HalfOpen);
    circuitBreaker.expect_metrics_reset();
}

// waitIntervalFunctionInOpenState(IntervalFunction.ofExponentialBackoff(5000)): 5 s, then x1.5.
TEST(Resilience4jStateMachineInterval, shouldTransitionToHalfOpenAfterWaitInterval) {
    CircuitBreakerConfig c = CircuitBreakerConfig::resilience4j();
    c.failure_rate_threshold = 50;
    c.sliding_window_size = 5;
    c.permitted_number_of_calls_in_half_open_state = 4;
    c.wait_duration_in_open_state = 5_s;
    c.wait_in_open_multiplier = 1.5;  // IntervalFunction's default multiplier
    c.max_wait_in_open_state = Duration::seconds(86'400);
    R4jBreaker intervalCircuitBreaker{c};
    intervalCircuitBreaker.transitionTo(BreakerState::Open);
    intervalCircuitBreaker.expect_metrics_reset();
    EXPECT_FALSE(intervalCircuitBreaker.tryAcquirePermission());
    intervalCircuitBreaker.advanceBySeconds(3);
    EXPECT_EQ(intervalCircuitBreaker.getState(), BreakerState::Open);
    EXPECT_FALSE(intervalCircuitBreaker.tryAcquirePermission());
    intervalCircuitBreaker.expect_metrics(-1.0f, 0, 0, 0, 2);
    intervalCircuitBreaker.advanceBySeconds(3);
    EXPECT_TRUE(intervalCircuitBreaker.tryAcquirePermission());
    EXPECT_EQ(intervalCircuitBreaker.getState(), BreakerState::HalfOpen);
    intervalCircuitBreaker.expect_metrics_reset();
    intervalCircuitBreaker.transitionTo(BreakerState::Open);  // the second opening waits 7.5 s
    intervalCircuitBreaker.advanceBySeconds(6);
    EXPECT_EQ(intervalCircuitBreaker.getState(), BreakerState::Open);
    EXPECT_FALSE(intervalCircuitBreaker.tryAcquirePermission());
    intervalCircuitBreaker.advanceBySeconds(5);
    EXPECT_TRUE(intervalCircuitBreaker.tryAcquirePermission());
    EXPECT_EQ(intervalCircuitBreaker.getState(), BreakerState::HalfOpen);
    intervalCircuitBreaker.expect_metrics_reset();
}

TEST_F(Resilience4jStateMachine, shouldTransitionBackToOpenStateWhenFailureRateIsAboveThreshold) {
    circuitBreaker.transitionTo(BreakerState::Open);
    circuitBreaker.transitionTo(BreakerState::HalfOpen);
    EXPECT_EQ(circuitBreaker.getState(), BreakerState::HalfOpen);
    circuitBreaker.expect_metrics(-1.0f, 0, 0, 0, 0);
    for (bool failed : {true, true, false, true}) {
        EXPECT_TRUE(circuitBreaker.tryAcquirePermission());
        if (failed) circuitBreaker.onError(kInstant);
        else circuitBreaker.onSuccess(kInstant);
    }
    EXPECT_EQ(circuitBreaker.getState(), BreakerState::Open);
    circuitBreaker.expect_metrics(75.0f, 1, 4, 3, 0);  // Open shows the probes' metrics
}

TEST_F(Resilience4jStateMachine, shouldTransitionBackToOpenStateWhenSlowCallRateIsAboveThreshold) {
    circuitBreaker.transitionTo(BreakerState::Open);
    circuitBreaker.transitionTo(BreakerState::HalfOpen);
    for (std::int64_t s : {5, 5, 5, 1}) {
        EXPECT_TRUE(circuitBreaker.tryAcquirePermission());
        circuitBreaker.onSuccess(Duration::seconds(s));
    }
    EXPECT_EQ(circuitBreaker.getState(), BreakerState::Open);
    EXPECT_EQ(circuitBreaker.getMetrics().slow, 3u);
    EXPECT_FLOAT_EQ(circuitBreaker.getMetrics().slow_call_rate, 75.0f);
    EXPECT_FLOAT_EQ(circuitBreaker.getMetrics().failure_rate, 0.0f);
}

TEST_F(Resilience4jStateMachine, shouldTransitionBackToClosedStateWhenFailureIsBelowThreshold) {
    circuitBreaker.transitionTo(BreakerState::Open);
    circuitBreaker.transitionTo(BreakerState::HalfOpen);
    circuitBreaker.expect_metrics(-1.0f, 0, 0, 0, 0);
    for (bool failed : {true, false, false, false}) {
        EXPECT_TRUE(circuitBreaker.tryAcquirePermission());
        if (failed) circuitBreaker.onError(kInstant);
        else circuitBreaker.onSuccess(kInstant);
    }
    EXPECT_TRUE(circuitBreaker.tryAcquirePermission());
    EXPECT_EQ(circuitBreaker.getState(), BreakerState::Closed);
    circuitBreaker.expect_metrics(-1.0f, 0, 0, 0, 0);
    EXPECT_TRUE(circuitBreaker.tryAcquirePermission());
    circuitBreaker.onSuccess(kInstant);
    circuitBreaker.expect_metrics(-1.0f, 1, 1, 0, 0);
}

TEST_F(Resilience4jStateMachine, shouldResetMetrics) {
    EXPECT_EQ(circuitBreaker.getState(), BreakerState::Closed);
    circuitBreaker.expect_metrics_reset();
    circuitBreaker.onSuccess(kInstant);
    circuitBreaker.onError(kInstant);
    circuitBreaker.expect_metrics(-1.0f, 1, 2, 1, 0);
    circuitBreaker.reset();
    circuitBreaker.expect_metrics_reset();
}

TEST_F(Resilience4jStateMachine, shouldDisableCircuitBreaker) {
    circuitBreaker.transitionTo(BreakerState::Disabled);
    EXPECT_EQ(circuitBreaker.getState(), BreakerState::Disabled);
    circuitBreaker.expect_metrics_reset();
    EXPECT_TRUE(circuitBreaker.tryAcquirePermission());
    circuitBreaker.onSuccess(kInstant);
    for (int i = 0; i < 4; ++i) {
        EXPECT_TRUE(circuitBreaker.tryAcquirePermission());
        circuitBreaker.onError(kInstant);
    }
    circuitBreaker.expect_metrics_reset();
}

TEST_F(Resilience4jStateMachine, shouldForceOpenCircuitBreaker) {
    circuitBreaker.transitionTo(BreakerState::ForcedOpen);
    EXPECT_EQ(circuitBreaker.getState(), BreakerState::ForcedOpen);
    EXPECT_FALSE(circuitBreaker.tryAcquirePermission());
    circuitBreaker.advanceBySeconds(6);
    EXPECT_FALSE(circuitBreaker.tryAcquirePermission());  // no HalfOpen, though 5 s have passed
    EXPECT_EQ(circuitBreaker.getState(), BreakerState::ForcedOpen);
    circuitBreaker.expect_metrics(-1.0f, 0, 0, 0, 2);
}

TEST_F(Resilience4jStateMachine, shouldReleasePermissionWhenExceptionIgnored) {
    circuitBreaker.transitionTo(BreakerState::Open);
    circuitBreaker.transitionTo(BreakerState::HalfOpen);
    for (std::uint32_t n = 1; n <= 3; ++n) {
        EXPECT_TRUE(circuitBreaker.tryAcquirePermission());
        circuitBreaker.onSuccess(kInstant);
        EXPECT_EQ(circuitBreaker.getState(), BreakerState::HalfOpen);
        circuitBreaker.expect_metrics(-1.0f, n, n, 0, 0);
    }
    EXPECT_TRUE(circuitBreaker.tryAcquirePermission());
    circuitBreaker.onIgnoredError(kInstant);  // the permit comes back, nothing is recorded
    EXPECT_EQ(circuitBreaker.getState(), BreakerState::HalfOpen);
    circuitBreaker.expect_metrics(-1.0f, 3, 3, 0, 0);
    EXPECT_TRUE(circuitBreaker.tryAcquirePermission());
    circuitBreaker.onError(kInstant);  // 1 of 4: 25 %
    EXPECT_EQ(circuitBreaker.getState(), BreakerState::Closed);
    circuitBreaker.expect_metrics(-1.0f, 0, 0, 0, 0);
}

TEST_F(Resilience4jStateMachine, shouldIgnoreExceptionsAndThenTransitionToClosed) {
    circuitBreaker.transitionTo(BreakerState::Open);
    circuitBreaker.transitionTo(BreakerState::HalfOpen);
    for (int i = 0; i < 4; ++i) {
        EXPECT_TRUE(circuitBreaker.tryAcquirePermission());
        circuitBreaker.onIgnoredError(kInstant);
        EXPECT_EQ(circuitBreaker.getState(), BreakerState::HalfOpen);
    }
    circuitBreaker.expect_metrics(-1.0f, 0, 0, 0, 0);
    for (int i = 0; i < 3; ++i) {
        EXPECT_TRUE(circuitBreaker.tryAcquirePermission());
        circuitBreaker.onSuccess(kInstant);
        EXPECT_EQ(circuitBreaker.getState(), BreakerState::HalfOpen);
    }
    circuitBreaker.expect_metrics(-1.0f, 3, 3, 0, 0);
    EXPECT_TRUE(circuitBreaker.tryAcquirePermission());
    circuitBreaker.onSuccess(kInstant);
    EXPECT_EQ(circuitBreaker.getState(), BreakerState::Closed);
    circuitBreaker.expect_metrics(-1.0f, 0, 0, 0, 0);
}

// Resilience4j names the breaker as its user did ('testName'); a cascadelab breaker is named by its
// place in the system ('breaker', 'tier2.breaker'). The rest of the message is Resilience4j's.
TEST_F(Resilience4jStateMachine, shouldNotAllowTransitionFromClosedToHalfOpen) {
    EXPECT_EQ(circuitBreaker.transitionTo(BreakerState::HalfOpen), TransitionResult::Illegal);
    EXPECT_EQ(circuitBreaker.cb.last_illegal_transition(),
              "CircuitBreaker 'breaker' tried an illegal state transition from CLOSED to HALF_OPEN");
    EXPECT_EQ(circuitBreaker.getState(), BreakerState::Closed);
}

TEST_F(Resilience4jStateMachine, shouldResetToClosedState) {
    circuitBreaker.transitionTo(BreakerState::Open);
    circuitBreaker.reset();
    EXPECT_EQ(circuitBreaker.getState(), BreakerState::Closed);
}

TEST_F(Resilience4jStateMachine, shouldResetClosedState) {
    circuitBreaker.onSuccess(kInstant);
    circuitBreaker.onSuccess(kInstant);
    EXPECT_EQ(circuitBreaker.getMetrics().successful, 2u);
    circuitBreaker.reset();
    EXPECT_EQ(circuitBreaker.getState(), BreakerState::Closed);
    EXPECT_EQ(circuitBreaker.getMetrics().successful, 0u);
}

TEST_F(Resilience4jStateMachine, shouldResetMetricsAfterMetricsOnlyStateTransition) {
    circuitBreaker.onSuccess(kInstant);
    circuitBreaker.onSuccess(kInstant);
    EXPECT_EQ(circuitBreaker.getMetrics().successful, 2u);
    circuitBreaker.transitionTo(BreakerState::MetricsOnly);
    EXPECT_EQ(circuitBreaker.getState(), BreakerState::MetricsOnly);
    EXPECT_EQ(circuitBreaker.getMetrics().successful, 0u);
}

TEST_F(Resilience4jStateMachine, shouldRecordMetricsInMetricsOnlyState) {
    circuitBreaker.transitionTo(BreakerState::MetricsOnly);
    const std::size_t transitions = circuitBreaker.clock.transitions.size();
    EXPECT_TRUE(circuitBreaker.tryAcquirePermission());
    EXPECT_EQ(circuitBreaker.getState(), BreakerState::MetricsOnly);
    circuitBreaker.expect_metrics_reset();
    for (std::uint32_t failed = 1; failed <= 3; ++failed) {
        EXPECT_TRUE(circuitBreaker.tryAcquirePermission());
        circuitBreaker.onError(kInstant);
        EXPECT_EQ(circuitBreaker.getState(), BreakerState::MetricsOnly);
        circuitBreaker.expect_metrics(-1.0f, 0, failed, failed, 0);
    }
    EXPECT_TRUE(circuitBreaker.tryAcquirePermission());
    circuitBreaker.onSuccess(kInstant);
    circuitBreaker.expect_metrics(-1.0f, 1, 4, 3, 0);
    circuitBreaker.onSuccess(kInstant);
    EXPECT_EQ(circuitBreaker.getState(), BreakerState::MetricsOnly);
    EXPECT_EQ(circuitBreaker.clock.transitions.size(), transitions);  // never a transition
    EXPECT_EQ(circuitBreaker.cb.failure_rate_exceeded_events(), 1u);
    circuitBreaker.expect_metrics(60.0f, 2, 5, 3, 0);
    circuitBreaker.onError(kInstant);
    EXPECT_EQ(circuitBreaker.cb.failure_rate_exceeded_events(), 1u);  // once per stay
    EXPECT_EQ(circuitBreaker.getState(), BreakerState::MetricsOnly);
}

TEST_F(Resilience4jStateMachine, shouldPublishEachEventOnceInMetricOnlyState) {
    circuitBreaker.transitionTo(BreakerState::MetricsOnly);
    for (int i = 0; i < 5; ++i) circuitBreaker.onError(5_s);
    EXPECT_EQ(circuitBreaker.cb.failure_rate_exceeded_events(), 1u);
    EXPECT_EQ(circuitBreaker.cb.slow_call_rate_exceeded_events(), 1u);
}

// Reaches each of the six states from a fresh breaker.
void reach(R4jBreaker& b, BreakerState s) {
    if (s == BreakerState::HalfOpen) b.transitionTo(BreakerState::Open);
    if (s != BreakerState::Closed) {
        ASSERT_EQ(b.transitionTo(s), TransitionResult::Done);
    }
    ASSERT_EQ(b.getState(), s);
}
constexpr BreakerState kAllStates[] = {BreakerState::Closed,     BreakerState::Open,     BreakerState::HalfOpen,
                                       BreakerState::ForcedOpen, BreakerState::Disabled, BreakerState::MetricsOnly};

TEST(Resilience4jStateTransition, allCircuitBreakerStatesAllowTransitionToMetricsOnlyMode) {
    for (BreakerState s : kAllStates) {
        R4jBreaker b{setup()};
        reach(b, s);
        EXPECT_EQ(b.transitionTo(BreakerState::MetricsOnly), TransitionResult::Done) << name(s);
        EXPECT_EQ(b.getState(), BreakerState::MetricsOnly);
    }
}

TEST(Resilience4jStateTransition, allCircuitBreakerStatesAllowTransitionToItsOwnState) {
    for (BreakerState s : kAllStates) {
        R4jBreaker b{setup()};
        reach(b, s);
        EXPECT_EQ(b.transitionTo(s), TransitionResult::Done) << name(s);
        EXPECT_EQ(b.getState(), s);
        EXPECT_EQ(b.cb.unhandled_events(), 0u);
    }
}

TEST_F(Resilience4jStateMachine, circuitBreakerDoesNotPublishStateTransitionEventsForInternalTransitions) {
    std::size_t expected = 0;
    for (BreakerState s : {BreakerState::Open, BreakerState::HalfOpen, BreakerState::Disabled,
                           BreakerState::MetricsOnly, BreakerState::Closed}) {
        circuitBreaker.transitionTo(s);
        ++expected;
        EXPECT_EQ(circuitBreaker.clock.transitions.size(), expected) << name(s);
        circuitBreaker.transitionTo(s);  // already there: no event
        EXPECT_EQ(circuitBreaker.clock.transitions.size(), expected) << name(s);
    }
}

TEST_F(Resilience4jStateMachine, circuitBreakerTransitionsToOpenAfterWaitDurationInHalfOpenState) {
    circuitBreaker.transitionTo(BreakerState::Open);
    circuitBreaker.transitionTo(BreakerState::HalfOpen);
    EXPECT_EQ(circuitBreaker.getState(), BreakerState::HalfOpen);
    circuitBreaker.advanceBySeconds(2);  // maxWaitDurationInHalfOpenState = 1 s
    EXPECT_EQ(circuitBreaker.getState(), BreakerState::Open);
}

}  // namespace
}  // namespace cascadelab::conformance
