// Finagle's RetryBudget cases, replayed against the finagle budget of retry_budget.hpp. Peer file:
// finagle-core/src/test/scala/com/twitter/finagle/service/RetryBudgetTest.scala
#include <gtest/gtest.h>

#include <cmath>  // std::abs

#include "statemachines/config_error.hpp"
#include "statemachines/retry_budget.hpp"
#include "tests/conformance/virtual_clock.hpp"

namespace cascadelab::conformance {
namespace {

using namespace literals;

RetryBudgetConfig finagle(Duration ttl, double min_retries_per_sec, double percent_can_retry) {
    RetryBudgetConfig c = RetryBudgetConfig::finagle();
    c.ttl = ttl;
    c.min_retries_per_second = min_retries_per_sec;
    c.percent_can_retry = percent_can_retry;
    return c;
}

// Finagle's budget as its test calls it: deposit() per request, tryWithdraw() per retry, balance.
struct Budget {
    explicit Budget(const RetryBudgetConfig& c) : rb(c, clock) {}
    void deposit() { rb.signal(clock.now, BudgetSignal::RequestStarted); }
    bool tryWithdraw() { return rb.retry_requested(clock.now).granted; }
    std::int64_t balance() const { return static_cast<std::int64_t>(rb.level(clock.now)); }
    VirtualClock clock;
    RetryBudget rb;
};

// testBudget(ttl, minRetriesPerSec, percentCanRetry), with time frozen.
void testBudget(Duration ttl, double min_retries_per_sec, double percent_can_retry) {
    SCOPED_TRACE(::testing::Message() << "percentCanRetry=" << percent_can_retry);
    Budget b{finagle(ttl, min_retries_per_sec, percent_can_retry)};
    const auto min_retries = static_cast<std::int64_t>(ttl.us() / 1'000'000) * static_cast<std::int64_t>(min_retries_per_sec);
    EXPECT_EQ(b.balance(), min_retries);
    if (min_retries == 0) {
        EXPECT_FALSE(b.tryWithdraw());
    }
    const int n_reqs = 10'000;
    int retried = 0;
    for (int i = 0; i < n_reqs; ++i) {
        b.deposit();
        if (b.tryWithdraw()) {
            ++retried;
        } else {
            ASSERT_EQ(b.balance(), 0) << "request " << i;
        }
    }
    // Finagle's fixed-point scale gives +-1.
    const auto expected = static_cast<std::int64_t>(n_reqs * percent_can_retry) + min_retries;
    EXPECT_LE(std::abs(expected - retried), 1);
}

TEST(FinagleRetryBudget, Empty) {
    Budget b{finagle(10_s, 0, 0.0)};  // RetryBudget.Empty
    EXPECT_EQ(b.balance(), 0);
    EXPECT_FALSE(b.tryWithdraw());
    b.deposit();
    EXPECT_EQ(b.balance(), 0);
    EXPECT_FALSE(b.tryWithdraw());
}

TEST(FinagleRetryBudget, apply_ttl_bounds_check) {
    EXPECT_THROW(finagle(0_s, 5, 0.1).validate(), ConfigError);
    EXPECT_THROW(finagle(61_s, 5, 0.1).validate(), ConfigError);
}

TEST(FinagleRetryBudget, apply_minRetriesPerSec_bounds_check) {
    EXPECT_THROW(finagle(10_s, -1, 0.1).validate(), ConfigError);
}

TEST(FinagleRetryBudget, apply_maxPercentOver_bounds) {
    EXPECT_THROW(finagle(10_s, 0, -1.0).validate(), ConfigError);
}

TEST(FinagleRetryBudget, apply_minRetriesPerSec_0_maxPercentOver_0_should_be_empty) {
    Budget b{finagle(10_s, 0, 0.0)};
    for (int i = 0; i < 100; ++i) b.deposit();
    EXPECT_FALSE(b.tryWithdraw());
    EXPECT_EQ(b.balance(), 0);
}

TEST(FinagleRetryBudget, apply_minRetriesPerSec_0) {
    for (double p : {0.1, 0.5, 0.25, 0.75, 0.99, 0.999, 0.9999, 0.01, 0.001, 0.0001}) testBudget(60_s, 0, p);
}

TEST(FinagleRetryBudget, apply_minRetries_0_maxPercentOver_greater_than_1_0) {
    Budget b{finagle(60_s, 0, 2.0)};
    EXPECT_EQ(b.balance(), 0);
    EXPECT_FALSE(b.tryWithdraw());
    for (int i = 0; i < 10'000; ++i) b.deposit();
    EXPECT_EQ(b.balance(), 20'000);
}

TEST(FinagleRetryBudget, apply_with_minRetries_and_maxPercentOver_0) {
    testBudget(1_s, 10, 0.0);
    testBudget(2_s, 5, 0.0);
}

TEST(FinagleRetryBudget, apply_with_minRetries_and_maxPercentOver) {
    testBudget(1_s, 10, 0.1);
    testBudget(2_s, 5, 0.5);
}

}  // namespace
}  // namespace cascadelab::conformance
