// Scenario files: every preset round-trips, and malformed files are rejected with one line that
// names the field (by its path in the file) and the value.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "model/presets.hpp"
#include "model/scenario_json.hpp"
#include "model/scenario_tables.hpp"
#include "statemachines/config_error.hpp"
#include "statemachines/config_tables.hpp"
#include "../statemachines/field_ranges.hpp"

namespace cascadelab {
namespace {

TEST(ScenarioJson, EveryPresetRoundTrips) {
    for (const PresetInfo& info : preset_catalog()) {
        const std::vector<Scenario> scenarios = *preset(info.name);
        for (const Scenario& s : scenarios) {
            const std::string text = scenario_to_json(s);
            const std::vector<Scenario> back = scenarios_from_json(text);
            ASSERT_EQ(back.size(), 1u);
            EXPECT_EQ(scenario_to_json(back.front()), text) << s.name;
        }
    }
}

TEST(ScenarioJson, AbsentKeysTakeTheDocumentedDefaults) {
    const Scenario s = scenarios_from_json(R"({"name": "x", "architecture": "rpc", "workload": {"kind": "burst"}})").front();
    EXPECT_EQ(s.workload.burst_size, 2000u);
    EXPECT_EQ(s.rpc.retry.max_attempts, 4u);  // the tutorial's retry
    EXPECT_FALSE(s.rpc.breaker.has_value());
    EXPECT_EQ(s.downstream.knee_in_flight, 25.0);
}

TEST(ScenarioJson, MaxRetriesIsPollysCount) {
    const Scenario s = scenarios_from_json(
        R"({"name": "x", "architecture": "rpc", "workload": {"kind": "burst"}, "rpc": {"retry": {"max_retries": 2}}})").front();
    EXPECT_EQ(s.rpc.retry.max_attempts, 3u);
}

// Every peer knob docs/state-machines.md lists reaches the machines' configurations.
TEST(ScenarioJson, PeerKnobsReachTheConfigurations) {
    const Scenario r = scenarios_from_json(R"({"name": "x", "architecture": "rpc", "workload": {"kind": "burst"},
        "downstream": {"fatal_fraction": 0.1, "pushback": {"when": "on_refusal", "retry_after_ms": 250}},
        "rpc": {"breaker": {"preset": "polly", "failure_ratio": 0.3, "sampling_duration_ms": 10000,
                            "minimum_number_of_calls": 20, "wait_growth": "linear_in_failures",
                            "wait_per_failure_ms": 100, "max_wait_in_open_state_ms": 60000,
                            "record": {"throttled": "ignored"}, "initial_state": "forced_open"},
                "retry": {"retry_on": {"throttled": false, "fatal_error": true}, "honor_pushback": false,
                          "throttle_backoff_base_ms": 1000, "backoff": {"kind": "aws_legacy", "jitter": "envoy_modulo"}},
                "retry_budget": {"policy": "aws", "throttle_cost": 7}}})").front();
    EXPECT_EQ(r.downstream.fatal_fraction, 0.1);
    EXPECT_EQ(r.downstream.pushback.when, PushbackPolicy::When::OnRefusal);
    EXPECT_EQ(r.downstream.pushback.advice.after, Duration::millis(250));
    const CircuitBreakerConfig& b = *r.rpc.breaker;
    EXPECT_EQ(b.model, BreakerModel::Polly);
    EXPECT_EQ(b.failure_ratio, 0.3);
    EXPECT_EQ(b.sampling_duration, Duration::seconds(10));
    EXPECT_EQ(b.wait_growth, OpenWaitGrowth::LinearInFailures);
    EXPECT_EQ(b.record.throttled, CallVerdict::Ignored);
    EXPECT_EQ(b.initial_state, BreakerState::ForcedOpen);
    EXPECT_FALSE(r.rpc.retry.retry_on.throttled);
    EXPECT_TRUE(r.rpc.retry.retry_on.fatal_error);
    EXPECT_FALSE(r.rpc.retry.honor_pushback);
    EXPECT_EQ(r.rpc.retry.backoff.kind, BackoffKind::AwsLegacy);
    EXPECT_EQ(r.rpc.retry_budget->throttle_cost, 7u);

