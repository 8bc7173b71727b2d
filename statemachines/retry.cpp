// The retry machine as a Boost.MSM machine. The transition table comes first.
#include "statemachines/retry.hpp"

#include <algorithm>  // std::min
#include <new>        // std::launder, placement new

#include "statemachines/config_error.hpp"
#include "statemachines/config_tables.hpp"
#include "statemachines/msm_support.hpp"

namespace cascadelab {

namespace {

using namespace msm_support;  // msmf, MachineDef, NamedState, Guard, Action
using msmf::none;
using msmf::Row;

CASCADELAB_TIMED_EVENT(RequestStarted);
CASCADELAB_TIMED_EVENT(AttemptAdmitted);
CASCADELAB_TIMED_EVENT(AttemptSucceeded);
CASCADELAB_TIMED_EVENT(BackoffElapsed);
CASCADELAB_TIMED_EVENT(DeadlineReached);
struct AttemptFailed {
    static constexpr std::string_view name = "AttemptFailed";
    Time now;
    AttemptOutcome outcome;
    Pushback pushback;
};

struct RetryContext;

// The guards on AttemptFailed read one verdict, planned once before the event is dispatched
// (RetryContext::plan): the backoff draw and the budget's token are side effects, and guards
// must stay pure and mutually exclusive.
#define CASCADELAB_VERDICT_GUARD(NAME, VERDICT)                                     \
    struct NAME : Guard<NAME> {                                                     \
        static constexpr std::string_view name = #NAME;                             \
        static bool test(const AttemptFailed&, const RetryContext& c);              \
        static constexpr RetryEnd verdict = VERDICT;                                \
    }
CASCADELAB_VERDICT_GUARD(retry_planned, RetryEnd::None);
CASCADELAB_VERDICT_GUARD(outcome_not_retryable, RetryEnd::NotRetryable);
CASCADELAB_VERDICT_GUARD(attempts_used_up, RetryEnd::AttemptsExhausted);
CASCADELAB_VERDICT_GUARD(deadline_too_close, RetryEnd::DeadlineExceeded);
CASCADELAB_VERDICT_GUARD(budget_denied, RetryEnd::BudgetDenied);
CASCADELAB_VERDICT_GUARD(pushback_says_stop, RetryEnd::PushbackStop);
#undef CASCADELAB_VERDICT_GUARD

CASCADELAB_ACTION_ON_ANY_EVENT(send_first_attempt, RetryContext);
CASCADELAB_ACTION_ON_ANY_EVENT(start_attempt_timer, RetryContext);
CASCADELAB_ACTION(finish_succeeded, AttemptSucceeded, RetryContext);
CASCADELAB_ACTION(finish_as_planned, AttemptFailed, RetryContext);
CASCADELAB_ACTION_ON_ANY_EVENT(schedule_backoff, RetryContext);
CASCADELAB_ACTION_ON_ANY_EVENT(abandon_attempt, RetryContext);
CASCADELAB_ACTION_ON_ANY_EVENT(send_next_attempt, RetryContext);
CASCADELAB_ACTION_ON_ANY_EVENT(cancel_backoff, RetryContext);
CASCADELAB_ACTION_ON_ANY_EVENT(note_late_outcome, RetryContext);

struct Idle : NamedState<RetryState::Idle> {
    static constexpr std::string_view name = "Idle";
};
struct Attempting : NamedState<RetryState::Attempting> {
    static constexpr std::string_view name = "Attempting";
};
struct BackingOff : NamedState<RetryState::BackingOff> {
    static constexpr std::string_view name = "BackingOff";
};
// A final state: the request's outcome is decided; its deadline timer is no longer needed.
template <RetryState Value>
struct Final : msmf::state<> {
    template <class Event, class Fsm>
    void on_entry(const Event&, Fsm& fsm);
};
struct Succeeded : Final<RetryState::Succeeded> {
    static constexpr std::string_view name = "Succeeded";
};
struct Exhausted : Final<RetryState::Exhausted> {
    static constexpr std::string_view name = "Exhausted";
};
struct Rejected : Final<RetryState::Rejected> {
    static constexpr std::string_view name = "Rejected";
};

struct RetryDef : MachineDef<RetryDef, RetryContext> {
    static constexpr std::string_view name = "Retry";
    using initial_state = Idle;

