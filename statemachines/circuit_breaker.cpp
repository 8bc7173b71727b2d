// The circuit breaker as a Boost.MSM machine. Read the three transition tables first: the top
// level (Operating and Administrative, and manual transitions between them), Operating (Closed /
// Open / HalfOpen) and Administrative (ForcedOpen / Disabled / MetricsOnly).
#include "statemachines/circuit_breaker.hpp"

#include <vector>     // std::vector

#include <fmt/format.h>  // fmt::format

#include "statemachines/breaker_context.hpp"
#include "statemachines/msm_support.hpp"

namespace cascadelab {

namespace {

using msm_support::msmf::none;
using msm_support::msmf::Row;
using namespace msm_support;  // msmf, MachineDef, Guard, Action

// ---- Events (past-tense facts); the time they happened at is in the context (ctx.now) ----
struct CallRequested {
    static constexpr std::string_view name = "CallRequested";
};
struct CallCompleted {
    static constexpr std::string_view name = "CallCompleted";
    std::uint64_t epoch;  // of the permit the call was let through with
    CallOutcome outcome;
};
struct PermitReleased {
    static constexpr std::string_view name = "PermitReleased";
    std::uint64_t epoch;
};
struct OpenWaitElapsed {
    static constexpr std::string_view name = "OpenWaitElapsed";
};
struct HalfOpenWaitElapsed {
    static constexpr std::string_view name = "HalfOpenWaitElapsed";
};
struct TransitionRequested {
    static constexpr std::string_view name = "TransitionRequested";
    BreakerState target;
    bool wait_given = false;  // open_for / open_until
    Duration wait;
};


// ---- Guards (predicates) ----
CASCADELAB_GUARD(starts_operating, none, BreakerContext);
CASCADELAB_GUARD(to_operating_state, TransitionRequested, BreakerContext);
CASCADELAB_GUARD(to_administrative_state, TransitionRequested, BreakerContext);
CASCADELAB_GUARD(illegal_transition, TransitionRequested, BreakerContext);
CASCADELAB_GUARD(enters_closed, none, BreakerContext);
CASCADELAB_GUARD(enters_open, none, BreakerContext);
CASCADELAB_GUARD(enters_half_open, none, BreakerContext);
CASCADELAB_GUARD(enters_forced_open, none, BreakerContext);
CASCADELAB_GUARD(enters_disabled, none, BreakerContext);
CASCADELAB_GUARD(enters_metrics_only, none, BreakerContext);
CASCADELAB_GUARD(trips, CallCompleted, BreakerContext);
CASCADELAB_GUARD(wait_over, CallRequested, BreakerContext);
CASCADELAB_GUARD(automatic_transition, OpenWaitElapsed, BreakerContext);
CASCADELAB_GUARD(no_half_open_phase, none, BreakerContext);
CASCADELAB_GUARD(probe_slot_free, CallRequested, BreakerContext);
CASCADELAB_GUARD(stale_and_ignored, CallCompleted, BreakerContext);
CASCADELAB_GUARD(verdict_pending, CallCompleted, BreakerContext);
CASCADELAB_GUARD(probes_healthy, CallCompleted, BreakerContext);
CASCADELAB_GUARD(probes_failing, CallCompleted, BreakerContext);
CASCADELAB_GUARD(timeout_opens, HalfOpenWaitElapsed, BreakerContext);

// ---- Actions (imperatives) ----
CASCADELAB_ACTION_ON_ANY_EVENT(aim_at_target, BreakerContext);
CASCADELAB_ACTION_ON_ANY_EVENT(refuse_transition, BreakerContext);
CASCADELAB_ACTION_ON_ANY_EVENT(permit_call, BreakerContext);
CASCADELAB_ACTION_ON_ANY_EVENT(reject_call, BreakerContext);
CASCADELAB_ACTION_ON_ANY_EVENT(record_outcome, BreakerContext);
CASCADELAB_ACTION_ON_ANY_EVENT(record_tripping_outcome, BreakerContext);
CASCADELAB_ACTION_ON_ANY_EVENT(record_late_outcome, BreakerContext);
CASCADELAB_ACTION_ON_ANY_EVENT(record_isolated_outcome, BreakerContext);
CASCADELAB_ACTION_ON_ANY_EVENT(ignore_outcome, BreakerContext);
CASCADELAB_ACTION_ON_ANY_EVENT(record_and_report_thresholds, BreakerContext);
CASCADELAB_ACTION_ON_ANY_EVENT(admit_probe, BreakerContext);
CASCADELAB_ACTION_ON_ANY_EVENT(note_late_outcome, BreakerContext);
CASCADELAB_ACTION_ON_ANY_EVENT(record_probe, BreakerContext);
CASCADELAB_ACTION_ON_ANY_EVENT(record_failed_probes, BreakerContext);
CASCADELAB_ACTION_ON_ANY_EVENT(give_back_probe_permit, BreakerContext);
CASCADELAB_ACTION_ON_ANY_EVENT(note_hung_probes, BreakerContext);

// ---- States. Entry does the bookkeeping every way in shares. ----
// Choice pseudo-states, one per region (diagrams name states globally): entering a region goes
// through its choice to the state the context names.
struct ChoosingOperating : msmf::state<> {
    static constexpr std::string_view name = "ChoosingOperating";
};
struct ChoosingAdministrative : msmf::state<> {
    static constexpr std::string_view name = "ChoosingAdministrative";
};
#define CASCADELAB_STATE(NAME)                                                   \
    struct NAME : msmf::state<> {                                                \
        static constexpr std::string_view name = #NAME;                          \
        template <class E, class F> void on_entry(const E& e, F& fsm);           \
        template <class E, class F> void on_exit(const E& e, F& fsm);            \
    }
CASCADELAB_STATE(Closed);
CASCADELAB_STATE(Open);
CASCADELAB_STATE(HalfOpen);
CASCADELAB_STATE(ForcedOpen);
CASCADELAB_STATE(Disabled);
CASCADELAB_STATE(MetricsOnly);
#undef CASCADELAB_STATE

// ---- The Operating region: the breaker proper ----
struct OperatingDef : MachineDef<OperatingDef, BreakerContext> {
    static constexpr std::string_view name = "Operating";
    using initial_state = ChoosingOperating;

