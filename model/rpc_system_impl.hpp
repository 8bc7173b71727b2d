// The class behind run_rpc(), shared by the two files that define it: rpc_system.cpp (tiers,
// the loop, requests from start to outcome) and rpc_attempts.cpp (one attempt through the guards
// to the service, and what the Retry machine does with its outcome).
// Not for use outside them: the rest of cascadelab runs the architecture through run_rpc().
#pragma once

#include <array>     // std::array
#include <cassert>   // assert
#include <cstdint>   // std::uint32_t, std::uint64_t
#include <memory>    // std::unique_ptr
#include <optional>  // std::optional
#include <vector>    // std::vector

#include "model/deferred_effects.hpp"
#include "model/guarded_call.hpp"
#include "model/kernel/slot_pool.hpp"
#include "model/rpc_system.hpp"
#include "model/snapshot.hpp"
#include "model/system_base.hpp"
#include "statemachines/bulkhead.hpp"
#include "statemachines/circuit_breaker.hpp"
#include "statemachines/retry.hpp"
#include "statemachines/retry_budget.hpp"

namespace cascadelab::rpc {

// One live request. Slots are reused once a request has its outcome, so memory follows the
// number of requests in flight, not the number of requests.
constexpr std::uint32_t kNoParent = UINT32_MAX;

// A request's own timers' generations: the bulkhead wait and the Retry machine's three (the
// breakers' belong to the tier). Four, not one per TimerKind: there is one of these per request
// in flight.
struct RequestTimers {
    std::array<std::uint32_t, 4> values{};
    std::uint32_t& operator[](TimerKind k) {
        const auto i = static_cast<std::size_t>(k) - static_cast<std::size_t>(TimerKind::BulkheadWait);
        assert(i < values.size());
        return values[i];
    }
};
static_assert(static_cast<int>(TimerKind::RetryBackoff) == static_cast<int>(TimerKind::BulkheadWait) + 1 &&
                  static_cast<int>(TimerKind::RetryAttemptTimeout) == static_cast<int>(TimerKind::BulkheadWait) + 2 &&
                  static_cast<int>(TimerKind::RetryDeadline) == static_cast<int>(TimerKind::BulkheadWait) + 3,
              "RequestTimers maps BulkheadWait .. RetryDeadline onto 0 .. 3");

// Widest fields first: one of these per request in flight (rpc_bytes_per_request).
struct Request {
    std::optional<Retry> retry;  // from the request's start until its slot is freed
    GuardedCall guarded;         // the attempt at the service (or the next tier) being awaited;
                                 // guarded.caller is the request's number (1-based, arrival order)
    std::uint64_t parent_token = 0;    // the parent's attempt token (tier > 0)
    Time started;
    RequestTimers timers;
    std::uint32_t tier = 0;            // 0: the client; t: a call that tier t-1 made to tier t
    std::uint32_t parent = kNoParent;  // the request whose attempt this one is (tier > 0)
    std::uint32_t attempt = 0;         // the attempt in progress (1 = first call)
    bool retry_counted = false;        // a budget-granted retry is active (Envoy's concurrency)
    bool settled = false;
    AttemptOutcome last_failure = AttemptOutcome::Error;
    std::uint64_t number() const { return guarded.caller; }
};

enum class DeferredKind : std::uint8_t { SendAttempt, PermitGranted, PermitRejected };

class RpcSystem;

// Each tier's shared machines talk through their own effects, so that the tier of a breaker
// timer (id 0 in the machine) is known.
class TierEffects final : public BreakerEffects, public BulkheadEffects, public RetryBudgetEffects {
public:
    TierEffects(RpcSystem& system, std::uint32_t tier) : system_(system), tier_(tier) {}
    void start_timer(TimerKind kind, std::uint64_t id, Duration after) override;
    void cancel_timer(TimerKind kind, std::uint64_t id) override;
    void permit_granted(std::uint64_t id) override;
    void permit_rejected(std::uint64_t id) override;
    void transitioned(ComponentId component, std::string_view from, std::string_view event, std::string_view to,
                      std::uint64_t id) override;

private:
    RpcSystem& system_;
    std::uint32_t tier_;
};

struct Tier {
    Tier(RpcSystem& system, std::uint32_t index, const RpcConfig& c) : config(&c), effects(system, index) {
        const std::uint8_t place = place_of(index);
        if (c.breaker) breaker.emplace(*c.breaker, effects, ComponentId{ComponentKind::Breaker, place});
        if (c.bulkhead) bulkhead.emplace(*c.bulkhead, effects, ComponentId{ComponentKind::Bulkhead, place});
        if (c.retry_budget) budget.emplace(*c.retry_budget, effects, ComponentId{ComponentKind::RetryBudget, place});
    }
    const RpcConfig* config;
    TierEffects effects;
    std::optional<CircuitBreaker> breaker;
    std::optional<Bulkhead> bulkhead;
    std::optional<RetryBudget> budget;
    std::optional<CallGuards> guards;  // set by the system, which owns the metrics and the desk
    TimerGenerations breaker_timers;
};

class RpcSystem final : public SystemBase, public RetryEffects {
public:
    RpcSystem(const Scenario& s, const RunOptions& options);

