#include "model/scenario.hpp"

#include "model/scenario_tables.hpp"
#include "statemachines/config_error.hpp"

namespace cascadelab {

std::string_view name(Architecture a) { return a == Architecture::Rpc ? "rpc" : "event"; }
std::string_view name(BreakerScope s) { return s == BreakerScope::PerRequest ? "per_request" : "per_attempt"; }

void Scenario::validate() const {
    require(!name.empty(), "scenario", "name", "\"\"", "must not be empty");
    require(horizon >= Duration::zero(), "scenario", "horizon", horizon, "must not be negative");
    check_ranges(metrics_fields(), metrics, "metrics");
    workload.validate();
    downstream.validate();
    faults.validate();
    if (architecture == Architecture::Rpc) {
        if (rpc.breaker) rpc.breaker->validate();
        if (rpc.bulkhead) rpc.bulkhead->validate();
        rpc.retry.validate();
        if (rpc.retry_budget) rpc.retry_budget->validate();
        require(inner_stages.empty(), "rpc", "inner_stages", inner_stages.size(), "stages are for the event architecture");
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
        require(inner_stages.size() < kMaxTiers, "event", "inner_stages", inner_stages.size(),
                fmt::format("at most {} stages behind the first", kMaxTiers - 1));
        for (std::size_t i = 0; i <= inner_stages.size(); ++i) {
            const EventConfig& e = i == 0 ? event : inner_stages[i - 1];
            const std::string s = i == 0 ? std::string{"event"} : fmt::format("inner_stages[{}]", i - 1);
            check_ranges(event_fields(), e, s);
            e.consumer.validate();
            e.message.validate();
            if (e.bulkhead) e.bulkhead->validate();
            if (e.breaker) e.breaker->validate();
            const bool last = i == inner_stages.size();
            require(last || !e.bulkhead, s, "bulkhead", "(set)",
                    "only the last stage calls the service: put the bulkhead there");
            require(last || !e.breaker, s, "breaker", "(set)", "only the last stage calls the service: put the breaker there");
        }
    }
}

}  // namespace cascadelab
