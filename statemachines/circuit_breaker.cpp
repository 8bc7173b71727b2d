// The circuit breaker as a Boost.MSM machine. Read the two transition tables first: Operating
// (Closed / Open / HalfOpen) and the top level (Operating and the administrative states).
#include "statemachines/circuit_breaker.hpp"

#include <algorithm>  // std::min
#include <cmath>      // std::pow

#include "statemachines/config_error.hpp"
#include "statemachines/msm_support.hpp"

namespace cascadelab {

namespace {

using msm_support::msmf::none;
using msm_support::msmf::Row;
using namespace msm_support;  // msmf, MachineDef, Guard, Action

// ---- Events (past-tense facts); each carries the virtual time it happened at ----
struct CallRequested {
    static constexpr std::string_view name = "CallRequested";
    Time now;
};
struct CallCompleted {
    static constexpr std::string_view name = "CallCompleted";
    Time now;
    std::uint64_t epoch;  // of the permit the call was let through with
    CallOutcome outcome;
};
struct OpenWaitElapsed {
    static constexpr std::string_view name = "OpenWaitElapsed";
    Time now;
};
struct HalfOpenWaitElapsed {
    static constexpr std::string_view name = "HalfOpenWaitElapsed";
    Time now;
};
struct ModeChanged {
    static constexpr std::string_view name = "ModeChanged";
    Time now;
    BreakerMode mode;
};

struct BreakerContext;

// ---- Guards (predicates) ----
#define CASCADELAB_GUARD(NAME, EVENT)                                 \
    struct NAME : Guard<NAME> {                                              \
        static constexpr std::string_view name = #NAME;                      \
        static bool test(const EVENT& e, const BreakerContext& c);           \
    }
CASCADELAB_GUARD(trip_threshold_reached, CallCompleted);
CASCADELAB_GUARD(below_thresholds, CallCompleted);
CASCADELAB_GUARD(wait_over_to_half_open, CallRequested);
CASCADELAB_GUARD(wait_over_to_closed, CallRequested);
CASCADELAB_GUARD(still_open, CallRequested);
CASCADELAB_GUARD(half_open_after_wait, OpenWaitElapsed);
CASCADELAB_GUARD(closed_after_wait, OpenWaitElapsed);
CASCADELAB_GUARD(probe_slot_free, CallRequested);
CASCADELAB_GUARD(probes_exhausted, CallRequested);
CASCADELAB_GUARD(stale_outcome, CallCompleted);
CASCADELAB_GUARD(verdict_pending, CallCompleted);
CASCADELAB_GUARD(probes_healthy, CallCompleted);
CASCADELAB_GUARD(probes_failing, CallCompleted);
CASCADELAB_GUARD(to_forced_open, ModeChanged);
CASCADELAB_GUARD(to_disabled, ModeChanged);
CASCADELAB_GUARD(to_metrics_only, ModeChanged);
CASCADELAB_GUARD(to_normal, ModeChanged);
#undef CASCADELAB_GUARD

// ---- Actions (imperatives) ----
#define CASCADELAB_ACTION(NAME)                                          \
    struct NAME : Action<NAME> {                                         \
        static constexpr std::string_view name = #NAME;                  \
        template <class Event>                                           \
        static void run(const Event& e, BreakerContext& c);              \
    }
CASCADELAB_ACTION(permit_call);
CASCADELAB_ACTION(reject_call);
CASCADELAB_ACTION(record_outcome);
CASCADELAB_ACTION(ignore_outcome);
CASCADELAB_ACTION(note_trip_reason);
CASCADELAB_ACTION(note_late_outcome);
CASCADELAB_ACTION(admit_probe);
CASCADELAB_ACTION(record_probe);
CASCADELAB_ACTION(record_failed_probes);
CASCADELAB_ACTION(note_hung_probes);
#undef CASCADELAB_ACTION

// ---- States. Entry and exit do the bookkeeping every way in or out shares. ----
struct Closed : msmf::state<> {
    static constexpr std::string_view name = "Closed";
    template <class E, class F> void on_entry(const E& e, F& fsm);
};
struct Open : msmf::state<> {
    static constexpr std::string_view name = "Open";
    template <class E, class F> void on_entry(const E& e, F& fsm);
    template <class E, class F> void on_exit(const E& e, F& fsm);
};
struct HalfOpen : msmf::state<> {
    static constexpr std::string_view name = "HalfOpen";
    template <class E, class F> void on_entry(const E& e, F& fsm);
    template <class E, class F> void on_exit(const E& e, F& fsm);
};

// ---- The Operating region: the breaker proper ----
struct OperatingDef : MachineDef<OperatingDef, BreakerContext> {
    static constexpr std::string_view name = "Operating";
    using initial_state = Closed;

