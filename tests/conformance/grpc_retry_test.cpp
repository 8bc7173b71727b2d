// gRPC's retry and throttling cases (A6), from three implementations' tests: gRPC core's
// retry_throttle_test.cc, grpc-java's RetriableStreamTest.java and grpc-go's
// test/retry_test.go, replayed against the grpc presets of retry.hpp and retry_budget.hpp.
#include <gtest/gtest.h>

#include "tests/conformance/retrying_client.hpp"

namespace cascadelab::conformance {
namespace {

using namespace literals;

// A throttle alone, with its two questions: isAboveThreshold (a retry would be allowed) and
// onQualifiedFailureThenCheckIsAboveThreshold.
struct Throttle {
    Throttle(double max_tokens, double ratio) : budget(RetryBudgetConfig::grpc(max_tokens, ratio), clock) {}
    bool isAboveThreshold() const { return budget.state() == BudgetState::Plenty; }
    bool onQualifiedFailureThenCheckIsAboveThreshold() {
        budget.signal(clock.now, BudgetSignal::AttemptFailed);
        return isAboveThreshold();
    }
    void onSuccess() { budget.signal(clock.now, BudgetSignal::AttemptSucceeded); }
    VirtualClock clock;
    RetryBudget budget;
};

// ---- grpc/grpc test/core/client_channel/retry_throttle_test.cc ----
TEST(GrpcCoreServerRetryThrottleData, Basic) {
    Throttle t{4, 1.6};  // max 4 tokens: retries while above 2; +1.6 per success
    EXPECT_TRUE(t.onQualifiedFailureThenCheckIsAboveThreshold());   // 3
    t.onSuccess();                                                  // 4, not beyond the max
    EXPECT_TRUE(t.onQualifiedFailureThenCheckIsAboveThreshold());   // 3
    EXPECT_FALSE(t.onQualifiedFailureThenCheckIsAboveThreshold());  // 2: at the threshold
    EXPECT_FALSE(t.onQualifiedFailureThenCheckIsAboveThreshold());  // 1
    EXPECT_FALSE(t.onQualifiedFailureThenCheckIsAboveThreshold());  // 0
    EXPECT_FALSE(t.onQualifiedFailureThenCheckIsAboveThreshold());  // 0, not below
    t.onSuccess();                                                  // 1.6
    t.onSuccess();                                                  // 3.2
    EXPECT_TRUE(t.onQualifiedFailureThenCheckIsAboveThreshold());   // 2.2
    EXPECT_FALSE(t.onQualifiedFailureThenCheckIsAboveThreshold());  // 1.2
    t.onSuccess();                                                  // 2.8
    EXPECT_FALSE(t.onQualifiedFailureThenCheckIsAboveThreshold());  // 1.8
    t.onSuccess();                                                  // 3.4
    EXPECT_TRUE(t.onQualifiedFailureThenCheckIsAboveThreshold());   // 2.4
    EXPECT_DOUBLE_EQ(t.budget.level(t.clock.now), 2.4);
}

// ---- grpc-java core/src/test/java/io/grpc/internal/RetriableStreamTest.java ----
// RetryPolicy(MAX_ATTEMPTS 6, initial 100 s, max 700 s, multiplier 2), random fixed at .5:
// each wait is half of min(100 s x 2^(n-1), 700 s).
RetryConfig java_policy() {
    RetryConfig c;
    c.max_attempts = 6;  // built directly, as the test does: no service-config clamp to 5
    c.backoff = BackoffConfig::grpc(100_s, 2.0, 700_s);
    c.backoff.jitter = Jitter::Proportional;  // a random of exactly .5 times the full range
    c.backoff.proportional_low = c.backoff.proportional_high = 0.5;
    c.retry_on.timeout = false;
    return c;
}

TEST(GrpcJavaRetriableStream, throttle) {
    Throttle t{4, 0.8};
    EXPECT_TRUE(t.isAboveThreshold());
    EXPECT_TRUE(t.onQualifiedFailureThenCheckIsAboveThreshold());  // 3
    EXPECT_TRUE(t.isAboveThreshold());
    EXPECT_FALSE(t.onQualifiedFailureThenCheckIsAboveThreshold());  // 2
    EXPECT_FALSE(t.isAboveThreshold());
    for (int i = 0; i < 4; ++i) EXPECT_FALSE(t.onQualifiedFailureThenCheckIsAboveThreshold());  // 1, 0, 0, 0
    EXPECT_FALSE(t.isAboveThreshold());
    t.onSuccess();  // 0.8
    EXPECT_FALSE(t.isAboveThreshold());
    t.onSuccess();  // 1.6
    EXPECT_FALSE(t.isAboveThreshold());
    t.onSuccess();  // 2.4
    EXPECT_TRUE(t.isAboveThreshold());
    for (int i = 0; i < 3; ++i) {
        t.onSuccess();  // 3.2, 4, 4
        EXPECT_TRUE(t.isAboveThreshold());
    }
    EXPECT_TRUE(t.onQualifiedFailureThenCheckIsAboveThreshold());   // 3
    EXPECT_FALSE(t.onQualifiedFailureThenCheckIsAboveThreshold());  // 2
    EXPECT_FALSE(t.isAboveThreshold());
}

// Each throttled case: another call in the channel has already taken the tokens to 3.
struct GrpcJavaThrottledStream : ::testing::Test {
    GrpcJavaThrottledStream() : budget(RetryBudgetConfig::grpc(4, 0.8), clock), client(java_policy(), &budget) {
        EXPECT_TRUE(budget.state() == BudgetState::Plenty);
        budget.signal(clock.now, BudgetSignal::AttemptFailed);  // count = 3
    }
    double tokens() const { return budget.level(clock.now); }
    VirtualClock clock;
    RetryBudget budget;
    RetryingClient client;
};

TEST_F(GrpcJavaThrottledStream, throttledStream_FailWithRetriableStatusCode_WithoutPushback) {
    const CallResult r = client.call([](int) { return Reply::error(); });
    EXPECT_EQ(r.attempts, 1u);  // committed: no retry
    EXPECT_EQ(r.end, RetryEnd::BudgetDenied);
    EXPECT_DOUBLE_EQ(tokens(), 2.0);
}

TEST_F(GrpcJavaThrottledStream, throttledStream_FailWithNonRetriableStatusCode_WithoutPushback) {
    const CallResult r = client.call([](int) { return Reply::error(AttemptOutcome::FatalError); });
    EXPECT_EQ(r.attempts, 1u);
    EXPECT_DOUBLE_EQ(tokens(), 3.0);  // not a qualified failure
    budget.signal(clock.now, BudgetSignal::AttemptFailed);
    EXPECT_EQ(budget.state(), BudgetState::Throttled);  // 2
}

TEST_F(GrpcJavaThrottledStream, throttledStream_FailWithRetriableStatusCode_WithRetriablePushback) {
    const CallResult r =
        client.call([](int) { return Reply::error(AttemptOutcome::Error, Pushback::retry_after(123_ms)); });
    EXPECT_EQ(r.attempts, 1u);  // the throttle says no, whatever the pushback
    EXPECT_DOUBLE_EQ(tokens(), 2.0);
}

TEST_F(GrpcJavaThrottledStream, throttledStream_FailWithNonRetriableStatusCode_WithRetriablePushback) {
    const CallResult r = client.call([](int i) {
        return i == 0 ? Reply::error(AttemptOutcome::FatalError, Pushback::retry_after(123_ms)) : Reply::success();
    });
    EXPECT_EQ(r.attempts, 2u);  // the pushback retries even a non-retriable status
    EXPECT_EQ(r.backoffs.front(), 123_ms);
    EXPECT_DOUBLE_EQ(tokens(), 3.0 + 0.8);  // the failure did not count; the retry's success did
}

TEST_F(GrpcJavaThrottledStream, throttledStream_FailWithRetriableStatusCode_WithNonRetriablePushback) {
    const CallResult r = client.call([](int) { return Reply::error(AttemptOutcome::Error, Pushback::stop()); });
    EXPECT_EQ(r.attempts, 1u);
    EXPECT_DOUBLE_EQ(tokens(), 2.0);
}

TEST_F(GrpcJavaThrottledStream, throttledStream_FailWithNonRetriableStatusCode_WithNonRetriablePushback) {
    const CallResult r = client.call([](int) { return Reply::error(AttemptOutcome::FatalError, Pushback::stop()); });
    EXPECT_EQ(r.attempts, 1u);
    EXPECT_EQ(r.end, RetryEnd::PushbackStop);
    EXPECT_DOUBLE_EQ(tokens(), 2.0);  // a "do not retry" pushback counts
}

TEST_F(GrpcJavaThrottledStream, throttleStream_Succeed) {
    budget.signal(clock.now, BudgetSignal::AttemptFailed);  // 2
    budget.signal(clock.now, BudgetSignal::AttemptFailed);  // 1
    client.call([](int) { return Reply::success(); });
    EXPECT_EQ(budget.state(), BudgetState::Throttled);  // 1.8
    budget.signal(clock.now, BudgetSignal::AttemptSucceeded);
    EXPECT_EQ(budget.state(), BudgetState::Plenty);  // 2.6
    EXPECT_DOUBLE_EQ(tokens(), 2.6);
}

TEST(GrpcJavaRetriableStream, expBackoff_maxBackoff_maxRetryAttempts) {
    RetryingClient client{java_policy()};
    const CallResult r = client.call([](int) { return Reply::error(); });
    EXPECT_EQ(r.attempts, 6u);
    EXPECT_EQ(r.end, RetryEnd::AttemptsExhausted);
    EXPECT_EQ(r.backoffs, (std::vector<Duration>{50_s, 100_s, 200_s, 350_s, 350_s}));
}

TEST(GrpcJavaRetriableStream, pushback) {
    RetryingClient client{java_policy()};
    const CallResult r = client.call([](int i) {
        if (i == 0) return Reply::error(AttemptOutcome::Error, Pushback::retry_after(123_ms));
        if (i == 1) return Reply::error(AttemptOutcome::Error, Pushback::retry_after(4'567'000_ms));
        if (i == 5) return Reply::error(AttemptOutcome::Error, Pushback::retry_after(4'567'000_ms));
        return Reply::error();
    });
    // The server's delays, then the backoff starts over; no retry past the attempt limit,
    // however positive the last pushback.
    EXPECT_EQ(r.backoffs, (std::vector<Duration>{123_ms, 4'567'000_ms, 50_s, 100_s, 200_s}));
    EXPECT_EQ(r.attempts, 6u);
    EXPECT_EQ(r.end, RetryEnd::AttemptsExhausted);
}

TEST(GrpcJavaRetriableStream, pushback_noRetry) {
    RetryingClient client{java_policy()};
    const CallResult r = client.call([](int) { return Reply::error(AttemptOutcome::Error, Pushback::from_grpc_header({""})); });
    EXPECT_EQ(r.attempts, 1u);
    EXPECT_EQ(r.end, RetryEnd::PushbackStop);
}

// ---- grpc/grpc-go test/retry_test.go ----
// retryPolicy: MaxAttempts 4, backoff 10 ms, UNAVAILABLE retryable.
RetryConfig go_policy() { return RetryConfig::grpc(4, 10_ms, 10_ms, 1.0); }

TEST(GrpcGoRetry, TestRetryThrottling) {
    VirtualClock budget_effects;
    RetryBudget budget{RetryBudgetConfig::grpc(10, 0.5), budget_effects};  // retryThrottling 10 / 0.5
    RetryingClient client{go_policy(), &budget};
    auto server = [](int i) {
        switch (i) {
            case 0: case 3: case 6: case 10: case 11: case 12: case 13: case 14: case 16: case 18: return Reply::success();
            default: return Reply::error();
        }
    };
    struct Case {
        bool ok;
        int count;  // the server's last attempt index after the call
    };
    const Case cases[] = {{true, 0},   {true, 3},   {true, 6},   {false, 8},  {false, 9},  {true, 10},
                          {true, 11},  {true, 12},  {true, 13},  {true, 14},  {true, 16},  {false, 17}};
    for (const Case& c : cases) {
        const CallResult r = client.call(server);
        EXPECT_EQ(r.end == RetryEnd::Succeeded, c.ok) << "count " << c.count;
        EXPECT_EQ(client.served() - 1, c.count);
    }
}

TEST(GrpcGoRetry, TestRetryStreaming_NonRetryableErrorCode) {
    RetryingClient client{go_policy()};
    EXPECT_EQ(client.call([](int) { return Reply::error(AttemptOutcome::FatalError); }).attempts, 1u);
}

TEST(GrpcGoRetry, TestRetryStreaming_OneRetryNecessary) {
    RetryingClient client{go_policy()};
    const CallResult r = client.call([](int i) { return i == 0 ? Reply::error() : Reply::success(); });
    EXPECT_EQ(r.attempts, 2u);
    EXPECT_EQ(r.end, RetryEnd::Succeeded);
}

TEST(GrpcGoRetry, TestRetryStreaming_ExceedMaxAttempts) {
    RetryingClient client{go_policy()};
    const CallResult r = client.call([](int) { return Reply::error(); });
    EXPECT_EQ(r.attempts, 4u);
    EXPECT_EQ(r.end, RetryEnd::AttemptsExhausted);
}

TEST(GrpcGoRetry, TestRetryStreaming_NegativeServerPushback) {
    RetryingClient client{go_policy()};
    EXPECT_EQ(client.call([](int) { return Reply::error(AttemptOutcome::Error, Pushback::from_grpc_header({"-1"})); }).attempts, 1u);
}

TEST(GrpcGoRetry, TestRetryStreaming_NonNumericServerPushback) {
    RetryingClient client{go_policy()};
    EXPECT_EQ(client.call([](int) { return Reply::error(AttemptOutcome::Error, Pushback::from_grpc_header({"xxx"})); }).attempts, 1u);
}

TEST(GrpcGoRetry, TestRetryStreaming_MultipleServerPushbackValues) {
    RetryingClient client{go_policy()};
    EXPECT_EQ(client.call([](int) { return Reply::error(AttemptOutcome::Error, Pushback::from_grpc_header({"100", "10"})); })
                  .attempts,
              1u);
}

TEST(GrpcGoRetry, TestRetryStreaming_OneSecondServerPushbackDelayedRetry) {
    RetryingClient client{go_policy()};
    const CallResult r = client.call([](int i) {
        return i == 0 ? Reply::error(AttemptOutcome::Error, Pushback::from_grpc_header({"1000"})) : Reply::success();
    });
    EXPECT_EQ(r.end, RetryEnd::Succeeded);
    EXPECT_GE(r.elapsed, 1_s);
}

TEST(GrpcGoRetry, TestMaxCallAttempts) {
    struct Case {
        std::uint32_t service;
        std::int64_t client;
        std::uint32_t expected;
    };
    const Case cases[] = {{9, 4, 4}, {9, 7, 7}, {3, 10, 3}, {8, -1, 5}, {3, 0, 3}};
    for (const Case& c : cases) {
        RetryingClient client{RetryConfig::grpc(c.service, 10_ms, 10_ms, 1.0, c.client)};
        EXPECT_EQ(client.call([](int) { return Reply::error(); }).attempts, c.expected)
            << c.service << " / " << c.client;
    }
}

}  // namespace
}  // namespace cascadelab::conformance