    struct transition_table : boost::mpl::vector<
        //   Source      Event             Target      Action               Guard
        Row< Idle,       RequestStarted,   Attempting, send_first_attempt,  none                   >,
        // ------------------------------------------------------------------------------------------
        Row< Attempting, AttemptAdmitted,  none,       start_attempt_timer, none                   >,
        Row< Attempting, AttemptSucceeded, Succeeded,  finish_succeeded,    none                   >,
        Row< Attempting, AttemptFailed,    BackingOff, schedule_backoff,    retry_planned          >,
        Row< Attempting, AttemptFailed,    Rejected,   finish_as_planned,   outcome_not_retryable  >,
        Row< Attempting, AttemptFailed,    Exhausted,  finish_as_planned,   attempts_used_up       >,
        Row< Attempting, AttemptFailed,    Exhausted,  finish_as_planned,   deadline_too_close     >,
        Row< Attempting, AttemptFailed,    Rejected,   finish_as_planned,   budget_denied          >,
        Row< Attempting, AttemptFailed,    Rejected,   finish_as_planned,   pushback_says_stop     >,
        Row< Attempting, DeadlineReached,  Exhausted,  abandon_attempt,     none                   >,
        // ------------------------------------------------------------------------------------------
        Row< BackingOff, BackoffElapsed,   Attempting, send_next_attempt,   none                   >,
        Row< BackingOff, DeadlineReached,  Exhausted,  cancel_backoff,      none                   >,
        // ------------------------------------------------------------------------------------------
        Row< Exhausted,  AttemptSucceeded, none,       note_late_outcome,   none                   >,
        Row< Exhausted,  AttemptFailed,    none,       note_late_outcome,   none                   >
    > {};
};
using RetryMachine = boost::msm::back::state_machine<RetryDef>;

struct RetryContext {
    RetryContext(const RetryConfig& c, std::uint64_t req, RetryEffects& fx, Rng& r, RetryGate* g)
        : config(&c), request(req), effects(&fx), rng(&r), gate(g), schedule(c.backoff) {}

    const RetryConfig* config;
    std::uint64_t request;
    RetryEffects* effects;
    Rng* rng;
    RetryGate* gate;
    BackoffSchedule schedule;

    // One context per request in flight: 8-byte fields first, then 4-byte ones, then bytes.
    std::string_view fired_guard;
    Time started;
    Duration planned_delay;
    Duration last_backoff;
    std::uint32_t attempts = 0;
    std::uint32_t planned_charge = 0;
    std::uint32_t last_charge = 0;
    std::uint32_t late_outcomes = 0;  // per request: 32 bits are plenty
    std::uint32_t unhandled = 0;
    std::uint32_t transitions = 0;
    RetryState state = RetryState::Idle;
    RetryEnd planned = RetryEnd::None;  // the verdict for the AttemptFailed being dispatched
    RetryEnd end = RetryEnd::None;

    void note_unhandled(std::string_view) { ++unhandled; }
    bool has_deadline() const { return config->overall_deadline > Duration::zero(); }
    bool has_attempt_timeout() const { return config->per_attempt_timeout > Duration::zero(); }

