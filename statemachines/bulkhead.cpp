// The bulkhead as a Boost.MSM machine. The transition table comes first.
#include "statemachines/bulkhead.hpp"

#include <algorithm>  // std::find
#include <deque>      // std::deque (FIFO of waiting callers)

#include "statemachines/config_error.hpp"
#include "statemachines/config_tables.hpp"
#include "statemachines/msm_support.hpp"

namespace cascadelab {

namespace {

using namespace msm_support;  // msmf, MachineDef, NamedState, Guard, Action
using msmf::none;
using msmf::Row;

struct PermitRequested {
    static constexpr std::string_view name = "PermitRequested";
    Time now;
    std::uint64_t id;
};
struct PermitReleased {
    static constexpr std::string_view name = "PermitReleased";
    Time now;
};
struct WaitExpired {
    static constexpr std::string_view name = "WaitExpired";
    Time now;
    std::uint64_t id;
};

struct BulkheadContext;

CASCADELAB_GUARD(no_capacity, none, BulkheadContext);
CASCADELAB_GUARD(slots_to_spare, PermitRequested, BulkheadContext);
CASCADELAB_GUARD(last_slot, PermitRequested, BulkheadContext);
CASCADELAB_GUARD(may_wait, PermitRequested, BulkheadContext);
CASCADELAB_GUARD(slot_held, PermitReleased, BulkheadContext);
CASCADELAB_GUARD(waiter_present, PermitReleased, BulkheadContext);
CASCADELAB_GUARD(no_waiter, PermitReleased, BulkheadContext);

CASCADELAB_ACTION(admit, PermitRequested, BulkheadContext);
CASCADELAB_ACTION(enqueue, PermitRequested, BulkheadContext);
CASCADELAB_ACTION(reject, PermitRequested, BulkheadContext);
CASCADELAB_ACTION(release, PermitReleased, BulkheadContext);
CASCADELAB_ACTION(hand_over_to_next_waiter, PermitReleased, BulkheadContext);
CASCADELAB_ACTION(give_up_waiting, WaitExpired, BulkheadContext);

struct Available : NamedState<BulkheadState::Available> {
    static constexpr std::string_view name = "Available";
};
struct Saturated : NamedState<BulkheadState::Saturated> {
    static constexpr std::string_view name = "Saturated";
};

struct BulkheadDef : MachineDef<BulkheadDef, BulkheadContext> {
    static constexpr std::string_view name = "Bulkhead";
    using initial_state = Available;

    struct transition_table : boost::mpl::vector<
        //   Source     Event            Target     Action                    Guard
        Row< Available, none,            Saturated, none,                     no_capacity     >,
        Row< Available, PermitRequested, none,      admit,                    slots_to_spare  >,
        Row< Available, PermitRequested, Saturated, admit,                    last_slot       >,
        Row< Available, PermitReleased,  none,      release,                  slot_held       >,
        // ---------------------------------------------------------------------------------
        Row< Saturated, PermitRequested, none,      enqueue,                  may_wait        >,
        Row< Saturated, PermitRequested, none,      reject,                   Not<may_wait>   >,
        Row< Saturated, PermitReleased,  none,      hand_over_to_next_waiter, waiter_present  >,
        Row< Saturated, PermitReleased,  Available, release,                  no_waiter       >,
        Row< Saturated, WaitExpired,     none,      give_up_waiting,          none            >
    > {};
};
using BulkheadMachine = boost::msm::back::state_machine<BulkheadDef>;

struct BulkheadContext {
    BulkheadContext(const BulkheadConfig& c, BulkheadEffects& fx) : config(c), effects(&fx) {}

    BulkheadConfig config;
    BulkheadEffects* effects;
    BulkheadState state = BulkheadState::Available;
    std::string_view fired_guard;
    std::uint32_t active = 0;
    std::deque<std::uint64_t> waiters;
    PermitDecision decision = PermitDecision::Rejected;
    std::uint64_t rejected = 0;
    std::uint64_t unhandled = 0;
    std::uint64_t transitions = 0;

