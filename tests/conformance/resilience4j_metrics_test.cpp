// Resilience4j's metrics cases: the breaker's books (CircuitBreakerMetrics) and the two sliding
// windows of resilience4j-core, replayed against breaker_book.hpp and breaker_window.hpp.
#include <gtest/gtest.h>

#include "statemachines/breaker_book.hpp"
#include "statemachines/breaker_window.hpp"

namespace cascadelab::conformance {
namespace {

using namespace literals;

// Metrics.Outcome: SUCCESS, ERROR, SLOW_SUCCESS, SLOW_ERROR.
CallOutcome success(Duration d) { return {false, false, d}; }
CallOutcome error(Duration d) { return {true, false, d}; }
CallOutcome slow_success(Duration d) { return {false, true, d}; }
CallOutcome slow_error(Duration d) { return {true, true, d}; }

// resilience4j-circuitbreaker/.../internal/CircuitBreakerMetricsTest.java
TEST(Resilience4jCircuitBreakerMetrics, testCircuitBreakerMetrics) {
    CircuitBreakerConfig c = CircuitBreakerConfig::resilience4j();
    c.sliding_window_size = 10;  // slidingWindow(10, 10, COUNT_BASED)
    c.minimum_number_of_calls = 10;
    const Time t = Time::zero();
    BreakerBook metrics{c, t};
    auto on = [&](const CallOutcome& o) {
        const Verdict v = metrics.verdict_with(t, o);
        metrics.record(t, o, BreakerState::Closed);
        return v;
    };
    on(success(0_us));
    on(success(0_us));
    on(error(0_us));
    Verdict result = on(error(0_us));
    metrics.not_permitted();
    metrics.not_permitted();
    Resilience4jMetrics m = metrics.resilience4j(t);
    EXPECT_EQ(m.buffered, 4u);
    EXPECT_EQ(m.failed, 2u);
    EXPECT_EQ(m.successful, 2u);
    EXPECT_EQ(m.not_permitted, 2u);
    EXPECT_FLOAT_EQ(m.failure_rate, -1.0f);  // below the minimum number of calls
    EXPECT_EQ(result, Verdict::BelowMinimumCalls);
    for (int i = 0; i < 4; ++i) on(error(0_us));
    for (int i = 0; i < 3; ++i) on(success(0_us));
    result = on(success(0_us));
    m = metrics.resilience4j(t);  // 12 calls, the last 10 kept: 4 successes, 6 failures
    EXPECT_EQ(m.buffered, 10u);
    EXPECT_EQ(m.failed, 6u);
    EXPECT_EQ(m.successful, 4u);
    EXPECT_FLOAT_EQ(m.failure_rate, 60.0f);
    EXPECT_TRUE(exceeded(result));
    on(success(0_us));
    on(success(0_us));
    result = on(success(0_us));
    EXPECT_EQ(result, Verdict::BelowThresholds);
    EXPECT_FLOAT_EQ(metrics.resilience4j(t).failure_rate, 30.0f);
}

// resilience4j-core/src/test/java/io/github/resilience4j/core/metrics/FixedSizeSlidingWindowMetricsTest.java
BreakerWindow fixed(std::uint32_t size) { return BreakerWindow(WindowKind::CountBased, size, 1_s); }
const Time t0 = Time::zero();

void expect_totals(const WindowTotals& s, std::uint32_t calls, std::uint32_t successes, std::uint32_t failures,
                   Duration total) {
    EXPECT_EQ(s.calls, calls);
    EXPECT_EQ(s.successes(), successes);
    EXPECT_EQ(s.failures, failures);
    EXPECT_EQ(Duration::micros(s.duration_us), total);
}

TEST(Resilience4jFixedSizeSlidingWindowMetrics, checkInitialBucketCreation) {
    const WindowTotals s = fixed(5).totals(t0);
    expect_totals(s, 0, 0, 0, 0_ms);
    EXPECT_EQ(s.slow, 0u);
    EXPECT_EQ(s.slow_successes(), 0u);
    EXPECT_EQ(s.slow_failures, 0u);
    EXPECT_EQ(s.average_duration(), 0_ms);
    EXPECT_FLOAT_EQ(s.failure_rate(), 0.0f);
}

TEST(Resilience4jFixedSizeSlidingWindowMetrics, testRecordSuccess) {
    BreakerWindow w = fixed(5);
    w.record(t0, success(100_ms));
    const WindowTotals s = w.totals(t0);
    expect_totals(s, 1, 1, 0, 100_ms);
    EXPECT_EQ(s.slow, 0u);
    EXPECT_EQ(s.average_duration(), 100_ms);
    EXPECT_FLOAT_EQ(s.failure_rate(), 0.0f);
}

TEST(Resilience4jFixedSizeSlidingWindowMetrics, testRecordError) {
    BreakerWindow w = fixed(5);
    w.record(t0, error(100_ms));
    const WindowTotals s = w.totals(t0);
    expect_totals(s, 1, 0, 1, 100_ms);
    EXPECT_EQ(s.slow, 0u);
    EXPECT_EQ(s.average_duration(), 100_ms);
    EXPECT_FLOAT_EQ(s.failure_rate(), 100.0f);
}

TEST(Resilience4jFixedSizeSlidingWindowMetrics, testRecordSlowSuccess) {
    BreakerWindow w = fixed(5);
    w.record(t0, slow_success(100_ms));
    const WindowTotals s = w.totals(t0);
    expect_totals(s, 1, 1, 0, 100_ms);
    EXPECT_EQ(s.slow, 1u);
    EXPECT_EQ(s.slow_successes(), 1u);
    EXPECT_EQ(s.slow_failures, 0u);
    EXPECT_FLOAT_EQ(s.failure_rate(), 0.0f);
}

TEST(Resilience4jFixedSizeSlidingWindowMetrics, testSlowCallsPercentage) {
    BreakerWindow w = fixed(5);
    w.record(t0, slow_success(10'000_ms));
    w.record(t0, slow_error(10'000_ms));
    for (int i = 0; i < 3; ++i) w.record(t0, success(100_ms));
    const WindowTotals s = w.totals(t0);
    EXPECT_EQ(s.calls, 5u);
    EXPECT_EQ(s.successes(), 4u);
    EXPECT_EQ(s.slow, 2u);
    EXPECT_EQ(s.slow_successes(), 1u);
    EXPECT_EQ(s.slow_failures, 1u);
    EXPECT_EQ(Duration::micros(s.duration_us), 20'300_ms);
    EXPECT_EQ(s.average_duration(), 4'060_ms);
    EXPECT_FLOAT_EQ(s.slow_call_rate(), 40.0f);
}

TEST(Resilience4jFixedSizeSlidingWindowMetrics, testSlidingWindowMetrics) {
    BreakerWindow w = fixed(4);
    w.record(t0, error(100_ms));
    expect_totals(w.totals(t0), 1, 0, 1, 100_ms);
    EXPECT_FLOAT_EQ(w.totals(t0).failure_rate(), 100.0f);
    w.record(t0, success(100_ms));
    expect_totals(w.totals(t0), 2, 1, 1, 200_ms);
    EXPECT_FLOAT_EQ(w.totals(t0).failure_rate(), 50.0f);
    w.record(t0, success(100_ms));
    expect_totals(w.totals(t0), 3, 2, 1, 300_ms);
    EXPECT_EQ(w.totals(t0).failure_rate(), 33.333332f);  // Resilience4j's float, to the last bit
    w.record(t0, success(100_ms));
    expect_totals(w.totals(t0), 4, 3, 1, 400_ms);
    EXPECT_FLOAT_EQ(w.totals(t0).failure_rate(), 25.0f);
    w.record(t0, success(100_ms));  // the error slides out
    expect_totals(w.totals(t0), 4, 4, 0, 400_ms);
    EXPECT_EQ(w.totals(t0).average_duration(), 100_ms);
    EXPECT_FLOAT_EQ(w.totals(t0).failure_rate(), 0.0f);
}

TEST(Resilience4jFixedSizeSlidingWindowMetrics, testSlidingWindowMetricsWithSlowCalls) {
    BreakerWindow w = fixed(2);
    w.record(t0, slow_error(100_ms));
    WindowTotals s = w.totals(t0);
    expect_totals(s, 1, 0, 1, 100_ms);
    EXPECT_EQ(s.slow, 1u);
    EXPECT_EQ(s.slow_failures, 1u);
    w.record(t0, slow_success(100_ms));
    s = w.totals(t0);
    expect_totals(s, 2, 1, 1, 200_ms);
    EXPECT_EQ(s.slow, 2u);
    EXPECT_EQ(s.slow_successes(), 1u);
    EXPECT_FLOAT_EQ(s.failure_rate(), 50.0f);
    w.record(t0, success(100_ms));
    s = w.totals(t0);
    expect_totals(s, 2, 2, 0, 200_ms);
    EXPECT_EQ(s.slow, 1u);
    EXPECT_EQ(s.slow_successes(), 1u);
    EXPECT_EQ(s.slow_failures, 0u);
    for (int i = 0; i < 2; ++i) {
        w.record(t0, success(100_ms));
        s = w.totals(t0);
        expect_totals(s, 2, 2, 0, 200_ms);
        EXPECT_EQ(s.slow, 0u);
        EXPECT_FLOAT_EQ(s.failure_rate(), 0.0f);
    }
}

// resilience4j-core/src/test/java/io/github/resilience4j/core/metrics/SlidingTimeWindowMetricsTest.java
// The peer's MockClock starts on a whole second; so does virtual time.
BreakerWindow timed(std::uint32_t seconds) { return BreakerWindow(WindowKind::TimeBased, seconds, 1_s); }

TEST(Resilience4jSlidingTimeWindowMetrics, checkInitialBucketCreation) {
    expect_totals(timed(5).totals(t0), 0, 0, 0, 0_ms);
}

TEST(Resilience4jSlidingTimeWindowMetrics, testRecordSuccess) {
    BreakerWindow w = timed(5);
    w.record(t0, success(100_ms));
    expect_totals(w.totals(t0), 1, 1, 0, 100_ms);
    EXPECT_EQ(w.totals(t0).slow, 0u);
    EXPECT_EQ(w.totals(t0).average_duration(), 100_ms);
    EXPECT_FLOAT_EQ(w.totals(t0).failure_rate(), 0.0f);
}

TEST(Resilience4jSlidingTimeWindowMetrics, testRecordError) {
    BreakerWindow w = timed(5);
    w.record(t0, error(100_ms));
    expect_totals(w.totals(t0), 1, 0, 1, 100_ms);
    EXPECT_FLOAT_EQ(w.totals(t0).failure_rate(), 100.0f);
}

TEST(Resilience4jSlidingTimeWindowMetrics, testRecordSlowSuccess) {
    BreakerWindow w = timed(5);
    w.record(t0, slow_success(100_ms));
    expect_totals(w.totals(t0), 1, 1, 0, 100_ms);
    EXPECT_EQ(w.totals(t0).slow, 1u);
    EXPECT_EQ(w.totals(t0).slow_successes(), 1u);
}

TEST(Resilience4jSlidingTimeWindowMetrics, testSlowCallsPercentage) {
    BreakerWindow w = timed(5);
    w.record(t0, slow_success(10'000_ms));
    w.record(t0, slow_error(10'000_ms));
    for (int i = 0; i < 3; ++i) w.record(t0, success(100_ms));
    const WindowTotals s = w.totals(t0);
    EXPECT_EQ(s.calls, 5u);
    EXPECT_EQ(s.successes(), 4u);
    EXPECT_EQ(s.slow, 2u);
    EXPECT_EQ(s.slow_failures, 1u);
    EXPECT_EQ(Duration::micros(s.duration_us), 20'300_ms);
    EXPECT_EQ(s.average_duration(), 4'060_ms);
    EXPECT_FLOAT_EQ(s.slow_call_rate(), 40.0f);
}

TEST(Resilience4jSlidingTimeWindowMetrics, shouldClearSlidingTimeWindowMetrics) {
    BreakerWindow w = timed(5);
    Time t = t0;
    w.record(t, error(100_ms));
    expect_totals(w.totals(t), 1, 0, 1, 100_ms);
    t += 100_ms;
    w.record(t, success(100_ms));
    expect_totals(w.totals(t), 2, 1, 1, 200_ms);
    t += 700_ms;
    w.record(t, success(100_ms));
    expect_totals(w.totals(t), 3, 2, 1, 300_ms);
    t += 4_s;  // 4.8 s: the first second still counts
    expect_totals(w.totals(t), 3, 2, 1, 300_ms);
    t += 1_s;  // 5.8 s: it has slid out
    expect_totals(w.totals(t), 0, 0, 0, 0_ms);
    EXPECT_EQ(w.totals(t).average_duration(), 0_ms);
    t += 100_ms;
    w.record(t, success(100_ms));
    expect_totals(w.totals(t), 1, 1, 0, 100_ms);
}

TEST(Resilience4jSlidingTimeWindowMetrics, testSlidingTimeWindowMetrics) {
    BreakerWindow w = timed(5);
    Time t = t0;
    w.record(t, error(100_ms));
    expect_totals(w.totals(t), 1, 0, 1, 100_ms);
    struct Step {
        Duration advance;
        bool failed;
        std::uint32_t calls, successes, failures;
    };
    const Step steps[] = {{100_ms, false, 2, 1, 1}, {100_ms, false, 3, 2, 1}, {1_s, false, 4, 3, 1},
                          {1_s, false, 5, 4, 1},    {1_s, true, 6, 4, 2},     {1_s, false, 7, 5, 2},
                          {1_s, false, 5, 4, 1},    {1_s, false, 5, 4, 1},    {5_s, false, 1, 1, 0}};
    for (const Step& s : steps) {
        t += s.advance;
        w.record(t, s.failed ? error(100_ms) : success(100_ms));
        expect_totals(w.totals(t), s.calls, s.successes, s.failures, 100_ms * static_cast<std::int64_t>(s.calls));
    }
}

}  // namespace
}  // namespace cascadelab::conformance
