// The only way a machine reaches the world: timers, attempts, messages, metrics and traces.
// The architectures implement it on the simulator; unit tests use a recording fake.
#pragma once

#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint64_t
#include <string_view>  // std::string_view

#include "model/kernel/time.hpp"

namespace cascadelab {

// Which timer a machine means. A machine has at most one timer of a kind per id running at once;
// starting it again replaces it.
enum class TimerKind {
    BreakerOpenWait,      // Open -> HalfOpen/Closed (automatic mode only)
    BreakerHalfOpenWait,  // HalfOpen -> Open when probes hang
    BulkheadWait,         // a queued caller gives up
    RetryBackoff,
    RetryAttemptTimeout,
    RetryDeadline,
    MessageRedelivery,
    ConsumerProcessingTimeout,
    MessageVisibility,  // SQS: a delivered message becomes visible again
};
// The number of TimerKind values: per-owner timer tables are sized by it. A kind added without
// raising it fails to compile (the static_assert below name()), instead of writing past a table.
inline constexpr std::size_t kTimerKindCount = 9;

constexpr std::string_view name(TimerKind k) {
    switch (k) {
        case TimerKind::BreakerOpenWait: return "BreakerOpenWait";
        case TimerKind::BreakerHalfOpenWait: return "BreakerHalfOpenWait";
        case TimerKind::BulkheadWait: return "BulkheadWait";
        case TimerKind::RetryBackoff: return "RetryBackoff";
        case TimerKind::RetryAttemptTimeout: return "RetryAttemptTimeout";
        case TimerKind::RetryDeadline: return "RetryDeadline";
        case TimerKind::MessageRedelivery: return "MessageRedelivery";
        case TimerKind::ConsumerProcessingTimeout: return "ConsumerProcessingTimeout";
        case TimerKind::MessageVisibility: return "MessageVisibility";
    }
    return "?";
}
static_assert(name(static_cast<TimerKind>(kTimerKindCount - 1)) != "?" && name(static_cast<TimerKind>(kTimerKindCount)) == "?",
              "kTimerKindCount must be the number of TimerKind values");

class Effects {
public:
    virtual ~Effects() = default;

    // Timers: when one fires, the owner feeds the matching event back into the machine.
    virtual void start_timer(TimerKind kind, std::uint64_t id, Duration after) = 0;
    virtual void cancel_timer(TimerKind kind, std::uint64_t id) = 0;

    // The retry machine sends attempt number `attempt` (1 = the first call) of a request.
    virtual void send_attempt(std::uint64_t request, std::uint32_t attempt) = 0;

    // A failed message goes back on the queue (to the back, or near the head as RabbitMQ
    // quorum queues do with a delivery limit), or to the dead-letter queue.
    virtual void requeue(std::uint64_t message, bool near_head) = 0;
    virtual void dead_letter(std::uint64_t message) = 0;

    // A queued caller was granted a bulkhead slot, or gave up waiting for one.
    virtual void permit_granted(std::uint64_t id) = 0;
    virtual void permit_rejected(std::uint64_t id) = 0;

    // A state change: for traces and timelines. Names have static storage duration.
    virtual void transitioned(std::string_view component, std::string_view from, std::string_view event,
                              std::string_view to, std::uint64_t id) = 0;
};

}  // namespace cascadelab