    struct transition_table : boost::mpl::vector<
        //   Source             Event                Target    Action                   Guard
        Row< ChoosingOperating, none,                Closed,   none,                    enters_closed        >,
        Row< ChoosingOperating, none,                Open,     none,                    enters_open          >,
        Row< ChoosingOperating, none,                HalfOpen, none,                    enters_half_open     >,
        // -----------------------------------------------------------------------------------------------------
        Row< Closed,            CallRequested,       none,     permit_call,             none                 >,
        Row< Closed,            CallCompleted,       none,     record_outcome,          Not<trips>         >,
        Row< Closed,            CallCompleted,       Open,     record_tripping_outcome, trips                >,
        // -----------------------------------------------------------------------------------------------------
        // An outcome while Open is taken by the top level (it may come from any earlier state).
        Row< Open,              CallRequested,       none,     reject_call,             Not<wait_over>           >,
        Row< Open,              CallRequested,       HalfOpen, none,                    wait_over            >,
        Row< Open,              OpenWaitElapsed,     HalfOpen, none,                    automatic_transition >,
        // -----------------------------------------------------------------------------------------------------
        Row< HalfOpen,          none,                Closed,   none,                    no_half_open_phase   >,
        Row< HalfOpen,          CallRequested,       none,     admit_probe,             probe_slot_free      >,
        Row< HalfOpen,          CallRequested,       none,     reject_call,             Not<probe_slot_free>     >,
        Row< HalfOpen,          CallCompleted,       none,     note_late_outcome,       stale_and_ignored    >,
        Row< HalfOpen,          CallCompleted,       none,     record_probe,            verdict_pending      >,
        Row< HalfOpen,          CallCompleted,       Closed,   record_probe,            probes_healthy       >,
        Row< HalfOpen,          CallCompleted,       Open,     record_failed_probes,    probes_failing       >,
        Row< HalfOpen,          PermitReleased,      none,     give_back_probe_permit,  none                 >,
        Row< HalfOpen,          HalfOpenWaitElapsed, Open,     note_hung_probes,        timeout_opens        >,
        Row< HalfOpen,          HalfOpenWaitElapsed, Closed,   none,                    Not<timeout_opens>       >
    > {};
};
using Operating = boost::msm::back::state_machine<OperatingDef>;

// ---- The Administrative region: the states an operator puts the breaker in ----
struct AdministrativeDef : MachineDef<AdministrativeDef, BreakerContext> {
    static constexpr std::string_view name = "Administrative";
    using initial_state = ChoosingAdministrative;

