// A scenario: everything one run needs — the architecture, its machines' configurations, the
// downstream service, the workload and the faults. Scenario files (JSON, scenario_json.hpp) and
// the built-in presets (presets.hpp) both produce this struct; validate() is the one gate.
#pragma once

#include <cstdint>      // std::uint64_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view

#include "model/downstream.hpp"
#include "model/faults.hpp"
#include "model/workload.hpp"
#include "statemachines/bulkhead.hpp"
#include "statemachines/circuit_breaker.hpp"
#include "statemachines/consumer.hpp"
#include "statemachines/message.hpp"
#include "statemachines/retry.hpp"
#include "statemachines/retry_budget_ledger.hpp"

namespace cascadelab {

enum class Architecture { Rpc, Event };
std::string_view name(Architecture a);

// Where the RPC caller consults its breaker.
enum class BreakerScope {
    PerRequest,  // once, before the first attempt (the tutorial)
    PerAttempt,  // before every attempt, retries included (Resilience4j decorating the call)
};
std::string_view name(BreakerScope s);

struct RpcConfig {
    std::optional<CircuitBreakerConfig> breaker;
    BreakerScope breaker_scope = BreakerScope::PerAttempt;
    std::optional<BulkheadConfig> bulkhead;
    RetryConfig retry = RetryConfig::tutorial();
    std::optional<RetryBudgetConfig> retry_budget;
};

// An RPC chain is at most this deep: the client and seven inner tiers.
inline constexpr std::size_t kMaxTiers = 8;

struct EventConfig {
    std::uint64_t queue_capacity = 5000;  // RabbitMQ x-max-length
    // What a publish to a full queue does (RabbitMQ x-overflow). The tutorial rejects it and the
    // message is lost; RabbitMQ's own default is drop-head.
    QueueOverflow overflow = QueueOverflow::RejectPublish;
    std::uint32_t consumers = 16;
    Duration attempt_timeout = Duration::millis(200);  // the consumer's call to the downstream; 0 = none
    // The broker hops: producer -> queue (publish confirm) and queue -> consumer (delivery).
    Duration publish_latency = Duration::millis(1);
    Duration delivery_latency = Duration::millis(1);
    ConsumerConfig consumer;
    MessageConfig message;
    std::optional<BulkheadConfig> bulkhead;  // between the consumers and the downstream
    std::optional<CircuitBreakerConfig> breaker;
};

struct MetricsConfig {
    Duration window = Duration::millis(100);  // width of one time-series window
};

struct Scenario {
    std::string name = "custom";
    std::string description;
    std::uint64_t seed = 1;
    Architecture architecture = Architecture::Rpc;
    WorkloadConfig workload;
    DownstreamConfig downstream;
    FaultSchedule faults;
    RpcConfig rpc;
    // RPC only: tiers behind the client, in call order (A -> B -> C: rpc is A, inner_tiers B and
    // C). Each has its own breaker, bulkhead, retry and budget; the last calls the downstream
    // service. Empty: the client calls the service directly.
    std::vector<RpcConfig> inner_tiers;
    EventConfig event;
    // Event-driven only: queues behind the first (A -> B -> C: event is A's queue and consumers,
    // inner_stages B's and C's). Every stage but the last processes a message by publishing it
    // to the next; the last calls the service, and only it may have a breaker and a bulkhead.
    std::vector<EventConfig> inner_stages;
    MetricsConfig metrics;
    // Stop the run at this time even if work remains (0 = run until everything is settled).
    Duration horizon = Duration::zero();

    // Throws ConfigError naming the field and the value.
    void validate() const;
};

}  // namespace cascadelab
