// Retry budget arithmetic; the formulas and their sources are in retry_budget_ledger.hpp.
#include "statemachines/retry_budget_ledger.hpp"

#include <algorithm>  // std::min, std::max, std::fill
#include <cmath>      // std::floor

#include "statemachines/config_error.hpp"
#include "statemachines/config_tables.hpp"

namespace cascadelab {

namespace {
std::int64_t millis_of(Time t) { return t.us() / 1000; }  // Finagle's clock is milliseconds
}  // namespace

// ---- Finagle's WindowedAdder, line by line ----
void WindowedAdder::expire_if_due(std::int64_t now_ms) {
    if (now_ms - old_ms < window_ms) return;
    // At the time of add, we were likely up to date, so we credit it to the current slice.
    buf[static_cast<std::size_t>(i)] = writer;
    writer = 0;
    i = (i + 1) % kBuffered;
    // If it turns out we've skipped a number of slices, we adjust for that here.
    const auto nskip = static_cast<int>(std::min<std::int64_t>((now_ms - old_ms) / window_ms - 1, kBuffered));
    if (nskip > 0) {
        const int r = std::min(nskip, kBuffered - i);
        std::fill(buf.begin() + i, buf.begin() + i + r, 0);
        std::fill(buf.begin(), buf.begin() + (nskip - r), 0);
        i = (i + nskip) % kBuffered;
    }
    old_ms = now_ms;
}

void WindowedAdder::add(std::int64_t now_ms, std::int64_t x) {
    expire_if_due(now_ms);
    writer += x;
}

std::int64_t WindowedAdder::sum(std::int64_t now_ms) {
    expire_if_due(now_ms);
    std::int64_t s = writer;
    for (std::int64_t v : buf) s += v;
    return s;
}

// ---- The ledger ----
RetryBudgetLedger::RetryBudgetLedger(const RetryBudgetConfig& c, Time now) : config_(c), k_{} {
    // grpc-java Throttle(float maxTokens, float tokenRatio).
    max_milli_tokens_ = static_cast<std::int64_t>(static_cast<float>(c.max_tokens) * 1000.0f);
    threshold_ = max_milli_tokens_ / 2;
    ratio_milli_ = static_cast<std::int64_t>(static_cast<float>(c.token_ratio) * 1000.0f);
    k_.milli_tokens = max_milli_tokens_;
    // Finagle RetryBudget.apply(ttl, minRetriesPerSec, percentCanRetry).
    constexpr double kScaleFactor = 1000.0;
    finagle_empty_ = c.min_retries_per_second == 0.0 && c.percent_can_retry == 0.0;
    deposit_ = c.percent_can_retry == 0.0 ? 0 : static_cast<std::int64_t>(kScaleFactor);
    withdrawal_ = c.percent_can_retry == 0.0 ? 1 : static_cast<std::int64_t>(kScaleFactor / c.percent_can_retry);
    const std::int64_t ttl_seconds = c.ttl.us() / 1'000'000;
    reserve_ = static_cast<std::int64_t>(c.min_retries_per_second) * ttl_seconds * withdrawal_;
    k_.finagle.window_ms = std::max<std::int64_t>(1, (c.ttl.us() / 1000) / 10);
    k_.finagle.old_ms = millis_of(now);
    k_.quota = c.initial_quota;
}

std::int64_t RetryBudgetLedger::envoy_limit(std::uint32_t active) const {
    // std::max<uint64_t>(budget_percent / 100.0 * current_active, min_retry_concurrency): the
    // percentage is converted to a whole number of retries by truncation.
    const auto by_percent = static_cast<std::int64_t>(config_.budget_percent / 100.0 * static_cast<double>(active));
    return std::max<std::int64_t>(by_percent, config_.min_retry_concurrency);
}

std::uint32_t RetryBudgetLedger::cost_of(AttemptOutcome after) const {
    switch (config_.policy) {
        case BudgetPolicy::AwsQuota:
            if (after == AttemptOutcome::Timeout) return config_.timeout_cost;
            if (after == AttemptOutcome::Throttled) return config_.throttle_cost;
            return config_.retry_cost;
        case BudgetPolicy::FinagleRatio: return static_cast<std::uint32_t>(std::min<std::int64_t>(withdrawal_, UINT32_MAX));
        case BudgetPolicy::EnvoyConcurrent: return 1;
        case BudgetPolicy::GrpcThrottle: return 0;  // gRPC charges failures, not retries
    }
    return 0;
}

bool RetryBudgetLedger::allows(Counters k, Time now, AttemptOutcome after) const {
    switch (config_.policy) {
        case BudgetPolicy::GrpcThrottle: return k.milli_tokens > threshold_;
        case BudgetPolicy::FinagleRatio:
            // TokenBucket.tryGet: count = sum + reserve >= the withdrawal.
            return !finagle_empty_ && k.finagle.sum(millis_of(now)) + reserve_ >= withdrawal_;
        case BudgetPolicy::EnvoyConcurrent: return static_cast<std::int64_t>(k.active_retries) < envoy_limit(k.active_requests);
        case BudgetPolicy::AwsQuota: return k.quota >= static_cast<std::int64_t>(cost_of(after));
    }
    return false;
}

void RetryBudgetLedger::after(Counters& k, Time now, BudgetSignal s, std::uint32_t refund) const {
    switch (config_.policy) {
        case BudgetPolicy::GrpcThrottle:
            // Throttle.onQualifiedFailureThenCheckIsAboveThreshold / onSuccess.
            if (s == BudgetSignal::AttemptFailed && k.milli_tokens > 0) k.milli_tokens = std::max<std::int64_t>(k.milli_tokens - 1000, 0);
            if (s == BudgetSignal::AttemptSucceeded || s == BudgetSignal::RetrySucceeded)
                k.milli_tokens = std::min(k.milli_tokens + ratio_milli_, max_milli_tokens_);
            break;
        case BudgetPolicy::FinagleRatio:
            if (s == BudgetSignal::RequestStarted && !finagle_empty_) k.finagle.add(millis_of(now), deposit_);
            break;
        case BudgetPolicy::EnvoyConcurrent:
            if (s == BudgetSignal::RequestStarted) ++k.active_requests;
            if (s == BudgetSignal::RequestFinished && k.active_requests > 0) --k.active_requests;
            if (s == BudgetSignal::RetryFinished && k.active_retries > 0) --k.active_retries;
            break;
        case BudgetPolicy::AwsQuota:
            // TokenBucket.Refund caps at the capacity.
            if (s == BudgetSignal::AttemptSucceeded)
                k.quota = std::min<std::int64_t>(config_.initial_quota, k.quota + config_.no_retry_increment);
            if (s == BudgetSignal::RetrySucceeded) k.quota = std::min<std::int64_t>(config_.initial_quota, k.quota + refund);
            break;
    }
}

void RetryBudgetLedger::after_withdrawal(Counters& k, Time now, AttemptOutcome o) const {
    switch (config_.policy) {
        case BudgetPolicy::GrpcThrottle: break;
        case BudgetPolicy::FinagleRatio: k.finagle.add(millis_of(now), -withdrawal_); break;
        case BudgetPolicy::EnvoyConcurrent: ++k.active_retries; break;
        case BudgetPolicy::AwsQuota: k.quota -= cost_of(o); break;
    }
}

void RetryBudgetLedger::apply(Time now, BudgetSignal s, std::uint32_t refund) { after(k_, now, s, refund); }

bool RetryBudgetLedger::can_retry(Time now, AttemptOutcome o) const { return allows(k_, now, o); }

bool RetryBudgetLedger::can_retry_after(Time now, BudgetSignal s, std::uint32_t refund) const {
    Counters k = k_;
    after(k, now, s, refund);
    return allows(k, now, AttemptOutcome::Error);
}

bool RetryBudgetLedger::can_retry_after_withdrawal(Time now, AttemptOutcome o) const {
    Counters k = k_;
    after_withdrawal(k, now, o);
    return allows(k, now, AttemptOutcome::Error);
}

void RetryBudgetLedger::withdraw(Time now, AttemptOutcome o) { after_withdrawal(k_, now, o); }

double RetryBudgetLedger::level(Time now) const {
    switch (config_.policy) {
        case BudgetPolicy::GrpcThrottle: return static_cast<double>(k_.milli_tokens) / 1000.0;
        case BudgetPolicy::FinagleRatio: {
            if (finagle_empty_) return 0.0;
            WindowedAdder w = k_.finagle;
            return static_cast<double>((w.sum(millis_of(now)) + reserve_) / withdrawal_);  // RetryBudget.balance
        }
        case BudgetPolicy::EnvoyConcurrent:
            return static_cast<double>(envoy_limit(k_.active_requests) - static_cast<std::int64_t>(k_.active_retries));
        case BudgetPolicy::AwsQuota: return static_cast<double>(k_.quota);
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
RetryBudgetConfig RetryBudgetConfig::aws_2026() {
    RetryBudgetConfig c;
    c.policy = BudgetPolicy::AwsQuota;
    c.retry_cost = 14;
    c.timeout_cost = 14;  // the 2026 rules name no timeout cost of their own
    c.throttle_cost = 5;
    return c;
}

void RetryBudgetConfig::validate() const {
    constexpr std::string_view s = "retry_budget";
    check_ranges(budget_fields(), *this, s);
    require(min_retries_per_second == std::floor(min_retries_per_second), s, "min_retries_per_second",
            min_retries_per_second, "must be a whole number (Finagle: an Int)");
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