    struct transition_table : boost::mpl::vector<
        //   Source                  Event          Target       Action                        Guard
        Row< ChoosingAdministrative, none,          ForcedOpen,  none,                         enters_forced_open  >,
        Row< ChoosingAdministrative, none,          Disabled,    none,                         enters_disabled     >,
        Row< ChoosingAdministrative, none,          MetricsOnly, none,                         enters_metrics_only >,
        // -----------------------------------------------------------------------------------------------------------
        Row< ForcedOpen,             CallRequested, none,        reject_call,                  none                >,
        Row< ForcedOpen,             CallCompleted, none,        record_isolated_outcome,      none                >,
        Row< Disabled,               CallRequested, none,        permit_call,                  none                >,
        Row< Disabled,               CallCompleted, none,        ignore_outcome,               none                >,
        Row< MetricsOnly,            CallRequested, none,        permit_call,                  none                >,
        Row< MetricsOnly,            CallCompleted, none,        record_and_report_thresholds, none                >
    > {};
};
using Administrative = boost::msm::back::state_machine<AdministrativeDef>;

struct Starting : msmf::state<> {
    static constexpr std::string_view name = "Starting";
};

// ---- The top level: the two regions, and the manual transitions within and between them ----
struct BreakerDef : MachineDef<BreakerDef, BreakerContext> {
    static constexpr std::string_view name = "CircuitBreaker";
    using initial_state = Starting;

