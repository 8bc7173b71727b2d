// The arithmetic of four retry budgets, exactly as their systems compute them. Pure, Boost-free;
// the RetryBudget machine (retry_budget.hpp) turns it into Plenty / Throttled.
#pragma once

#include <array>        // std::array
#include <cstdint>      // std::uint32_t, std::int64_t
#include <string_view>  // std::string_view

#include "model/kernel/time.hpp"
#include "statemachines/outcome.hpp"

namespace cascadelab {

enum class BudgetPolicy {
    // gRPC A6 retryThrottling: tokens start at max_tokens; -1 per qualified failure (a retryable
    // status, or a pushback saying stop), +token_ratio per success; a retry (or hedge) is allowed
    // only while tokens > max_tokens / 2. Kept as grpc-java keeps it: integer thousandths of a
    // token, so token_ratio has at most three decimal places (A6: "Up to 3 decimal places are
    // supported"; grpc-go keeps a float64 instead).
    GrpcThrottle,
    // Finagle RetryBudget: each request deposits 1000 units, a retry withdraws 1000 /
    // percent_can_retry (an integer), a reserve of min_retries_per_second * ttl retries is always
    // there; deposits and withdrawals leave after about ttl (a WindowedAdder of ten slices).
    FinagleRatio,
    // Envoy retry_budget: concurrent retries < max(min_retry_concurrency, floor(budget_percent %
    // of the active requests)).
    EnvoyConcurrent,
    // AWS SDK standard mode: a quota of 500; a retry costs 5 (10 after a timeout; the 2026 rules:
    // 14, and 5 after a throttle); +1 per success without retry; a successful retry refunds what
    // it cost.
    AwsQuota,
};
std::string_view name(BudgetPolicy p);

// What the owner tells the budget.
enum class BudgetSignal {
    RequestStarted,    // Finagle deposits, Envoy counts it active
    RequestFinished,   // Envoy: no longer active
    AttemptSucceeded,  // a first attempt succeeded: gRPC +ratio, AWS +1
    RetrySucceeded,    // a retry succeeded: gRPC +ratio, AWS refunds the retry's cost
    AttemptFailed,     // a failure gRPC counts (RetryConfig::qualifies_for_throttling): -1 token
    RetryFinished,     // Envoy: one retry less in flight
};
std::string_view name(BudgetSignal s);

struct RetryBudgetConfig {
    BudgetPolicy policy = BudgetPolicy::GrpcThrottle;
    // gRPC (maxTokens in (0, 1000], tokenRatio > 0)
    double max_tokens = 10.0;
    double token_ratio = 0.1;
    // Finagle defaults: ttl 10 s (1..60 s), minRetriesPerSec 10 (an Int), percentCanRetry 0.2
    Duration ttl = Duration::seconds(10);
    double min_retries_per_second = 10.0;
    double percent_can_retry = 0.2;
    // Envoy defaults: budget_percent 20, min_retry_concurrency 3
    double budget_percent = 20.0;
    std::uint32_t min_retry_concurrency = 3;
    // AWS standard defaults
    std::uint32_t initial_quota = 500;
    std::uint32_t retry_cost = 5;
    std::uint32_t timeout_cost = 10;
    std::uint32_t throttle_cost = 5;
    std::uint32_t no_retry_increment = 1;

    static RetryBudgetConfig grpc(double max_tokens = 10.0, double token_ratio = 0.1);  // A6's example
    static RetryBudgetConfig finagle();
    static RetryBudgetConfig envoy();
    static RetryBudgetConfig aws_standard();
    static RetryBudgetConfig aws_2026();  // AWS_NEW_RETRIES_2026: a retry costs 14, a throttle 5

    void validate() const;  // throws ConfigError naming the field and the value
};

// Finagle's WindowedAdder(range, slices = 10): a running sum over ~range milliseconds, kept as
// nine finished slices and the current one. A slice ends at the first add or read at least
// range/10 after the last one ended (its end is that moment, not a multiple of the slice).
struct WindowedAdder {
    static constexpr int kBuffered = 9;  // slices - 1
    std::array<std::int64_t, kBuffered> buf{};
    std::int64_t writer = 0;
    int i = 0;
    std::int64_t old_ms = 0;
    std::int64_t window_ms = 1;

    void expire_if_due(std::int64_t now_ms);
    void add(std::int64_t now_ms, std::int64_t x);
    std::int64_t sum(std::int64_t now_ms);
};

class RetryBudgetLedger {
public:
    RetryBudgetLedger(const RetryBudgetConfig& config, Time now);

    // `refund`: RetrySucceeded's cost to give back (AWS).
    void apply(Time now, BudgetSignal signal, std::uint32_t refund = 0);
    // What a retry after `after` would cost, and whether it can be taken now.
    std::uint32_t cost_of(AttemptOutcome after) const;
    bool can_retry(Time now, AttemptOutcome after) const;
    // The same question after `signal`, or after one more retry, without changing anything.
    bool can_retry_after(Time now, BudgetSignal signal, std::uint32_t refund = 0) const;
    bool can_retry_after_withdrawal(Time now, AttemptOutcome after) const;
    void withdraw(Time now, AttemptOutcome after);

    // The policy's own level: gRPC tokens, Finagle balance (whole retries), Envoy free retry
    // slots, AWS quota.
    double level(Time now) const;

private:
    // Everything a decision reads, by value: the previews change a copy.
    struct Counters {
        std::int64_t milli_tokens;   // gRPC
        WindowedAdder finagle;       // Finagle
        std::uint32_t active_requests;
        std::uint32_t active_retries;
        std::int64_t quota;          // AWS
    };
    bool allows(Counters k, Time now, AttemptOutcome after) const;
    void after(Counters& k, Time now, BudgetSignal s, std::uint32_t refund) const;
    void after_withdrawal(Counters& k, Time now, AttemptOutcome after) const;
    std::int64_t envoy_limit(std::uint32_t active) const;

    RetryBudgetConfig config_;
    // gRPC, as grpc-java's Throttle: (int)(float * 1000)
    std::int64_t max_milli_tokens_;
    std::int64_t threshold_;
    std::int64_t ratio_milli_;
    // Finagle, as RetryBudget.apply computes them
    std::int64_t deposit_;
    std::int64_t withdrawal_;
    std::int64_t reserve_;
    bool finagle_empty_;  // minRetriesPerSec = 0 and percentCanRetry = 0: RetryBudget.Empty
    Counters k_;
};

}  // namespace cascadelab
