// Resilience4j's configuration and bulkhead cases.
#include <gtest/gtest.h>

#include "statemachines/breaker_config.hpp"
#include "statemachines/bulkhead.hpp"
#include "statemachines/config_error.hpp"
#include "tests/conformance/virtual_clock.hpp"

namespace cascadelab::conformance {
namespace {

using namespace literals;

// resilience4j-circuitbreaker/src/test/java/io/github/resilience4j/circuitbreaker/CircuitBreakerConfigTest.java
// The peer's builder throws IllegalArgumentException; validate() throws ConfigError.
template <class F>
void expect_invalid(F change) {
    CircuitBreakerConfig c = CircuitBreakerConfig::resilience4j();
    change(c);
    EXPECT_THROW(c.validate(), ConfigError);
}
template <class F>
void expect_valid(F change) {
    CircuitBreakerConfig c = CircuitBreakerConfig::resilience4j();
    change(c);
    EXPECT_NO_THROW(c.validate());
}

TEST(Resilience4jCircuitBreakerConfig, zeroMaxFailuresShouldFail) {
    expect_invalid([](auto& c) { c.failure_rate_threshold = 0; });
}
TEST(Resilience4jCircuitBreakerConfig, zeroWaitIntervalShouldFail) {
    expect_invalid([](auto& c) { c.wait_duration_in_open_state = 0_ms; });
}
TEST(Resilience4jCircuitBreakerConfig, zeroSlowCallDurationThresholdShouldFail) {
    expect_invalid([](auto& c) { c.slow_call_duration_threshold = 0_ms; });
}
TEST(Resilience4jCircuitBreakerConfig, zeroPermittedNumberOfCallsInHalfOpenStateShouldFail) {
    expect_invalid([](auto& c) { c.permitted_number_of_calls_in_half_open_state = 0; });
}
TEST(Resilience4jCircuitBreakerConfig, zeroSlidingWindowSizeShouldFail) {
    expect_invalid([](auto& c) { c.sliding_window_size = 0; });
}
TEST(Resilience4jCircuitBreakerConfig, zeroMinimumNumberOfCallsShouldFail) {
    expect_invalid([](auto& c) {
        c.sliding_window_size = 2;
        c.minimum_number_of_calls = 0;
    });
}
TEST(Resilience4jCircuitBreakerConfig, zeroSlowCallRateThresholdShouldFail) {
    expect_invalid([](auto& c) { c.slow_call_rate_threshold = 0; });
}
TEST(Resilience4jCircuitBreakerConfig, failureRateThresholdAboveHundredShouldFail) {
    expect_invalid([](auto& c) { c.failure_rate_threshold = 101; });
}
TEST(Resilience4jCircuitBreakerConfig, slowCallRateThresholdAboveHundredShouldFail) {
    expect_invalid([](auto& c) { c.slow_call_rate_threshold = 101; });
}
TEST(Resilience4jCircuitBreakerConfig, shouldSetLowFailureRateThreshold) {
    expect_valid([](auto& c) { c.failure_rate_threshold = 0.001; });
}

TEST(Resilience4jCircuitBreakerConfig, shouldSetDefaultSettings) {
    const CircuitBreakerConfig c = CircuitBreakerConfig::resilience4j();
    EXPECT_EQ(c.failure_rate_threshold, 50.0);
    EXPECT_EQ(c.permitted_number_of_calls_in_half_open_state, 10u);
    EXPECT_EQ(c.sliding_window_size, 100u);
    EXPECT_EQ(c.sliding_window_type, WindowKind::CountBased);
    EXPECT_EQ(c.minimum_number_of_calls, 100u);
    EXPECT_EQ(c.wait_duration_in_open_state, 60_s);
    EXPECT_EQ(c.slow_call_rate_threshold, 100.0);
    EXPECT_EQ(c.slow_call_duration_threshold, 60_s);
    // And the defaults the peer's other tests rely on.
    EXPECT_EQ(c.max_wait_duration_in_half_open_state, 0_ms);
    EXPECT_EQ(c.transition_to_state_after_wait_duration, AfterHalfOpenWait::Open);
    EXPECT_FALSE(c.automatic_transition_from_open_to_half_open);
    EXPECT_EQ(c.initial_state, BreakerState::Closed);
    EXPECT_EQ(c.wait_boundary, WaitBoundary::Exclusive);
}

TEST(Resilience4jCircuitBreakerConfig, shouldReduceMinimumNumberOfCallsToSlidingWindowSize) {
    CircuitBreakerConfig c = CircuitBreakerConfig::resilience4j();
    c.sliding_window_size = 5;
    c.minimum_number_of_calls = 6;
    EXPECT_NO_THROW(c.validate());
    EXPECT_EQ(c.minimum_calls(), 5u);
}

TEST(Resilience4jCircuitBreakerConfig, shouldSetSlidingWindowToCountBased) {
    CircuitBreakerConfig c = CircuitBreakerConfig::resilience4j();
    c.sliding_window_size = 5;
    c.minimum_number_of_calls = 3;
    EXPECT_EQ(c.minimum_calls(), 3u);
}

TEST(Resilience4jCircuitBreakerConfig, shouldAllowHighMinimumNumberOfCallsWhenSlidingWindowIsTimeBased) {
    CircuitBreakerConfig c = CircuitBreakerConfig::resilience4j();
    c.sliding_window_type = WindowKind::TimeBased;
    c.sliding_window_size = 10;
    c.minimum_number_of_calls = 100;
    EXPECT_NO_THROW(c.validate());
    EXPECT_EQ(c.minimum_calls(), 100u);
}

// resilience4j-bulkhead/src/test/java/io/github/resilience4j/bulkhead/internal/SemaphoreBulkheadTest.java
struct R4jBulkhead {
    explicit R4jBulkhead(BulkheadConfig c) : bulkhead(c, clock) {
        clock.on_fire = [this](TimerKind kind, std::uint64_t id, Time at) {
            if (kind == TimerKind::BulkheadWait) bulkhead.wait_expired(at, id);
        };
    }
    std::uint32_t available() const { return config_max - bulkhead.active(); }
    VirtualClock clock;
    Bulkhead bulkhead;
    std::uint32_t config_max = 0;
};

TEST(Resilience4jSemaphoreBulkhead, testBulkhead) {
    R4jBulkhead b{BulkheadConfig{2, 0_ms}};
    b.config_max = 2;
    EXPECT_EQ(b.bulkhead.permit_requested(b.clock.now, 1), PermitDecision::Admitted);
    EXPECT_EQ(b.bulkhead.permit_requested(b.clock.now, 2), PermitDecision::Admitted);
    EXPECT_EQ(b.available(), 0u);
    EXPECT_EQ(b.bulkhead.permit_requested(b.clock.now, 3), PermitDecision::Rejected);
    b.bulkhead.permit_released(b.clock.now);
    EXPECT_EQ(b.available(), 1u);
    b.bulkhead.permit_released(b.clock.now);
    EXPECT_EQ(b.available(), 2u);
    EXPECT_EQ(b.bulkhead.permit_requested(b.clock.now, 4), PermitDecision::Admitted);
    EXPECT_EQ(b.bulkhead.rejected(), 1u);
}

TEST(Resilience4jSemaphoreBulkhead, testCreateWithDefaults) {
    const BulkheadConfig c = BulkheadConfig::resilience4j();
    EXPECT_EQ(c.max_concurrent_calls, 25u);
    EXPECT_EQ(c.max_wait_duration, 0_ms);
}

// The second caller waits exactly its 50 ms and is refused.
TEST(Resilience4jSemaphoreBulkhead, testTryEnterWithTimeout) {
    R4jBulkhead b{BulkheadConfig{1, 50_ms}};
    EXPECT_EQ(b.bulkhead.permit_requested(b.clock.now, 1), PermitDecision::Admitted);
    EXPECT_EQ(b.bulkhead.permit_requested(b.clock.now, 2), PermitDecision::Queued);
    b.clock.advance(49_ms);
    EXPECT_TRUE(b.clock.rejected.empty());
    b.clock.advance(1_ms);
    EXPECT_EQ(b.clock.rejected, (std::vector<std::uint64_t>{2}));
}

TEST(Resilience4jSemaphoreBulkhead, testZeroMaxConcurrentCalls) {
    R4jBulkhead b{BulkheadConfig{0, 0_ms}};
    EXPECT_EQ(b.bulkhead.permit_requested(b.clock.now, 1), PermitDecision::Rejected);
}

TEST(Resilience4jSemaphoreBulkhead, testEntryTimeout) {
    R4jBulkhead b{BulkheadConfig{1, 10_ms}};
    EXPECT_EQ(b.bulkhead.permit_requested(b.clock.now, 1), PermitDecision::Admitted);
    EXPECT_EQ(b.bulkhead.permit_requested(b.clock.now, 2), PermitDecision::Queued);
    b.clock.advance(10_ms);
    EXPECT_EQ(b.clock.rejected, (std::vector<std::uint64_t>{2}));
    EXPECT_EQ(b.bulkhead.active(), 1u);
}

}  // namespace
}  // namespace cascadelab::conformance