    struct transition_table : boost::mpl::vector<
        //   Source          Event                Target          Action               Guard
        Row< Starting,       none,                Operating,      none,                starts_operating        >,
        Row< Starting,       none,                Administrative, none,                Not<starts_operating>   >,
        // -------------------------------------------------------------------------------------------------------
        // Reached only in Open: Closed and HalfOpen take their own outcomes.
        Row< Operating,      CallCompleted,       none,           record_late_outcome, none                    >,
        // A permit given back outside HalfOpen frees nothing (Resilience4j).
        Row< Operating,      PermitReleased,      none,           none,                none                    >,
        Row< Operating,      TransitionRequested, Operating,      aim_at_target,       to_operating_state      >,
        Row< Operating,      TransitionRequested, Administrative, aim_at_target,       to_administrative_state >,
        Row< Operating,      TransitionRequested, none,           refuse_transition,   illegal_transition      >,
        // -------------------------------------------------------------------------------------------------------
        Row< Administrative, PermitReleased,      none,           none,                none                    >,
        Row< Administrative, TransitionRequested, Operating,      aim_at_target,       to_operating_state      >,
        Row< Administrative, TransitionRequested, Administrative, aim_at_target,       to_administrative_state >,
        Row< Administrative, TransitionRequested, none,           refuse_transition,   illegal_transition      >
    > {};
};
using BreakerMachine = boost::msm::back::state_machine<BreakerDef>;


// ---- Guard definitions: guards on the same (state, event) are mutually exclusive ----
bool starts_operating::test(const none&, const BreakerContext& c) { return BreakerContext::operating(c.target); }
bool to_operating_state::test(const TransitionRequested& e, const BreakerContext& c) {
    return BreakerContext::operating(e.target) && c.legal(e.target);
}
bool to_administrative_state::test(const TransitionRequested& e, const BreakerContext&) {
    return !BreakerContext::operating(e.target);
}
bool illegal_transition::test(const TransitionRequested& e, const BreakerContext& c) {
    return BreakerContext::operating(e.target) && !c.legal(e.target);
}
bool enters_closed::test(const none&, const BreakerContext& c) { return c.target == BreakerState::Closed; }
bool enters_open::test(const none&, const BreakerContext& c) { return c.target == BreakerState::Open; }
bool enters_half_open::test(const none&, const BreakerContext& c) { return c.target == BreakerState::HalfOpen; }
bool enters_forced_open::test(const none&, const BreakerContext& c) { return c.target == BreakerState::ForcedOpen; }
bool enters_disabled::test(const none&, const BreakerContext& c) { return c.target == BreakerState::Disabled; }
bool enters_metrics_only::test(const none&, const BreakerContext& c) { return c.target == BreakerState::MetricsOnly; }
bool trips::test(const CallCompleted& e, const BreakerContext& c) { return exceeded(c.verdict(e)); }
bool wait_over::test(const CallRequested&, const BreakerContext& c) { return c.wait_over(); }
// Only automatic mode starts the BreakerOpenWait timer; in lazy mode its event is unhandled.
bool automatic_transition::test(const OpenWaitElapsed&, const BreakerContext& c) {
    return c.config.automatic_transition_from_open_to_half_open;
}
bool no_half_open_phase::test(const none&, const BreakerContext& c) { return c.config.half_open_policy == HalfOpenPolicy::None; }
bool probe_slot_free::test(const CallRequested&, const BreakerContext& c) {
    const bool retest_due = c.config.half_open_retest_interval > Duration::zero() && c.now >= c.next_retest;
    return c.permits_left > 0 || retest_due;
}
bool stale_and_ignored::test(const CallCompleted& e, const BreakerContext& c) { return !c.counts_as_probe(e); }
bool verdict_pending::test(const CallCompleted& e, const BreakerContext& c) {
    return c.counts_as_probe(e) && c.probe_verdict(e) == Verdict::BelowMinimumCalls;
}
bool probes_healthy::test(const CallCompleted& e, const BreakerContext& c) {
    return c.counts_as_probe(e) && c.probe_verdict(e) == Verdict::BelowThresholds;
}
bool probes_failing::test(const CallCompleted& e, const BreakerContext& c) {
    return c.counts_as_probe(e) && exceeded(c.probe_verdict(e));
}
bool timeout_opens::test(const HalfOpenWaitElapsed&, const BreakerContext& c) {
    return c.config.transition_to_state_after_wait_duration == AfterHalfOpenWait::Open;
}

// ---- Action definitions ----
template <class Event>
void aim_at_target::run(const Event& e, BreakerContext& c) {
    c.target = e.target;
    c.wait_given = e.wait_given;
    c.given_wait = e.wait;
    if (e.target == BreakerState::Open) c.last_trip = TripReason::Manual;
}
template <class Event>
void refuse_transition::run(const Event& e, BreakerContext& c) {
    ++c.illegal;
    c.last_illegal = fmt::format("CircuitBreaker '{}' tried an illegal state transition from {} to {}", c.component.name(),
                                 peer_name(c.state), peer_name(e.target));
}
template <class Event>
void permit_call::run(const Event&, BreakerContext& c) { c.permit(); }
template <class Event>
void reject_call::run(const Event&, BreakerContext& c) { c.refuse(); }
template <class Event>
void record_outcome::run(const Event& e, BreakerContext& c) { c.book.record(c.now, e.outcome, c.state); }
// Resilience4j records the call that trips the breaker (5 calls, 60 %), then publishes
// FAILURE_RATE_EXCEEDED and/or SLOW_CALL_RATE_EXCEEDED.
template <class Event>
void record_tripping_outcome::run(const Event& e, BreakerContext& c) {
    const Verdict v = c.verdict(e);
    c.book.record(c.now, e.outcome, c.state);
    c.count_exceeded(v);
    c.last_trip = failure_rate_exceeded(v) ? TripReason::FailureRate : TripReason::SlowCallRate;
}
// While Open: Resilience4j records it in the metrics Open carries; Polly counts it in its health
// (and never extends the break). With stale outcomes ignored it is only counted as late.
template <class Event>
void record_late_outcome::run(const Event& e, BreakerContext& c) {
    ++c.late_outcomes;
    if (c.config.stale_outcomes == StaleOutcomes::Record) c.book.record(c.now, e.outcome, c.state);
}
// Polly's Isolated circuit counts what arrives; Resilience4j's FORCED_OPEN records nothing.
template <class Event>
void record_isolated_outcome::run(const Event& e, BreakerContext& c) {
    if (c.polly()) c.book.record(c.now, e.outcome, c.state);
}
template <class Event>
void ignore_outcome::run(const Event&, BreakerContext&) {}
template <class Event>
void record_and_report_thresholds::run(const Event& e, BreakerContext& c) {
    const Verdict v = c.verdict(e);
    c.book.record(c.now, e.outcome, c.state);
    if (failure_rate_exceeded(v) && !c.reported_failure_rate) {
        c.reported_failure_rate = true;
        ++c.failure_rate_events;
    }
    if (slow_call_rate_exceeded(v) && !c.reported_slow_call_rate) {
        c.reported_slow_call_rate = true;
        ++c.slow_call_rate_events;
    }
}
template <class Event>
void admit_probe::run(const Event&, BreakerContext& c) {
    if (c.permits_left > 0) {
        --c.permits_left;
    } else {
        c.next_retest = c.now + c.config.half_open_retest_interval;  // Polly v7: one more probe
    }
    ++c.probes_in_flight;
    c.permit();
}
template <class Event>
void note_late_outcome::run(const Event&, BreakerContext& c) { ++c.late_outcomes; }
template <class Event>
void record_probe::run(const Event& e, BreakerContext& c) {
    if (c.stale(e.epoch)) {
        ++c.late_outcomes;
    } else if (c.probes_in_flight > 0) {
        --c.probes_in_flight;
    }
    c.book.record(c.now, e.outcome, c.state);
}
template <class Event>
void record_failed_probes::run(const Event& e, BreakerContext& c) {
    record_probe::run(e, c);
    c.last_trip = TripReason::ProbesFailed;
}
// Resilience4j gives a permit back for any releasePermission, even of a call admitted before
// HalfOpen began: one more probe may then go than permitted (counted in extra_permits).
template <class Event>
void give_back_probe_permit::run(const Event& e, BreakerContext& c) {
    if (c.stale(e.epoch)) {
        if (c.config.released_permits == ReleasedPermits::CurrentOnly) return;
        ++c.extra_permits;
    } else if (c.probes_in_flight > 0) {
        --c.probes_in_flight;
    }
    ++c.permits_left;
}
template <class Event>
void note_hung_probes::run(const Event&, BreakerContext& c) { c.last_trip = TripReason::HalfOpenTimedOut; }

// ---- State entry/exit: what every way into a state shares ----
template <class F>
void entered(F& fsm, BreakerState s) {
    BreakerContext& c = *fsm.ctx;
    c.state = s;
    ++c.epoch;
    c.book.entered(s, c.now);
}

template <class E, class F>
void Closed::on_entry(const E&, F& fsm) {
    entered(fsm, BreakerState::Closed);
    fsm.ctx->consecutive_opens = 0;
}
template <class E, class F>
void Closed::on_exit(const E&, F&) {}

template <class E, class F>
void Open::on_entry(const E&, F& fsm) {
    BreakerContext& c = *fsm.ctx;
    entered(fsm, BreakerState::Open);
    ++c.consecutive_opens;  // Resilience4j OpenState(attempts + 1)
    c.open_wait = c.wait_given ? c.given_wait : c.next_open_wait();
    c.wait_given = false;
    c.open_until = c.now + c.open_wait;
    if (c.config.automatic_transition_from_open_to_half_open)
        c.effects->start_timer(TimerKind::BreakerOpenWait, 0, c.open_wait);
}
template <class E, class F>
void Open::on_exit(const E&, F& fsm) {
    if (fsm.ctx->config.automatic_transition_from_open_to_half_open) fsm.ctx->effects->cancel_timer(TimerKind::BreakerOpenWait, 0);
}

template <class E, class F>
void HalfOpen::on_entry(const E&, F& fsm) {
    BreakerContext& c = *fsm.ctx;
    entered(fsm, BreakerState::HalfOpen);
    c.permits_left = c.config.permitted_number_of_calls_in_half_open_state;
    c.probes_in_flight = 0;
    c.extra_permits = 0;
    // Polly: the probe has a break of its own (RetryAfter of the calls it turns away); v7 lets
    // one more probe through once that break has passed.
    c.probe_blocked_until = c.now + c.config.wait_duration_in_open_state;
    c.next_retest = c.now + c.config.half_open_retest_interval;
    if (c.config.max_wait_duration_in_half_open_state > Duration::zero() && c.config.half_open_policy == HalfOpenPolicy::Probes)
        c.effects->start_timer(TimerKind::BreakerHalfOpenWait, 0, c.config.max_wait_duration_in_half_open_state);
}
template <class E, class F>
void HalfOpen::on_exit(const E&, F& fsm) {
    const CircuitBreakerConfig& cfg = fsm.ctx->config;
    if (cfg.max_wait_duration_in_half_open_state > Duration::zero() && cfg.half_open_policy == HalfOpenPolicy::Probes)
        fsm.ctx->effects->cancel_timer(TimerKind::BreakerHalfOpenWait, 0);
}

template <class E, class F>
void ForcedOpen::on_entry(const E&, F& fsm) {
    entered(fsm, BreakerState::ForcedOpen);
    ++fsm.ctx->consecutive_opens;  // Resilience4j ForcedOpenState(attempts + 1)
}
template <class E, class F>
void ForcedOpen::on_exit(const E&, F&) {}

template <class E, class F>
void Disabled::on_entry(const E&, F& fsm) {
    entered(fsm, BreakerState::Disabled);
    fsm.ctx->consecutive_opens = 0;
}
template <class E, class F>
void Disabled::on_exit(const E&, F&) {}

template <class E, class F>
void MetricsOnly::on_entry(const E&, F& fsm) {
    entered(fsm, BreakerState::MetricsOnly);
    fsm.ctx->consecutive_opens = 0;
    fsm.ctx->reported_failure_rate = fsm.ctx->reported_slow_call_rate = false;
}
template <class E, class F>
void MetricsOnly::on_exit(const E&, F&) {}

}  // namespace

// ---- The facade ----
struct CircuitBreaker::Impl {
    Impl(const CircuitBreakerConfig& c, BreakerEffects& fx, ComponentId comp, Time now) : ctx(c, fx, comp, now) {
        machine.ctx = &ctx;
        machine.get_state<Operating&>().ctx = &ctx;
        machine.get_state<Administrative&>().ctx = &ctx;
        machine.start();
    }