    const Scenario e = scenarios_from_json(R"({"name": "x", "architecture": "event", "workload": {"kind": "burst"},
        "event": {"overflow": "drop_head", "message": {"preset": "rabbitmq", "delivery_limit": 2, "ttl_ms": 5000,
                  "requeue_on": {"fatal_error": false}}}})").front();
    EXPECT_EQ(e.event.overflow, QueueOverflow::DropHead);
    EXPECT_EQ(e.event.message.max_deliveries, 3u);  // a limit of 2 returns: 3 deliveries
    EXPECT_EQ(e.event.message.ttl, Duration::seconds(5));
    EXPECT_EQ(e.event.message.retry_mode, RetryMode::NonBlocking);
    const Scenario u = scenarios_from_json(R"({"name": "x", "architecture": "event", "workload": {"kind": "burst"},
        "event": {"message": {"preset": "sqs", "max_deliveries": "unlimited", "visibility_timeout_ms": 2000}}})").front();
    EXPECT_FALSE(u.event.message.limited());
    EXPECT_EQ(u.event.message.visibility_timeout, Duration::seconds(2));
    // And back: the file written says the same.
    EXPECT_EQ(scenario_to_json(scenarios_from_json(scenario_to_json(u)).front()), scenario_to_json(u));
    EXPECT_EQ(scenario_to_json(scenarios_from_json(scenario_to_json(r)).front()), scenario_to_json(r));
}

TEST(ScenarioJson, AnArrayHoldsSeveralScenarios) {
    const auto v = scenarios_from_json(R"([{"name": "a", "architecture": "rpc", "workload": {"kind": "burst"}},
                                           {"name": "b", "architecture": "event", "workload": {"kind": "burst"}}])");
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[1].architecture, Architecture::Event);
}

struct Malformed {
    const char* what;      // the mistake, for the failure message
    std::string json;
    std::string expected;  // the whole error line
};

// A minimal valid RPC scenario with `extra` spliced into its top-level object.
std::string rpc(const std::string& extra) {
    return R"({"name": "t", "architecture": "rpc", "workload": {"kind": "burst", "burst_size": 10})" +
           (extra.empty() ? "" : ", " + extra) + "}";
}
std::string event(const std::string& extra) {
    return R"({"name": "t", "architecture": "event", "workload": {"kind": "burst", "burst_size": 10})" +
           (extra.empty() ? "" : ", " + extra) + "}";
}

