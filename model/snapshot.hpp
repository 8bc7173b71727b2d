// Building the snapshot observers see after every event: the part both architectures fill the
// same way, from the run's metrics, the counters kept for observers, and the guarding machines.
#pragma once

#include <cstdint>   // std::uint32_t, std::uint64_t
#include <optional>  // std::optional

#include "model/metrics.hpp"
#include "model/observer.hpp"
#include "statemachines/bulkhead.hpp"
#include "statemachines/circuit_breaker.hpp"

namespace cascadelab {

// Counted for observers only; the architectures keep one.
struct ObserverCounters {
    std::uint64_t retries_decided = 0;
    std::uint64_t breaker_permits = 0;
    std::uint32_t max_attempt_number = 0;
    Duration max_backoff;
};

struct Guards {
    const CircuitBreaker* breaker = nullptr;
    const CircuitBreakerConfig* breaker_config = nullptr;
    const Bulkhead* bulkhead = nullptr;
    const BulkheadConfig* bulkhead_config = nullptr;
};

Snapshot common_snapshot(Time now, std::uint64_t step, const RunMetrics& metrics, const ObserverCounters& counters,
                         std::uint32_t downstream_in_flight, const Guards& guards);

}  // namespace cascadelab
