#include "model/config_json.hpp"

namespace cascadelab::config_json {

BackoffConfig read_backoff(const json& j, const std::string& path, BackoffConfig b) {
    JsonObject o(j, path);
    o.choice("kind", b.kind, kBackoffKinds);
    o.millis("base_ms", b.base);
    o.number("multiplier", b.multiplier, 1.0, 100.0);
    o.millis("cap_ms", b.cap);
    o.choice("jitter", b.jitter, kJitters);
    o.choice("cap_order", b.cap_order, kCapOrders);
    o.number("proportional_low", b.proportional_low, 0.0, 10.0);
    o.number("proportional_high", b.proportional_high, 0.0, 10.0);
    o.finish();
    validate_as(b, o, j);
    return b;
}

CircuitBreakerConfig read_breaker(const json& j, const std::string& path) {
    JsonObject o(j, path);
    CircuitBreakerConfig b = CircuitBreakerConfig::resilience4j();
    std::string base = "resilience4j";
    o.text("preset", base);
    if (base == "polly") b = CircuitBreakerConfig::polly();
    else if (base == "polly_v7") b = CircuitBreakerConfig::polly_v7(0.1, Duration::seconds(30), 100, Duration::seconds(5));
    else if (base == "tutorial") b = CircuitBreakerConfig::tutorial();
    else if (base != "resilience4j") o.fail("preset", json(base), "must be one of resilience4j, polly, polly_v7, tutorial");
    o.choice("model", b.model, kBreakerModels);
    o.choice("sliding_window_type", b.sliding_window_type, kWindowKinds);
    o.integer("sliding_window_size", b.sliding_window_size, 1, 100'000);
    o.millis("time_window_bucket_ms", b.time_window_bucket);
    o.integer("minimum_number_of_calls", b.minimum_number_of_calls, 1, kMaxCount);
    o.number("failure_rate_threshold", b.failure_rate_threshold, 0.0, 100.0);
    o.number("slow_call_rate_threshold", b.slow_call_rate_threshold, 0.0, 100.0);
    o.millis("slow_call_duration_threshold_ms", b.slow_call_duration_threshold);
    o.millis("wait_duration_in_open_state_ms", b.wait_duration_in_open_state);
    o.number("wait_in_open_multiplier", b.wait_in_open_multiplier, 1.0, 100.0);
    o.millis("max_wait_in_open_state_ms", b.max_wait_in_open_state);
    o.boolean("automatic_transition_from_open_to_half_open", b.automatic_transition_from_open_to_half_open);
    o.choice("half_open_policy", b.half_open_policy, kHalfOpen);
    o.integer("permitted_number_of_calls_in_half_open_state", b.permitted_number_of_calls_in_half_open_state, 1, kMaxCount);
    o.millis("max_wait_duration_in_half_open_state_ms", b.max_wait_duration_in_half_open_state);
    o.choice("transition_to_state_after_wait_duration", b.transition_to_state_after_wait_duration, kAfterHalfOpen);
    o.millis("half_open_retest_interval_ms", b.half_open_retest_interval);
    o.number("failure_ratio", b.failure_ratio, 0.0, 1.0);
    o.millis("sampling_duration_ms", b.sampling_duration);
    o.choice("wait_boundary", b.wait_boundary, kBoundaries);
    o.choice("stale_outcomes", b.stale_outcomes, kStale);
    o.choice("released_permits", b.released_permits, kReleased);
    o.choice("wait_growth", b.wait_growth, kGrowth);
    o.millis("wait_per_failure_ms", b.wait_per_failure);
    if (const json* steps = o.get("wait_steps")) {
        if (!steps->is_array()) o.fail("wait_steps", *steps, "must be an array of {min_failure_rate, wait_ms}");
        b.wait_steps.clear();
        for (std::size_t i = 0; i < steps->size(); ++i) {
            JsonObject so((*steps)[i], o.field(fmt::format("wait_steps[{}]", i)));
            WaitStep w;
            if (!so.has("min_failure_rate")) so.fail("min_failure_rate", json(nullptr), "is required");
            if (!so.has("wait_ms")) so.fail("wait_ms", json(nullptr), "is required");
            so.number("min_failure_rate", w.min_failure_rate, 0.0, 100.0);
            so.millis("wait_ms", w.wait);
            so.finish();
            b.wait_steps.push_back(w);
        }
    }
    o.choice("initial_state", b.initial_state, kInitialStates);
    if (const json* r = o.child("record")) {
        JsonObject ro(*r, o.field("record"));
        ro.choice("error", b.record.error, kVerdicts);
        ro.choice("timeout", b.record.timeout, kVerdicts);
        ro.choice("throttled", b.record.throttled, kVerdicts);
        ro.choice("fatal_error", b.record.fatal_error, kVerdicts);
        ro.choice("bulkhead_rejected", b.record.bulkhead_rejected, kVerdicts);
        ro.finish();
    }
    // A growing wait's cap defaults to the wait itself when only the wait is given.
    if (o.has("wait_duration_in_open_state_ms") && !o.has("max_wait_in_open_state_ms"))
        b.max_wait_in_open_state = std::max(b.max_wait_in_open_state, b.wait_duration_in_open_state);
    o.finish();
    validate_as(b, o, j);
    return b;
}

BulkheadConfig read_bulkhead(const json& j, const std::string& path) {
    JsonObject o(j, path);
    BulkheadConfig b;
    o.integer("max_concurrent_calls", b.max_concurrent_calls, 0, 1'000'000);
    o.millis("max_wait_duration_ms", b.max_wait_duration, true);
    if (const json* q = o.get("max_queue_length")) {
        if (q->is_string() && q->get<std::string>() == "unbounded") {
            b.max_queue_length = BulkheadConfig::kUnboundedQueue;
        } else if (!q->is_number_unsigned() || q->get<std::uint64_t>() < 1 || q->get<std::uint64_t>() > 1'000'000'000) {
            o.fail("max_queue_length", *q, "must be a whole number in [1, 1000000000] or \"unbounded\"");
        } else {
            b.max_queue_length = static_cast<std::uint32_t>(q->get<std::uint64_t>());
        }
    }
    o.finish();
    validate_as(b, o, j);
    return b;
}

RetryConfig read_retry(const json& j, const std::string& path) {
    JsonObject o(j, path);
    RetryConfig r = RetryConfig::tutorial();
    if (o.has("max_attempts") && o.has("max_retries"))
        o.fail("max_retries", j.at("max_retries"), "give max_attempts (counts the first call) or max_retries, not both");
    o.integer("max_attempts", r.max_attempts, 1, 100);
    std::uint32_t retries = r.max_attempts - 1;
    o.integer("max_retries", retries, 0, 99);
    r.max_attempts = retries + 1;
    o.millis("per_attempt_timeout_ms", r.per_attempt_timeout);
    o.boolean("timeout_starts_after_admission", r.timeout_starts_after_admission);
    o.millis("overall_deadline_ms", r.overall_deadline);
    if (const json* b = o.child("backoff")) r.backoff = read_backoff(*b, o.field("backoff"), r.backoff);
    if (const json* on = o.child("retry_on")) {
        JsonObject ro(*on, o.field("retry_on"));
        ro.boolean("error", r.retry_on.error);
        ro.boolean("timeout", r.retry_on.timeout);
        ro.boolean("throttled", r.retry_on.throttled);
        ro.boolean("fatal_error", r.retry_on.fatal_error);
        ro.boolean("breaker_rejected", r.retry_on.breaker_rejected);
        ro.boolean("bulkhead_rejected", r.retry_on.bulkhead_rejected);
        ro.finish();
    }
    o.boolean("honor_pushback", r.honor_pushback);
    o.millis("throttle_backoff_base_ms", r.throttle_backoff_base);
    o.finish();
    validate_as(r, o, j);
    return r;
}

RetryBudgetConfig read_budget(const json& j, const std::string& path) {
    JsonObject o(j, path);
    BudgetPolicy policy = BudgetPolicy::GrpcThrottle;
    if (!o.has("policy")) o.fail("policy", json(nullptr), "is required: grpc, finagle, envoy or aws");
    o.choice("policy", policy, kPolicies);
    RetryBudgetConfig b;
    switch (policy) {
        case BudgetPolicy::GrpcThrottle: b = RetryBudgetConfig::grpc(); break;  // gRPC A6's example: 10 tokens, 0.1
        case BudgetPolicy::FinagleRatio: b = RetryBudgetConfig::finagle(); break;
        case BudgetPolicy::EnvoyConcurrent: b = RetryBudgetConfig::envoy(); break;
        case BudgetPolicy::AwsQuota: b = RetryBudgetConfig::aws_standard(); break;
    }
    // Only the keys of the chosen policy are accepted: another policy's key is a mistake.
    switch (policy) {
        case BudgetPolicy::GrpcThrottle:
            o.number("max_tokens", b.max_tokens, 0.0, 1000.0);
            o.number("token_ratio", b.token_ratio, 0.0, 1000.0);
            break;
        case BudgetPolicy::FinagleRatio:
            o.millis("ttl_ms", b.ttl);
            o.number("min_retries_per_second", b.min_retries_per_second, 0.0, 1e9);
            o.number("percent_can_retry", b.percent_can_retry, 0.0, 1000.0);
            break;
        case BudgetPolicy::EnvoyConcurrent:
            o.number("budget_percent", b.budget_percent, 0.0, 100.0);
            o.integer("min_retry_concurrency", b.min_retry_concurrency, 0, 1'000'000);
            break;
        case BudgetPolicy::AwsQuota:
            o.integer("initial_quota", b.initial_quota, 0, 1'000'000'000);
            o.integer("retry_cost", b.retry_cost, 1, 1'000'000);
            o.integer("timeout_cost", b.timeout_cost, 1, 1'000'000);
            o.integer("throttle_cost", b.throttle_cost, 1, 1'000'000);
            o.integer("no_retry_increment", b.no_retry_increment, 0, 1'000'000);
            break;
    }
    o.finish();
    validate_as(b, o, j);
    return b;
}

ordered_json write_backoff(const BackoffConfig& b) {
    return ordered_json{{"kind", name_of(b.kind, kBackoffKinds)}, {"base_ms", ms(b.base)},
                        {"multiplier", b.multiplier},              {"cap_ms", ms(b.cap)},
                        {"jitter", name_of(b.jitter, kJitters)},   {"cap_order", name_of(b.cap_order, kCapOrders)},
                        {"proportional_low", b.proportional_low},  {"proportional_high", b.proportional_high}};
}

ordered_json write_breaker(const CircuitBreakerConfig& b) {
    ordered_json steps = ordered_json::array();
    for (const WaitStep& w : b.wait_steps) steps.push_back({{"min_failure_rate", w.min_failure_rate}, {"wait_ms", ms(w.wait)}});
    return ordered_json{
        {"sliding_window_type", name_of(b.sliding_window_type, kWindowKinds)},
        {"sliding_window_size", b.sliding_window_size},
        {"time_window_bucket_ms", ms(b.time_window_bucket)},
        {"minimum_number_of_calls", b.minimum_number_of_calls},
        {"failure_rate_threshold", b.failure_rate_threshold},
        {"slow_call_rate_threshold", b.slow_call_rate_threshold},
        {"slow_call_duration_threshold_ms", ms(b.slow_call_duration_threshold)},
        {"wait_duration_in_open_state_ms", ms(b.wait_duration_in_open_state)},
        {"wait_in_open_multiplier", b.wait_in_open_multiplier},
        {"max_wait_in_open_state_ms", ms(b.max_wait_in_open_state)},
        {"automatic_transition_from_open_to_half_open", b.automatic_transition_from_open_to_half_open},
        {"half_open_policy", name_of(b.half_open_policy, kHalfOpen)},
        {"permitted_number_of_calls_in_half_open_state", b.permitted_number_of_calls_in_half_open_state},
        {"max_wait_duration_in_half_open_state_ms", ms(b.max_wait_duration_in_half_open_state)},
        {"transition_to_state_after_wait_duration", name_of(b.transition_to_state_after_wait_duration, kAfterHalfOpen)},
        {"half_open_retest_interval_ms", ms(b.half_open_retest_interval)},
        {"model", name_of(b.model, kBreakerModels)},
        {"failure_ratio", b.failure_ratio},
        {"sampling_duration_ms", ms(b.sampling_duration)},
        {"wait_boundary", name_of(b.wait_boundary, kBoundaries)},
        {"stale_outcomes", name_of(b.stale_outcomes, kStale)},
        {"released_permits", name_of(b.released_permits, kReleased)},
        {"wait_growth", name_of(b.wait_growth, kGrowth)},
        {"wait_per_failure_ms", ms(b.wait_per_failure)},
        {"wait_steps", steps},
        {"initial_state", name_of(b.initial_state, kInitialStates)},
        {"record", ordered_json{{"error", name_of(b.record.error, kVerdicts)},
                                {"timeout", name_of(b.record.timeout, kVerdicts)},
                                {"throttled", name_of(b.record.throttled, kVerdicts)},
                                {"fatal_error", name_of(b.record.fatal_error, kVerdicts)},
                                {"bulkhead_rejected", name_of(b.record.bulkhead_rejected, kVerdicts)}}}};
}

ordered_json write_bulkhead(const BulkheadConfig& b) {
    return ordered_json{{"max_concurrent_calls", b.max_concurrent_calls},
                        {"max_wait_duration_ms", ms_or_unbounded(b.max_wait_duration)},
                        {"max_queue_length", b.max_queue_length == BulkheadConfig::kUnboundedQueue
                                                 ? ordered_json("unbounded")
                                                 : ordered_json(b.max_queue_length)}};
}

ordered_json write_retry(const RetryConfig& rt) {
    return ordered_json{{"max_attempts", rt.max_attempts},
                        {"per_attempt_timeout_ms", ms(rt.per_attempt_timeout)},
                        {"timeout_starts_after_admission", rt.timeout_starts_after_admission},
                        {"overall_deadline_ms", ms(rt.overall_deadline)},
                        {"backoff", write_backoff(rt.backoff)},
                        {"retry_on", ordered_json{{"error", rt.retry_on.error},
                                                  {"timeout", rt.retry_on.timeout},
                                                  {"throttled", rt.retry_on.throttled},
                                                  {"fatal_error", rt.retry_on.fatal_error},
                                                  {"breaker_rejected", rt.retry_on.breaker_rejected},
                                                  {"bulkhead_rejected", rt.retry_on.bulkhead_rejected}}},
                        {"honor_pushback", rt.honor_pushback},
                        {"throttle_backoff_base_ms", ms(rt.throttle_backoff_base)}};
}

ordered_json write_budget(const RetryBudgetConfig& b) {
    ordered_json j{{"policy", name_of(b.policy, kPolicies)}};
    switch (b.policy) {
        case BudgetPolicy::GrpcThrottle:
            j["max_tokens"] = b.max_tokens;
            j["token_ratio"] = b.token_ratio;
            break;
        case BudgetPolicy::FinagleRatio:
            j["ttl_ms"] = ms(b.ttl);
            j["min_retries_per_second"] = b.min_retries_per_second;
            j["percent_can_retry"] = b.percent_can_retry;
            break;
        case BudgetPolicy::EnvoyConcurrent:
            j["budget_percent"] = b.budget_percent;
            j["min_retry_concurrency"] = b.min_retry_concurrency;
            break;
        case BudgetPolicy::AwsQuota:
            j["initial_quota"] = b.initial_quota;
            j["retry_cost"] = b.retry_cost;
            j["timeout_cost"] = b.timeout_cost;
            j["throttle_cost"] = b.throttle_cost;
            j["no_retry_increment"] = b.no_retry_increment;
            break;
    }
    return j;
}

}  // namespace cascadelab::config_json
