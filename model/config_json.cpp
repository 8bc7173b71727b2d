#include "model/config_json.hpp"

#include <algorithm>  // std::max

namespace cascadelab::config_json {

namespace {

// A nested object read with its own table: `record`, `retry_on`, `requeue_on`.
template <class C>
void read_section(JsonObject& parent, std::string_view key, std::span<const Field<C>> fields, C& c) {
    if (const json* j = parent.child(key)) {
        JsonObject o(*j, parent.field(key));
        read_fields(o, fields, c);
        o.finish();
    }
}

std::vector<WaitStep> read_wait_steps(JsonObject& o, const json& steps) {
    if (!steps.is_array()) o.fail("wait_steps", steps, "must be an array of {min_failure_rate, wait_ms}");
    std::vector<WaitStep> out;
    for (std::size_t i = 0; i < steps.size(); ++i) {
        JsonObject so(steps[i], o.field(fmt::format("wait_steps[{}]", i)));
        for (const Field<WaitStep>& f : wait_step_fields())
            if (!so.has(f.key())) so.fail(f.key(), json(nullptr), "is required");
        WaitStep w;
        read_fields(so, wait_step_fields(), w);
        so.finish();
        out.push_back(w);
    }
    return out;
}

CircuitBreakerConfig breaker_preset(JsonObject& o) {
    std::string base = "resilience4j";
    o.text("preset", base);
    if (base == "resilience4j") return CircuitBreakerConfig::resilience4j();
    if (base == "polly") return CircuitBreakerConfig::polly();
    if (base == "polly_v7") return CircuitBreakerConfig::polly_v7(0.1, Duration::seconds(30), 100, Duration::seconds(5));
    if (base == "tutorial") return CircuitBreakerConfig::tutorial();
    o.fail("preset", json(base), "must be one of resilience4j, polly, polly_v7, tutorial");
}

RetryBudgetConfig budget_preset(BudgetPolicy policy) {
    switch (policy) {
        case BudgetPolicy::GrpcThrottle: return RetryBudgetConfig::grpc();  // gRPC A6's example: 10 tokens, 0.1
        case BudgetPolicy::FinagleRatio: return RetryBudgetConfig::finagle();
        case BudgetPolicy::EnvoyConcurrent: return RetryBudgetConfig::envoy();
        case BudgetPolicy::AwsQuota: return RetryBudgetConfig::aws_standard();
    }
    return RetryBudgetConfig::grpc();
}

}  // namespace

BackoffConfig read_backoff(const json& j, const std::string& path, BackoffConfig b) {
    JsonObject o(j, path);
    read_fields(o, backoff_fields(), b);
    o.finish();
    validate_as(b, o, j);
    return b;
}

CircuitBreakerConfig read_breaker(const json& j, const std::string& path) {
    JsonObject o(j, path);
    CircuitBreakerConfig b = breaker_preset(o);
    read_fields(o, breaker_fields(), b);
    if (const json* steps = o.get("wait_steps")) b.wait_steps = read_wait_steps(o, *steps);
    read_section(o, "record", recording_fields(), b.record);
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
    read_fields(o, bulkhead_fields(), b);
    o.finish();
    validate_as(b, o, j);
    return b;
}

RetryConfig read_retry(const json& j, const std::string& path) {
    JsonObject o(j, path);
    RetryConfig r = RetryConfig::tutorial();
    // Polly counts retries only: `max_retries` is `max_attempts` - 1, and only one of them may be given.
    if (o.has("max_attempts") && o.has("max_retries"))
        o.fail("max_retries", j.at("max_retries"), "give max_attempts (counts the first call) or max_retries, not both");
    read_fields(o, retry_fields(), r);
    std::uint32_t retries = r.max_attempts - 1;
    o.integer("max_retries", retries, 0, 99);
    r.max_attempts = retries + 1;
    if (const json* b = o.child("backoff")) r.backoff = read_backoff(*b, o.field("backoff"), r.backoff);
    read_section(o, "retry_on", outcome_set_fields(), static_cast<OutcomeSet&>(r.retry_on));
    o.finish();
    validate_as(r, o, j);
    return r;
}

RetryBudgetConfig read_budget(const json& j, const std::string& path) {
    JsonObject o(j, path);
    if (!o.has("policy")) o.fail("policy", json(nullptr), "is required: grpc, finagle, envoy or aws");
    RetryBudgetConfig b;
    read_field(o, budget_fields().front(), b);
    // The chosen policy's defaults; only its own keys apply (another policy's key is a mistake).
    b = budget_preset(b.policy);
    read_fields(o, budget_fields(), b);
    o.finish();
    validate_as(b, o, j);
    return b;
}

MessageConfig read_message(const json& j, const std::string& path) {
    JsonObject o(j, path);
    MessageConfig m;
    std::string base = "tutorial";
    o.text("preset", base);
    if (base == "rabbitmq") m = MessageConfig::rabbitmq();
    else if (base == "sqs") m = MessageConfig::sqs();
    else if (base != "tutorial") o.fail("preset", json(base), "must be one of tutorial, rabbitmq, sqs");
    if (o.has("max_deliveries") && o.has("delivery_limit"))
        o.fail("delivery_limit", j.at("delivery_limit"),
               "give max_deliveries (counts the first delivery) or delivery_limit (RabbitMQ: returns), not both");
    read_fields(o, message_fields(), m);
    if (const json* v = o.get("delivery_limit")) {
        // RabbitMQ quorum queues: L returns to the queue are allowed, so L + 1 deliveries.
        if (v->is_string() && v->get<std::string>() == "unlimited") {
            m.max_deliveries = MessageConfig::kUnlimited;
        } else {
            std::uint32_t limit = 0;
            o.integer("delivery_limit", limit, 0, 999'999);
            m.max_deliveries = limit + 1;
        }
    }
    read_section(o, "requeue_on", outcome_set_fields(), static_cast<OutcomeSet&>(m.requeue_on));
    if (const json* b = o.child("backoff")) m.redelivery_backoff = read_backoff(*b, path + ".backoff", m.redelivery_backoff);
    o.finish();
    validate_as(m, o, j);
    return m;
}

ordered_json write_backoff(const BackoffConfig& b) { return write_fields(backoff_fields(), b); }

ordered_json write_breaker(const CircuitBreakerConfig& b) {
    ordered_json j = write_fields(breaker_fields(), b);
    ordered_json steps = ordered_json::array();
    for (const WaitStep& w : b.wait_steps) steps.push_back(write_fields(wait_step_fields(), w));
    j["wait_steps"] = std::move(steps);
    j["record"] = write_fields(recording_fields(), b.record);
    return j;
}

ordered_json write_bulkhead(const BulkheadConfig& b) { return write_fields(bulkhead_fields(), b); }

ordered_json write_retry(const RetryConfig& r) {
    ordered_json j = write_fields(retry_fields(), r);
    j["backoff"] = write_backoff(r.backoff);
    j["retry_on"] = write_fields(outcome_set_fields(), static_cast<const OutcomeSet&>(r.retry_on));
    return j;
}

ordered_json write_budget(const RetryBudgetConfig& b) { return write_fields(budget_fields(), b); }

ordered_json write_message(const MessageConfig& m) {
    ordered_json j = write_fields(message_fields(), m);
    j["requeue_on"] = write_fields(outcome_set_fields(), static_cast<const OutcomeSet&>(m.requeue_on));
    j["backoff"] = write_backoff(m.redelivery_backoff);
    return j;
}

}  // namespace cascadelab::config_json
