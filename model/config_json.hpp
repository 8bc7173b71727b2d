// The machines' configurations as the JSON objects of a scenario file — read strictly, written
// in full — and the names a scenario file gives every enum. scenario_json.cpp assembles these into
// whole scenarios (workload, service, faults, architectures); nothing else needs this header.
#pragma once

#include <cstdint>  // std::uint64_t
#include <string>   // std::string

#include <nlohmann/json.hpp>

#include "model/json_object.hpp"
#include "model/scenario.hpp"
#include "statemachines/config_error.hpp"

namespace cascadelab::config_json {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

// The largest count a file may give (minimum calls, probes, bursts, requests, a queue's capacity):
// 10^8, far beyond any run that fits the default memory budget, and well inside every counter.
inline constexpr std::uint64_t kMaxCount = 100'000'000;

// A machine's own validate() names its fields "section.name"; report them by their path in the
// file instead (the same name, or with the `_ms` of a duration key).
// A few machine fields carry the peer's name in their error (Polly's BreakDuration is the
// breaker's wait in Open): the file's key for them.
inline std::string key_in_file(const std::string& leaf) {
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

// The names a scenario file gives every enum, shared by the readers and the writers.
inline const Names<WindowKind> kWindowKinds{{"count_based", WindowKind::CountBased}, {"time_based", WindowKind::TimeBased}};
inline const Names<HalfOpenPolicy> kHalfOpen{{"probes", HalfOpenPolicy::Probes}, {"none", HalfOpenPolicy::None}};
inline const Names<BreakerModel> kBreakerModels{
    {"resilience4j", BreakerModel::Resilience4j}, {"polly", BreakerModel::Polly}, {"polly_v7", BreakerModel::PollyV7}};
inline const Names<ReleasedPermits> kReleased{{"any_permit", ReleasedPermits::AnyPermit},
                                       {"current_only", ReleasedPermits::CurrentOnly}};
inline const Names<WaitBoundary> kBoundaries{{"exclusive", WaitBoundary::Exclusive}, {"inclusive", WaitBoundary::Inclusive}};
inline const Names<StaleOutcomes> kStale{{"record", StaleOutcomes::Record}, {"ignore", StaleOutcomes::Ignore}};
inline const Names<OpenWaitGrowth> kGrowth{{"geometric", OpenWaitGrowth::Geometric},
                                    {"linear_in_failures", OpenWaitGrowth::LinearInFailures},
                                    {"steps_by_failure_rate", OpenWaitGrowth::StepsByFailureRate}};
inline const Names<AfterHalfOpenWait> kAfterHalfOpen{{"open", AfterHalfOpenWait::Open}, {"closed", AfterHalfOpenWait::Closed}};
inline const Names<BreakerState> kInitialStates{{"closed", BreakerState::Closed},
                                         {"open", BreakerState::Open},
                                         {"forced_open", BreakerState::ForcedOpen},
                                         {"disabled", BreakerState::Disabled},
                                         {"metrics_only", BreakerState::MetricsOnly}};
inline const Names<CallVerdict> kVerdicts{
    {"success", CallVerdict::Success}, {"failure", CallVerdict::Failure}, {"ignored", CallVerdict::Ignored}};
inline const Names<BackoffKind> kBackoffKinds{{"constant", BackoffKind::Constant},
                                       {"linear", BackoffKind::Linear},
                                       {"exponential", BackoffKind::Exponential},
                                       {"aws_legacy", BackoffKind::AwsLegacy}};
inline const Names<Jitter> kJitters{{"none", Jitter::None},
                             {"full", Jitter::Full},
                             {"equal", Jitter::Equal},
                             {"decorrelated", Jitter::Decorrelated},
                             {"proportional", Jitter::Proportional},
                             {"polly_decorrelated_v2", Jitter::PollyDecorrelatedV2},
                             {"envoy_modulo", Jitter::EnvoyModulo}};
inline const Names<LimitCheck> kLimitChecks{{"at_the_failure", LimitCheck::AtTheFailure},
                                     {"at_the_next_receive", LimitCheck::AtTheNextReceive}};
inline const Names<QueueOverflow> kOverflows{{"drop_head", QueueOverflow::DropHead},
                                      {"reject_publish", QueueOverflow::RejectPublish},
                                      {"reject_publish_dlx", QueueOverflow::RejectPublishDlx}};
inline const Names<PushbackPolicy::When> kPushbackWhen{{"never", PushbackPolicy::When::Never},
                                                {"on_refusal", PushbackPolicy::When::OnRefusal},
                                                {"on_any_failure", PushbackPolicy::When::OnAnyFailure}};
inline const Names<CapOrder> kCapOrders{{"jitter_then_cap", CapOrder::JitterThenCap}, {"cap_then_jitter", CapOrder::CapThenJitter}};
inline const Names<BudgetPolicy> kPolicies{{"grpc", BudgetPolicy::GrpcThrottle},
                                    {"finagle", BudgetPolicy::FinagleRatio},
                                    {"envoy", BudgetPolicy::EnvoyConcurrent},
                                    {"aws", BudgetPolicy::AwsQuota}};
inline const Names<RetryMode> kRetryModes{{"blocking", RetryMode::Blocking}, {"non_blocking", RetryMode::NonBlocking}};
inline const Names<RequeuePosition> kRequeue{{"back", RequeuePosition::Back}, {"near_head", RequeuePosition::NearHead}};
inline const Names<Architecture> kArchitectures{{"rpc", Architecture::Rpc}, {"event", Architecture::Event}};
inline const Names<BreakerScope> kScopes{{"per_request", BreakerScope::PerRequest}, {"per_attempt", BreakerScope::PerAttempt}};
inline const Names<TimeoutSemantics> kTimeouts{{"cancel", TimeoutSemantics::Cancel}, {"abandon", TimeoutSemantics::Abandon}};
inline const Names<WorkloadKind> kWorkloads{{"burst", WorkloadKind::Burst},
                                     {"poisson", WorkloadKind::Poisson},
                                     {"step", WorkloadKind::Step},
                                     {"arrivals", WorkloadKind::Arrivals}};
inline const Names<FaultKind> kFaults{{"outage", FaultKind::Outage},
                               {"latency_spike", FaultKind::LatencySpike},
                               {"capacity_drop", FaultKind::CapacityDrop},
                               {"error_rate", FaultKind::ErrorRate}};

template <class E>
std::string_view name_of(E e, Names<E> names) {
    for (const auto& [n, v] : names)
        if (v == e) return n;
    return "?";
}

// Durations are written in milliseconds (microsecond resolution), "unbounded" for Duration::max().
inline double ms(Duration d) { return static_cast<double>(d.us()) / 1e3; }
inline ordered_json ms_or_unbounded(Duration d) {
    return d == Duration::max() ? ordered_json("unbounded") : ordered_json(ms(d));
}
// An optional section: its object, or null when it is absent.
ordered_json optional_or_null(const auto& opt, auto write) { return opt ? write(*opt) : ordered_json(nullptr); }

// Readers: `j` is the section's object, `path` its place in the file (for errors). Each throws
// ConfigError naming the field and the value.
BackoffConfig read_backoff(const json& j, const std::string& path, BackoffConfig b);
CircuitBreakerConfig read_breaker(const json& j, const std::string& path);
BulkheadConfig read_bulkhead(const json& j, const std::string& path);
RetryConfig read_retry(const json& j, const std::string& path);
RetryBudgetConfig read_budget(const json& j, const std::string& path);

// Writers: every key, in the order the readers document them.
ordered_json write_backoff(const BackoffConfig& b);
ordered_json write_breaker(const CircuitBreakerConfig& b);
ordered_json write_bulkhead(const BulkheadConfig& b);
ordered_json write_retry(const RetryConfig& r);
ordered_json write_budget(const RetryBudgetConfig& b);

}  // namespace cascadelab::config_json