    // Decides what a failed attempt leads to. A server's pushback comes first (gRPC A6); the
    // budget is asked last, so that a token is spent only when the retry will really happen.
    void plan(Time now, AttemptOutcome outcome, const Pushback& pushback) {
        planned_delay = Duration::zero();
        planned_charge = 0;
        const bool grpc = config->honor_pushback && config->pushback_mode == PushbackMode::Grpc;
        const bool told_to_wait = grpc && pushback.kind == Pushback::Kind::RetryAfter;
        if (grpc && pushback.kind == Pushback::Kind::Stop) {
            planned = RetryEnd::PushbackStop;
        } else if (!config->retry_on.contains(outcome) && !told_to_wait) {
            planned = RetryEnd::NotRetryable;
        } else if (attempts >= config->max_attempts) {
            planned = RetryEnd::AttemptsExhausted;
        } else {
            if (told_to_wait) {
                // The server's delay; a later retry starts from the initial backoff again.
                planned_delay = pushback.after;
                schedule.reset();
            } else {
                const bool throttled = outcome == AttemptOutcome::Throttled && config->throttle_backoff_base > Duration::zero();
                planned_delay = schedule.next(*rng, throttled ? config->throttle_backoff_base : Duration::zero());
                if (config->honor_pushback && config->pushback_mode == PushbackMode::AwsRetryAfter &&
                    pushback.kind == Pushback::Kind::RetryAfter) {
                    const Duration bounded = std::max(pushback.after, planned_delay);
                    planned_delay = std::min(bounded, planned_delay + Duration::seconds(5));
                }
            }
            if (has_deadline() && now + planned_delay >= started + config->overall_deadline) {
                planned = RetryEnd::DeadlineExceeded;
                return;
            }
            const RetryGrant grant = gate != nullptr ? gate->try_acquire_retry(now, outcome) : RetryGrant{true, 0};
            planned = grant.granted ? RetryEnd::None : RetryEnd::BudgetDenied;
            planned_charge = grant.cost;
        }
    }