    template <class Event>
    void process(Time now, const Event& e) {
        ctx.now = now;
        dispatch_traced(machine, e, ctx.component, 0);
    }

    BreakerContext ctx;
    BreakerMachine machine;
};

CircuitBreaker::CircuitBreaker(const CircuitBreakerConfig& config, BreakerEffects& effects, ComponentId component,
                               Time now) {
    config.validate();
    impl_ = std::make_unique<Impl>(config, effects, component, now);
}
CircuitBreaker::~CircuitBreaker() = default;

BreakerPermit CircuitBreaker::call_requested(Time now) {
    BreakerContext& c = impl_->ctx;
    c.last_permit = {};
    c.decided = false;
    impl_->process(now, CallRequested{});
    // Open let the call move it on (to HalfOpen, or Closed): the call now asks the state it led
    // to, as Resilience4j's OpenState.tryAcquirePermission asks the HalfOpenState it created.
    if (!c.decided) impl_->process(now, CallRequested{});
    return c.last_permit;
}

void CircuitBreaker::call_completed(Time now, const BreakerPermit& permit, Duration took, bool failed) {
    const CallOutcome outcome{failed, took > impl_->ctx.config.slow_call_duration_threshold, took};
    impl_->ctx.forget_verdicts();
    impl_->process(now, CallCompleted{permit.epoch, outcome});
}
void CircuitBreaker::call_succeeded(Time now, const BreakerPermit& permit, Duration took) {
    call_completed(now, permit, took, false);
}
void CircuitBreaker::call_finished(Time now, const BreakerPermit& permit, Duration took, AttemptOutcome outcome) {
    switch (impl_->ctx.config.record.of(outcome)) {
        case CallVerdict::Success: call_completed(now, permit, took, false); break;
        case CallVerdict::Failure: call_completed(now, permit, took, true); break;
        case CallVerdict::Ignored: permit_released(now, permit); break;
    }
}
void CircuitBreaker::permit_released(Time now, const BreakerPermit& permit) {
    impl_->process(now, PermitReleased{permit.epoch});
}
void CircuitBreaker::open_wait_elapsed(Time now) { impl_->process(now, OpenWaitElapsed{}); }
void CircuitBreaker::half_open_wait_elapsed(Time now) { impl_->process(now, HalfOpenWaitElapsed{}); }

TransitionResult CircuitBreaker::transition_to(Time now, BreakerState target) {
    const std::uint64_t before = impl_->ctx.illegal;
    impl_->process(now, TransitionRequested{target, false, Duration::zero()});
    return impl_->ctx.illegal == before ? TransitionResult::Done : TransitionResult::Illegal;
}
TransitionResult CircuitBreaker::open_for(Time now, Duration wait) {
    const std::uint64_t before = impl_->ctx.illegal;
    impl_->process(now, TransitionRequested{BreakerState::Open, true, wait});
    return impl_->ctx.illegal == before ? TransitionResult::Done : TransitionResult::Illegal;
}
TransitionResult CircuitBreaker::open_until(Time now, Time until) { return open_for(now, until - now); }
void CircuitBreaker::reset(Time now) { transition_to(now, BreakerState::Closed); }

BreakerState CircuitBreaker::state() const { return impl_->ctx.state; }
WindowTotals CircuitBreaker::window(Time now) const { return impl_->ctx.book.current(now); }
Resilience4jMetrics CircuitBreaker::metrics(Time now) const { return impl_->ctx.book.resilience4j(now); }
HealthInfo CircuitBreaker::health(Time now) const { return impl_->ctx.book.polly(now); }
Duration CircuitBreaker::retry_after(Time now) const {
    const BreakerContext& c = impl_->ctx;
    switch (c.state) {
        case BreakerState::Open: return c.open_until - now;
        case BreakerState::HalfOpen: return c.probe_blocked_until - now;
        case BreakerState::ForcedOpen: return Duration::max();
        default: return Duration::zero();
    }
}
TripReason CircuitBreaker::last_trip() const { return impl_->ctx.last_trip; }
std::uint64_t CircuitBreaker::failure_rate_exceeded_events() const { return impl_->ctx.failure_rate_events; }
std::uint64_t CircuitBreaker::slow_call_rate_exceeded_events() const { return impl_->ctx.slow_call_rate_events; }
std::uint64_t CircuitBreaker::transitions() const { return impl_->ctx.transitions; }
std::uint64_t CircuitBreaker::not_permitted() const { return impl_->ctx.book.not_permitted_total(); }
std::uint64_t CircuitBreaker::late_outcomes() const { return impl_->ctx.late_outcomes; }
std::uint64_t CircuitBreaker::illegal_transitions() const { return impl_->ctx.illegal; }
std::string CircuitBreaker::last_illegal_transition() const { return impl_->ctx.last_illegal; }
std::uint64_t CircuitBreaker::unhandled_events() const { return impl_->ctx.unhandled; }
std::string_view CircuitBreaker::last_row_guard() const { return impl_->ctx.fired_guard; }
std::uint32_t CircuitBreaker::consecutive_opens() const { return impl_->ctx.consecutive_opens; }
Duration CircuitBreaker::current_open_wait() const { return impl_->ctx.open_wait; }
Time CircuitBreaker::open_until() const { return impl_->ctx.open_until; }
std::uint32_t CircuitBreaker::probes_in_flight() const { return impl_->ctx.probes_in_flight; }
std::uint32_t CircuitBreaker::probe_permits_left() const { return impl_->ctx.permits_left; }
std::uint32_t CircuitBreaker::probe_limit() const {
    return impl_->ctx.config.permitted_number_of_calls_in_half_open_state + impl_->ctx.extra_permits;
}
const CircuitBreakerConfig& CircuitBreaker::config() const { return impl_->ctx.config; }
void CircuitBreaker::log_guards(std::vector<std::string_view>* sink) { impl_->ctx.guard_log = sink; }

MachineDescription CircuitBreaker::describe() { return describe_table<BreakerDef>(); }

std::string_view name(TripReason r) {
    switch (r) {
        case TripReason::None: return "none";
        case TripReason::FailureRate: return "failure-rate";
        case TripReason::SlowCallRate: return "slow-call-rate";
        case TripReason::ProbesFailed: return "probes-failed";
        case TripReason::HalfOpenTimedOut: return "half-open-timed-out";
        case TripReason::Manual: return "manual";
    }
    return "?";
}

std::string_view name(BreakerState s) {
    switch (s) {
        case BreakerState::Closed: return Closed::name;
        case BreakerState::Open: return Open::name;
        case BreakerState::HalfOpen: return HalfOpen::name;
        case BreakerState::ForcedOpen: return ForcedOpen::name;
        case BreakerState::Disabled: return Disabled::name;
        case BreakerState::MetricsOnly: return MetricsOnly::name;
    }
    return "?";
}

}  // namespace cascadelab
