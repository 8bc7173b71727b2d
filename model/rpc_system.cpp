// The RPC architecture on the simulator. The machines decide; this file only moves events
// between them and the downstream, and counts.
//
// The guards' side of each attempt (breaker permit, bulkhead slot, stale queue entries, recording
// the outcome) is the guarded call both architectures share; a machine's effects run to
// completion through the deferred-effects queue.
#include "model/rpc_system.hpp"

#include <algorithm>  // std::max
#include <array>      // std::array

#include "model/rpc_system_impl.hpp"

namespace cascadelab {

namespace {

static_assert(kMaxTiers <= kMaxPlaces, "every tier's components need a name");

}  // namespace

namespace rpc {

RpcSystem::RpcSystem(const Scenario& s, const RunOptions& options)
    : SystemBase(s, options, Architecture::Rpc), backoff_rng_(streams_.stream("retry.backoff")) {
    tiers_.push_back(std::make_unique<Tier>(*this, 0, s.rpc));
    for (const RpcConfig& inner : s.inner_tiers)
        tiers_.push_back(std::make_unique<Tier>(*this, static_cast<std::uint32_t>(tiers_.size()), inner));
    for (const auto& t : tiers_) {
        const bool per_request = t->config->breaker_scope == BreakerScope::PerRequest;
        const bool front = t.get() == tiers_.front().get();  // the tier the invariants watch
        t->guards.emplace(t->breaker ? &*t->breaker : nullptr, t->bulkhead ? &*t->bulkhead : nullptr,
                          per_request ? PermitlessOutcomes::RecordedWithEpochZero : PermitlessOutcomes::Ignored,
                          metrics_, desk_, front ? &observed_ : nullptr, front ? options_.observer : nullptr);
    }
    metrics_.attempts_by_tier.assign(tiers_.size(), 0);
    if (tiers_[0]->breaker) metrics_.breaker_open.record(Time{}, 0.0);
}

RunMetrics RpcSystem::run() {
    run_loop([this](const SystemEvent& e) { handle(e); }, [this](const SystemEvent& e) { prefetch(e); });
    for (std::size_t s = 0; s < slots_.size(); ++s) {
        const Request& r = slots_[s];
        if (r.retry && !r.settled) ++metrics_.unfinished;
        if (r.retry) metrics_.unhandled_events += r.retry->unhandled_events();
    }
    metrics_.unhandled_events += unhandled_effects_ + retired_unhandled_;
    for (const auto& t : tiers_) {
        if (t->breaker) metrics_.unhandled_events += t->breaker->unhandled_events();
        if (t->bulkhead) metrics_.unhandled_events += t->bulkhead->unhandled_events();
        if (t->budget) metrics_.unhandled_events += t->budget->unhandled_events();
    }
    return std::move(metrics_);
}

void RpcSystem::start_timer(TimerKind kind, std::uint64_t id, Duration after) {
    const std::uint64_t gen = ++generation(kind, id);
    sim_.schedule_after(after, SystemEvent{SystemEventKind::Timer, kind, false, false,
                                           static_cast<std::uint32_t>(id), gen});
}

void RpcSystem::transitioned(ComponentId component, std::string_view from, std::string_view event,
                             std::string_view to, std::uint64_t id) {
    // Retry and bulkhead ids are slots; show the request number instead.
    const bool slot_id = component.kind == ComponentKind::Retry || component.kind == ComponentKind::Bulkhead;
    const std::uint64_t shown = slot_id && id < slots_.size() ? slots_[id].number() : id;
    // The breaker series follows the client's breaker; inner tiers' breakers count their openings.
    if (component.kind == ComponentKind::Breaker) {
        const BreakerState now = tiers_[component.place]->breaker->state();
        if (component.place == 0) metrics_.note_breaker_state(sim_.now(), now);
        else if (now == BreakerState::Open) ++metrics_.breaker_opens;
    }
    report_transition(component, from, event, to, shown);
}

std::uint32_t& RpcSystem::generation(TimerKind kind, std::uint64_t id) {
    switch (kind) {
        case TimerKind::BreakerOpenWait:
        case TimerKind::BreakerHalfOpenWait: return tiers_[id]->breaker_timers[kind];
        default: return slots_[id].timers[kind];
    }
}

void RpcSystem::handle(const SystemEvent& e) {
    switch (e.kind) {
        case SystemEventKind::Arrival: on_arrival(); break;
        case SystemEventKind::AttemptDone: on_attempt_done(e); break;
        case SystemEventKind::Timer: on_timer(e); break;
        default: ++unhandled_effects_; break;
    }
    drain_deferred();
    if (options_.observer) options_.observer->step(snapshot());
}

void RpcSystem::drain_deferred() {
    deferred_.drain([this](DeferredKind kind, std::uint32_t s) {
        switch (kind) {
            case DeferredKind::SendAttempt: begin_attempt(s); break;
            case DeferredKind::PermitGranted: on_permit_granted(s); break;
            case DeferredKind::PermitRejected: on_permit_rejected(s); break;
        }
    });
}

void RpcSystem::on_arrival() {
    schedule_next_arrival();
    const Time now = sim_.now();
    ++metrics_.requests;
    metrics_.arrivals.record(now);
    metrics_.last_arrival = now;
    ++in_system_;
    start_request(0, kNoParent, 0, metrics_.requests);
}

void RpcSystem::start_request(std::uint32_t tier_index, std::uint32_t parent, std::uint64_t parent_token,
                              std::uint64_t number) {
    const Time now = sim_.now();
    const std::uint32_t s = slots_.acquire();
    Request& r = slots_[s];
    Tier& t = *tiers_[tier_index];
    r.tier = tier_index;
    r.parent = parent;
    r.parent_token = parent_token;
    r.started = now;
    r.attempt = 0;
    r.settled = false;
    r.retry_counted = false;
    r.guarded.call = DownstreamCall{};
    r.guarded.caller = number;
    r.guarded.holds_slot = r.guarded.waiting_for_slot = false;
    r.retry.emplace(t.config->retry, s, *this, backoff_rng_, t.budget ? &*t.budget : nullptr,
                    ComponentId{ComponentKind::Retry, place_of(tier_index)});
    if (t.budget) t.budget->signal(now, BudgetSignal::RequestStarted);

    if (t.config->breaker_scope == BreakerScope::PerRequest && !t.guards->ask_breaker(r.guarded, now)) {
        settle(s, Outcome::BreakerRejected);  // refused before the first attempt: no retry machine runs
        return;
    }
    r.retry->request_started(now);
}

void RpcSystem::settle(std::uint32_t s, Outcome outcome) {
    Request& r = slots_[s];
    const Time now = sim_.now();
    r.settled = true;
    end_counted_retry(s);
    if (Tier& t = tier_of(s); t.budget) t.budget->signal(now, BudgetSignal::RequestFinished);
    // Whatever timer the request still had is stale from now on, for whoever reuses the slot.
    for (TimerKind k : {TimerKind::RetryAttemptTimeout, TimerKind::RetryBackoff, TimerKind::RetryDeadline}) ++r.timers[k];
    const std::uint32_t parent = r.parent;
    const std::uint64_t parent_token = r.parent_token;
    if (r.tier == 0) {
        --in_system_;
        ++metrics_.outcomes[static_cast<std::size_t>(outcome)];
        metrics_.finished_at = now;
        metrics_.latency.record(now - r.started);
        if (outcome == Outcome::Ok) {
            metrics_.ok_latency.record(now - r.started);
            metrics_.goodput.record(now);
        }
    }
    maybe_free(s);
    if (parent != kNoParent) inner_request_settled(parent, parent_token, outcome == Outcome::Ok);
}

void RpcSystem::inner_request_settled(std::uint32_t parent, std::uint64_t token, bool ok) {
    Request& p = slots_[parent];
    if (p.settled || !p.guarded.call.open || p.guarded.call.token != token) return;
    tier_of(parent).guards->settled_elsewhere(p.guarded, sim_.now(), sim_.now() - p.guarded.call.started,
                                              ok ? std::nullopt : std::optional<AttemptOutcome>{AttemptOutcome::Error});
    if (ok) {
        attempt_succeeded(parent);
    } else {
        ++metrics_.attempt_errors;
        attempt_failed(parent, AttemptOutcome::Error);
    }
}

void RpcSystem::maybe_free(std::uint32_t s) {
    Request& r = slots_[s];
    if (!r.settled || CallGuards::has_stale_entries(r.guarded) || !r.retry) return;
    retired_unhandled_ += r.retry->unhandled_events();
    r.retry.reset();
    slots_.release(s);
}

Snapshot RpcSystem::snapshot() const {
    const Tier& client = *tiers_[0];  // the invariants watch the client tier
    const Guards guards{client.breaker ? &*client.breaker : nullptr,
                        client.config->breaker ? &*client.config->breaker : nullptr,
                        client.bulkhead ? &*client.bulkhead : nullptr,
                        client.config->bulkhead ? &*client.config->bulkhead : nullptr};
    Snapshot snap = common_snapshot(sim_.now(), sim_.total_dispatched(), metrics_, observed_, downstream_.in_flight(),
                                    guards);
    snap.in_system = in_system_;  // client requests only; inner tiers' requests are attempts
    return snap;
}

void TierEffects::start_timer(TimerKind kind, std::uint64_t id, Duration after) {
    const bool breaker = kind == TimerKind::BreakerOpenWait || kind == TimerKind::BreakerHalfOpenWait;
    system_.start_timer(kind, breaker ? tier_ : id, after);
}
void TierEffects::cancel_timer(TimerKind kind, std::uint64_t id) {
    const bool breaker = kind == TimerKind::BreakerOpenWait || kind == TimerKind::BreakerHalfOpenWait;
    system_.cancel_timer(kind, breaker ? tier_ : id);
}
void TierEffects::permit_granted(std::uint64_t id) { system_.permit_granted(id); }
void TierEffects::permit_rejected(std::uint64_t id) { system_.permit_rejected(id); }
void TierEffects::transitioned(ComponentId component, std::string_view from, std::string_view event,
                               std::string_view to, std::uint64_t id) {
    system_.transitioned(component, from, event, to, id);
}

}  // namespace rpc

// The Retry machine lives in the slot: nothing per request is on the heap.
std::size_t rpc_bytes_per_request() { return sizeof(rpc::Request); }

RunMetrics run_rpc(const Scenario& scenario, const RunOptions& options) {
    rpc::RpcSystem system(scenario, options);
    return system.run();
}

}  // namespace cascadelab
