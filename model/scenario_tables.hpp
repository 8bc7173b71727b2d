// The field tables of a scenario's own sections (statemachines/config_field.hpp): the workload,
// the downstream service, fault windows, an event stage, an RPC tier's scope and the metrics.
// As for the machines (statemachines/config_tables.hpp), each key, unit, range and meaning is
// written here once: the configs' validate() checks these ranges, scenario_json.cpp reads and
// writes the sections from them, and `cascadelab diagrams` renders them in
// docs/statemachines/parameters.md. Rules that relate fields (a spike ends within the duration,
// bursts > 1 need a gap) stay in validate().
#pragma once

#include <array>  // std::array
#include <span>   // std::span

#include "model/downstream.hpp"
#include "model/faults.hpp"
#include "model/scenario.hpp"
#include "model/workload.hpp"
#include "statemachines/config_field.hpp"

namespace cascadelab {

std::span<const Field<WorkloadConfig>> workload_fields();  // at_ms (a list) is read on its own
std::span<const Field<DownstreamConfig>> downstream_fields();
std::span<const Field<PushbackPolicy>> pushback_fields();  // plus retry_after_ms or stop: one of the two
std::span<const Field<FaultWindow>> fault_fields();
std::span<const Field<EventConfig>> event_fields();  // plus the consumer's (consumer_fields)
std::span<const Field<RpcConfig>> rpc_fields();
std::span<const Field<MetricsConfig>> metrics_fields();

// The names a scenario file gives the model's enums.
inline constexpr std::array<Option<WorkloadKind>, 4> kWorkloadKindNames{{{"burst", WorkloadKind::Burst},
                                                                        {"poisson", WorkloadKind::Poisson},
                                                                        {"step", WorkloadKind::Step},
                                                                        {"arrivals", WorkloadKind::Arrivals}}};
inline constexpr std::array<Option<FaultKind>, 4> kFaultKindNames{{{"outage", FaultKind::Outage},
                                                                  {"latency_spike", FaultKind::LatencySpike},
                                                                  {"capacity_drop", FaultKind::CapacityDrop},
                                                                  {"error_rate", FaultKind::ErrorRate}}};
inline constexpr std::array<Option<TimeoutSemantics>, 2> kTimeoutNames{
    {{"cancel", TimeoutSemantics::Cancel}, {"abandon", TimeoutSemantics::Abandon}}};
inline constexpr std::array<Option<PushbackPolicy::When>, 3> kPushbackWhenNames{
    {{"never", PushbackPolicy::When::Never},
     {"on_refusal", PushbackPolicy::When::OnRefusal},
     {"on_any_failure", PushbackPolicy::When::OnAnyFailure}}};
inline constexpr std::array<Option<QueueOverflow>, 3> kOverflowNames{{{"drop_head", QueueOverflow::DropHead},
                                                                     {"reject_publish", QueueOverflow::RejectPublish},
                                                                     {"reject_publish_dlx", QueueOverflow::RejectPublishDlx}}};
inline constexpr std::array<Option<BreakerScope>, 2> kScopeNames{
    {{"per_request", BreakerScope::PerRequest}, {"per_attempt", BreakerScope::PerAttempt}}};

}  // namespace cascadelab
