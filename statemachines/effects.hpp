// The only way a machine reaches the world: timers, attempts, messages, permits and traces.
// The architectures implement them on the simulator; unit tests use a recording fake.
#pragma once

#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint64_t
#include <string_view>  // std::string_view

#include "model/kernel/time.hpp"
#include "statemachines/component_id.hpp"

namespace cascadelab {

// Which timer a machine means. A machine has at most one timer of a kind per id running at once;
// starting it again replaces it.
enum class TimerKind : std::uint8_t {
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

// The capabilities, one small interface each. A machine's effects (below) are the ones it uses,
// so a system that wires a machine without implementing what it needs does not compile. They
// are virtual bases: a system implements start_timer once for all the machines it hosts.

// Timers: when one fires, the owner feeds the matching event back into the machine.
class Timers {
public:
    virtual void start_timer(TimerKind kind, std::uint64_t id, Duration after) = 0;
    virtual void cancel_timer(TimerKind kind, std::uint64_t id) = 0;

protected:
    ~Timers() = default;
};

// The retry machine sends attempt number `attempt` (1 = the first call) of a request.
class AttemptSender {
public:
    virtual void send_attempt(std::uint64_t request, std::uint32_t attempt) = 0;

protected:
    ~AttemptSender() = default;
};

// A failed message goes back on the queue (to the back, or near the head as RabbitMQ quorum
// queues do with a delivery limit), or to the dead-letter queue.
class MessageRouter {
public:
    virtual void requeue(std::uint64_t message, bool near_head) = 0;
    virtual void dead_letter(std::uint64_t message) = 0;

protected:
    ~MessageRouter() = default;
};

// A queued caller was granted a bulkhead slot, or gave up waiting for one.
class PermitReplies {
public:
    virtual void permit_granted(std::uint64_t id) = 0;
    virtual void permit_rejected(std::uint64_t id) = 0;

protected:
    ~PermitReplies() = default;
};

// A state change, for traces, timelines and observers. State and event names have static storage
// duration; `id` is the instance (request, message, consumer), 0 for a tier's shared machine.
class TransitionLog {
public:
    virtual void transitioned(ComponentId component, std::string_view from, std::string_view event,
                              std::string_view to, std::uint64_t id) = 0;

protected:
    ~TransitionLog() = default;
};

// What each machine is wired to.
class BreakerEffects : public virtual Timers, public virtual TransitionLog {};
class BulkheadEffects : public virtual Timers, public virtual PermitReplies, public virtual TransitionLog {};
class RetryEffects : public virtual Timers, public virtual AttemptSender, public virtual TransitionLog {};
class RetryBudgetEffects : public virtual TransitionLog {};
class MessageEffects : public virtual Timers, public virtual MessageRouter, public virtual TransitionLog {};
class ConsumerEffects : public virtual Timers, public virtual TransitionLog {};

}  // namespace cascadelab
