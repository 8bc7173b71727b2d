// The RPC architecture on the simulator. The machines decide; this file only moves events
// between them and the downstream, and counts.
//
// The guards' side of each attempt (breaker permit, bulkhead slot, stale queue entries, recording
// the outcome) is the guarded call both architectures share; a machine's effects run to
// completion through the deferred-effects queue.
#include "model/rpc_system.hpp"

#include <algorithm>  // std::max
#include <array>      // std::array
#include <memory>     // std::unique_ptr
#include <optional>   // std::optional
#include <vector>     // std::vector

#include "model/deferred_effects.hpp"
#include "model/guarded_call.hpp"
#include "model/kernel/slot_pool.hpp"
#include "model/snapshot.hpp"
#include "model/system_base.hpp"
#include "statemachines/bulkhead.hpp"
#include "statemachines/circuit_breaker.hpp"
#include "statemachines/retry.hpp"
#include "statemachines/retry_budget.hpp"

namespace cascadelab {

namespace {

// One live request. Slots are reused once a request has its outcome, so memory follows the
// number of requests in flight, not the number of requests.
constexpr std::uint32_t kNoParent = UINT32_MAX;

struct Request {
    std::unique_ptr<Retry> retry;
    std::uint64_t number = 0;  // 1-based, in arrival order: the id shown in traces
    std::uint32_t tier = 0;            // 0: the client; t: a call that tier t-1 made to tier t
    std::uint32_t parent = kNoParent;  // the request whose attempt this one is (tier > 0)
    std::uint64_t parent_token = 0;    // ...and that attempt's token
    Time started;
    GuardedCall guarded;        // the attempt at the service (or the next tier) being awaited
    std::uint32_t attempt = 0;  // the attempt in progress (1 = first call)
    bool retry_counted = false;     // a budget-granted retry is active (Envoy's concurrency)
    bool settled = false;
    AttemptOutcome last_failure = AttemptOutcome::Error;
    TimerGenerations timers;
};

enum class DeferredKind : std::uint8_t { SendAttempt, PermitGranted, PermitRejected };

class RpcSystem;

// Each tier's shared machines talk through their own effects, so that the tier of a breaker
// timer (id 0 in the machine) is known, and each tier's components have their own names.
class TierEffects final : public Effects {
public:
    TierEffects(RpcSystem& system, std::uint32_t tier) : system_(system), tier_(tier) {}
    void start_timer(TimerKind kind, std::uint64_t id, Duration after) override;
    void cancel_timer(TimerKind kind, std::uint64_t id) override;
    void send_attempt(std::uint64_t request, std::uint32_t attempt) override;
    void requeue(std::uint64_t message, bool near_head) override;
    void dead_letter(std::uint64_t message) override;
    void permit_granted(std::uint64_t id) override;
    void permit_rejected(std::uint64_t id) override;
    void transitioned(std::string_view component, std::string_view from, std::string_view event, std::string_view to,
                      std::uint64_t id) override;

private:
    RpcSystem& system_;
    std::uint32_t tier_;
};

// Component names per tier, with static storage as traces require: the client's are plain.
constexpr std::array<std::string_view, kMaxTiers> kBreakerNames{"breaker", "tier2.breaker", "tier3.breaker",
                                                                 "tier4.breaker", "tier5.breaker", "tier6.breaker",
                                                                 "tier7.breaker", "tier8.breaker"};
constexpr std::array<std::string_view, kMaxTiers> kBulkheadNames{"bulkhead", "tier2.bulkhead", "tier3.bulkhead",
                                                                  "tier4.bulkhead", "tier5.bulkhead", "tier6.bulkhead",
                                                                  "tier7.bulkhead", "tier8.bulkhead"};
constexpr std::array<std::string_view, kMaxTiers> kBudgetNames{"retry-budget", "tier2.retry-budget", "tier3.retry-budget",
                                                                "tier4.retry-budget", "tier5.retry-budget",
                                                                "tier6.retry-budget", "tier7.retry-budget",
                                                                "tier8.retry-budget"};

struct Tier {
    Tier(RpcSystem& system, std::uint32_t index, const RpcConfig& c) : config(&c), effects(system, index) {
        if (c.breaker) breaker.emplace(*c.breaker, effects, kBreakerNames[index]);
        if (c.bulkhead) bulkhead.emplace(*c.bulkhead, effects, kBulkheadNames[index]);
        if (c.retry_budget) budget.emplace(*c.retry_budget, effects, kBudgetNames[index]);
    }
    const RpcConfig* config;
    TierEffects effects;
    std::optional<CircuitBreaker> breaker;
    std::optional<Bulkhead> bulkhead;
    std::optional<RetryBudget> budget;
    std::optional<CallGuards> guards;  // set by the system, which owns the metrics and the desk
    TimerGenerations breaker_timers;
};

class RpcSystem final : public SystemBase {
public:
    RpcSystem(const Scenario& s, const RunOptions& options)
        : SystemBase(s, options, Architecture::Rpc), backoff_rng_(streams_.stream("retry.backoff")) {
        tiers_.push_back(std::make_unique<Tier>(*this, 0, s.rpc));
        for (const RpcConfig& inner : s.inner_tiers)
            tiers_.push_back(std::make_unique<Tier>(*this, static_cast<std::uint32_t>(tiers_.size()), inner));
        for (const auto& t : tiers_) {
            const bool per_request = t->config->breaker_scope == BreakerScope::PerRequest;
            t->guards.emplace(t->breaker ? &*t->breaker : nullptr, t->bulkhead ? &*t->bulkhead : nullptr,
                              per_request ? PermitlessOutcomes::RecordedWithEpochZero : PermitlessOutcomes::Ignored,
                              metrics_, desk_, t.get() == tiers_.front().get() ? &observed_ : nullptr);
        }
        metrics_.attempts_by_tier.assign(tiers_.size(), 0);
        if (tiers_[0]->breaker) metrics_.breaker_open.record(Time{}, 0.0);
    }