    struct transition_table : boost::mpl::vector<
        //   Source     Event                Target     Action                Guard
        Row< Closed,    CallRequested,       none,      permit_call,          none                    >,
        Row< Closed,    CallCompleted,       none,      record_outcome,       below_thresholds        >,
        Row< Closed,    CallCompleted,       Open,      note_trip_reason,     trip_threshold_reached  >,
        // ---------------------------------------------------------------------------------------
        Row< Open,      CallRequested,       none,      reject_call,          still_open              >,
        Row< Open,      CallRequested,       HalfOpen,  permit_call,          wait_over_to_half_open  >,
        Row< Open,      CallRequested,       Closed,    permit_call,          wait_over_to_closed     >,
        Row< Open,      OpenWaitElapsed,     HalfOpen,  none,                 half_open_after_wait    >,
        Row< Open,      OpenWaitElapsed,     Closed,    none,                 closed_after_wait       >,
        Row< Open,      CallCompleted,       none,      note_late_outcome,    none                    >,
        // ---------------------------------------------------------------------------------------
        Row< HalfOpen,  CallRequested,       none,      admit_probe,          probe_slot_free         >,
        Row< HalfOpen,  CallRequested,       none,      reject_call,          probes_exhausted        >,
        Row< HalfOpen,  CallCompleted,       none,      note_late_outcome,    stale_outcome           >,
        Row< HalfOpen,  CallCompleted,       none,      record_probe,         verdict_pending         >,
        Row< HalfOpen,  CallCompleted,       Closed,    record_probe,         probes_healthy          >,
        Row< HalfOpen,  CallCompleted,       Open,      record_failed_probes, probes_failing          >,
        Row< HalfOpen,  HalfOpenWaitElapsed, Open,      note_hung_probes,     none                    >
    > {};
};
using Operating = boost::msm::back::state_machine<OperatingDef>;

struct ForcedOpen : msmf::state<> {
    static constexpr std::string_view name = "ForcedOpen";
    template <class E, class F> void on_entry(const E& e, F& fsm);
};
struct Disabled : msmf::state<> {
    static constexpr std::string_view name = "Disabled";
    template <class E, class F> void on_entry(const E& e, F& fsm);
};
struct MetricsOnly : msmf::state<> {
    static constexpr std::string_view name = "MetricsOnly";
    template <class E, class F> void on_entry(const E& e, F& fsm);
};

// ---- The top level: normal operation and the administrative states ----
struct BreakerDef : MachineDef<BreakerDef, BreakerContext> {
    static constexpr std::string_view name = "CircuitBreaker";
    using initial_state = Operating;

    struct transition_table : boost::mpl::vector<
        //   Source       Event          Target       Action          Guard
        Row< Operating,   ModeChanged,   ForcedOpen,  none,           to_forced_open   >,
        Row< Operating,   ModeChanged,   Disabled,    none,           to_disabled      >,
        Row< Operating,   ModeChanged,   MetricsOnly, none,           to_metrics_only  >,
        Row< Operating,   ModeChanged,   Operating,   none,           to_normal        >,
        // ---------------------------------------------------------------------------------
        Row< ForcedOpen,  CallRequested, none,        reject_call,    none             >,
        Row< ForcedOpen,  CallCompleted, none,        ignore_outcome, none             >,
        Row< ForcedOpen,  ModeChanged,   Disabled,    none,           to_disabled      >,
        Row< ForcedOpen,  ModeChanged,   MetricsOnly, none,           to_metrics_only  >,
        Row< ForcedOpen,  ModeChanged,   Operating,   none,           to_normal        >,
        // ---------------------------------------------------------------------------------
        Row< Disabled,    CallRequested, none,        permit_call,    none             >,
        Row< Disabled,    CallCompleted, none,        ignore_outcome, none             >,
        Row< Disabled,    ModeChanged,   ForcedOpen,  none,           to_forced_open   >,
        Row< Disabled,    ModeChanged,   MetricsOnly, none,           to_metrics_only  >,
        Row< Disabled,    ModeChanged,   Operating,   none,           to_normal        >,
        // ---------------------------------------------------------------------------------
        Row< MetricsOnly, CallRequested, none,        permit_call,    none             >,
        Row< MetricsOnly, CallCompleted, none,        record_outcome, none             >,
        Row< MetricsOnly, ModeChanged,   ForcedOpen,  none,           to_forced_open   >,
        Row< MetricsOnly, ModeChanged,   Disabled,    none,           to_disabled      >,
        Row< MetricsOnly, ModeChanged,   Operating,   none,           to_normal        >
    > {};
};
using BreakerMachine = boost::msm::back::state_machine<BreakerDef>;

// ---- The context: configuration, counters and the window the guards and actions read ----
struct BreakerContext {
    BreakerContext(const CircuitBreakerConfig& c, Effects& fx, std::string_view comp)
        : config(c),
          effects(&fx),
          component(comp),
          window(c.sliding_window_type, c.sliding_window_size, c.time_window_bucket) {}