const std::vector<Malformed>& malformed() {
    static const std::vector<Malformed> cases{
        {"unknown top-level key", rpc(R"("retries": 3)"), "retries = 3: unknown key"},
        {"unknown nested key", rpc(R"("rpc": {"retry": {"max_attempt": 3}})"), "rpc.retry.max_attempt = 3: unknown key"},
        {"negative seed", rpc(R"("seed": -1)"), "seed = -1: must be a whole number in [0, 18446744073709551615]"},
        {"unknown architecture", R"({"name": "t", "architecture": "grpc", "workload": {"kind": "burst"}})",
         "architecture = \"grpc\": must be one of rpc, event"},
        {"missing architecture", R"({"name": "t", "workload": {"kind": "burst"}})",
         "architecture = null: is required: rpc or event"},
        {"probability above 1", rpc(R"("downstream": {"failure_probability": 1.5})"),
         "downstream.failure_probability = 1.5: must be in [0, 1]"},
        {"negative latency", rpc(R"("downstream": {"base_latency_ms": -8})"),
         "downstream.base_latency_ms = -8: must not be negative"},
        {"zero consumers", event(R"("event": {"consumers": 0})"), "event.consumers = 0: must be in [1, 100000]"},
        {"zero attempts", rpc(R"("rpc": {"retry": {"max_attempts": 0}})"),
         "rpc.retry.max_attempts = 0: must be in [1, 100]"},
        {"string for a number", rpc(R"("rpc": {"retry": {"max_attempts": "4"}})"),
         "rpc.retry.max_attempts = \"4\": must be a whole number in [1, 100]"},
        {"fraction for a count", event(R"("event": {"queue_capacity": 10.5})"),
         "event.queue_capacity = 10.5: must be a whole number in [1, 100000000]"},
        {"attempts and retries both", rpc(R"("rpc": {"retry": {"max_attempts": 4, "max_retries": 3}})"),
         "rpc.retry.max_retries = 3: give max_attempts (counts the first call) or max_retries, not both"},
        {"unknown jitter", rpc(R"("rpc": {"retry": {"backoff": {"jitter": "fullest"}}})"),
         "rpc.retry.backoff.jitter = \"fullest\": must be one of none, full, equal, decorrelated, proportional, "
         "polly_decorrelated_v2, envoy_modulo"},
        {"negative cap", rpc(R"("rpc": {"retry": {"backoff": {"base_ms": 50, "cap_ms": -10}}})"),
         "rpc.retry.backoff.cap_ms = -10: must not be negative"},
        {"zero failure threshold", rpc(R"("rpc": {"breaker": {"failure_rate_threshold": 0}})"),
         "rpc.breaker.failure_rate_threshold = 0: must be in (0, 100]"},
        {"unknown breaker preset", rpc(R"("rpc": {"breaker": {"preset": "hystrix"}})"),
         "rpc.breaker.preset = \"hystrix\": must be one of resilience4j, polly, polly_v7, tutorial"},
        {"bad unbounded spelling", rpc(R"("rpc": {"bulkhead": {"max_wait_duration_ms": "forever"}})"),
         "rpc.bulkhead.max_wait_duration_ms = \"forever\": must be milliseconds or \"unbounded\""},
        {"unknown workload", R"({"name": "t", "architecture": "rpc", "workload": {"kind": "sine"}})",
         "workload.kind = \"sine\": must be one of burst, poisson, step, arrivals"},
        {"key of another workload", R"({"name": "t", "architecture": "rpc", "workload": {"kind": "burst", "rate_per_s": 5}})",
         "workload.rate_per_s = 5: unknown key"},
        {"zero rate", R"({"name": "t", "architecture": "rpc", "workload": {"kind": "poisson", "rate_per_s": 0}})",
         "workload.rate_per_s = 0: must be in [1e-06, 10000000]"},
        {"fault without kind", rpc(R"("faults": [{"start_ms": 0, "length_ms": 10}])"),
         "faults[0].kind = null: is required: outage, latency_spike, capacity_drop or error_rate"},
        {"spike factor below 1", rpc(R"("faults": [{"kind": "outage", "length_ms": 5}, {"kind": "latency_spike", "length_ms": 5, "factor": 0.5}])"),
         "faults[1].factor = 0.5: must be in [1, 1000]"},
        {"section of the other architecture", rpc(R"("event": {"consumers": 4})"),
         "event = {\"consumers\":4}: does not apply to architecture rpc"},
        {"budget key of another policy", rpc(R"("rpc": {"retry_budget": {"policy": "grpc", "ttl_ms": 1000}})"),
         "rpc.retry_budget.ttl_ms = 1000: unknown key"},
        {"zero deliveries", event(R"("event": {"message": {"max_deliveries": 0}})"),
         "event.message.max_deliveries = 0: must be in [1, 1000000] or \"unlimited\""},
        {"deliveries and delivery limit both", event(R"("event": {"message": {"max_deliveries": 3, "delivery_limit": 2}})"),
         "event.message.delivery_limit = 2: give max_deliveries (counts the first delivery) or delivery_limit "
         "(RabbitMQ: returns), not both"},
        {"unknown overflow", event(R"("event": {"overflow": "drop-tail"})"),
         "event.overflow = \"drop-tail\": must be one of drop_head, reject_publish, reject_publish_dlx"},
        {"visibility beyond SQS's 12 h", event(R"("event": {"message": {"visibility_timeout_ms": 43300000}})"),
         "event.message.visibility_timeout_ms = 43300000: must be in [0, 12h]"},
        {"Polly break below 500 ms", rpc(R"("rpc": {"breaker": {"preset": "polly", "wait_duration_in_open_state_ms": 499}})"),
         "rpc.breaker.wait_duration_in_open_state_ms = 499ms: must be in [500ms, 1 day] (Polly)"},
        {"half-open as initial state", rpc(R"("rpc": {"breaker": {"initial_state": "half_open"}})"),
         "rpc.breaker.initial_state = \"half_open\": must be one of closed, open, forced_open, disabled, metrics_only"},
        {"unknown verdict", rpc(R"("rpc": {"breaker": {"record": {"timeout": "maybe"}}})"),
         "rpc.breaker.record.timeout = \"maybe\": must be one of success, failure, ignored"},
        {"unordered wait steps",
         rpc(R"("rpc": {"breaker": {"wait_growth": "steps_by_failure_rate", "max_wait_in_open_state_ms": 90000,)"
             R"( "wait_steps": [{"min_failure_rate": 80, "wait_ms": 1000}, {"min_failure_rate": 50, "wait_ms": 2000}]}})"),
         "rpc.breaker.wait_steps[1].min_failure_rate = 50: must be above the step before it (steps ascend)"},
        {"pushback with a delay and a stop", rpc(R"("downstream": {"pushback": {"when": "on_refusal", "stop": true, "retry_after_ms": 5}})"),
         "downstream.pushback.retry_after_ms = null: give either retry_after_ms (a delay) or stop: true"},
        {"fatal fraction above 1", rpc(R"("downstream": {"fatal_fraction": 1.5})"),
         "downstream.fatal_fraction = 1.5: must be in [0, 1]"},
        {"fractional Finagle minimum", rpc(R"("rpc": {"retry_budget": {"policy": "finagle", "min_retries_per_second": 0.5}})"),
         "rpc.retry_budget.min_retries_per_second = 0.5: must be a whole number (Finagle: an Int)"},
        {"object expected", rpc(R"("downstream": [1, 2])"), "downstream = [1,2]: must be an object"},
        {"empty name", R"({"name": "", "architecture": "rpc", "workload": {"kind": "burst"}})",
         "name = \"\": must not be empty"},
        {"not JSON", R"({"name": "t",)", "(line 1, column 14) = (text): syntax error while "
                                          "parsing object key - unexpected end of input; expected string literal"},
    };
    return cases;
}

