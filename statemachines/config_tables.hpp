// The field tables of the machines' configurations (config_field.hpp): the one place where a
// parameter's file key, unit, range, peer names and meaning are written. validate() checks these
// ranges; model/config_json.cpp reads and writes scenario files from them; `cascadelab diagrams`
// renders them as docs/statemachines/parameters.md. Sections that nest (a breaker's `record` and
// `wait_steps`, a retry's `backoff` and `retry_on`) have tables of their own.
#pragma once

#include <array>    // std::array
#include <cstdint>  // std::uint64_t
#include <span>   // std::span

#include "statemachines/backoff.hpp"
#include "statemachines/breaker_config.hpp"
#include "statemachines/bulkhead.hpp"
#include "statemachines/config_field.hpp"
#include "statemachines/consumer.hpp"
#include "statemachines/message.hpp"
#include "statemachines/outcome.hpp"
#include "statemachines/retry.hpp"
#include "statemachines/retry_budget_ledger.hpp"

namespace cascadelab {

// The largest count a file may give (minimum calls, probes, a quota): 10^8, far beyond any run
// that fits the default memory budget, and well inside every counter.
inline constexpr std::uint64_t kMaxCount = 100'000'000;

std::span<const Field<CircuitBreakerConfig>> breaker_fields();
std::span<const Field<WaitStep>> wait_step_fields();
std::span<const Field<OutcomeRecording>> recording_fields();
std::span<const Field<BulkheadConfig>> bulkhead_fields();
std::span<const Field<BackoffConfig>> backoff_fields();
std::span<const Field<RetryConfig>> retry_fields();
std::span<const Field<OutcomeSet>> outcome_set_fields();  // retry_on, requeue_on
std::span<const Field<RetryBudgetConfig>> budget_fields();
std::span<const Field<MessageConfig>> message_fields();
std::span<const Field<ConsumerConfig>> consumer_fields();

// The names a file gives the machines' enums.
inline constexpr std::array<Option<BudgetPolicy>, 4> kBudgetPolicyNames{{{"grpc", BudgetPolicy::GrpcThrottle},
                                                                         {"finagle", BudgetPolicy::FinagleRatio},
                                                                         {"envoy", BudgetPolicy::EnvoyConcurrent},
                                                                         {"aws", BudgetPolicy::AwsQuota}}};

}  // namespace cascadelab