    void note_unhandled(std::string_view) { ++unhandled; }
    bool wait_is_finite() const { return config.max_wait_duration != Duration::max(); }
};

// Resilience4j allows maxConcurrentCalls = 0: every call waits (then gives up) or is rejected.
bool no_capacity::test(const none&, const BulkheadContext& c) { return c.config.max_concurrent_calls == 0; }
bool slots_to_spare::test(const PermitRequested&, const BulkheadContext& c) {
    return c.active + 1 < c.config.max_concurrent_calls;
}
bool last_slot::test(const PermitRequested&, const BulkheadContext& c) {
    return c.active + 1 == c.config.max_concurrent_calls;
}
bool may_wait::test(const PermitRequested&, const BulkheadContext& c) {
    return c.config.max_wait_duration > Duration::zero() && c.waiters.size() < c.config.max_queue_length;
}
// A release with no slot held is a modelling error (no row takes it); Resilience4j's semaphore
// would silently grow past maxConcurrentCalls.
bool slot_held::test(const PermitReleased&, const BulkheadContext& c) { return c.active > 0; }
bool waiter_present::test(const PermitReleased&, const BulkheadContext& c) { return c.active > 0 && !c.waiters.empty(); }
bool no_waiter::test(const PermitReleased&, const BulkheadContext& c) { return c.active > 0 && c.waiters.empty(); }

void admit::run(const PermitRequested&, BulkheadContext& c) {
    ++c.active;
    c.decision = PermitDecision::Admitted;
}
void enqueue::run(const PermitRequested& e, BulkheadContext& c) {
    c.waiters.push_back(e.id);
    c.decision = PermitDecision::Queued;
    if (c.wait_is_finite()) c.effects->start_timer(TimerKind::BulkheadWait, e.id, c.config.max_wait_duration);
}
void reject::run(const PermitRequested&, BulkheadContext& c) {
    c.decision = PermitDecision::Rejected;
    ++c.rejected;
}
void release::run(const PermitReleased&, BulkheadContext& c) { --c.active; }
// The slot passes straight to the head of the queue (FIFO, Resilience4j's fair mode): active
// stays the same, so no new caller can overtake a waiting one.
void hand_over_to_next_waiter::run(const PermitReleased&, BulkheadContext& c) {
    const std::uint64_t next = c.waiters.front();
    c.waiters.pop_front();
    if (c.wait_is_finite()) c.effects->cancel_timer(TimerKind::BulkheadWait, next);
    c.effects->permit_granted(next);
}
void give_up_waiting::run(const WaitExpired& e, BulkheadContext& c) {
    const auto it = std::find(c.waiters.begin(), c.waiters.end(), e.id);
    if (it == c.waiters.end()) return;  // granted in the same instant; its timer was cancelled
    c.waiters.erase(it);
    ++c.rejected;
    c.effects->permit_rejected(e.id);
}

}  // namespace

struct Bulkhead::Impl {
    Impl(const BulkheadConfig& c, BulkheadEffects& fx, ComponentId comp) : ctx(c, fx), component(comp) {
        machine.ctx = &ctx;
        machine.start();
    }
    BulkheadContext ctx;
    BulkheadMachine machine;
    ComponentId component;
};

Bulkhead::Bulkhead(const BulkheadConfig& config, BulkheadEffects& effects, ComponentId component) {
    config.validate();
    impl_ = std::make_unique<Impl>(config, effects, component);
}
Bulkhead::~Bulkhead() = default;

PermitDecision Bulkhead::permit_requested(Time now, std::uint64_t id) {
    dispatch_traced(impl_->machine, PermitRequested{now, id}, impl_->component, id);
    return impl_->ctx.decision;
}
void Bulkhead::permit_released(Time now) { dispatch_traced(impl_->machine, PermitReleased{now}, impl_->component, 0); }
void Bulkhead::wait_expired(Time now, std::uint64_t id) { dispatch_traced(impl_->machine, WaitExpired{now, id}, impl_->component, id); }

BulkheadState Bulkhead::state() const { return impl_->ctx.state; }
std::uint32_t Bulkhead::active() const { return impl_->ctx.active; }
std::uint32_t Bulkhead::waiting() const { return static_cast<std::uint32_t>(impl_->ctx.waiters.size()); }
std::uint64_t Bulkhead::rejected() const { return impl_->ctx.rejected; }
std::uint64_t Bulkhead::unhandled_events() const { return impl_->ctx.unhandled; }
std::string_view Bulkhead::last_row_guard() const { return impl_->ctx.fired_guard; }

MachineDescription Bulkhead::describe() { return describe_table<BulkheadDef>(); }

std::string_view name(BulkheadState s) { return s == BulkheadState::Available ? Available::name : Saturated::name; }

std::string_view name(PermitDecision d) {
    switch (d) {
        case PermitDecision::Admitted: return "admitted";
        case PermitDecision::Queued: return "queued";
        case PermitDecision::Rejected: return "rejected";
    }
    return "?";
}

void BulkheadConfig::validate() const { check_ranges(bulkhead_fields(), *this, "bulkhead"); }

}  // namespace cascadelab
