// The arithmetic of four retry budgets, exactly as their systems define them. Pure, Boost-free;
// the RetryBudget machine (retry_budget.hpp) turns it into Plenty / Throttled.
#pragma once

#include <cstdint>      // std::uint32_t
#include <deque>        // std::deque
#include <string_view>  // std::string_view

#include "model/time.hpp"

namespace cascadelab {

enum class BudgetPolicy {
    // gRPC A6 retryThrottling: tokens start at max_tokens; -1 per failed attempt, +token_ratio per
    // success; a retry (or hedge) is allowed only while tokens > max_tokens / 2.
    GrpcThrottle,
    // Finagle RetryBudget: each request deposits percent_can_retry, each retry withdraws 1, both
    // expire after ttl; a reserve of min_retries_per_second * ttl is always there.
    FinagleRatio,
    // Envoy retry_budget: concurrent retries < max(min_retry_concurrency, budget_percent of the
    // active requests).
    EnvoyConcurrent,
    // AWS SDK standard mode: a quota of 500; a retry costs 5 (10 after a timeout); +1 per
    // success without retry, and a successful retry refunds its cost.
    AwsQuota,
};
std::string_view name(BudgetPolicy p);

// What the owner tells the budget.
enum class BudgetSignal {
    RequestStarted,    // Finagle deposits, Envoy counts it active
    RequestFinished,   // Envoy: no longer active
    AttemptSucceeded,  // a first attempt succeeded: gRPC +ratio, AWS +1
    RetrySucceeded,    // a retry succeeded: gRPC +ratio, AWS refunds the retry cost
    AttemptFailed,     // gRPC -1
    RetryFinished,     // Envoy: one retry less in flight
};
std::string_view name(BudgetSignal s);

struct RetryBudgetConfig {
    BudgetPolicy policy = BudgetPolicy::GrpcThrottle;
    // gRPC (maxTokens in (0, 1000], tokenRatio > 0)
    double max_tokens = 10.0;
    double token_ratio = 0.1;
    // Finagle defaults: ttl 10 s (1..60 s), minRetriesPerSec 10, percentCanRetry 0.2
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
    std::uint32_t no_retry_increment = 1;

    static RetryBudgetConfig grpc(double max_tokens, double token_ratio);
    static RetryBudgetConfig finagle();
    static RetryBudgetConfig envoy();
    static RetryBudgetConfig aws_standard();

    void validate() const;  // throws ConfigError naming the field and the value
};

class RetryBudgetLedger {
public:
    explicit RetryBudgetLedger(const RetryBudgetConfig& config);

    void apply(Time now, BudgetSignal signal);
    // Could a retry be taken now (timeout: the failure was a timeout, AWS charges more)?
    bool can_retry(Time now, bool timeout) const;
    // The same question after `signal`, or after one more retry, without changing anything.
    bool can_retry_after(Time now, BudgetSignal signal) const;
    bool can_retry_after_withdrawal(Time now, bool timeout) const;
    void withdraw(Time now, bool timeout);

    // The policy's own level: gRPC tokens, Finagle balance, Envoy free retry slots, AWS quota.
    double level(Time now) const;

private:
    struct Entry {
        Time at;
        std::int64_t amount;  // micro-retries: + deposit, - withdrawal
    };
    // Everything a decision reads, by value.
    struct Counters {
        double tokens;
        double balance;
        std::uint32_t active_requests;
        std::uint32_t active_retries;
        double quota;
    };
    Counters counters(Time now) const;
    bool allows(const Counters& k, bool timeout) const;
    Counters after(Counters k, BudgetSignal s) const;
    Counters after_withdrawal(Counters k, bool timeout) const;
    double finagle_balance(Time now) const;
    void expire(Time now);

    RetryBudgetConfig config_;
    double tokens_;                           // gRPC
    std::deque<Entry> entries_;               // Finagle deposits (+) and withdrawals (-)
    std::int64_t window_sum_ = 0;             // Finagle: sum of entries_
    std::uint32_t active_requests_ = 0;       // Envoy
    std::uint32_t active_retries_ = 0;        // Envoy
    double quota_;                            // AWS
};

}  // namespace cascadelab
