// The bulkhead: Available / Saturated, a semaphore of max_concurrent_calls with callers waiting
// in FIFO order for at most max_wait_duration (0 = reject at once; unbounded = the tutorial).
// The Boost.MSM transition table is in bulkhead.cpp; this header is Boost-free.
#pragma once

#include <cstdint>      // std::uint32_t
#include <memory>       // std::unique_ptr
#include <string_view>  // std::string_view

#include "model/kernel/time.hpp"
#include "statemachines/description.hpp"
#include "statemachines/effects.hpp"

namespace cascadelab {

enum class BulkheadState { Available, Saturated };
std::string_view name(BulkheadState s);

struct BulkheadConfig {
    // Resilience4j's semaphore bulkhead: maxConcurrentCalls = 25, maxWaitDuration = 0.
    std::uint32_t max_concurrent_calls = 25;
    // 0: reject at once when saturated; Duration::max(): wait without limit.
    Duration max_wait_duration = Duration::zero();
    // Bound on the number of waiting callers (Polly's concurrency limiter queue, Envoy's
    // max_pending_requests); kUnboundedQueue = no bound.
    static constexpr std::uint32_t kUnboundedQueue = UINT32_MAX;
    std::uint32_t max_queue_length = kUnboundedQueue;

    static BulkheadConfig resilience4j() { return BulkheadConfig{}; }
    // The tutorial: 40 concurrent, callers wait for a slot without limit.
    static BulkheadConfig tutorial() { return BulkheadConfig{40, Duration::max(), kUnboundedQueue}; }

    // Throws ConfigError naming the field and the value.
    void validate() const;
};

// What a caller learns at once; a Queued caller later gets Effects::permit_granted(id) or
// Effects::permit_rejected(id) (its wait expired).
enum class PermitDecision { Admitted, Queued, Rejected };
std::string_view name(PermitDecision d);

class Bulkhead {
public:
    Bulkhead(const BulkheadConfig& config, BulkheadEffects& effects, ComponentId component = {ComponentKind::Bulkhead});
    ~Bulkhead();
    Bulkhead(const Bulkhead&) = delete;
    Bulkhead& operator=(const Bulkhead&) = delete;

    // Events.
    PermitDecision permit_requested(Time now, std::uint64_t id);
    void permit_released(Time now);                     // an admitted call finished
    void wait_expired(Time now, std::uint64_t id);      // the BulkheadWait timer of `id` fired

    // Read-outs.
    BulkheadState state() const;
    std::uint32_t active() const;    // calls holding a slot
    std::uint32_t waiting() const;   // callers in the wait queue
    std::uint64_t rejected() const;  // at once or after waiting
    std::uint64_t unhandled_events() const;
    std::string_view last_row_guard() const;

    static MachineDescription describe();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace cascadelab