    std::size_t live_slots() const override { return slots_.size(); }
    std::size_t live_bytes() const override {
        return slots_.size() * rpc_bytes_per_request() + deferred_.bytes();
    }

    RunMetrics run();

    // --- RetryEffects (the retry machines'; the tiers' machines come through TierEffects) ------
    void start_timer(TimerKind kind, std::uint64_t id, Duration after) override;
    void cancel_timer(TimerKind kind, std::uint64_t id) override { ++generation(kind, id); }
    void send_attempt(std::uint64_t request, std::uint32_t) override {
        deferred_.push(DeferredKind::SendAttempt, request);
    }
    void transitioned(ComponentId component, std::string_view from, std::string_view event, std::string_view to,
                      std::uint64_t id) override;
    // A tier's bulkhead answered a queued attempt.
    void permit_granted(std::uint64_t id) { deferred_.push(DeferredKind::PermitGranted, id); }
    void permit_rejected(std::uint64_t id) { deferred_.push(DeferredKind::PermitRejected, id); }

private:
    // Breaker timers are per tier (TierEffects passes the tier as the id); the others per slot.
    std::uint32_t& generation(TimerKind kind, std::uint64_t id);

    // --- the event loop ------------------------------------------------------------------------
    void handle(const SystemEvent& e);
    // The request the next event will touch: its slot's cache lines, ahead of time.
    void prefetch(const SystemEvent& e) const {
        if (e.kind != SystemEventKind::AttemptDone && e.kind != SystemEventKind::Timer) return;
        if (e.kind == SystemEventKind::Timer &&
            (e.timer == TimerKind::BreakerOpenWait || e.timer == TimerKind::BreakerHalfOpenWait))
            return;  // a tier's, not a slot's
        if (e.index >= slots_.size()) return;
        const auto* bytes = reinterpret_cast<const char*>(&slots_[e.index]);
        for (std::size_t line = 0; line < sizeof(Request); line += 64) __builtin_prefetch(bytes + line);
    }
    void drain_deferred();
    Tier& tier_of(std::uint32_t slot) { return *tiers_[slots_[slot].tier]; }

    void on_arrival();

    // A request at `tier`: a client request (tier 0), or the call an attempt of tier - 1 makes.
    void start_request(std::uint32_t tier_index, std::uint32_t parent, std::uint64_t parent_token,
                       std::uint64_t number);

    // --- rpc_attempts.cpp -------------------------------------------------------------------------
    // The retry machine sent attempt r.attempt + 1: breaker (per attempt), then bulkhead.
    void begin_attempt(std::uint32_t s);
    void on_permit_granted(std::uint32_t s) {
        if (tier_of(s).guards->permit_granted(slots_[s].guarded, sim_.now())) send_to_downstream(s);
        else maybe_free(s);
    }

    void on_permit_rejected(std::uint32_t s) {
        if (tier_of(s).guards->permit_rejected(slots_[s].guarded, sim_.now()))
            attempt_failed(s, AttemptOutcome::BulkheadRejected);
        else maybe_free(s);
    }

    // The admitted attempt goes to the next tier (as a request of its own) or, from the last
    // tier, to the service.
    void send_to_downstream(std::uint32_t s);
    void on_attempt_done(const SystemEvent& e);
    void on_timer(const SystemEvent& e);
    void attempt_succeeded(std::uint32_t s);
    void attempt_failed(std::uint32_t s, AttemptOutcome outcome, Pushback pushback = Pushback::none());

    // Envoy counts a granted retry as active until that retry's attempt ends (or the request does).
    void end_counted_retry(std::uint32_t s);
    void after_retry_event(std::uint32_t s);
    static Outcome outcome_of(AttemptOutcome o);

    // --- rpc_system.cpp ---------------------------------------------------------------------------
    void settle(std::uint32_t s, Outcome outcome);

    // A call to the next tier ended: to the caller's attempt it is a response (ok, or an error
    // whatever the inner reason), unless the caller stopped waiting for it.
    void inner_request_settled(std::uint32_t parent, std::uint64_t token, bool ok);

    // A settled request's slot is reused once no stale bulkhead entry can still name it.
    void maybe_free(std::uint32_t s);
    Snapshot snapshot() const;

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

}  // namespace cascadelab::rpc