    CircuitBreakerConfig config;
    Effects* effects;
    std::string_view component;

    BreakerState state = BreakerState::Closed;
    std::string_view fired_guard;
    BreakerWindow window;
    WindowTotals probes;  // outcomes of the current HalfOpen's probes
    std::uint32_t probes_admitted = 0;
    std::uint32_t probes_in_flight = 0;
    std::uint64_t epoch = 1;  // advances on every entry to a state; 0 is never a valid epoch
    BreakerPermit last_permit;
    Time open_until;
    std::uint32_t consecutive_opens = 0;
    Duration open_wait;
    TripReason last_trip = TripReason::None;
    std::uint64_t not_permitted = 0;
    std::uint64_t late_outcomes = 0;
    std::uint64_t unhandled = 0;
    std::uint64_t transitions = 0;
    std::string_view last_unhandled;

    void note_unhandled(std::string_view event) {
        ++unhandled;
        last_unhandled = event;
    }

    // Resilience4j clamps minimumNumberOfCalls to the window size for count-based windows.
    std::uint32_t minimum_calls() const {
        return config.sliding_window_type == WindowKind::CountBased
                   ? std::min(config.minimum_number_of_calls, config.sliding_window_size)
                   : config.minimum_number_of_calls;
    }
    // rate >= threshold, as failures * 100 >= threshold * calls: no division per call.
    bool over_thresholds(const WindowTotals& t) const {
        const double calls = static_cast<double>(t.calls);
        return t.calls > 0 && (100.0 * t.failures >= config.failure_rate_threshold * calls ||
                               100.0 * t.slow >= config.slow_call_rate_threshold * calls);
    }
    bool trips_with(const CallCompleted& e) const {
        const WindowTotals t = window.totals_with(e.now, e.outcome);
        return t.calls >= minimum_calls() && over_thresholds(t);
    }
    WindowTotals probes_with(const CallCompleted& e) const {
        WindowTotals t = probes;
        ++t.calls;
        t.failures += e.outcome.failed;
        t.slow += e.outcome.slow;
        return t;
    }
    bool verdict_due(const CallCompleted& e) const {
        return e.epoch == epoch && probes.calls + 1 >= config.permitted_number_of_calls_in_half_open_state;
    }
    bool wait_over(Time now) const { return now >= open_until; }
    bool lazy() const { return !config.automatic_transition_from_open_to_half_open; }
    bool probes_policy() const { return config.half_open_policy == HalfOpenPolicy::Probes; }
};

// ---- Guard definitions: guards on the same (state, event) are mutually exclusive ----
bool trip_threshold_reached::test(const CallCompleted& e, const BreakerContext& c) { return c.trips_with(e); }
bool below_thresholds::test(const CallCompleted& e, const BreakerContext& c) { return !c.trips_with(e); }
bool wait_over_to_half_open::test(const CallRequested& e, const BreakerContext& c) {
    return c.lazy() && c.wait_over(e.now) && c.probes_policy();
}
bool wait_over_to_closed::test(const CallRequested& e, const BreakerContext& c) {
    return c.lazy() && c.wait_over(e.now) && !c.probes_policy();
}
bool still_open::test(const CallRequested& e, const BreakerContext& c) { return !c.lazy() || !c.wait_over(e.now); }
// Only automatic mode starts the BreakerOpenWait timer; in lazy mode its event is unhandled.
bool half_open_after_wait::test(const OpenWaitElapsed&, const BreakerContext& c) { return !c.lazy() && c.probes_policy(); }
bool closed_after_wait::test(const OpenWaitElapsed&, const BreakerContext& c) { return !c.lazy() && !c.probes_policy(); }
bool probe_slot_free::test(const CallRequested&, const BreakerContext& c) {
    return c.probes_admitted < c.config.permitted_number_of_calls_in_half_open_state;
}
bool probes_exhausted::test(const CallRequested&, const BreakerContext& c) {
    return c.probes_admitted >= c.config.permitted_number_of_calls_in_half_open_state;
}
bool stale_outcome::test(const CallCompleted& e, const BreakerContext& c) { return e.epoch != c.epoch; }
bool verdict_pending::test(const CallCompleted& e, const BreakerContext& c) {
    return e.epoch == c.epoch && !c.verdict_due(e);
}
bool probes_healthy::test(const CallCompleted& e, const BreakerContext& c) {
    return c.verdict_due(e) && !c.over_thresholds(c.probes_with(e));
}
bool probes_failing::test(const CallCompleted& e, const BreakerContext& c) {
    return c.verdict_due(e) && c.over_thresholds(c.probes_with(e));
}
bool to_forced_open::test(const ModeChanged& e, const BreakerContext&) { return e.mode == BreakerMode::ForcedOpen; }
bool to_disabled::test(const ModeChanged& e, const BreakerContext&) { return e.mode == BreakerMode::Disabled; }
bool to_metrics_only::test(const ModeChanged& e, const BreakerContext&) { return e.mode == BreakerMode::MetricsOnly; }
bool to_normal::test(const ModeChanged& e, const BreakerContext&) { return e.mode == BreakerMode::Normal; }

// ---- Action definitions ----
template <class Event>
void permit_call::run(const Event&, BreakerContext& c) { c.last_permit = {true, c.epoch}; }
template <class Event>
void reject_call::run(const Event&, BreakerContext& c) {
    c.last_permit = {false, c.epoch};
    ++c.not_permitted;
}
template <class Event>
void record_outcome::run(const Event& e, BreakerContext& c) { c.window.record(e.now, e.outcome); }
template <class Event>
void ignore_outcome::run(const Event&, BreakerContext&) {}
template <class Event>
void note_trip_reason::run(const Event& e, BreakerContext& c) {
    const WindowTotals t = c.window.totals_with(e.now, e.outcome);
    c.last_trip = t.failure_rate() >= c.config.failure_rate_threshold ? TripReason::FailureRate : TripReason::SlowCallRate;
}
// Polly: outcomes that arrive while Open never extend the break. They are counted, not recorded.
template <class Event>
void note_late_outcome::run(const Event&, BreakerContext& c) { ++c.late_outcomes; }
template <class Event>
void admit_probe::run(const Event&, BreakerContext& c) {
    ++c.probes_admitted;
    ++c.probes_in_flight;
    c.last_permit = {true, c.epoch};
}
template <class Event>
void record_probe::run(const Event& e, BreakerContext& c) {
    c.probes = c.probes_with(e);
    if (c.probes_in_flight > 0) --c.probes_in_flight;
}
template <class Event>
void record_failed_probes::run(const Event& e, BreakerContext& c) {
    record_probe::run(e, c);
    c.last_trip = TripReason::ProbesFailed;
}
template <class Event>
void note_hung_probes::run(const Event&, BreakerContext& c) { c.last_trip = TripReason::HalfOpenTimedOut; }

// ---- State entry/exit ----
template <class E, class F>
void Closed::on_entry(const E&, F& fsm) {
    BreakerContext& c = *fsm.ctx;
    c.state = BreakerState::Closed;
    ++c.epoch;
    c.window.reset();
    c.consecutive_opens = 0;
}

template <class E, class F>
void Open::on_entry(const E& e, F& fsm) {
    BreakerContext& c = *fsm.ctx;
    c.state = BreakerState::Open;
    ++c.epoch;
    ++c.consecutive_opens;
    const double grown = static_cast<double>(c.config.wait_duration_in_open_state.us()) *
                         std::pow(c.config.wait_in_open_multiplier, static_cast<double>(c.consecutive_opens - 1));
    const double capped = std::min(grown, static_cast<double>(c.config.max_wait_in_open_state.us()));
    c.open_wait = c.consecutive_opens == 1 ? c.config.wait_duration_in_open_state
                                           : Duration::micros(static_cast<std::int64_t>(capped));
    c.open_until = event_time(e) + c.open_wait;
    if (!c.lazy()) c.effects->start_timer(TimerKind::BreakerOpenWait, 0, c.open_wait);
}
template <class E, class F>
void Open::on_exit(const E&, F& fsm) {
    if (!fsm.ctx->lazy()) fsm.ctx->effects->cancel_timer(TimerKind::BreakerOpenWait, 0);
}

template <class E, class F>
void HalfOpen::on_entry(const E&, F& fsm) {
    BreakerContext& c = *fsm.ctx;
    c.state = BreakerState::HalfOpen;
    ++c.epoch;
    c.probes = {};
    c.probes_admitted = 0;
    c.probes_in_flight = 0;
    // Entered lazily by a call: that call is the first probe (the row's action permitted it
    // before this entry ran, so its permit is re-issued with this state's epoch).
    if constexpr (std::is_same_v<E, CallRequested>) {
        c.probes_admitted = 1;
        c.probes_in_flight = 1;
        c.last_permit = {true, c.epoch};
    }
    if (c.config.max_wait_duration_in_half_open_state > Duration::zero())
        c.effects->start_timer(TimerKind::BreakerHalfOpenWait, 0, c.config.max_wait_duration_in_half_open_state);
}
template <class E, class F>
void HalfOpen::on_exit(const E&, F& fsm) {
    if (fsm.ctx->config.max_wait_duration_in_half_open_state > Duration::zero())
        fsm.ctx->effects->cancel_timer(TimerKind::BreakerHalfOpenWait, 0);
}

template <class E, class F>
void ForcedOpen::on_entry(const E&, F& fsm) {
    fsm.ctx->state = BreakerState::ForcedOpen;
    ++fsm.ctx->epoch;
}
template <class E, class F>
void Disabled::on_entry(const E&, F& fsm) {
    fsm.ctx->state = BreakerState::Disabled;
    ++fsm.ctx->epoch;
}
template <class E, class F>
void MetricsOnly::on_entry(const E&, F& fsm) {
    fsm.ctx->state = BreakerState::MetricsOnly;
    ++fsm.ctx->epoch;
    fsm.ctx->window.reset();
}

}  // namespace

// ---- The facade ----
struct CircuitBreaker::Impl {
    Impl(const CircuitBreakerConfig& c, Effects& fx, std::string_view comp) : ctx(c, fx, comp) {
        machine.ctx = &ctx;
        machine.get_state<Operating&>().ctx = &ctx;
        machine.start();
    }