    void send_attempt() {
        ++attempts;
        effects->send_attempt(request, attempts);
        if (has_attempt_timeout() && !config->timeout_starts_after_admission)
            effects->start_timer(TimerKind::RetryAttemptTimeout, request, config->per_attempt_timeout);
    }
    void stop_attempt_timer() {
        if (has_attempt_timeout()) effects->cancel_timer(TimerKind::RetryAttemptTimeout, request);
    }
};

#define CASCADELAB_VERDICT_TEST(NAME) \
    bool NAME::test(const AttemptFailed&, const RetryContext& c) { return c.planned == verdict; }
CASCADELAB_VERDICT_TEST(retry_planned)
CASCADELAB_VERDICT_TEST(outcome_not_retryable)
CASCADELAB_VERDICT_TEST(attempts_used_up)
CASCADELAB_VERDICT_TEST(deadline_too_close)
CASCADELAB_VERDICT_TEST(budget_denied)
CASCADELAB_VERDICT_TEST(pushback_says_stop)
#undef CASCADELAB_VERDICT_TEST

template <class Event>
void send_first_attempt::run(const Event& e, RetryContext& c) {
    c.started = e.now;
    if (c.has_deadline()) c.effects->start_timer(TimerKind::RetryDeadline, c.request, c.config->overall_deadline);
    c.send_attempt();
}
template <class Event>
void start_attempt_timer::run(const Event&, RetryContext& c) {
    if (c.has_attempt_timeout() && c.config->timeout_starts_after_admission)
        c.effects->start_timer(TimerKind::RetryAttemptTimeout, c.request, c.config->per_attempt_timeout);
}
void finish_succeeded::run(const AttemptSucceeded&, RetryContext& c) {
    c.stop_attempt_timer();
    c.end = RetryEnd::Succeeded;
}
// The verdict planned before dispatch (not retryable, attempts used up, deadline, budget, pushback).
void finish_as_planned::run(const AttemptFailed&, RetryContext& c) {
    c.stop_attempt_timer();
    c.end = c.planned;
}
template <class Event>
void schedule_backoff::run(const Event&, RetryContext& c) {
    c.stop_attempt_timer();
    c.last_backoff = c.planned_delay;
    c.last_charge = c.planned_charge;
    c.effects->start_timer(TimerKind::RetryBackoff, c.request, c.planned_delay);
}
// The deadline passed mid-attempt: the caller stops waiting. Whether the downstream's work stops
// too (cancel) or goes on (abandon) is the architecture's choice; a late outcome is counted.
template <class Event>
void abandon_attempt::run(const Event&, RetryContext& c) {
    c.stop_attempt_timer();
    c.end = RetryEnd::DeadlineExceeded;
}
template <class Event>
void send_next_attempt::run(const Event&, RetryContext& c) { c.send_attempt(); }
template <class Event>
void cancel_backoff::run(const Event&, RetryContext& c) {
    c.effects->cancel_timer(TimerKind::RetryBackoff, c.request);
    c.end = RetryEnd::DeadlineExceeded;
}
template <class Event>
void note_late_outcome::run(const Event&, RetryContext& c) { ++c.late_outcomes; }

template <RetryState Value>
template <class Event, class Fsm>
void Final<Value>::on_entry(const Event&, Fsm& fsm) {
    RetryContext& c = *fsm.ctx;
    c.state = Value;
    if (c.has_deadline()) c.effects->cancel_timer(TimerKind::RetryDeadline, c.request);
}

}  // namespace

struct Retry::Impl {
    Impl(const RetryConfig& config, std::uint64_t request, RetryEffects& fx, Rng& rng, RetryGate* gate, ComponentId comp)
        : ctx(config, request, fx, rng, gate), component(comp) {
        machine.ctx = &ctx;
        machine.start();
    }
    template <class Event>
    void process(const Event& e) {
        dispatch_traced(machine, e, component, ctx.request);
    }
    RetryContext ctx;
    RetryMachine machine;
    ComponentId component;
};

Retry::Impl* Retry::impl() { return std::launder(reinterpret_cast<Impl*>(storage_.data())); }
const Retry::Impl* Retry::impl() const { return std::launder(reinterpret_cast<const Impl*>(storage_.data())); }

Retry::Retry(const RetryConfig& config, std::uint64_t request, RetryEffects& effects, Rng& rng, RetryGate* gate,
             ComponentId component)
    : storage_{} {
    static_assert(sizeof(Impl) <= kImplBytes && alignof(Impl) <= 8, "Retry::kImplBytes is too small for Impl");
    static_assert(kImplBytes - sizeof(Impl) < 8, "Retry::kImplBytes wastes bytes: lower it to sizeof(Impl)");
    new (storage_.data()) Impl(config, request, effects, rng, gate, component);
}
Retry::~Retry() { impl()->~Impl(); }
std::size_t Retry::footprint() { return sizeof(Retry); }

void Retry::request_started(Time now) { impl()->process(RequestStarted{now}); }
void Retry::attempt_admitted(Time now) { impl()->process(AttemptAdmitted{now}); }
void Retry::attempt_succeeded(Time now) { impl()->process(AttemptSucceeded{now}); }
void Retry::attempt_failed(Time now, AttemptOutcome outcome, Pushback pushback) {
    if (impl()->ctx.state == RetryState::Attempting) impl()->ctx.plan(now, outcome, pushback);
    impl()->process(AttemptFailed{now, outcome, pushback});
}
void Retry::backoff_elapsed(Time now) { impl()->process(BackoffElapsed{now}); }
void Retry::deadline_reached(Time now) { impl()->process(DeadlineReached{now}); }

RetryState Retry::state() const { return impl()->ctx.state; }
bool Retry::finished() const {
    const auto s = impl()->ctx.state;
    return s == RetryState::Succeeded || s == RetryState::Exhausted || s == RetryState::Rejected;
}
RetryEnd Retry::end() const { return impl()->ctx.end; }
std::uint32_t Retry::attempts() const { return impl()->ctx.attempts; }
Duration Retry::last_backoff() const { return impl()->ctx.last_backoff; }
std::uint32_t Retry::last_charge() const { return impl()->ctx.last_charge; }
std::uint64_t Retry::late_outcomes() const { return impl()->ctx.late_outcomes; }
std::uint64_t Retry::unhandled_events() const { return impl()->ctx.unhandled; }
std::string_view Retry::last_row_guard() const { return impl()->ctx.fired_guard; }

MachineDescription Retry::describe() { return describe_table<RetryDef>(); }

bool RetryConfig::qualifies_for_throttling(AttemptOutcome o, const Pushback& p) const {
    const bool stop = honor_pushback && pushback_mode == PushbackMode::Grpc && p.kind == Pushback::Kind::Stop;
    return retry_on.contains(o) || stop;
}

std::string_view name(PushbackMode m) { return m == PushbackMode::Grpc ? "grpc" : "aws_retry_after"; }

RetryConfig RetryConfig::tutorial() {
    RetryConfig c;
    c.with_max_retries(3);
    c.per_attempt_timeout = Duration::millis(120);
    c.timeout_starts_after_admission = true;
    c.backoff = BackoffConfig::tutorial();
    return c;
}

RetryConfig RetryConfig::resilience4j() {
    RetryConfig c;
    c.max_attempts = 3;
    c.backoff.kind = BackoffKind::Constant;
    c.backoff.base = Duration::millis(500);
    c.backoff.cap = Duration::millis(500);
    c.backoff.jitter = Jitter::None;
    return c;
}

RetryConfig RetryConfig::polly() {
    RetryConfig c;
    c.with_max_retries(3);
    c.backoff = BackoffConfig::polly();
    return c;
}

RetryConfig RetryConfig::grpc(std::uint32_t max_attempts, Duration initial_backoff, Duration max_backoff,
                              double multiplier, std::int64_t client_max_attempts) {
    constexpr std::int64_t kDefaultClientMaximum = 5;  // A6: "a client-side maximum value of 5"
    const std::int64_t client = client_max_attempts < 2 ? kDefaultClientMaximum : client_max_attempts;
    RetryConfig c;
    c.max_attempts = static_cast<std::uint32_t>(std::min<std::int64_t>(max_attempts, client));
    c.backoff = BackoffConfig::grpc(initial_backoff, multiplier, max_backoff);
    c.retry_on.timeout = false;  // DEADLINE_EXCEEDED is the call's own deadline: never retried
    c.honor_pushback = true;
    return c;
}

RetryConfig RetryConfig::envoy(std::uint32_t num_retries) {
    RetryConfig c;
    c.with_max_retries(num_retries);
    c.backoff = BackoffConfig::envoy();
    return c;
}

RetryConfig RetryConfig::aws_standard() {
    RetryConfig c;
    c.max_attempts = 3;
    c.backoff = BackoffConfig::aws_legacy();
    return c;
}

RetryConfig RetryConfig::aws_2026() {
    RetryConfig c;
    c.max_attempts = 3;
    c.backoff = BackoffConfig::aws_2026();
    c.throttle_backoff_base = Duration::seconds(1);
    c.pushback_mode = PushbackMode::AwsRetryAfter;
    return c;
}

void RetryConfig::validate() const {
    check_ranges(retry_fields(), *this, "retry");
    backoff.validate();
}

std::string_view name(RetryState s) {
    switch (s) {
        case RetryState::Idle: return Idle::name;
        case RetryState::Attempting: return Attempting::name;
        case RetryState::BackingOff: return BackingOff::name;
        case RetryState::Succeeded: return Succeeded::name;
        case RetryState::Exhausted: return Exhausted::name;
        case RetryState::Rejected: return Rejected::name;
    }
    return "?";
}

std::string_view name(RetryEnd e) {
    switch (e) {
        case RetryEnd::None: return "none";
        case RetryEnd::Succeeded: return "succeeded";
        case RetryEnd::AttemptsExhausted: return "attempts-exhausted";
        case RetryEnd::DeadlineExceeded: return "deadline-exceeded";
        case RetryEnd::NotRetryable: return "not-retryable";
        case RetryEnd::BudgetDenied: return "budget-denied";
        case RetryEnd::PushbackStop: return "pushback-stop";
    }
    return "?";
}

}  // namespace cascadelab
