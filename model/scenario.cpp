#include "model/scenario.hpp"

#include "statemachines/config_error.hpp"

namespace cascadelab {

std::string_view name(Architecture a) { return a == Architecture::Rpc ? "rpc" : "event"; }
std::string_view name(BreakerScope s) { return s == BreakerScope::PerRequest ? "per_request" : "per_attempt"; }

void Scenario::validate() const {
    require(!name.empty(), "scenario", "name", "\"\"", "must not be empty");
    require(horizon >= Duration::zero(), "scenario", "horizon", horizon, "must not be negative");
    require(metrics.window > Duration::zero(), "metrics", "window", metrics.window, "must be positive");
    workload.validate();
    downstream.validate();
    faults.validate();
    if (architecture == Architecture::Rpc) {
        if (rpc.breaker) rpc.breaker->validate();
        if (rpc.bulkhead) rpc.bulkhead->validate();
        rpc.retry.validate();
        if (rpc.retry_budget) rpc.retry_budget->validate();
        require(inner_tiers.size() < kMaxTiers, "rpc", "inner_tiers", inner_tiers.size(),
                fmt::format("at most {} tiers behind the client", kMaxTiers - 1));
        for (const RpcConfig& t : inner_tiers) {
            if (t.breaker) t.breaker->validate();
            if (t.bulkhead) t.bulkhead->validate();
            t.retry.validate();
            if (t.retry_budget) t.retry_budget->validate();
        }
    } else {
        require(inner_tiers.empty(), "event", "inner_tiers", inner_tiers.size(), "tiers are for the RPC architecture");
        constexpr std::string_view s = "event";
        require(event.queue_capacity >= 1, s, "queue_capacity", event.queue_capacity, "must be at least 1");
        require(event.consumers >= 1 && event.consumers <= 100'000, s, "consumers", event.consumers,
                "must be in [1, 100000]");
        require(event.attempt_timeout >= Duration::zero(), s, "attempt_timeout", event.attempt_timeout,
                "must not be negative");
        require(event.publish_latency >= Duration::zero(), s, "publish_latency", event.publish_latency,
                "must not be negative");
        require(event.delivery_latency >= Duration::zero(), s, "delivery_latency", event.delivery_latency,
                "must not be negative");
        event.consumer.validate();
        event.message.validate();
        if (event.bulkhead) event.bulkhead->validate();
        if (event.breaker) event.breaker->validate();
    }
}

}  // namespace cascadelab
