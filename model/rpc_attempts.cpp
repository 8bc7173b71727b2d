// One attempt of a request: the Retry machine sent it; it goes through the tier's guards (breaker
// permit, bulkhead slot) to the service or the next tier, and its outcome — an answer, a timeout,
// a deadline, a refusal — goes back to the Retry machine (and the retry budget), which decides
// whether the request is done.
#include "model/rpc_system_impl.hpp"

#include <algorithm>  // std::max

namespace cascadelab::rpc {

void RpcSystem::begin_attempt(std::uint32_t s) {
    Request& r = slots_[s];
    if (r.settled) return;
    const Time now = sim_.now();
    Tier& t = *tiers_[r.tier];
    ++r.attempt;
    if (r.tier == 0) observed_.max_attempt_number = std::max(observed_.max_attempt_number, r.attempt);
    if (r.attempt > 1) ++metrics_.retries;
    const bool per_attempt = t.config->breaker_scope == BreakerScope::PerAttempt;
    switch (t.guards->enter(r.guarded, now, s, per_attempt)) {
        case GuardDecision::Admitted: send_to_downstream(s); break;
        case GuardDecision::Waiting: break;
        case GuardDecision::BreakerRefused: attempt_failed(s, AttemptOutcome::BreakerRejected); break;
        case GuardDecision::BulkheadRefused: attempt_failed(s, AttemptOutcome::BulkheadRejected); break;
    }
}

void RpcSystem::send_to_downstream(std::uint32_t s) {
    Request& r = slots_[s];
    const Time now = sim_.now();
    Tier& t = tier_of(s);
    if (t.config->retry.timeout_starts_after_admission) r.retry->attempt_admitted(now);
    ++metrics_.attempts_by_tier[r.tier];
    if (r.tier + 1 < tiers_.size()) {
        start_request(r.tier + 1, s, t.guards->send_elsewhere(r.guarded), r.number());
        return;
    }
    t.guards->send(r.guarded, s);
}

void RpcSystem::on_attempt_done(const SystemEvent& e) {
    Request& r = slots_[e.index];
    if (!tier_of(e.index).guards->answered(r.guarded, e, sim_.now())) return;
    // A request has its outcome only once its attempt ended, so it awaits no answer: one that
    // reaches a settled request (its Retry machine may be gone) is a modelling error.
    if (r.settled || !r.retry) {
        ++unhandled_effects_;
        return;
    }
    if (e.fails) attempt_failed(e.index, r.guarded.call.failure, r.guarded.call.pushback);
    else attempt_succeeded(e.index);
}

void RpcSystem::on_timer(const SystemEvent& e) {
    const Time now = sim_.now();
    switch (e.timer) {
        case TimerKind::BreakerOpenWait:
            if (tiers_[e.index]->breaker_timers[e.timer] == e.token) tiers_[e.index]->breaker->open_wait_elapsed(now);
            return;
        case TimerKind::BreakerHalfOpenWait:
            if (tiers_[e.index]->breaker_timers[e.timer] == e.token)
                tiers_[e.index]->breaker->half_open_wait_elapsed(now);
            return;
        case TimerKind::BulkheadWait:
            // Also for a settled request: its stale queue entry must still expire.
            if (slots_[e.index].timers[e.timer] == e.token) tier_of(e.index).bulkhead->wait_expired(now, e.index);
            return;
        default: break;
    }
    Request& r = slots_[e.index];
    if (r.settled || r.timers[e.timer] != e.token) return;  // cancelled, or the slot moved on
    switch (e.timer) {
        case TimerKind::RetryAttemptTimeout:
            ++metrics_.attempt_timeouts;
            tier_of(e.index).guards->abandon(r.guarded, now, tier_of(e.index).config->retry.per_attempt_timeout);
            attempt_failed(e.index, AttemptOutcome::Timeout);
            break;
        case TimerKind::RetryBackoff:
            r.retry->backoff_elapsed(now);
            after_retry_event(e.index);
            break;
        case TimerKind::RetryDeadline:
            tier_of(e.index).guards->abandon(r.guarded, now, now - r.guarded.call.started);
            r.retry->deadline_reached(now);
            after_retry_event(e.index);
            break;
        default: ++unhandled_effects_; break;
    }
}

void RpcSystem::attempt_succeeded(std::uint32_t s) {
    Request& r = slots_[s];
    const Time now = sim_.now();
    Tier& t = tier_of(s);
    // A successful retry gets back what the budget charged for it (AWS's refund).
    if (t.budget)
        t.budget->signal(now, r.attempt > 1 ? BudgetSignal::RetrySucceeded : BudgetSignal::AttemptSucceeded,
                         r.attempt > 1 ? r.retry->last_charge() : 0);
    end_counted_retry(s);
    if (r.tier == 0) metrics_.service_latency.record(now - r.guarded.call.started);
    r.retry->attempt_succeeded(now);
    after_retry_event(s);
}

void RpcSystem::attempt_failed(std::uint32_t s, AttemptOutcome outcome, Pushback pushback) {
    Request& r = slots_[s];
    const Time now = sim_.now();
    r.last_failure = outcome;
    Tier& t = tier_of(s);
    // gRPC's throttle counts only the failures its retry policy would retry (or a pushback
    // saying stop); a breaker's or bulkhead's local refusal is not one of them by default.
    if (t.budget && t.config->retry.qualifies_for_throttling(outcome, pushback))
        t.budget->signal(now, BudgetSignal::AttemptFailed);
    end_counted_retry(s);
    const std::uint64_t denied_before = t.budget ? t.budget->denied() : 0;
    r.retry->attempt_failed(now, outcome, pushback);
    if (t.budget && t.budget->denied() > denied_before) ++metrics_.budget_denials;
    if (r.retry->state() == RetryState::BackingOff) {
        if (r.tier == 0) {
            ++observed_.retries_decided;
            observed_.max_backoff = std::max(observed_.max_backoff, r.retry->last_backoff());
        }
        if (t.budget) r.retry_counted = true;
    }
    after_retry_event(s);
}

void RpcSystem::end_counted_retry(std::uint32_t s) {
    Request& r = slots_[s];
    Tier& t = tier_of(s);
    if (!t.budget || !r.retry_counted) return;
    r.retry_counted = false;
    t.budget->signal(sim_.now(), BudgetSignal::RetryFinished);
}

void RpcSystem::after_retry_event(std::uint32_t s) {
    Request& r = slots_[s];
    if (r.settled || !r.retry->finished()) return;
    switch (r.retry->end()) {
        case RetryEnd::Succeeded: settle(s, Outcome::Ok); break;
        case RetryEnd::DeadlineExceeded: settle(s, Outcome::Deadline); break;
        case RetryEnd::BudgetDenied: settle(s, Outcome::BudgetDenied); break;
        case RetryEnd::AttemptsExhausted:
        case RetryEnd::NotRetryable:
        case RetryEnd::PushbackStop:
        case RetryEnd::None: settle(s, outcome_of(r.last_failure)); break;
    }
}

Outcome RpcSystem::outcome_of(AttemptOutcome o) {
    switch (o) {
        case AttemptOutcome::Error:
        case AttemptOutcome::Throttled:
        case AttemptOutcome::FatalError: return Outcome::Error;
        case AttemptOutcome::Timeout: return Outcome::Timeout;
        case AttemptOutcome::BreakerRejected: return Outcome::BreakerRejected;
        case AttemptOutcome::BulkheadRejected: return Outcome::BulkheadRejected;
    }
    return Outcome::Error;
}

}  // namespace cascadelab::rpc