    template <class Event>
    void process(const Event& e) {
        dispatch_traced(machine, e, ctx.component, 0);
    }

    BreakerContext ctx;
    BreakerMachine machine;
};

CircuitBreaker::CircuitBreaker(const CircuitBreakerConfig& config, Effects& effects, std::string_view component) {
    config.validate();
    impl_ = std::make_unique<Impl>(config, effects, component);
}
CircuitBreaker::~CircuitBreaker() = default;

BreakerPermit CircuitBreaker::call_requested(Time now) {
    impl_->ctx.last_permit = {};
    impl_->process(CallRequested{now});
    return impl_->ctx.last_permit;
}
void CircuitBreaker::call_completed(Time now, const BreakerPermit& permit, Duration duration, bool failed) {
    const CallOutcome outcome{failed, duration > impl_->ctx.config.slow_call_duration_threshold};
    impl_->process(CallCompleted{now, permit.epoch, outcome});
}
void CircuitBreaker::open_wait_elapsed(Time now) { impl_->process(OpenWaitElapsed{now}); }
void CircuitBreaker::half_open_wait_elapsed(Time now) { impl_->process(HalfOpenWaitElapsed{now}); }
void CircuitBreaker::mode_changed(Time now, BreakerMode mode) { impl_->process(ModeChanged{now, mode}); }

BreakerState CircuitBreaker::state() const { return impl_->ctx.state; }
WindowTotals CircuitBreaker::window(Time now) const {
    return impl_->ctx.state == BreakerState::HalfOpen ? impl_->ctx.probes : impl_->ctx.window.totals(now);
}
TripReason CircuitBreaker::last_trip() const { return impl_->ctx.last_trip; }
std::uint64_t CircuitBreaker::transitions() const { return impl_->ctx.transitions; }
std::uint64_t CircuitBreaker::not_permitted() const { return impl_->ctx.not_permitted; }
std::uint64_t CircuitBreaker::unhandled_events() const { return impl_->ctx.unhandled; }
std::string_view CircuitBreaker::last_row_guard() const { return impl_->ctx.fired_guard; }
std::uint32_t CircuitBreaker::consecutive_opens() const { return impl_->ctx.consecutive_opens; }
Duration CircuitBreaker::current_open_wait() const { return impl_->ctx.open_wait; }
std::uint32_t CircuitBreaker::probes_in_flight() const { return impl_->ctx.probes_in_flight; }
const CircuitBreakerConfig& CircuitBreaker::config() const { return impl_->ctx.config; }

MachineDescription CircuitBreaker::describe() { return describe_table<BreakerDef>(); }

// ---- Names, presets, validation ----
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

std::string_view name(TripReason r) {
    switch (r) {
        case TripReason::None: return "none";
        case TripReason::FailureRate: return "failure-rate";
        case TripReason::SlowCallRate: return "slow-call-rate";
        case TripReason::ProbesFailed: return "probes-failed";
        case TripReason::HalfOpenTimedOut: return "half-open-timed-out";
    }
    return "?";
}

CircuitBreakerConfig CircuitBreakerConfig::resilience4j() { return CircuitBreakerConfig{}; }

CircuitBreakerConfig CircuitBreakerConfig::polly() {
    CircuitBreakerConfig c;
    c.sliding_window_type = WindowKind::TimeBased;
    c.sliding_window_size = 30;
    c.time_window_bucket = Duration::seconds(1);
    c.minimum_number_of_calls = 100;
    c.failure_rate_threshold = 10.0;
    c.slow_call_rate_threshold = 100.0;
    c.wait_duration_in_open_state = Duration::seconds(5);
    c.max_wait_in_open_state = Duration::seconds(5);
    c.half_open_policy = HalfOpenPolicy::Probes;
    c.permitted_number_of_calls_in_half_open_state = 1;
    c.max_wait_duration_in_half_open_state = Duration::seconds(5);
    return c;
}

CircuitBreakerConfig CircuitBreakerConfig::tutorial() {
    CircuitBreakerConfig c;
    c.sliding_window_type = WindowKind::CountBased;
    c.sliding_window_size = 20;
    c.minimum_number_of_calls = 20;  // "when the window is full"
    c.failure_rate_threshold = 40.0;  // 8 of 20
    c.wait_duration_in_open_state = Duration::millis(500);
    c.max_wait_in_open_state = Duration::millis(500);
    c.half_open_policy = HalfOpenPolicy::None;
    return c;
}

void CircuitBreakerConfig::validate() const {
    constexpr std::string_view s = "circuit_breaker";
    require(sliding_window_size >= 1, s, "sliding_window_size", sliding_window_size, "must be at least 1");
    require(sliding_window_size <= 100'000, s, "sliding_window_size", sliding_window_size, "must be at most 100000");
    require(time_window_bucket > Duration::zero(), s, "time_window_bucket", time_window_bucket, "must be positive");
    require(minimum_number_of_calls >= 1, s, "minimum_number_of_calls", minimum_number_of_calls, "must be at least 1");
    require(failure_rate_threshold > 0.0 && failure_rate_threshold <= 100.0, s, "failure_rate_threshold",
            failure_rate_threshold, "must be in (0, 100] percent");
    require(slow_call_rate_threshold > 0.0 && slow_call_rate_threshold <= 100.0, s, "slow_call_rate_threshold",
            slow_call_rate_threshold, "must be in (0, 100] percent");
    require(slow_call_duration_threshold > Duration::zero(), s, "slow_call_duration_threshold",
            slow_call_duration_threshold, "must be positive");
    require(wait_duration_in_open_state > Duration::zero(), s, "wait_duration_in_open_state",
            wait_duration_in_open_state, "must be positive");
    require(wait_in_open_multiplier >= 1.0 && wait_in_open_multiplier <= 100.0, s, "wait_in_open_multiplier",
            wait_in_open_multiplier, "must be in [1, 100] (1 = a fixed wait)");
    require(max_wait_in_open_state >= wait_duration_in_open_state, s, "max_wait_in_open_state", max_wait_in_open_state,
            "must be at least wait_duration_in_open_state");
    require(permitted_number_of_calls_in_half_open_state >= 1, s, "permitted_number_of_calls_in_half_open_state",
            permitted_number_of_calls_in_half_open_state, "must be at least 1");
    require(max_wait_duration_in_half_open_state >= Duration::zero(), s, "max_wait_duration_in_half_open_state",
            max_wait_duration_in_half_open_state, "must be zero (off) or positive");
}

}  // namespace cascadelab
