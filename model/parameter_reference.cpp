#include "model/parameter_reference.hpp"

#include <string_view>  // std::string_view
#include <utility>      // std::pair
#include <vector>       // std::vector

#include <fmt/format.h>
#include <fmt/ranges.h>  // fmt::join

#include "model/config_json.hpp"
#include "model/scenario_tables.hpp"
#include "statemachines/config_tables.hpp"

namespace cascadelab {

namespace {

using config_json::field_json;

template <class C>
using Defaults = std::vector<std::pair<std::string_view, C>>;

// What a file may give: the range, the options of a choice, or true/false.
template <class C>
std::string accepted(const Field<C>& f) {
    if (const auto* ch = std::get_if<Choice<C>>(&f.member)) {
        std::vector<std::string> quoted;
        for (std::string_view n : ch->names()) quoted.push_back(fmt::format("`{}`", n));
        return fmt::format("{}", fmt::join(quoted, ", "));
    }
    if (std::holds_alternative<bool C::*>(f.member)) return "`true`, `false`";
    std::string r = describe(f.range, f.in_millis());
    if (r.starts_with("in ")) r = r.substr(3);
    if (std::holds_alternative<std::uint32_t C::*>(f.member) || std::holds_alternative<std::uint64_t C::*>(f.member))
        r = "whole, " + r;
    if (!f.special.empty()) r += fmt::format(", or `\"{}\"`", f.special);
    return r;
}

std::string cell(std::string_view s) { return s.empty() ? "" : std::string{s}; }

// One table: a row per field, a default column per example config ("—" where it does not apply).
template <class C>
std::string table(std::string_view title, std::string_view intro, std::span<const Field<C>> fields,
                  const Defaults<C>& defaults) {
    std::string out = fmt::format("\n## {}\n\n{}\n\n| key | unit | accepts |", title, intro);
    std::string rule = "|---|---|---|";
    for (const auto& [name, c] : defaults) {
        out += fmt::format(" {} |", name);
        rule += "---|";
    }
    out += " peers' names | meaning |\n" + rule + "---|---|\n";
    for (const Field<C>& f : fields) {
        out += fmt::format("| `{}` | {} | {} |", f.key(), f.in_millis() ? "ms" : cell(f.unit), accepted(f));
        for (const auto& [name, c] : defaults)
            out += fmt::format(" {} |", f.applies_to(c) ? fmt::format("`{}`", field_json(f, c).dump()) : "—");
        out += fmt::format(" {} | {} |\n", cell(f.peer), cell(f.doc));
    }
    return out;
}

// The sections a scenario gives the model around the machines.
std::string scenario_section_tables() {
    WorkloadConfig poisson, step;
    poisson.kind = WorkloadKind::Poisson;
    step.kind = WorkloadKind::Step;
    std::string out = table<WorkloadConfig>(
        "Workload (`workload`)",
        "The arrivals. A list of instants is `\"kind\": \"arrivals\", \"at_ms\": [...]` (non-decreasing).",
        workload_fields(), {{"burst", WorkloadConfig::tutorial()}, {"poisson", poisson}, {"step", step}});
    out += table<DownstreamConfig>("Downstream service (`downstream`)",
                                   "The service every request ends at, with the overload model of the tutorial "
                                   "([the model](../model.md#the-downstream-service--modeldownstreamhpp)).",
                                   downstream_fields(), {{"tutorial", DownstreamConfig::tutorial()}});
    out += table<PushbackPolicy>("Server pushback (`downstream.pushback`)",
                                 "Retry advice the service attaches to failures.", pushback_fields(),
                                 {{"default", PushbackPolicy{}}});
    out += table<FaultWindow>("Fault windows (`faults[i]`)",
                              "Each window acts on the downstream while it lasts; windows may overlap.", fault_fields(),
                              {});
    out += table<RpcConfig>("RPC tier (`rpc`, `inner_tiers[i]`)",
                            "Nested: `breaker`, `bulkhead`, `retry` and `retry_budget` (null or absent: none), above.",
                            rpc_fields(), {{"default", RpcConfig{}}});
    out += table<EventConfig>("Event stage (`event`, `inner_stages[i]`)",
                              "Nested: `message`, and `bulkhead` and `breaker` between the consumers and the service "
                              "(last stage only).",
                              event_fields(), {{"default", EventConfig{}}});
    out += table<ConsumerConfig>("Consumer (in the event stage's object)", "Each consumer of the pool.",
                                 consumer_fields(), {{"default", ConsumerConfig{}}});
    out += table<MetricsConfig>("Metrics (`metrics`)", "What the run records.", metrics_fields(),
                                {{"default", MetricsConfig{}}});
    return out;
}

// The machines' sections, nested in the RPC tiers and event stages.
std::string machine_tables() {
    std::string out;
    out += table<CircuitBreakerConfig>(
        "Circuit breaker (`breaker`)",
        "`\"preset\"` picks the starting point: `resilience4j` (below), `polly`, `polly_v7` or `tutorial`. "
        "Nested: `record` (what each outcome counts as) and `wait_steps` (a list of steps), below.",
        breaker_fields(),
        {{"resilience4j", CircuitBreakerConfig::resilience4j()}, {"polly", CircuitBreakerConfig::polly()},
         {"tutorial", CircuitBreakerConfig::tutorial()}});
    out += table<OutcomeRecording>("Breaker outcome recording (`breaker.record`)",
                                   "Per outcome class: `failure`, `success` or `ignored` (the permit goes back).",
                                   recording_fields(), {{"default", OutcomeRecording{}}});
    out += table<WaitStep>("Breaker wait steps (`breaker.wait_steps[i]`)",
                           "`steps_by_failure_rate`: the wait of the last step whose rate the window reaches; "
                           "both keys are required and the rates ascend.",
                           wait_step_fields(), {});
    out += table<BulkheadConfig>("Bulkhead (`bulkhead`)", "A semaphore with a FIFO queue of waiting callers.",
                                 bulkhead_fields(),
                                 {{"default", BulkheadConfig::resilience4j()}, {"tutorial", BulkheadConfig::tutorial()}});
    out += table<RetryConfig>("Retry (`rpc.retry`)",
                              "Nested: `backoff` and `retry_on`, below. The reader starts from the tutorial's retry.",
                              retry_fields(), {{"tutorial", RetryConfig::tutorial()}, {"resilience4j", RetryConfig::resilience4j()}});
    out += table<OutcomeSet>("Outcome classes (`retry.retry_on`, `message.requeue_on`)",
                             "Which failed attempts are retried, and which failed deliveries go back to the queue.",
                             outcome_set_fields(), {{"retry_on", RetryableOutcomes{}}, {"requeue_on", RequeueOn{}}});
    out += table<BackoffConfig>("Backoff (`retry.backoff`, `message.backoff`)",
                                "The delay before retry n = 1, 2, …: raw delay, cap and jitter.", backoff_fields(),
                                {{"tutorial", BackoffConfig::tutorial()}});
    out += table<RetryBudgetConfig>(
        "Retry budget (`rpc.retry_budget`)",
        "`policy` is required and picks the defaults; a file may give only the chosen policy's keys.", budget_fields(),
        {{"grpc", RetryBudgetConfig::grpc()},
         {"finagle", RetryBudgetConfig::finagle()},
         {"envoy", RetryBudgetConfig::envoy()},
         {"aws", RetryBudgetConfig::aws_standard()}});
    out += table<MessageConfig>(
        "Message (`event.message`)",
        "`\"preset\"` picks the starting point: `tutorial` (below), `rabbitmq` or `sqs`. Nested: `requeue_on` and "
        "`backoff` (the redelivery backoff), above.",
        message_fields(),
        {{"tutorial", MessageConfig::tutorial()}, {"rabbitmq", MessageConfig::rabbitmq()}, {"sqs", MessageConfig::sqs()}});
    return out;
}

}  // namespace

std::string parameter_reference_markdown() {
    return
        "<!-- Generated by `cascadelab diagrams --out docs/statemachines` from the field tables in\n"
        "     statemachines/config_tables.cpp and model/scenario_tables.cpp. Do not edit: a test fails when this\n"
        "     file and the code disagree. -->\n"
        "# Scenario parameters\n\n"
        "Every parameter a scenario file gives, as the file spells it. The same tables read and write\n"
        "the file and hold the ranges the configs' `validate()` check, so what is listed here is exactly\n"
        "what is accepted. A key ending in `_ms` is a duration, or an instant since the start of the run,\n"
        "in milliseconds (microsecond resolution). The defaults are those a reader starts from.\n"
        "Rules that relate fields or belong to one peer (Polly's break duration in [500 ms, 1 day],\n"
        "Resilience4j's wait ≥ 1 ms, a growing wait's cap ≥ the wait, a spike that ends within its\n"
        "step) are checked by `validate()` on top; [the state machines page](../state-machines.md) and\n"
        "[the model](../model.md) explain them. The top level holds `name`, `description`, `seed`,\n"
        "`architecture` (`rpc` or `event`), `horizon_ms` (0 = run until the work is done) and the\n"
        "sections below.\n\n"
        "# The scenario's sections\n" +
        scenario_section_tables() + "\n# The machines\n" + machine_tables();
}

}  // namespace cascadelab
