// The AWS SDKs' standard retry mode: botocore's tests/unit/retries/test_quota.py and
// test_standard_retry_v2_1.py (the 2026 rules) and aws-sdk-go-v2's
// aws/retry/jitter_backoff_test.go (the legacy backoff), replayed against retry.hpp,
// retry_budget.hpp and backoff.hpp.
#include <gtest/gtest.h>

#include "tests/conformance/retrying_client.hpp"

namespace cascadelab::conformance {
namespace {

using namespace literals;

// botocore's RetryQuota(capacity): acquire(n) is a retry whose class costs n, release(n) the
// refund of a retry that succeeded.
struct Quota {
    explicit Quota(std::uint32_t capacity, std::uint32_t error_cost = 5, std::uint32_t timeout_cost = 10)
        : quota(config(capacity, error_cost, timeout_cost), clock) {}
    static RetryBudgetConfig config(std::uint32_t capacity, std::uint32_t error_cost, std::uint32_t timeout_cost) {
        RetryBudgetConfig c = RetryBudgetConfig::aws_standard();
        c.initial_quota = capacity;
        c.retry_cost = error_cost;
        c.timeout_cost = timeout_cost;
        return c;
    }
    bool acquire(AttemptOutcome after = AttemptOutcome::Error) { return quota.retry_requested(clock.now, after).granted; }
    void release(std::uint32_t amount) { quota.signal(clock.now, BudgetSignal::RetrySucceeded, amount); }
    double available_capacity() const { return quota.level(clock.now); }
    VirtualClock clock;
    RetryBudget quota;
};

// ---- test_quota.py: TestRetryQuota, RetryQuota(50) ----
TEST(BotocoreRetryQuota, test_can_acquire_amount) {
    Quota q{50};
    EXPECT_TRUE(q.acquire());
    EXPECT_EQ(q.available_capacity(), 45);
}
TEST(BotocoreRetryQuota, test_can_release_amount) {
    Quota q{50};
    EXPECT_TRUE(q.acquire());
    EXPECT_EQ(q.available_capacity(), 45);
    q.release(5);
    EXPECT_EQ(q.available_capacity(), 50);
}
TEST(BotocoreRetryQuota, test_cant_exceed_max_capacity) {
    Quota q{50};
    EXPECT_TRUE(q.acquire());
    q.release(10);
    EXPECT_EQ(q.available_capacity(), 50);
}
TEST(BotocoreRetryQuota, test_noop_if_at_max_capacity) {
    Quota q{50};
    q.release(10);
    EXPECT_EQ(q.available_capacity(), 50);
}
TEST(BotocoreRetryQuota, test_cant_go_below_zero) {
    Quota q{50, 49, 10};  // acquire(49), then acquire(10)
    EXPECT_TRUE(q.acquire(AttemptOutcome::Error));
    EXPECT_EQ(q.available_capacity(), 1);
    EXPECT_FALSE(q.acquire(AttemptOutcome::Timeout));
    EXPECT_EQ(q.available_capacity(), 1);
}

// ---- test_standard_retry_v2_1.py: TestRetryQuotaChecker, RetryQuota(500) under the 2026 rules ----
struct Checker {
    Checker() : quota(RetryBudgetConfig::aws_2026(), clock) {}
    explicit Checker(std::uint32_t capacity) : quota(with_capacity(capacity), clock) {}
    static RetryBudgetConfig with_capacity(std::uint32_t capacity) {
        RetryBudgetConfig c = RetryBudgetConfig::aws_2026();
        c.initial_quota = capacity;
        return c;
    }
    RetryGrant acquire_retry_quota(AttemptOutcome after) { return quota.retry_requested(clock.now, after); }
    double available_capacity() const { return quota.level(clock.now); }
    VirtualClock clock;
    RetryBudget quota;
};

TEST(BotocoreRetryQuotaChecker, test_can_acquire_quota_for_throttling_error) {
    Checker c;
    const RetryGrant g = c.acquire_retry_quota(AttemptOutcome::Throttled);
    EXPECT_TRUE(g.granted);
    EXPECT_EQ(g.cost, 5u);  // request_context['retry_quota_capacity']
}
TEST(BotocoreRetryQuotaChecker, test_can_acquire_quota_non_timeout_error) {
    Checker c;
    const RetryGrant g = c.acquire_retry_quota(AttemptOutcome::Error);
    EXPECT_TRUE(g.granted);
    EXPECT_EQ(g.cost, 14u);
}
TEST(BotocoreRetryQuotaChecker, test_can_acquire_quota_for_timeout_error) {
    Checker c;
    const RetryGrant g = c.acquire_retry_quota(AttemptOutcome::Timeout);
    EXPECT_TRUE(g.granted);
    EXPECT_EQ(g.cost, 14u);
}
TEST(BotocoreRetryQuotaChecker, test_can_release_quota_based_on_context_value_on_success) {
    Checker c;
    const RetryGrant g = c.acquire_retry_quota(AttemptOutcome::Error);
    EXPECT_EQ(c.available_capacity(), 486);
    c.quota.signal(c.clock.now, BudgetSignal::RetrySucceeded, g.cost);
    EXPECT_EQ(c.available_capacity(), 500);
}
TEST(BotocoreRetryQuotaChecker, test_can_release_quota_when_succeed_after_throttling_error) {
    Checker c;
    const RetryGrant g = c.acquire_retry_quota(AttemptOutcome::Throttled);
    EXPECT_EQ(c.available_capacity(), 495);
    c.quota.signal(c.clock.now, BudgetSignal::RetrySucceeded, g.cost);
    EXPECT_EQ(c.available_capacity(), 500);
}
TEST(BotocoreRetryQuotaChecker, test_dont_release_quota_if_all_retries_failed) {
    Checker c;
    c.acquire_retry_quota(AttemptOutcome::Error);
    EXPECT_EQ(c.available_capacity(), 486);
    c.quota.signal(c.clock.now, BudgetSignal::RequestFinished);  // the request ends in failure
    EXPECT_EQ(c.available_capacity(), 486);
}
TEST(BotocoreRetryQuotaChecker, test_can_release_default_quota_if_not_in_context) {
    Checker c;
    c.acquire_retry_quota(AttemptOutcome::Error);
    EXPECT_EQ(c.available_capacity(), 486);
    c.quota.signal(c.clock.now, BudgetSignal::AttemptSucceeded);  // a success without a retry: +1
    EXPECT_EQ(c.available_capacity(), 487);
}
TEST(BotocoreRetryQuotaChecker, test_acquire_quota_fails) {
    Checker c{14};
    EXPECT_TRUE(c.acquire_retry_quota(AttemptOutcome::Error).granted);
    const RetryGrant g = c.acquire_retry_quota(AttemptOutcome::Error);
    EXPECT_FALSE(g.granted);
    EXPECT_EQ(g.cost, 0u);
}
TEST(BotocoreRetryQuotaChecker, test_quota_reached_adds_retry_metadata) {
    Checker c{0};
    EXPECT_FALSE(c.acquire_retry_quota(AttemptOutcome::Error).granted);
    EXPECT_EQ(c.quota.denied(), 1u);  // RetryQuotaReached
}
TEST(BotocoreRetryQuotaChecker, test_single_failed_request_does_not_give_back_quota) {
    Checker c{500};
    for (int i = 0; i < 10; ++i) c.quota.retry_requested(c.clock.now, AttemptOutcome::Throttled);  // acquire(50)
    EXPECT_EQ(c.available_capacity(), 450);
    c.quota.signal(c.clock.now, BudgetSignal::RequestFinished);  // a 400: no quota back
    EXPECT_EQ(c.available_capacity(), 450);
}

// ---- test_standard_retry_v2_1.py: TestExponentialBackoff, random = 1 ----
TEST(BotocoreExponentialBackoff, test_range_of_exponential_backoff) {
    BackoffConfig c = BackoffConfig::aws_2026(50_ms, 20_s);
    BackoffSchedule s{c};
    std::vector<Duration> backoffs;
    for (int attempt = 1; attempt <= 11; ++attempt) backoffs.push_back(s.next_with(BackoffDraw::exactly(1.0)));
    EXPECT_EQ(backoffs, (std::vector<Duration>{50_ms, 100_ms, 200_ms, 400_ms, 800_ms, 1600_ms, 3200_ms, 6400_ms,
                                               12800_ms, 20_s, 20_s}));
}
TEST(BotocoreExponentialBackoff, test_exponential_backoff_with_jitter) {
    const BackoffConfig c = BackoffConfig::aws_2026();
    Rng rng{7};
    for (int i = 0; i < 10; ++i) {
        BackoffSchedule s{c};
        s.next(rng);
        s.next(rng);
        const Duration third = s.next(rng);  // attempt 3: at most 0.05 x 2^2
        EXPECT_GE(third, 0_ms);
        EXPECT_LE(third, 200_ms);
    }
}
TEST(BotocoreExponentialBackoff, test_uniform_rand_dist_on_max_attempts) {
    const BackoffConfig c = BackoffConfig::aws_2026();
    Rng rng{11};
    std::vector<int> histogram(21, 0);
    const int n = 10'000;
    for (int i = 0; i < n; ++i) {
        BackoffSchedule s{c};
        Duration d;
        for (int attempt = 1; attempt <= 10; ++attempt) d = s.next(rng);
        ++histogram[static_cast<std::size_t>(d.us() / 1'000'000)];
    }
    int buckets = 0;
    for (int h : histogram) buckets += h > 0 ? 1 : 0;
    const double expected = static_cast<double>(n) / buckets;
    for (int h : histogram) {
        if (h > 0) {
            EXPECT_NEAR(h, expected, expected * 0.20);  // the peer's 20 % tolerance
        }
    }
}

// ---- test_standard_retry_v2_1.py: TestServiceSpecificRetries ----
// DynamoDB: base 25 ms, 4 attempts; random = 1, so each delay is its bound.
TEST(BotocoreServiceSpecificRetries, test_dynamodb_base_backoff_and_increased_retries) {
    RetryConfig config = RetryConfig::aws_2026();
    config.max_attempts = 4;
    config.backoff.base = 25_ms;
    config.backoff.jitter = Jitter::None;  // U = 1
    VirtualClock quota_effects;
    RetryBudget quota{RetryBudgetConfig::aws_2026(), quota_effects};
    RetryingClient client{config, &quota};
    std::vector<double> capacity_after;
    const CallResult r = client.call([&](int) {
        capacity_after.push_back(quota.level(quota_effects.now));
        return Reply::error(AttemptOutcome::Error);
    });
    EXPECT_EQ(r.backoffs, (std::vector<Duration>{25_ms, 50_ms, 100_ms}));
    EXPECT_EQ(capacity_after, (std::vector<double>{500, 486, 472, 458}));  // each before its attempt
    EXPECT_EQ(quota.level(quota_effects.now), 458);  // attempt 4 is not retried: MaxAttemptsReached
    EXPECT_EQ(r.end, RetryEnd::AttemptsExhausted);
}

// ---- test_standard_retry_v2_1.py: TestRetryAfterHeaderInRetries ----
// x-amz-retry-after bounds the delay to [backoff, backoff + 5 s]; an invalid value is ignored.
TEST(BotocoreRetryAfterHeaderInRetries, test_x_amz_retry_after_header_is_honored) {
    struct Case {
        const char* header;
        Duration delay;
    };
    const Case cases[] = {{"1500", 1500_ms}, {"0", 50_ms}, {"10000", 5050_ms}, {"invalid", 50_ms}};
    for (const Case& c : cases) {
        RetryConfig config = RetryConfig::aws_2026();
        config.backoff.jitter = Jitter::None;  // random = 1
        VirtualClock quota_effects;
        RetryBudget quota{RetryBudgetConfig::aws_2026(), quota_effects};
        RetryingClient client{config, &quota};
        double after_failure = 0;
        const CallResult r = client.call([&](int i) {
            if (i == 0) return Reply::error(AttemptOutcome::Error, Pushback::from_aws_retry_after(c.header));
            after_failure = quota.level(quota_effects.now);
            return Reply::success();
        });
        EXPECT_EQ(after_failure, 486) << c.header;
        ASSERT_EQ(r.backoffs.size(), 1u);
        EXPECT_EQ(r.backoffs.front(), c.delay) << c.header;
        EXPECT_EQ(quota.level(quota_effects.now), 500) << c.header;  // refunded after the success
    }
}

// ---- aws-sdk-go-v2 aws/retry/jitter_backoff_test.go: TestExponentialJitterBackoff_AttemptDelay ----
// The peer computes in nanoseconds; virtual time has microseconds (one microsecond of tolerance).
Duration legacy_delay(std::uint32_t attempt, double rand) {
    const BackoffConfig c = BackoffConfig::aws_legacy(20_s);
    BackoffSchedule s{c};
    Duration d;
    for (std::uint32_t i = 1; i <= attempt; ++i) d = s.next_with(BackoffDraw::exactly(rand));
    return d;
}
const double kMaxB = 1.0 - 1.0 / static_cast<double>(1ULL << 53);

TEST(AwsGoExponentialJitterBackoff, min_delay_floor) { EXPECT_EQ(legacy_delay(1, 0.0), 0_ms); }
TEST(AwsGoExponentialJitterBackoff, min_delay_ceiling) {
    EXPECT_NEAR(static_cast<double>(legacy_delay(1, kMaxB).us()), kMaxB * 2e6, 1.0);
}
TEST(AwsGoExponentialJitterBackoff, attempt_delay) { EXPECT_EQ(legacy_delay(2, 0.5), 2_s); }  // 0.5 x 2^2
TEST(AwsGoExponentialJitterBackoff, max_delay) {
    EXPECT_NEAR(static_cast<double>(legacy_delay(10, kMaxB).us()), kMaxB * 20e6, 1.0);  // rand x 2^log2(20)
}

// ---- botocore tests/unit/retries/test_standard.py: TestExponentialBackoff (legacy, random = 1) ----
// botocore's legacy formula is min(rand x 2^(n-1), 20): the exponential kind with full jitter
// applied before the cap (aws_legacy() follows aws-sdk-go-v2's 2^n instead).
TEST(BotocoreLegacyExponentialBackoff, test_range_of_exponential_backoff) {
    BackoffConfig c;
    c.kind = BackoffKind::Exponential;
    c.base = 1_s;
    c.multiplier = 2.0;
    c.cap = 20_s;
    c.jitter = Jitter::Full;
    c.cap_order = CapOrder::JitterThenCap;
    BackoffSchedule s{c};
    std::vector<Duration> backoffs;
    for (int i = 1; i < 10; ++i) backoffs.push_back(s.next_with(BackoffDraw::exactly(1.0)));
    EXPECT_EQ(backoffs, (std::vector<Duration>{1_s, 2_s, 4_s, 8_s, 16_s, 20_s, 20_s, 20_s, 20_s}));
}

}  // namespace
}  // namespace cascadelab::conformance
