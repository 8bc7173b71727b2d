#include "model/snapshot.hpp"

namespace cascadelab {

Snapshot common_snapshot(Time now, std::uint64_t step, const RunMetrics& m, const ObserverCounters& c,
                         std::uint32_t downstream_in_flight, const Guards& g) {
    Snapshot snap;
    snap.now = now;
    snap.step = step;
    snap.started = m.requests;
    snap.settled = m.settled();
    snap.ok = m.ok();
    snap.attempts = m.attempts;
    snap.retries = m.retries;
    snap.retries_decided = c.retries_decided;
    snap.in_system = m.requests - m.settled();
    snap.max_attempt_number = c.max_attempt_number;
    snap.max_backoff = c.max_backoff;
    snap.breaker_permits = c.breaker_permits;
    snap.downstream_in_flight = downstream_in_flight;
    if (g.bulkhead) {
        snap.bulkhead_active = g.bulkhead->active();
        snap.bulkhead_limit = g.bulkhead_config->max_concurrent_calls;
        snap.bulkhead_waiting = g.bulkhead->waiting();
        snap.bulkhead_queue_limit = g.bulkhead_config->max_queue_length;
    }
    if (g.breaker) {
        snap.has_breaker = true;
        snap.breaker_state = g.breaker->state();
        snap.breaker_probes = g.breaker->probes_in_flight();
        snap.breaker_probe_limit = g.breaker->probe_limit();
    }
    return snap;
}

}  // namespace cascadelab
