// Polly v8's retry delay cases (RetryHelper), replayed against backoff.hpp's BackoffSchedule with
// the peer's injected random numbers. Polly's attempt 0 is the first retry.
#include <gtest/gtest.h>

#include "model/kernel/rng.hpp"
#include "statemachines/backoff.hpp"
#include "statemachines/config_error.hpp"
#include "statemachines/retry.hpp"

namespace cascadelab::conformance {
namespace {

using namespace literals;

// GetRetryDelay(type, jitter, attempt, delay, maxDelay, ..., randomizer): the delay of retry
// `attempt` (0-based) when every draw returns u.
Duration polly_delay(BackoffKind type, bool jitter, std::uint32_t attempt, Duration delay,
                     Duration max_delay = Duration::max(), double u = 0.5) {
    const BackoffConfig c = BackoffConfig::polly(type, delay, max_delay, jitter);
    BackoffSchedule s{c};
    Duration d;
    for (std::uint32_t i = 0; i <= attempt; ++i) d = s.next_with(BackoffDraw::exactly(u));
    return d;
}

// ---- test/Polly.Core.Tests/Retry/RetryHelperTests.cs ----

TEST(PollyRetryHelper, IsValidDelay_Ok) {
    for (Duration d : {0_ms, 1_s, Duration::max()}) {
        BackoffConfig c = BackoffConfig::polly(BackoffKind::Constant, d);
        EXPECT_NO_THROW(c.validate()) << to_string(d);
    }
    for (Duration d : {Duration::min(), Duration::zero() - 1_ms}) {
        BackoffConfig c = BackoffConfig::polly(BackoffKind::Constant, d);
        EXPECT_THROW(c.validate(), ConfigError) << to_string(d);
    }
}

TEST(PollyRetryHelper, Constant_Ok) {
    for (std::uint32_t a : {0u, 1u, 2u}) {
        EXPECT_EQ(polly_delay(BackoffKind::Constant, false, a, 0_ms), 0_ms);
        EXPECT_EQ(polly_delay(BackoffKind::Constant, false, a, 1_s), 1_s);
    }
}

TEST(PollyRetryHelper, Constant_Jitter_Ok) {
    for (std::uint32_t a : {0u, 1u, 2u}) EXPECT_EQ(polly_delay(BackoffKind::Constant, true, a, 0_ms), 0_ms);
    EXPECT_EQ(polly_delay(BackoffKind::Constant, true, 0, 1_s, Duration::max(), 0.0), 750_ms);
    EXPECT_EQ(polly_delay(BackoffKind::Constant, true, 0, 1_s, Duration::max(), 0.4), 950_ms);
    EXPECT_EQ(polly_delay(BackoffKind::Constant, true, 1, 1_s, Duration::max(), 0.6), 1050_ms);
    EXPECT_EQ(polly_delay(BackoffKind::Constant, true, 0, 1_s, Duration::max(), 1.0), 1250_ms);
}

TEST(PollyRetryHelper, Linear_Ok) {
    for (std::uint32_t a : {0u, 1u, 2u}) EXPECT_EQ(polly_delay(BackoffKind::Linear, false, a, 0_ms), 0_ms);
    EXPECT_EQ(polly_delay(BackoffKind::Linear, false, 0, 1_s), 1_s);
    EXPECT_EQ(polly_delay(BackoffKind::Linear, false, 1, 1_s), 2_s);
    EXPECT_EQ(polly_delay(BackoffKind::Linear, false, 2, 1_s), 3_s);
}

TEST(PollyRetryHelper, Linear_Jitter_Ok) {
    for (std::uint32_t a : {0u, 1u, 2u}) EXPECT_EQ(polly_delay(BackoffKind::Linear, true, a, 0_ms), 0_ms);
    const std::pair<double, Duration> cases[] = {
        {0.0, 2250_ms}, {0.4, 2850_ms}, {0.5, 3000_ms}, {0.6, 3150_ms}, {1.0, 3750_ms}};
    for (const auto& [u, expected] : cases)
        EXPECT_EQ(polly_delay(BackoffKind::Linear, true, 2, 1_s, Duration::max(), u), expected) << u;
}

TEST(PollyRetryHelper, Exponential_Ok) {
    for (std::uint32_t a : {0u, 1u, 2u}) EXPECT_EQ(polly_delay(BackoffKind::Exponential, false, a, 0_ms), 0_ms);
    EXPECT_EQ(polly_delay(BackoffKind::Exponential, false, 0, 1_s), 1_s);
    EXPECT_EQ(polly_delay(BackoffKind::Exponential, false, 1, 1_s), 2_s);
    EXPECT_EQ(polly_delay(BackoffKind::Exponential, false, 2, 1_s), 4_s);
}

TEST(PollyRetryHelper, MaxDelay_Ok) {
    for (BackoffKind type : {BackoffKind::Linear, BackoffKind::Exponential, BackoffKind::Constant})
        for (bool jitter : {false, true})
            EXPECT_EQ(polly_delay(type, jitter, 2, 10_s, 1_s, 0.5), 1_s) << name(type) << " " << jitter;
}

TEST(PollyRetryHelper, MaxDelay_DelayLessThanMaxDelay_Respected) {
    EXPECT_EQ(polly_delay(BackoffKind::Constant, false, 2, 1_s, 2_s), 1_s);
}

TEST(PollyRetryHelper, GetRetryDelay_Overflow_ReturnsMaxTimeSpan) {
    EXPECT_EQ(polly_delay(BackoffKind::Exponential, false, 1000, Duration::seconds(86'400)), Duration::max());
}

TEST(PollyRetryHelper, GetRetryDelay_OverflowWithMaxDelay_ReturnsMaxDelay) {
    EXPECT_EQ(polly_delay(BackoffKind::Exponential, false, 1000, Duration::seconds(86'400), Duration::seconds(2 * 86'400)),
              Duration::seconds(2 * 86'400));
}

constexpr std::uint32_t kAttempts[] = {1, 2, 3, 4, 10, 100, 1'000, 1'024, 1'025};

// Polly calls the same attempt twice with its state carried over; the schedule's next retry
// is the nearest equivalent ("first" and "second" below).
TEST(PollyRetryHelper, GetRetryDelay_Exponential_Is_Positive_When_No_Maximum_Delay) {
    for (std::uint32_t attempt : kAttempts) {
        const BackoffConfig c = BackoffConfig::polly(BackoffKind::Exponential, 2_s, Duration::max(), true);
        BackoffSchedule s{c};
        Rng random{0};
        Duration first, second;
        for (std::uint32_t i = 0; i <= attempt; ++i) first = s.next(random);
        second = s.next(random);
        EXPECT_GT(first, 0_ms) << attempt;
        EXPECT_GT(second, 0_ms) << attempt;
    }
}

TEST(PollyRetryHelper, GetRetryDelay_Exponential_Does_Not_Exceed_MaxDelay) {
    for (std::uint32_t attempt : kAttempts) {
        const BackoffConfig c = BackoffConfig::polly(BackoffKind::Exponential, 2_s, 30_s, true);
        BackoffSchedule s{c};
        Rng random{0};
        Duration first, second;
        for (std::uint32_t i = 0; i <= attempt; ++i) first = s.next(random);
        second = s.next(random);
        EXPECT_GT(first, 0_ms) << attempt;
        EXPECT_LE(first, 30_s) << attempt;
        EXPECT_GT(second, 0_ms) << attempt;
        EXPECT_LE(second, 30_s) << attempt;
    }
}

TEST(PollyRetryHelper, ExponentialWithJitter_EnsureRandomness) {
    const BackoffConfig c = BackoffConfig::polly(BackoffKind::Exponential, 7800_ms, Duration::max(), true);
    auto delays = [&](std::uint64_t seed) {
        BackoffSchedule s{c};
        Rng random{seed};
        std::vector<Duration> out;
        for (int i = 0; i < 100; ++i) out.push_back(s.next(random));
        return out;
    };
    const auto delays1 = delays(1);
    const auto delays2 = delays(2);
    EXPECT_NE(delays1, delays2);
    for (Duration d : delays1) EXPECT_GT(d, 0_ms);
}

// ---- test/Polly.Core.Tests/Retry/RetryStrategyOptionsTests.cs (v8 names) ----
TEST(PollyRetryStrategyOptions, Ctor_Ok) {
    const RetryConfig c = RetryConfig::polly();
    EXPECT_EQ(c.max_attempts, 4u);  // MaxRetryAttempts 3, plus the first call
    EXPECT_EQ(c.backoff.kind, BackoffKind::Constant);
    EXPECT_EQ(c.backoff.base, 2_s);
    EXPECT_EQ(c.backoff.jitter, Jitter::None);
    EXPECT_EQ(c.backoff.cap, Duration::max());  // MaxDelay: none
}

TEST(PollyRetryStrategyOptions, InvalidOptions) {
    RetryConfig c = RetryConfig::polly();
    c.backoff.base = Duration::min();  // BaseDelay = TimeSpan.MinValue
    EXPECT_THROW(c.validate(), ConfigError);
}

}  // namespace
}  // namespace cascadelab::conformance
