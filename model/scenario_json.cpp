#include "model/scenario_json.hpp"

#include <cmath>       // std::isfinite
#include <filesystem>  // std::filesystem::exists
#include <stdexcept>   // std::runtime_error

#include <nlohmann/json.hpp>

#include "model/json_input.hpp"
#include "model/json_object.hpp"
#include "model/presets.hpp"
#include "statemachines/config_error.hpp"

namespace cascadelab {

namespace {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

// A machine's own validate() names its fields "section.name"; report them by their path in the
// file instead (the same name, or with the `_ms` of a duration key).
// A few machine fields carry the peer's name in their error (Polly's BreakDuration is the
// breaker's wait in Open): the file's key for them.
std::string key_in_file(const std::string& leaf) {
    if (leaf == "break_duration") return "wait_duration_in_open_state";
    if (leaf == "minimum_throughput") return "minimum_number_of_calls";
    if (leaf == "pushback.advice") return "pushback";
    if (leaf == "pushback.after") return "pushback.retry_after_ms";
    return leaf;
}

template <class Config>
void validate_as(const Config& c, const JsonObject& o, const json& j) {
    try {
        c.validate();
    } catch (const ConfigError& e) {
        // "section.name", or "section.list[i].name": the part after the section is the key.
        const std::string& f = e.field();
        const std::string leaf = key_in_file(f.substr(f.find('.') + 1));
        const std::string key = j.contains(leaf + "_ms") ? leaf + "_ms" : leaf;
        throw ConfigError(o.field(key), e.value(), e.why());
    }
}

// ---- enum names, shared by the reader and the writer ----
const Names<WindowKind> kWindowKinds{{"count_based", WindowKind::CountBased}, {"time_based", WindowKind::TimeBased}};
const Names<HalfOpenPolicy> kHalfOpen{{"probes", HalfOpenPolicy::Probes}, {"none", HalfOpenPolicy::None}};
const Names<BreakerModel> kBreakerModels{
    {"resilience4j", BreakerModel::Resilience4j}, {"polly", BreakerModel::Polly}, {"polly_v7", BreakerModel::PollyV7}};
const Names<ReleasedPermits> kReleased{{"any_permit", ReleasedPermits::AnyPermit},
                                       {"current_only", ReleasedPermits::CurrentOnly}};
const Names<WaitBoundary> kBoundaries{{"exclusive", WaitBoundary::Exclusive}, {"inclusive", WaitBoundary::Inclusive}};
const Names<StaleOutcomes> kStale{{"record", StaleOutcomes::Record}, {"ignore", StaleOutcomes::Ignore}};
const Names<OpenWaitGrowth> kGrowth{{"geometric", OpenWaitGrowth::Geometric},
                                    {"linear_in_failures", OpenWaitGrowth::LinearInFailures},
                                    {"steps_by_failure_rate", OpenWaitGrowth::StepsByFailureRate}};
const Names<AfterHalfOpenWait> kAfterHalfOpen{{"open", AfterHalfOpenWait::Open}, {"closed", AfterHalfOpenWait::Closed}};
const Names<BreakerState> kInitialStates{{"closed", BreakerState::Closed},
                                         {"open", BreakerState::Open},
                                         {"forced_open", BreakerState::ForcedOpen},
                                         {"disabled", BreakerState::Disabled},
                                         {"metrics_only", BreakerState::MetricsOnly}};
const Names<CallVerdict> kVerdicts{
    {"success", CallVerdict::Success}, {"failure", CallVerdict::Failure}, {"ignored", CallVerdict::Ignored}};
const Names<BackoffKind> kBackoffKinds{{"constant", BackoffKind::Constant},
                                       {"linear", BackoffKind::Linear},
                                       {"exponential", BackoffKind::Exponential},
                                       {"aws_legacy", BackoffKind::AwsLegacy}};
const Names<Jitter> kJitters{{"none", Jitter::None},
                             {"full", Jitter::Full},
                             {"equal", Jitter::Equal},
                             {"decorrelated", Jitter::Decorrelated},
                             {"proportional", Jitter::Proportional},
                             {"polly_decorrelated_v2", Jitter::PollyDecorrelatedV2},
                             {"envoy_modulo", Jitter::EnvoyModulo}};
const Names<LimitCheck> kLimitChecks{{"at_the_failure", LimitCheck::AtTheFailure},
                                     {"at_the_next_receive", LimitCheck::AtTheNextReceive}};
const Names<QueueOverflow> kOverflows{{"drop_head", QueueOverflow::DropHead},
                                      {"reject_publish", QueueOverflow::RejectPublish},
                                      {"reject_publish_dlx", QueueOverflow::RejectPublishDlx}};
const Names<PushbackPolicy::When> kPushbackWhen{{"never", PushbackPolicy::When::Never},
                                                {"on_refusal", PushbackPolicy::When::OnRefusal},
                                                {"on_any_failure", PushbackPolicy::When::OnAnyFailure}};
const Names<CapOrder> kCapOrders{{"jitter_then_cap", CapOrder::JitterThenCap}, {"cap_then_jitter", CapOrder::CapThenJitter}};
const Names<BudgetPolicy> kPolicies{{"grpc", BudgetPolicy::GrpcThrottle},
                                    {"finagle", BudgetPolicy::FinagleRatio},
                                    {"envoy", BudgetPolicy::EnvoyConcurrent},
                                    {"aws", BudgetPolicy::AwsQuota}};
const Names<RetryMode> kRetryModes{{"blocking", RetryMode::Blocking}, {"non_blocking", RetryMode::NonBlocking}};
const Names<RequeuePosition> kRequeue{{"back", RequeuePosition::Back}, {"near_head", RequeuePosition::NearHead}};
const Names<Architecture> kArchitectures{{"rpc", Architecture::Rpc}, {"event", Architecture::Event}};
const Names<BreakerScope> kScopes{{"per_request", BreakerScope::PerRequest}, {"per_attempt", BreakerScope::PerAttempt}};
const Names<TimeoutSemantics> kTimeouts{{"cancel", TimeoutSemantics::Cancel}, {"abandon", TimeoutSemantics::Abandon}};
const Names<WorkloadKind> kWorkloads{{"burst", WorkloadKind::Burst},
                                     {"poisson", WorkloadKind::Poisson},
                                     {"step", WorkloadKind::Step},
                                     {"arrivals", WorkloadKind::Arrivals}};
const Names<FaultKind> kFaults{{"outage", FaultKind::Outage},
                               {"latency_spike", FaultKind::LatencySpike},
                               {"capacity_drop", FaultKind::CapacityDrop},
                               {"error_rate", FaultKind::ErrorRate}};

template <class E>
std::string_view name_of(E e, Names<E> names) {
    for (const auto& [n, v] : names)
        if (v == e) return n;
    return "?";
}

// ---- readers ----
constexpr std::uint64_t kBig = 100'000'000;

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
    o.integer("minimum_number_of_calls", b.minimum_number_of_calls, 1, kBig);
    o.number("failure_rate_threshold", b.failure_rate_threshold, 0.0, 100.0);
    o.number("slow_call_rate_threshold", b.slow_call_rate_threshold, 0.0, 100.0);
    o.millis("slow_call_duration_threshold_ms", b.slow_call_duration_threshold);
    o.millis("wait_duration_in_open_state_ms", b.wait_duration_in_open_state);
    o.number("wait_in_open_multiplier", b.wait_in_open_multiplier, 1.0, 100.0);
    o.millis("max_wait_in_open_state_ms", b.max_wait_in_open_state);
    o.boolean("automatic_transition_from_open_to_half_open", b.automatic_transition_from_open_to_half_open);
    o.choice("half_open_policy", b.half_open_policy, kHalfOpen);
    o.integer("permitted_number_of_calls_in_half_open_state", b.permitted_number_of_calls_in_half_open_state, 1, kBig);
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
        case BudgetPolicy::GrpcThrottle: b = RetryBudgetConfig::grpc(10.0, 0.1); break;
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

WorkloadConfig read_workload(const json& j) {
    JsonObject o(j, "workload");
    WorkloadConfig w;
    if (!o.has("kind")) o.fail("kind", json(nullptr), "is required: burst, poisson, step or arrivals");
    o.choice("kind", w.kind, kWorkloads);
    o.time("start_ms", w.start);
    switch (w.kind) {
        case WorkloadKind::Burst:
            o.integer("burst_size", w.burst_size, 1, kBig);
            o.integer("bursts", w.bursts, 1, kBig);
            o.millis("gap_ms", w.gap);
            o.millis("spread_ms", w.spread);
            break;
        case WorkloadKind::Poisson:
            o.number("rate_per_s", w.rate_per_second, 1e-6, 1e7);
            o.integer("requests", w.requests, 1, kBig);
            break;
        case WorkloadKind::Step:
            o.number("base_rate_per_s", w.base_rate_per_second, 1e-6, 1e7);
            o.number("spike_rate_per_s", w.spike_rate_per_second, 1e-6, 1e7);
            o.time("spike_start_ms", w.spike_start);
            o.millis("spike_length_ms", w.spike_length);
            o.millis("duration_ms", w.duration);
            break;
        case WorkloadKind::Arrivals: {
            const json* a = o.get("at_ms");
            if (!a) o.fail("at_ms", json(nullptr), "is required for kind arrivals");
            if (!a->is_array() || a->empty()) o.fail("at_ms", *a, "must be a non-empty array of milliseconds");
            for (std::size_t i = 0; i < a->size(); ++i) {
                const json& v = (*a)[i];
                if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < 0.0 ||
                    v.get<double>() > kMaxFileMillis)
                    o.fail(fmt::format("at_ms[{}]", i), v, fmt::format("must be milliseconds in [0, {:g}]", kMaxFileMillis));
                w.arrivals.push_back(Time::at(from_file_millis(v.get<double>())));
            }
            break;
        }
    }
    o.finish();
    validate_as(w, o, j);
    return w;
}

DownstreamConfig read_downstream(const json& j) {
    JsonObject o(j, "downstream");
    DownstreamConfig d;
    o.millis("base_latency_ms", d.base_latency);
    o.millis("jitter_ms", d.jitter);
    o.number("failure_probability", d.failure_probability, 0.0, 1.0);
    o.number("knee_in_flight", d.knee_in_flight, 1.0, 1e9);
    o.number("min_load_factor", d.min_load_factor, 0.0, 1.0);
    o.millis("latency_per_load_ms", d.latency_per_load);
    o.number("failure_per_load", d.failure_per_load, 0.0, 1e6);
    o.number("failure_cap", d.failure_cap, 0.0, 1.0);
    o.integer("capacity", d.capacity, 0, 1'000'000'000);
    o.millis("refusal_latency_ms", d.refusal_latency);
    o.choice("on_timeout", d.on_timeout, kTimeouts);
    o.number("fatal_fraction", d.fatal_fraction, 0.0, 1.0);
    if (const json* p = o.child("pushback")) {
        JsonObject po(*p, "downstream.pushback");
        po.choice("when", d.pushback.when, kPushbackWhen);
        const bool delay = po.has("retry_after_ms");
        const bool stop = po.has("stop");
        if (delay == stop) po.fail("retry_after_ms", json(nullptr), "give either retry_after_ms (a delay) or stop: true");
        if (delay) {
            Duration after;
            po.millis("retry_after_ms", after);
            d.pushback.advice = Pushback::retry_after(after);
        } else {
            bool yes = false;
            po.boolean("stop", yes);
            if (!yes) po.fail("stop", json(false), "must be true (give retry_after_ms for a delay)");
            d.pushback.advice = Pushback::stop();
        }
        po.finish();
    }
    o.finish();
    validate_as(d, o, j);
    return d;
}

FaultSchedule read_faults(const json& j) {
    if (!j.is_array()) throw ConfigError("faults", shown(j), "must be an array of fault windows");
    std::vector<FaultWindow> windows;
    for (std::size_t i = 0; i < j.size(); ++i) {
        JsonObject o(j[i], fmt::format("faults[{}]", i));
        FaultWindow w;
        if (!o.has("kind")) o.fail("kind", json(nullptr), "is required: outage, latency_spike, capacity_drop or error_rate");
        o.choice("kind", w.kind, kFaults);
        if (!o.has("length_ms")) o.fail("length_ms", json(nullptr), "is required");
        o.time("start_ms", w.start);
        o.millis("length_ms", w.length);
        switch (w.kind) {
            case FaultKind::Outage: break;
            case FaultKind::LatencySpike:
                w.strength = 2.0;
                o.number("factor", w.strength, 1.0, 1000.0);
                break;
            case FaultKind::CapacityDrop:
                w.strength = 0.5;
                o.number("factor", w.strength, 1e-9, 1.0);
                break;
            case FaultKind::ErrorRate:
                if (!o.has("probability")) o.fail("probability", json(nullptr), "is required for error_rate");
                o.number("probability", w.strength, 0.0, 1.0);
                break;
        }
        if (w.length == Duration::zero()) o.fail("length_ms", json(0), "must be positive");
        o.finish();
        windows.push_back(w);
    }
    return FaultSchedule{std::move(windows)};
}

EventConfig read_event(const json& j, const std::string& path) {
    JsonObject eo(j, path);
    EventConfig e;
    eo.integer("queue_capacity", e.queue_capacity, 1, kBig);
    eo.choice("overflow", e.overflow, kOverflows);
    eo.integer("consumers", e.consumers, 1, 100'000);
    eo.millis("attempt_timeout_ms", e.attempt_timeout);
    eo.millis("publish_latency_ms", e.publish_latency);
    eo.millis("delivery_latency_ms", e.delivery_latency);
    eo.millis("processing_timeout_ms", e.consumer.processing_timeout);
    if (const json* m = eo.child("message")) {
        JsonObject mo(*m, path + ".message");
        std::string base = "tutorial";
        mo.text("preset", base);
        if (base == "rabbitmq") e.message = MessageConfig::rabbitmq();
        else if (base == "sqs") e.message = MessageConfig::sqs();
        else if (base != "tutorial") mo.fail("preset", json(base), "must be one of tutorial, rabbitmq, sqs");
        if (mo.has("max_deliveries") && mo.has("delivery_limit"))
            mo.fail("delivery_limit", m->at("delivery_limit"),
                    "give max_deliveries (counts the first delivery) or delivery_limit (RabbitMQ: returns), not both");
        if (const json* v = mo.get("max_deliveries")) {
            if (v->is_string() && v->get<std::string>() == "unlimited") e.message.max_deliveries = MessageConfig::kUnlimited;
            else mo.integer("max_deliveries", e.message.max_deliveries, 1, 1'000'000);
        }
        if (const json* v = mo.get("delivery_limit")) {
            // RabbitMQ quorum queues: L returns to the queue are allowed, so L + 1 deliveries.
            if (v->is_string() && v->get<std::string>() == "unlimited") {
                e.message.max_deliveries = MessageConfig::kUnlimited;
            } else {
                std::uint32_t limit = 0;
                mo.integer("delivery_limit", limit, 0, 999'999);
                e.message.max_deliveries = limit + 1;
            }
        }
        mo.choice("limit_check", e.message.limit_check, kLimitChecks);
        mo.millis("visibility_timeout_ms", e.message.visibility_timeout);
        mo.millis("ttl_ms", e.message.ttl);
        if (const json* on = mo.child("requeue_on")) {
            JsonObject ro(*on, path + ".message.requeue_on");
            RequeueOn& q = e.message.requeue_on;
            ro.boolean("error", q.error);
            ro.boolean("timeout", q.timeout);
            ro.boolean("throttled", q.throttled);
            ro.boolean("fatal_error", q.fatal_error);
            ro.boolean("breaker_rejected", q.breaker_rejected);
            ro.boolean("bulkhead_rejected", q.bulkhead_rejected);
            ro.finish();
        }
        mo.choice("retry_mode", e.message.retry_mode, kRetryModes);
        mo.choice("requeue", e.message.requeue_position, kRequeue);
        if (const json* b = mo.child("backoff"))
            e.message.redelivery_backoff = read_backoff(*b, path + ".message.backoff", e.message.redelivery_backoff);
        mo.finish();
        validate_as(e.message, mo, *m);
    }
    if (const json* b = eo.child("bulkhead", true)) e.bulkhead = read_bulkhead(*b, path + ".bulkhead");
    if (const json* b = eo.child("breaker", true)) e.breaker = read_breaker(*b, path + ".breaker");
    eo.finish();
    return e;
}

RpcConfig read_rpc(const json& j, const std::string& path) {
    JsonObject ro(j, path);
    RpcConfig c;
    if (const json* b = ro.child("breaker", true)) c.breaker = read_breaker(*b, path + ".breaker");
    ro.choice("breaker_scope", c.breaker_scope, kScopes);
    if (const json* b = ro.child("bulkhead", true)) c.bulkhead = read_bulkhead(*b, path + ".bulkhead");
    if (const json* rt = ro.child("retry")) c.retry = read_retry(*rt, path + ".retry");
    if (const json* b = ro.child("retry_budget", true)) c.retry_budget = read_budget(*b, path + ".retry_budget");
    ro.finish();
    return c;
}

Scenario read_scenario(const json& j) {
    JsonObject o(j, "");
    Scenario s;
    o.label("name", s.name);
    o.text("description", s.description);
    o.integer("seed", s.seed, 0, UINT64_MAX);
    if (!o.has("architecture")) o.fail("architecture", json(nullptr), "is required: rpc or event");
    o.choice("architecture", s.architecture, kArchitectures);
    o.millis("horizon_ms", s.horizon);
    if (const json* m = o.child("metrics")) {
        JsonObject mo(*m, "metrics");
        mo.millis("window_ms", s.metrics.window);
        if (s.metrics.window == Duration::zero()) mo.fail("window_ms", json(0), "must be positive");
        mo.finish();
    }
    if (!o.has("workload")) o.fail("workload", json(nullptr), "is required");
    s.workload = read_workload(*o.child("workload"));
    if (const json* d = o.child("downstream")) s.downstream = read_downstream(*d);
    if (const json* f = o.child("faults")) s.faults = read_faults(*f);

    // Only the section of the chosen architecture is allowed.
    const bool rpc = s.architecture == Architecture::Rpc;
    if (!rpc && o.has("inner_tiers")) o.fail("inner_tiers", j.at("inner_tiers"), "does not apply to architecture event");
    if (rpc && o.has("inner_stages")) o.fail("inner_stages", j.at("inner_stages"), "does not apply to architecture rpc");
    if (o.has(rpc ? "event" : "rpc"))
        o.fail(rpc ? "event" : "rpc", j.at(rpc ? "event" : "rpc"),
               fmt::format("does not apply to architecture {}", name(s.architecture)));
    if (rpc) {
        if (const json* r = o.child("rpc")) s.rpc = read_rpc(*r, "rpc");
        if (const json* tiers = o.child("inner_tiers")) {
            if (!tiers->is_array()) o.fail("inner_tiers", *tiers, "must be an array of tier objects (like rpc)");
            if (tiers->size() >= kMaxTiers)
                o.fail("inner_tiers", json(tiers->size()), fmt::format("at most {} tiers behind the client", kMaxTiers - 1));
            for (std::size_t i = 0; i < tiers->size(); ++i)
                s.inner_tiers.push_back(read_rpc((*tiers)[i], fmt::format("inner_tiers[{}]", i)));
        }
    } else {
        if (const json* e = o.child("event")) s.event = read_event(*e, "event");
        if (const json* stages = o.child("inner_stages")) {
            if (!stages->is_array()) o.fail("inner_stages", *stages, "must be an array of stage objects (like event)");
            if (stages->size() >= kMaxTiers)
                o.fail("inner_stages", json(stages->size()), fmt::format("at most {} stages behind the first", kMaxTiers - 1));
            for (std::size_t i = 0; i < stages->size(); ++i)
                s.inner_stages.push_back(read_event((*stages)[i], fmt::format("inner_stages[{}]", i)));
        }
    }
    o.finish();
    s.validate();  // cross-section checks; field names are already unique
    return s;
}

// ---- writer ----
double ms(Duration d) { return static_cast<double>(d.us()) / 1e3; }
ordered_json ms_or_unbounded(Duration d) { return d == Duration::max() ? ordered_json("unbounded") : ordered_json(ms(d)); }

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

ordered_json write_workload(const WorkloadConfig& w) {
    ordered_json j{{"kind", name_of(w.kind, kWorkloads)}, {"start_ms", ms(w.start.since_start())}};
    switch (w.kind) {
        case WorkloadKind::Burst:
            j["burst_size"] = w.burst_size;
            j["bursts"] = w.bursts;
            j["gap_ms"] = ms(w.gap);
            j["spread_ms"] = ms(w.spread);
            break;
        case WorkloadKind::Poisson:
            j["rate_per_s"] = w.rate_per_second;
            j["requests"] = w.requests;
            break;
        case WorkloadKind::Step:
            j["base_rate_per_s"] = w.base_rate_per_second;
            j["spike_rate_per_s"] = w.spike_rate_per_second;
            j["spike_start_ms"] = ms(w.spike_start.since_start());
            j["spike_length_ms"] = ms(w.spike_length);
            j["duration_ms"] = ms(w.duration);
            break;
        case WorkloadKind::Arrivals: {
            ordered_json at = ordered_json::array();
            for (Time t : w.arrivals) at.push_back(ms(t.since_start()));
            j["at_ms"] = std::move(at);
            break;
        }
    }
    return j;
}

ordered_json optional_or_null(const auto& opt, auto write) { return opt ? write(*opt) : ordered_json(nullptr); }

ordered_json write_event(const EventConfig& e) {
    return ordered_json{
        {"queue_capacity", e.queue_capacity},
        {"overflow", name_of(e.overflow, kOverflows)},
        {"consumers", e.consumers},
        {"attempt_timeout_ms", ms(e.attempt_timeout)},
        {"publish_latency_ms", ms(e.publish_latency)},
        {"delivery_latency_ms", ms(e.delivery_latency)},
        {"processing_timeout_ms", ms(e.consumer.processing_timeout)},
        {"message", ordered_json{{"max_deliveries", e.message.limited() ? ordered_json(e.message.max_deliveries)
                                                                        : ordered_json("unlimited")},
                                 {"limit_check", name_of(e.message.limit_check, kLimitChecks)},
                                 {"visibility_timeout_ms", ms(e.message.visibility_timeout)},
                                 {"ttl_ms", ms(e.message.ttl)},
                                 {"requeue_on", ordered_json{{"error", e.message.requeue_on.error},
                                                             {"timeout", e.message.requeue_on.timeout},
                                                             {"throttled", e.message.requeue_on.throttled},
                                                             {"fatal_error", e.message.requeue_on.fatal_error},
                                                             {"breaker_rejected", e.message.requeue_on.breaker_rejected},
                                                             {"bulkhead_rejected", e.message.requeue_on.bulkhead_rejected}}},
                                 {"retry_mode", name_of(e.message.retry_mode, kRetryModes)},
                                 {"requeue", name_of(e.message.requeue_position, kRequeue)},
                                 {"backoff", write_backoff(e.message.redelivery_backoff)}}},
        {"bulkhead", optional_or_null(e.bulkhead, write_bulkhead)},
        {"breaker", optional_or_null(e.breaker, write_breaker)}};
}

ordered_json write_rpc(const RpcConfig& r) {
    const RetryConfig& rt = r.retry;
    return ordered_json{
        {"breaker", optional_or_null(r.breaker, write_breaker)},
        {"breaker_scope", name_of(r.breaker_scope, kScopes)},
        {"bulkhead", optional_or_null(r.bulkhead, write_bulkhead)},
        {"retry",
         ordered_json{{"max_attempts", rt.max_attempts},
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
                      {"throttle_backoff_base_ms", ms(rt.throttle_backoff_base)}}},
        {"retry_budget", optional_or_null(r.retry_budget, write_budget)}};
}

}  // namespace

std::vector<Scenario> scenarios_from_json(std::string_view text) {
    const json j = parse_json_strictly(text);
    std::vector<Scenario> out;
    if (j.is_array()) {
        if (j.empty()) throw ConfigError("(top level)", "[]", "must hold at least one scenario");
        for (std::size_t i = 0; i < j.size(); ++i) {
            try {
                out.push_back(read_scenario(j[i]));
            } catch (const ConfigError& e) {
                throw ConfigError(fmt::format("[{}].{}", i, e.field()), e.value(),
                                  e.why());
            }
        }
    } else {
        out.push_back(read_scenario(j));
    }
    return out;
}

std::string scenario_to_json(const Scenario& s) {
    ordered_json j;
    j["name"] = s.name;
    j["description"] = s.description;
    j["seed"] = s.seed;
    j["architecture"] = name_of(s.architecture, kArchitectures);
    j["horizon_ms"] = ms(s.horizon);
    j["metrics"] = ordered_json{{"window_ms", ms(s.metrics.window)}};
    j["workload"] = write_workload(s.workload);
    const DownstreamConfig& d = s.downstream;
    ordered_json pushback{{"when", name_of(d.pushback.when, kPushbackWhen)}};
    if (d.pushback.advice.kind == Pushback::Kind::RetryAfter) pushback["retry_after_ms"] = ms(d.pushback.advice.after);
    else pushback["stop"] = true;
    j["downstream"] = ordered_json{{"base_latency_ms", ms(d.base_latency)},
                                   {"jitter_ms", ms(d.jitter)},
                                   {"failure_probability", d.failure_probability},
                                   {"knee_in_flight", d.knee_in_flight},
                                   {"min_load_factor", d.min_load_factor},
                                   {"latency_per_load_ms", ms(d.latency_per_load)},
                                   {"failure_per_load", d.failure_per_load},
                                   {"failure_cap", d.failure_cap},
                                   {"capacity", d.capacity},
                                   {"refusal_latency_ms", ms(d.refusal_latency)},
                                   {"on_timeout", name_of(d.on_timeout, kTimeouts)},
                                   {"fatal_fraction", d.fatal_fraction},
                                   {"pushback", pushback}};
    ordered_json faults = ordered_json::array();
    for (const FaultWindow& w : s.faults.windows()) {
        ordered_json f{{"kind", name_of(w.kind, kFaults)}, {"start_ms", ms(w.start.since_start())}, {"length_ms", ms(w.length)}};
        if (w.kind == FaultKind::LatencySpike || w.kind == FaultKind::CapacityDrop) f["factor"] = w.strength;
        if (w.kind == FaultKind::ErrorRate) f["probability"] = w.strength;
        faults.push_back(std::move(f));
    }
    j["faults"] = std::move(faults);
    if (s.architecture == Architecture::Rpc) {
        j["rpc"] = write_rpc(s.rpc);
        ordered_json tiers = ordered_json::array();
        for (const RpcConfig& t : s.inner_tiers) tiers.push_back(write_rpc(t));
        j["inner_tiers"] = std::move(tiers);
    } else {
        j["event"] = write_event(s.event);
        ordered_json stages = ordered_json::array();
        for (const EventConfig& e : s.inner_stages) stages.push_back(write_event(e));
        j["inner_stages"] = std::move(stages);
    }
    return j.dump(2) + "\n";
}

std::vector<Scenario> load_scenarios(std::string_view preset_or_file) {
    if (auto p = preset(preset_or_file)) return *p;
    const std::string path{preset_or_file};
    std::string text;
    try {
        text = read_input_file(path);
    } catch (const InputFileError& e) {
        std::error_code ec;
        if (std::filesystem::exists(path, ec)) throw std::runtime_error(fmt::format("--scenario {}", e.what()));
        std::string names;
        for (const PresetInfo& info : preset_catalog()) names += (names.empty() ? "" : ", ") + std::string{info.name};
        throw std::runtime_error(fmt::format("--scenario {}: no such preset ({}) and no such file", path, names));
    }
    try {
        return scenarios_from_json(std::string_view{text});
    } catch (const ConfigError& e) {
        throw ConfigError(fmt::format("{}: {}", path, e.field()), e.value(), e.why());
    }
}

}  // namespace cascadelab
