// The path one call to the service takes through the guards in front of it, the same in both
// architectures: an RPC attempt and a consumer's delivery each ask the circuit breaker for a
// permit, then the bulkhead for a slot (admitted, queued, or refused), go to the service, and
// when they end — an answer, a timeout, a deadline — give the slot back and record the outcome
// in the breaker with the permit they were given.
//
// A caller that stops waiting while queued at the bulkhead leaves a stale entry in the bulkhead's
// FIFO queue; its later grant or rejection (delivered through the deferred effects) belongs to
// that abandoned attempt, not to the caller's current one, and is absorbed here.
#pragma once

#include <cstdint>   // std::uint32_t, std::uint64_t
#include <optional>  // std::optional

#include "model/downstream_call.hpp"
#include "model/metrics.hpp"
#include "model/snapshot.hpp"
#include "model/system_event.hpp"
#include "statemachines/bulkhead.hpp"
#include "statemachines/circuit_breaker.hpp"

namespace cascadelab {

// A caller's side of its call in progress.
struct GuardedCall {
    std::uint64_t caller = 0;  // what observers see of it: its request (RPC) or event number
    DownstreamCall call;
    BreakerPermit permit;
    bool holds_slot = false;        // holds a bulkhead slot
    bool waiting_for_slot = false;  // queued at the bulkhead
    std::uint32_t stale_waits = 0;  // bulkhead queue entries of attempts the caller gave up on
};

enum class GuardDecision {
    Admitted,         // go to the service now
    Waiting,          // queued at the bulkhead: a deferred permit_granted/rejected follows
    BreakerRefused,   // counted; nothing to record (the breaker refused it itself)
    BulkheadRefused,  // counted and recorded in the breaker as a BulkheadRejected failure
};

// How a call's outcome reaches the breaker when the caller holds no permit of its own.
enum class PermitlessOutcomes {
    Ignored,                // only permitted calls are recorded (a breaker per attempt)
    RecordedWithEpochZero,  // the tutorial's breaker per request: later attempts count in Closed
};

class CallGuards {
public:
    // `breaker`, `bulkhead`: either may be absent. `observed`: where permits are counted for the
    // invariants, and `observer` the run's observer told of every step of a call; both nullptr for
    // guards the invariants do not watch (an inner tier's).
    CallGuards(CircuitBreaker* breaker, Bulkhead* bulkhead, PermitlessOutcomes permitless, RunMetrics& metrics,
               CallDesk& desk, ObserverCounters* observed, RunObserver* observer);

    // The breaker's permit only (a breaker per request asks once, before the first attempt).
    // False when refused (counted).
    bool ask_breaker(GuardedCall& c, Time now);
    // An attempt enters: the breaker (when `consult_breaker`), then the bulkhead for caller `id`.
    GuardDecision enter(GuardedCall& c, Time now, std::uint64_t id, bool consult_breaker);
    // The bulkhead's deferred answer to a queued caller. True: it is for the caller's current
    // attempt (granted: it now holds the slot; rejected: counted and recorded as refused). False:
    // it was a stale entry's, absorbed (a stale grant's slot is given straight back).
    bool permit_granted(GuardedCall& c, Time now);
    bool permit_rejected(GuardedCall& c, Time now);

    // The admitted call leaves for the service (its AttemptDone goes to `owner`), or for the next
    // tier (returns the call's token).
    void send(GuardedCall& c, std::uint32_t owner);
    std::uint64_t send_elsewhere(GuardedCall& c);

    // The service answered (an AttemptDone). False: the caller left this call earlier and the
    // answer is ignored. True: the slot is back, the outcome recorded, a failure counted; the
    // caller reads c.call.failure / c.call.pushback when `e.fails`.
    bool answered(GuardedCall& c, const SystemEvent& e, Time now);
    // The caller stops waiting (timeout, deadline): the work stops or runs on, the slot is back
    // (or the queue entry becomes stale), and a Timeout of `took` is recorded.
    void abandon(GuardedCall& c, Time now, Duration took);
    // An answer that came from elsewhere (an inner tier): the slot is back and it is recorded.
    void settled_elsewhere(GuardedCall& c, Time now, Duration took, std::optional<AttemptOutcome> failure);

    // Stale entries still queued at the bulkhead name this caller: its slot cannot be reused.
    static bool has_stale_entries(const GuardedCall& c) { return c.stale_waits > 0; }

    const CircuitBreaker* breaker() const { return breaker_; }
    const Bulkhead* bulkhead() const { return bulkhead_; }

private:
    void leave(GuardedCall& c, Time now);
    void release_slot(GuardedCall& c, Time now);
    void record(GuardedCall& c, Time now, Duration took, std::optional<AttemptOutcome> failure);
    void bulkhead_refused(GuardedCall& c, Time now);
    void count_service_failure(const DownstreamCall& call);
    void tell(Time now, const GuardedCall& c, CallEvent e) {
        if (!observer_) return;
        e.caller = c.caller;
        observer_->call(now, e);
    }

    CircuitBreaker* breaker_;
    Bulkhead* bulkhead_;
    PermitlessOutcomes permitless_;
    RunMetrics& metrics_;
    CallDesk& desk_;
    ObserverCounters* observed_;
    RunObserver* observer_;
};

}  // namespace cascadelab