TEST(ScenarioJson, MalformedFilesGetOneLineNamingFieldAndValue) {
    ASSERT_GE(malformed().size(), 15u);
    for (const Malformed& m : malformed()) {
        try {
            scenarios_from_json(m.json);
            ADD_FAILURE() << m.what << ": accepted";
        } catch (const ConfigError& e) {
            EXPECT_EQ(std::string{e.what()}, m.expected) << m.what;
            EXPECT_EQ(std::string{e.what()}.find('\n'), std::string::npos) << m.what;
        }
    }
}

TEST(ScenarioJson, AnErrorInAnArrayNamesTheScenarioIndex) {
    try {
        scenarios_from_json(R"([{"name": "a", "architecture": "rpc", "workload": {"kind": "burst"}},
                                {"name": "b", "architecture": "rpc", "workload": {"kind": "burst", "bursts": 0}}])");
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_STREQ(e.what(), "[1].workload.bursts = 0: must be in [1, 100000000]");
    }
}


// The reader checks every field against the same table validate() does: a value just outside a
// range is refused while reading, naming the key by its path in the file.
template <class C>
int expect_file_refuses(std::span<const Field<C>> fields, const C& sample, const nlohmann::json& base,
                        const std::string& section) {
    int checked = 0;
    std::string pointer = "/" + section;  // "faults[0].x" is /faults/0/x
    std::replace(pointer.begin(), pointer.end(), '.', '/');
    std::replace(pointer.begin(), pointer.end(), '[', '/');
    std::erase(pointer, ']');
    const nlohmann::json::json_pointer at(pointer);
    for (const Field<C>& f : fields) {
        if (!f.applies_to(sample) || !is_number(f)) continue;
        for (double v : just_outside(f)) {
            nlohmann::json doc = base;
            doc[at][f.key()] = whole(f) ? nlohmann::json(static_cast<std::int64_t>(v)) : nlohmann::json(v);
            try {
                scenarios_from_json(doc.dump());
                ADD_FAILURE() << section << "." << f.key() << " = " << v << " was accepted";
            } catch (const ConfigError& e) {
                EXPECT_EQ(e.field(), section + "." + f.key()) << e.what();
            }
            ++checked;
        }
    }
    return checked;
}

