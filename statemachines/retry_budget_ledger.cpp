// Retry budget arithmetic; the formulas are given in retry_budget_ledger.hpp.
#include "statemachines/retry_budget_ledger.hpp"

#include <algorithm>  // std::min, std::max
#include <cmath>      // std::llround

#include "statemachines/config_error.hpp"

namespace cascadelab {

namespace {
constexpr std::int64_t kOneRetry = 1'000'000;  // Finagle amounts are in micro-retries
}  // namespace

RetryBudgetLedger::RetryBudgetLedger(const RetryBudgetConfig& c)
    : config_(c), tokens_(c.max_tokens), quota_(c.initial_quota) {}

void RetryBudgetLedger::expire(Time now) {
    while (!entries_.empty() && entries_.front().at + config_.ttl <= now) {
        window_sum_ -= entries_.front().amount;
        entries_.pop_front();
    }
}

// In retries (1.0 = one retry). Kept as integer micro-retries inside, so that ten deposits of
// 0.2 make exactly two retries, not 1.9999999999999998.
double RetryBudgetLedger::finagle_balance(Time now) const {
    std::int64_t sum = window_sum_;
    for (const Entry& e : entries_) {  // entries older than ttl no longer count
        if (e.at + config_.ttl > now) break;
        sum -= e.amount;
    }
    const auto reserve = static_cast<std::int64_t>(
        std::llround(config_.min_retries_per_second * static_cast<double>(config_.ttl.us())));
    return static_cast<double>(reserve + sum) / 1e6;
}

void RetryBudgetLedger::apply(Time now, BudgetSignal s) {
    if (config_.policy == BudgetPolicy::FinagleRatio) {
        expire(now);
        if (s == BudgetSignal::RequestStarted) {
            const auto deposit = static_cast<std::int64_t>(std::llround(config_.percent_can_retry * 1e6));
            entries_.push_back({now, deposit});
            window_sum_ += deposit;
        }
        return;
    }
    const Counters k = after(counters(now), s);
    tokens_ = k.tokens;
    active_requests_ = k.active_requests;
    active_retries_ = k.active_retries;
    quota_ = k.quota;
}

// The previews change a copy of the small counters only (never Finagle's window, whose change
// by one signal is one deposit or one withdrawal): they run in guards, once per event.
RetryBudgetLedger::Counters RetryBudgetLedger::counters(Time now) const {
    return Counters{tokens_, finagle_balance(now), active_requests_, active_retries_, quota_};
}

bool RetryBudgetLedger::allows(const Counters& k, bool timeout) const {
    switch (config_.policy) {
        case BudgetPolicy::GrpcThrottle: return k.tokens > config_.max_tokens / 2;
        case BudgetPolicy::FinagleRatio: return k.balance >= 1.0;
        case BudgetPolicy::EnvoyConcurrent: {
            const double allowed = std::max<double>(config_.min_retry_concurrency,
                                                    config_.budget_percent / 100.0 * k.active_requests);
            return k.active_retries < allowed;
        }
        case BudgetPolicy::AwsQuota: return k.quota >= (timeout ? config_.timeout_cost : config_.retry_cost);
    }
    return false;
}

RetryBudgetLedger::Counters RetryBudgetLedger::after(Counters k, BudgetSignal s) const {
    switch (config_.policy) {
        case BudgetPolicy::GrpcThrottle:
            if (s == BudgetSignal::AttemptFailed) k.tokens = std::max(0.0, k.tokens - 1.0);
            if (s == BudgetSignal::AttemptSucceeded || s == BudgetSignal::RetrySucceeded)
                k.tokens = std::min(config_.max_tokens, k.tokens + config_.token_ratio);
            break;
        case BudgetPolicy::FinagleRatio:
            if (s == BudgetSignal::RequestStarted)
                k.balance += static_cast<double>(std::llround(config_.percent_can_retry * 1e6)) / 1e6;
            break;
        case BudgetPolicy::EnvoyConcurrent:
            if (s == BudgetSignal::RequestStarted) ++k.active_requests;
            if (s == BudgetSignal::RequestFinished && k.active_requests > 0) --k.active_requests;
            if (s == BudgetSignal::RetryFinished && k.active_retries > 0) --k.active_retries;
            break;
        case BudgetPolicy::AwsQuota:
            if (s == BudgetSignal::AttemptSucceeded)
                k.quota = std::min<double>(config_.initial_quota, k.quota + config_.no_retry_increment);
            // The refund is the plain retry cost: which cost a given retry paid is not tracked
            // per request (a timeout's retry refunds 5 of its 10).
            if (s == BudgetSignal::RetrySucceeded)
                k.quota = std::min<double>(config_.initial_quota, k.quota + config_.retry_cost);
            break;
    }
    return k;
}

RetryBudgetLedger::Counters RetryBudgetLedger::after_withdrawal(Counters k, bool timeout) const {
    switch (config_.policy) {
        case BudgetPolicy::GrpcThrottle: break;  // gRPC charges failures, not retries
        case BudgetPolicy::FinagleRatio: k.balance -= 1.0; break;
        case BudgetPolicy::EnvoyConcurrent: ++k.active_retries; break;
        case BudgetPolicy::AwsQuota: k.quota -= timeout ? config_.timeout_cost : config_.retry_cost; break;
    }
    return k;
}

bool RetryBudgetLedger::can_retry(Time now, bool timeout) const { return allows(counters(now), timeout); }

bool RetryBudgetLedger::can_retry_after(Time now, BudgetSignal s) const {
    return allows(after(counters(now), s), false);
}

bool RetryBudgetLedger::can_retry_after_withdrawal(Time now, bool timeout) const {
    return allows(after_withdrawal(counters(now), timeout), false);
}

void RetryBudgetLedger::withdraw(Time now, bool timeout) {
    if (config_.policy == BudgetPolicy::FinagleRatio) {
        expire(now);
        entries_.push_back({now, -kOneRetry});
        window_sum_ -= kOneRetry;
        return;
    }
    const Counters k = after_withdrawal(counters(now), timeout);
    tokens_ = k.tokens;
    active_retries_ = k.active_retries;
    quota_ = k.quota;
}

double RetryBudgetLedger::level(Time now) const {
    switch (config_.policy) {
        case BudgetPolicy::GrpcThrottle: return tokens_;
        case BudgetPolicy::FinagleRatio: return finagle_balance(now);
        case BudgetPolicy::EnvoyConcurrent:
            return std::max<double>(config_.min_retry_concurrency, config_.budget_percent / 100.0 * active_requests_) -
                   active_retries_;
        case BudgetPolicy::AwsQuota: return quota_;
    }
    return 0.0;
}

RetryBudgetConfig RetryBudgetConfig::grpc(double max_tokens, double token_ratio) {
    RetryBudgetConfig c;
    c.policy = BudgetPolicy::GrpcThrottle;
    c.max_tokens = max_tokens;
    c.token_ratio = token_ratio;
    return c;
}
RetryBudgetConfig RetryBudgetConfig::finagle() {
    RetryBudgetConfig c;
    c.policy = BudgetPolicy::FinagleRatio;
    return c;
}
RetryBudgetConfig RetryBudgetConfig::envoy() {
    RetryBudgetConfig c;
    c.policy = BudgetPolicy::EnvoyConcurrent;
    return c;
}
RetryBudgetConfig RetryBudgetConfig::aws_standard() {
    RetryBudgetConfig c;
    c.policy = BudgetPolicy::AwsQuota;
    return c;
}

void RetryBudgetConfig::validate() const {
    constexpr std::string_view s = "retry_budget";
    require(max_tokens > 0.0 && max_tokens <= 1000.0, s, "max_tokens", max_tokens, "must be in (0, 1000] (gRPC)");
    require(token_ratio > 0.0, s, "token_ratio", token_ratio, "must be positive");
    require(ttl >= Duration::seconds(1) && ttl <= Duration::seconds(60), s, "ttl", ttl,
            "must be in [1s, 60s] (Finagle)");
    require(min_retries_per_second >= 0.0, s, "min_retries_per_second", min_retries_per_second, "must not be negative");
    require(percent_can_retry >= 0.0 && percent_can_retry <= 1000.0, s, "percent_can_retry", percent_can_retry,
            "must be in [0, 1000] (a fraction: 0.2 = 20%)");
    require(budget_percent >= 0.0 && budget_percent <= 100.0, s, "budget_percent", budget_percent, "must be in [0, 100]");
    require(retry_cost >= 1, s, "retry_cost", retry_cost, "must be at least 1");
    require(timeout_cost >= 1, s, "timeout_cost", timeout_cost, "must be at least 1");
}

std::string_view name(BudgetPolicy p) {
    switch (p) {
        case BudgetPolicy::GrpcThrottle: return "grpc-throttle";
        case BudgetPolicy::FinagleRatio: return "finagle-ratio";
        case BudgetPolicy::EnvoyConcurrent: return "envoy-concurrent";
        case BudgetPolicy::AwsQuota: return "aws-quota";
    }
    return "?";
}

std::string_view name(BudgetSignal s) {
    switch (s) {
        case BudgetSignal::RequestStarted: return "RequestStarted";
        case BudgetSignal::RequestFinished: return "RequestFinished";
        case BudgetSignal::AttemptSucceeded: return "AttemptSucceeded";
        case BudgetSignal::RetrySucceeded: return "RetrySucceeded";
        case BudgetSignal::AttemptFailed: return "AttemptFailed";
        case BudgetSignal::RetryFinished: return "RetryFinished";
    }
    return "?";
}

}  // namespace cascadelab
