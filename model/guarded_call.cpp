#include "model/guarded_call.hpp"

#include <algorithm>  // std::max

namespace cascadelab {

CallGuards::CallGuards(CircuitBreaker* breaker, Bulkhead* bulkhead, PermitlessOutcomes permitless, RunMetrics& metrics,
                       CallDesk& desk, ObserverCounters* observed, RunObserver* observer)
    : breaker_(breaker),
      bulkhead_(bulkhead),
      permitless_(permitless),
      metrics_(metrics),
      desk_(desk),
      observed_(observed),
      observer_(observer) {}

bool CallGuards::ask_breaker(GuardedCall& c, Time now) {
    if (!breaker_) return true;
    c.permit = breaker_->call_requested(now);
    if (observed_ && c.permit.permitted) ++observed_->breaker_permits;
    if (c.permit.permitted) tell(now, c, CallEvent{.step = CallStep::Permitted, .epoch = c.permit.epoch});
    else ++metrics_.breaker_rejections;
    return c.permit.permitted;
}

GuardDecision CallGuards::enter(GuardedCall& c, Time now, std::uint64_t id, bool consult_breaker) {
    if (consult_breaker && !ask_breaker(c, now)) return GuardDecision::BreakerRefused;
    if (!bulkhead_) return GuardDecision::Admitted;
    switch (bulkhead_->permit_requested(now, id)) {
        case PermitDecision::Admitted: c.holds_slot = true; return GuardDecision::Admitted;
        case PermitDecision::Queued:
            c.waiting_for_slot = true;
            tell(now, c, CallEvent{.step = CallStep::Queued});
            metrics_.max_bulkhead_waiting = std::max<std::uint64_t>(metrics_.max_bulkhead_waiting, bulkhead_->waiting());
            return GuardDecision::Waiting;
        case PermitDecision::Rejected: break;
    }
    bulkhead_refused(c, now);
    return GuardDecision::BulkheadRefused;
}

bool CallGuards::permit_granted(GuardedCall& c, Time now) {
    if (c.stale_waits > 0) {
        // The grant is for an attempt the caller already gave up on (FIFO: its entry is older).
        --c.stale_waits;
        bulkhead_->permit_released(now);
        return false;
    }
    c.waiting_for_slot = false;
    c.holds_slot = true;
    return true;
}

bool CallGuards::permit_rejected(GuardedCall& c, Time now) {
    if (c.stale_waits > 0) {
        --c.stale_waits;
        return false;
    }
    c.waiting_for_slot = false;
    tell(now, c, CallEvent{.step = CallStep::Dequeued});
    bulkhead_refused(c, now);
    return true;
}

void CallGuards::send(GuardedCall& c, std::uint32_t owner) {
    desk_.start(c.call, owner);
    tell(c.call.started, c, CallEvent{.step = CallStep::Sent});
}

std::uint64_t CallGuards::send_elsewhere(GuardedCall& c) {
    const std::uint64_t token = desk_.start_elsewhere(c.call);
    tell(c.call.started, c, CallEvent{.step = CallStep::Sent});
    return token;
}

bool CallGuards::answered(GuardedCall& c, const SystemEvent& e, Time now) {
    if (!desk_.done(c.call, e)) return false;  // the caller left long ago (timeout, deadline)
    tell(now, c, CallEvent{.step = CallStep::Answered, .failed = e.fails, .outcome = c.call.failure,
                           .pushback = e.fails ? c.call.pushback : Pushback::none()});
    release_slot(c, now);
    const Duration took = now - c.call.started;
    if (e.fails) {
        record(c, now, took, c.call.failure);
        count_service_failure(c.call);
    } else {
        record(c, now, took, std::nullopt);
    }
    return true;
}

void CallGuards::abandon(GuardedCall& c, Time now, Duration took) {
    leave(c, now);
    record(c, now, took, AttemptOutcome::Timeout);
}

void CallGuards::settled_elsewhere(GuardedCall& c, Time now, Duration took, std::optional<AttemptOutcome> failure) {
    c.call.open = false;
    tell(now, c, CallEvent{.step = CallStep::Answered, .failed = failure.has_value(),
                           .outcome = failure.value_or(AttemptOutcome::Error)});
    release_slot(c, now);
    record(c, now, took, failure);
}

void CallGuards::leave(GuardedCall& c, Time now) {
    if (c.waiting_for_slot) {
        c.waiting_for_slot = false;
        ++c.stale_waits;  // its bulkhead queue entry is now stale
        tell(now, c, CallEvent{.step = CallStep::Dequeued});
        return;
    }
    if (!c.call.open) return;
    tell(now, c, CallEvent{.step = CallStep::Left});
    desk_.leave(c.call);
    release_slot(c, now);
}

void CallGuards::release_slot(GuardedCall& c, Time now) {
    if (!c.holds_slot) return;
    c.holds_slot = false;
    bulkhead_->permit_released(now);
}

// Per attempt: the outcome goes with the attempt's own permit. Per request (the tutorial): the
// first attempt has the request's permit; later ones are recorded too ("every attempt outcome is
// recorded") with epoch 0, which counts in Closed and is ignored as late elsewhere.
void CallGuards::record(GuardedCall& c, Time now, Duration took, std::optional<AttemptOutcome> failure) {
    if (!breaker_) return;
    BreakerPermit permit = c.permit;
    if (!permit.permitted && permitless_ == PermitlessOutcomes::RecordedWithEpochZero) permit = {true, 0};
    if (permit.permitted) {
        // Told before the breaker hears it: an invariant then sees the state the outcome met.
        tell(now, c, CallEvent{.step = CallStep::Recorded, .failed = failure.has_value(),
                               .outcome = failure.value_or(AttemptOutcome::Error), .took = took, .epoch = permit.epoch});
        if (failure) breaker_->call_finished(now, permit, took, *failure);
        else breaker_->call_succeeded(now, permit, took);
    }
    c.permit = BreakerPermit{};
}

// The rejection passes through the breaker like any exception (Resilience4j records it unless
// told to ignore BulkheadFullException): the breaker's `record` decides.
void CallGuards::bulkhead_refused(GuardedCall& c, Time now) {
    ++metrics_.bulkhead_rejections;
    record(c, now, Duration::zero(), AttemptOutcome::BulkheadRejected);
}

// A failure the service sent, by how the caller sees it.
void CallGuards::count_service_failure(const DownstreamCall& call) {
    ++metrics_.attempt_errors;
    if (call.failure == AttemptOutcome::Throttled) ++metrics_.throttled_attempts;
    if (call.failure == AttemptOutcome::FatalError) ++metrics_.fatal_errors;
    if (call.pushback.kind != Pushback::Kind::None) ++metrics_.pushbacks;
}

}  // namespace cascadelab