    std::size_t live_slots() const override { return slots_.size(); }
    std::size_t live_bytes() const override {
        return slots_.size() * rpc_bytes_per_request() + deferred_.bytes();
    }

    RunMetrics run() {
        run_loop([this](const SystemEvent& e) { handle(e); });
        for (const Request& r : slots_) {
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

    // --- Effects -------------------------------------------------------------------------------
    void start_timer(TimerKind kind, std::uint64_t id, Duration after) override {
        TimerGenerations& gens = timers_of(kind, id);
        const std::uint64_t gen = ++gens[kind];
        sim_.schedule_after(after, SystemEvent{SystemEventKind::Timer, kind, false, false,
                                               static_cast<std::uint32_t>(id), gen});
    }
    void cancel_timer(TimerKind kind, std::uint64_t id) override { ++timers_of(kind, id)[kind]; }
    void send_attempt(std::uint64_t request, std::uint32_t) override { deferred_.push(DeferredKind::SendAttempt, request); }
    void permit_granted(std::uint64_t id) override { deferred_.push(DeferredKind::PermitGranted, id); }
    void permit_rejected(std::uint64_t id) override { deferred_.push(DeferredKind::PermitRejected, id); }
    // Messages do not exist in RPC: a call here is a wiring bug, counted as a modelling error.
    void requeue(std::uint64_t, bool) override { ++unhandled_effects_; }
    void dead_letter(std::uint64_t) override { ++unhandled_effects_; }
    void transitioned(std::string_view component, std::string_view from, std::string_view event,
                      std::string_view to, std::uint64_t id) override {
        // Retry and bulkhead ids are slots; show the request number instead.
        const bool slot_id = component == "retry" || component.ends_with("bulkhead");
        const std::uint64_t shown = slot_id && id < slots_.size() ? slots_[id].number : id;
        // Inner tiers' breakers count their openings; the breaker series follows the client's.
        if (component != "breaker" && component.ends_with("breaker") && to == "Open") ++metrics_.breaker_opens;
        report_transition(component, from, event, to, shown);
    }

private:
    // Breaker timers are per tier (TierEffects passes the tier as the id); the others per slot.
    TimerGenerations& timers_of(TimerKind kind, std::uint64_t id) {
        switch (kind) {
            case TimerKind::BreakerOpenWait:
            case TimerKind::BreakerHalfOpenWait: return tiers_[id]->breaker_timers;
            default: return slots_[id].timers;
        }
    }

    // --- the event loop ------------------------------------------------------------------------
    void handle(const SystemEvent& e) {
        switch (e.kind) {
            case SystemEventKind::Arrival: on_arrival(); break;
            case SystemEventKind::AttemptDone: on_attempt_done(e); break;
            case SystemEventKind::Timer: on_timer(e); break;
            default: ++unhandled_effects_; break;
        }
        drain_deferred();
        if (options_.observer) options_.observer->step(snapshot());
    }

    void drain_deferred() {
        deferred_.drain([this](DeferredKind kind, std::uint32_t s) {
            switch (kind) {
                case DeferredKind::SendAttempt: begin_attempt(s); break;
                case DeferredKind::PermitGranted: on_permit_granted(s); break;
                case DeferredKind::PermitRejected: on_permit_rejected(s); break;
            }
        });
    }

    Tier& tier_of(std::uint32_t slot) { return *tiers_[slots_[slot].tier]; }

    void on_arrival() {
        schedule_next_arrival();
        const Time now = sim_.now();
        ++metrics_.requests;
        metrics_.arrivals.record(now);
        metrics_.last_arrival = now;
        ++in_system_;
        start_request(0, kNoParent, 0, metrics_.requests);
    }

    // A request at `tier`: a client request (tier 0), or the call an attempt of tier - 1 makes.
    void start_request(std::uint32_t tier_index, std::uint32_t parent, std::uint64_t parent_token, std::uint64_t number) {
        const Time now = sim_.now();
        const std::uint32_t s = slots_.acquire();
        Request& r = slots_[s];
        Tier& t = *tiers_[tier_index];
        r.number = number;
        r.tier = tier_index;
        r.parent = parent;
        r.parent_token = parent_token;
        r.started = now;
        r.attempt = 0;
        r.settled = false;
        r.retry_counted = false;
        r.guarded.call = DownstreamCall{};
        r.guarded.holds_slot = r.guarded.waiting_for_slot = false;
        r.retry = std::make_unique<Retry>(t.config->retry, s, *this, backoff_rng_, t.budget ? &*t.budget : nullptr);
        if (t.budget) t.budget->signal(now, BudgetSignal::RequestStarted);

        if (t.config->breaker_scope == BreakerScope::PerRequest && !t.guards->ask_breaker(r.guarded, now)) {
            settle(s, Outcome::BreakerRejected);  // refused before the first attempt: no retry machine runs
            return;
        }
        r.retry->request_started(now);
    }

    // The retry machine sent attempt r.attempt + 1: breaker (per attempt), then bulkhead.
    void begin_attempt(std::uint32_t s) {
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

    void on_permit_granted(std::uint32_t s) {
        if (tier_of(s).guards->permit_granted(slots_[s].guarded, sim_.now())) send_to_downstream(s);
        else maybe_free(s);
    }

    void on_permit_rejected(std::uint32_t s) {
        if (tier_of(s).guards->permit_rejected(slots_[s].guarded, sim_.now())) attempt_failed(s, AttemptOutcome::BulkheadRejected);
        else maybe_free(s);
    }

    // The admitted attempt goes to the next tier (as a request of its own) or, from the last
    // tier, to the service.
    void send_to_downstream(std::uint32_t s) {
        Request& r = slots_[s];
        const Time now = sim_.now();
        if (tier_of(s).config->retry.timeout_starts_after_admission) r.retry->attempt_admitted(now);
        ++metrics_.attempts_by_tier[r.tier];
        if (r.tier + 1 < tiers_.size()) {
            start_request(r.tier + 1, s, desk_.start_elsewhere(r.guarded.call), r.number);
            return;
        }
        desk_.start(r.guarded.call, s);
    }

    void on_attempt_done(const SystemEvent& e) {
        Request& r = slots_[e.index];
        if (!tier_of(e.index).guards->answered(r.guarded, e, sim_.now())) return;
        if (e.fails) attempt_failed(e.index, r.guarded.call.failure, r.guarded.call.pushback);
        else attempt_succeeded(e.index);
    }

    void on_timer(const SystemEvent& e) {
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

    void attempt_succeeded(std::uint32_t s) {
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

    void attempt_failed(std::uint32_t s, AttemptOutcome outcome, Pushback pushback = Pushback::none()) {
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

    // Envoy counts a granted retry as active until that retry's attempt ends (or the request does).
    void end_counted_retry(std::uint32_t s) {
        Request& r = slots_[s];
        Tier& t = tier_of(s);
        if (!t.budget || !r.retry_counted) return;
        r.retry_counted = false;
        t.budget->signal(sim_.now(), BudgetSignal::RetryFinished);
    }

    void after_retry_event(std::uint32_t s) {
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

    static Outcome outcome_of(AttemptOutcome o) {
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

    void settle(std::uint32_t s, Outcome outcome) {
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

    // A call to the next tier ended: to the caller's attempt it is a response (ok, or an error
    // whatever the inner reason), unless the caller stopped waiting for it.
    void inner_request_settled(std::uint32_t parent, std::uint64_t token, bool ok) {
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

    // A settled request's slot is reused once no stale bulkhead entry can still name it.
    void maybe_free(std::uint32_t s) {
        Request& r = slots_[s];
        if (!r.settled || CallGuards::has_stale_entries(r.guarded) || !r.retry) return;
        retired_unhandled_ += r.retry->unhandled_events();
        r.retry.reset();
        slots_.release(s);
    }

    Snapshot snapshot() const {
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

    Rng backoff_rng_;
    std::vector<std::unique_ptr<Tier>> tiers_;
    SlotPool<Request> slots_;
    DeferredEffects<DeferredKind> deferred_;
    std::uint64_t unhandled_effects_ = 0;
    std::uint64_t retired_unhandled_ = 0;
    // For observers only.
    std::uint64_t in_system_ = 0;
    ObserverCounters observed_;
};

void TierEffects::start_timer(TimerKind kind, std::uint64_t id, Duration after) {
    const bool breaker = kind == TimerKind::BreakerOpenWait || kind == TimerKind::BreakerHalfOpenWait;
    system_.start_timer(kind, breaker ? tier_ : id, after);
}
void TierEffects::cancel_timer(TimerKind kind, std::uint64_t id) {
    const bool breaker = kind == TimerKind::BreakerOpenWait || kind == TimerKind::BreakerHalfOpenWait;
    system_.cancel_timer(kind, breaker ? tier_ : id);
}
void TierEffects::send_attempt(std::uint64_t request, std::uint32_t attempt) { system_.send_attempt(request, attempt); }
void TierEffects::requeue(std::uint64_t message, bool near_head) { system_.requeue(message, near_head); }
void TierEffects::dead_letter(std::uint64_t message) { system_.dead_letter(message); }
void TierEffects::permit_granted(std::uint64_t id) { system_.permit_granted(id); }
void TierEffects::permit_rejected(std::uint64_t id) { system_.permit_rejected(id); }
void TierEffects::transitioned(std::string_view component, std::string_view from, std::string_view event,
                               std::string_view to, std::uint64_t id) {
    system_.transitioned(component, from, event, to, id);
}

}  // namespace

// Each heap object carries the allocator's header (16 bytes with glibc).
std::size_t rpc_bytes_per_request() { return sizeof(Request) + Retry::footprint() + 2 * 16; }

RunMetrics run_rpc(const Scenario& scenario, const RunOptions& options) {
    RpcSystem system(scenario, options);
    return system.run();
}

}  // namespace cascadelab
