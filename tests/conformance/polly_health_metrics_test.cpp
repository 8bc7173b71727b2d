// Polly v8's health metrics cases, replayed against health_metrics.hpp in virtual time.
#include <gtest/gtest.h>

#include "statemachines/health_metrics.hpp"

namespace cascadelab::conformance {
namespace {

using namespace literals;

// ---- test/Polly.Core.Tests/CircuitBreaker/Health/RollingHealthMetricsTests.cs ----
// SamplingDuration 10 s, 10 windows.
class PollyRollingHealthMetrics : public ::testing::Test {
protected:
    Time now = Time::zero();
    HealthMetrics metrics{10_s, now};
};

TEST_F(PollyRollingHealthMetrics, Ctor_EnsureDefaults) {
    EXPECT_TRUE(metrics.rolling());
    const HealthInfo health = metrics.health(now);
    EXPECT_EQ(health.failure_rate, 0.0);
    EXPECT_EQ(health.throughput, 0u);
}

TEST_F(PollyRollingHealthMetrics, Increment_Ok) {
    metrics.increment_failure(now);
    for (int i = 0; i < 4; ++i) metrics.increment_success(now);
    const HealthInfo health = metrics.health(now);
    EXPECT_EQ(health.failure_rate, 0.2);
    EXPECT_EQ(health.throughput, 5u);
}

TEST_F(PollyRollingHealthMetrics, GetHealthInfo_EnsureWindowRespected) {
    std::vector<HealthInfo> health;
    for (int i = 0; i < 5; ++i) {
        if (i < 2) metrics.increment_failure(now);
        else metrics.increment_success(now);
        metrics.increment_success(now);
        now += 2_s;
        health.push_back(metrics.health(now));
    }
    now += 2_s;
    health.push_back(metrics.health(now));
    EXPECT_EQ(health[0], (HealthInfo{2, 0.5, 1}));
    EXPECT_EQ(health[1], (HealthInfo{4, 0.5, 2}));
    EXPECT_EQ(health[3], (HealthInfo{8, 0.25, 2}));
    EXPECT_EQ(health[4], (HealthInfo{8, 0.125, 1}));
    EXPECT_EQ(health[5], (HealthInfo{6, 0.0, 0}));
}

TEST_F(PollyRollingHealthMetrics, GetHealthInfo_EnsureWindowCapacityRespected) {
    for (int i = 0; i < 10; ++i) {
        metrics.increment_success(now);
        now += 1_s;
    }
    EXPECT_EQ(metrics.health(now).throughput, 9u);
    now += 1_s;
    EXPECT_EQ(metrics.health(now).throughput, 8u);
}

TEST_F(PollyRollingHealthMetrics, Reset_Ok) {
    metrics.increment_success(now);
    metrics.reset(now);
    EXPECT_EQ(metrics.health(now).throughput, 0u);
}

TEST_F(PollyRollingHealthMetrics, GetHealthInfo_SamplingDurationRespected) {
    for (bool variance : {true, false}) {
        Time t = Time::zero();
        HealthMetrics m{10_s, t};
        m.increment_success(t);
        m.increment_success(t);
        t += 10_s + (variance ? 1_ms : 0_ms);
        EXPECT_EQ(m.health(t), (HealthInfo{0, 0.0, 0})) << variance;
    }
}

// ---- test/Polly.Core.Tests/CircuitBreaker/Health/SingleHealthMetricsTests.cs ----
// SamplingDuration 100 ms: below 200 ms Polly keeps one window.
class PollySingleHealthMetrics : public ::testing::Test {
protected:
    Time now = Time::zero();
    HealthMetrics metrics{100_ms, now};
};

TEST_F(PollySingleHealthMetrics, Ctor_EnsureDefaults) {
    EXPECT_FALSE(metrics.rolling());
    EXPECT_EQ(metrics.health(now).failure_rate, 0.0);
    EXPECT_EQ(metrics.health(now).throughput, 0u);
}

TEST_F(PollySingleHealthMetrics, Increment_Ok) {
    metrics.increment_failure(now);
    for (int i = 0; i < 4; ++i) metrics.increment_success(now);
    EXPECT_EQ(metrics.health(now).failure_rate, 0.2);
    EXPECT_EQ(metrics.health(now).throughput, 5u);
}

TEST_F(PollySingleHealthMetrics, Reset_Ok) {
    metrics.increment_success(now);
    metrics.reset(now);
    EXPECT_EQ(metrics.health(now).throughput, 0u);
}

TEST_F(PollySingleHealthMetrics, SamplingDurationRespected_Ok) {
    metrics.increment_success(now);
    metrics.increment_success(now);
    now += 100_ms;
    EXPECT_EQ(metrics.health(now).throughput, 0u);
}

// ---- test/Polly.Core.Tests/CircuitBreaker/Health/HealthMetricsTests.cs ----
TEST(PollyHealthMetrics, Create_Ok) {
    const std::pair<std::int64_t, bool> cases[] = {{100, false}, {199, false}, {200, true}, {201, true}};
    for (const auto& [ms, rolling] : cases)
        EXPECT_EQ(HealthMetrics(Duration::millis(ms), Time::zero()).rolling(), rolling) << ms << " ms";
}

}  // namespace
}  // namespace cascadelab::conformance