TEST(ScenarioJson, TheFileRefusesAValueJustOutsideEachRangeNamingTheKey) {
    const auto rpc = nlohmann::json::parse(R"({"name": "x", "architecture": "rpc", "workload": {"kind": "burst"},
        "rpc": {"breaker": {}, "bulkhead": {}, "retry": {"backoff": {}}}})");
    const auto event = nlohmann::json::parse(R"({"name": "x", "architecture": "event", "workload": {"kind": "burst"},
        "event": {"message": {}}})");
    int checked = 0;
    checked += expect_file_refuses(breaker_fields(), CircuitBreakerConfig::resilience4j(), rpc, "rpc.breaker");
    const BulkheadConfig bounded_queue{25, Duration::zero(), 10};
    checked += expect_file_refuses(bulkhead_fields(), bounded_queue, rpc, "rpc.bulkhead");
    checked += expect_file_refuses(retry_fields(), RetryConfig::tutorial(), rpc, "rpc.retry");
    checked += expect_file_refuses(backoff_fields(), BackoffConfig::tutorial(), rpc, "rpc.retry.backoff");
    checked += expect_file_refuses(message_fields(), MessageConfig::tutorial(), event, "event.message");
    for (const auto& [policy, sample] : {std::pair{"grpc", RetryBudgetConfig::grpc()}, {"finagle", RetryBudgetConfig::finagle()},
                                         {"envoy", RetryBudgetConfig::envoy()}, {"aws", RetryBudgetConfig::aws_standard()}}) {
        nlohmann::json doc = rpc;
        doc["rpc"]["retry_budget"] = {{"policy", policy}};
        checked += expect_file_refuses(budget_fields(), sample, doc, "rpc.retry_budget");
    }
    EXPECT_GE(checked, 40);
}

TEST(ScenarioJson, TheScenarioSectionsRefuseAValueJustOutsideEachRange) {
    const auto event = nlohmann::json::parse(R"({"name": "x", "architecture": "event", "workload": {"kind": "burst"}})");
    int checked = 0;
    for (WorkloadKind kind : {WorkloadKind::Burst, WorkloadKind::Poisson, WorkloadKind::Step}) {
        WorkloadConfig sample;
        sample.kind = kind;
        nlohmann::json doc = event;
        doc["workload"]["kind"] = std::string{name(kind)};
        checked += expect_file_refuses(workload_fields(), sample, doc, "workload");
    }
    checked += expect_file_refuses(downstream_fields(), DownstreamConfig::tutorial(), event, "downstream");
    checked += expect_file_refuses(event_fields(), EventConfig{}, event, "event");
    checked += expect_file_refuses(consumer_fields(), ConsumerConfig{}, event, "event");
    checked += expect_file_refuses(metrics_fields(), MetricsConfig{}, event, "metrics");
    for (FaultKind kind : {FaultKind::LatencySpike, FaultKind::CapacityDrop, FaultKind::ErrorRate}) {
        const FaultWindow sample{kind, Time{}, Duration::millis(10), 0.5};
        nlohmann::json doc = event;
        doc["faults"] = {{{"kind", std::string{name(kind)}}, {"length_ms", 10}, {"probability", 0.5}}};
        if (kind != FaultKind::ErrorRate) doc["faults"][0].erase("probability");
        checked += expect_file_refuses(fault_fields(), sample, doc, "faults[0]");
    }
    EXPECT_GE(checked, 40);  // every finite end of the workload, service, stage, metrics and fault tables
}

}  // namespace
}  // namespace cascadelab
