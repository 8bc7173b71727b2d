// The retry budget as a Boost.MSM machine. The transition table comes first.
#include "statemachines/retry_budget.hpp"

#include "statemachines/config_error.hpp"
#include "statemachines/msm_support.hpp"

namespace cascadelab {

namespace {

using namespace msm_support;  // msmf, MachineDef, NamedState, Guard, Action
using msmf::none;
using msmf::Row;

struct BudgetSignalled {
    static constexpr std::string_view name = "BudgetSignalled";
    Time now;
    BudgetSignal signal;
    std::uint32_t refund;
};
struct RetryRequested {
    static constexpr std::string_view name = "RetryRequested";
    Time now;
    AttemptOutcome after;
};

struct BudgetContext;

CASCADELAB_GUARD(still_plenty, BudgetSignalled, BudgetContext);
CASCADELAB_GUARD(replenished, BudgetSignalled, BudgetContext);
CASCADELAB_GUARD(affordable_with_more_left, RetryRequested, BudgetContext);
CASCADELAB_GUARD(last_affordable, RetryRequested, BudgetContext);
CASCADELAB_GUARD(unaffordable, RetryRequested, BudgetContext);

CASCADELAB_ACTION(account, BudgetSignalled, BudgetContext);
CASCADELAB_ACTION(grant_retry, RetryRequested, BudgetContext);
CASCADELAB_ACTION(deny_retry, RetryRequested, BudgetContext);

struct Plenty : NamedState<BudgetState::Plenty> {
    static constexpr std::string_view name = "Plenty";
};
struct Throttled : NamedState<BudgetState::Throttled> {
    static constexpr std::string_view name = "Throttled";
};

// Plenty means "the next retry would be granted"; every row keeps that true after its action.
struct BudgetDef : MachineDef<BudgetDef, BudgetContext> {
    static constexpr std::string_view name = "RetryBudget";
    using initial_state = Plenty;

    struct transition_table : boost::mpl::vector<
        //   Source     Event            Target     Action       Guard
        Row< Plenty,    BudgetSignalled, none,      account,     still_plenty               >,
        Row< Plenty,    BudgetSignalled, Throttled, account,     Not<still_plenty>                   >,
        Row< Plenty,    RetryRequested,  none,      grant_retry, affordable_with_more_left  >,
        Row< Plenty,    RetryRequested,  Throttled, grant_retry, last_affordable            >,
        Row< Plenty,    RetryRequested,  Throttled, deny_retry,  unaffordable               >,
        // ---------------------------------------------------------------------------------
        Row< Throttled, BudgetSignalled, Plenty,    account,     replenished                >,
        Row< Throttled, BudgetSignalled, none,      account,     Not<replenished>                >,
        Row< Throttled, RetryRequested,  Plenty,    grant_retry, affordable_with_more_left  >,
        Row< Throttled, RetryRequested,  none,      grant_retry, last_affordable            >,
        Row< Throttled, RetryRequested,  none,      deny_retry,  unaffordable               >
    > {};
};
using BudgetMachine = boost::msm::back::state_machine<BudgetDef>;

struct BudgetContext {
    BudgetContext(const RetryBudgetConfig& c, RetryBudgetEffects& fx, Time now) : ledger(c, now), effects(&fx) {}
    RetryBudgetLedger ledger;
    RetryBudgetEffects* effects;
    BudgetState state = BudgetState::Plenty;
    std::string_view fired_guard;
    RetryGrant last_decision;
    std::uint64_t granted = 0;
    std::uint64_t denied = 0;
    std::uint64_t unhandled = 0;
    std::uint64_t transitions = 0;
    void note_unhandled(std::string_view) { ++unhandled; }
};

bool still_plenty::test(const BudgetSignalled& e, const BudgetContext& c) {
    return c.ledger.can_retry_after(e.now, e.signal, e.refund);
}
bool replenished::test(const BudgetSignalled& e, const BudgetContext& c) { return still_plenty::test(e, c); }
bool affordable_with_more_left::test(const RetryRequested& e, const BudgetContext& c) {
    return c.ledger.can_retry(e.now, e.after) && c.ledger.can_retry_after_withdrawal(e.now, e.after);
}
bool last_affordable::test(const RetryRequested& e, const BudgetContext& c) {
    return c.ledger.can_retry(e.now, e.after) && !c.ledger.can_retry_after_withdrawal(e.now, e.after);
}
bool unaffordable::test(const RetryRequested& e, const BudgetContext& c) { return !c.ledger.can_retry(e.now, e.after); }

void account::run(const BudgetSignalled& e, BudgetContext& c) { c.ledger.apply(e.now, e.signal, e.refund); }
void grant_retry::run(const RetryRequested& e, BudgetContext& c) {
    c.ledger.withdraw(e.now, e.after);
    c.last_decision = RetryGrant{true, c.ledger.cost_of(e.after)};
    ++c.granted;
}
void deny_retry::run(const RetryRequested&, BudgetContext& c) {
    c.last_decision = RetryGrant{};
    ++c.denied;
}

}  // namespace

struct RetryBudget::Impl {
    Impl(const RetryBudgetConfig& c, RetryBudgetEffects& fx, ComponentId comp, Time now) : ctx(c, fx, now), component(comp) {
        machine.ctx = &ctx;
        machine.start();
    }
    BudgetContext ctx;
    BudgetMachine machine;
    ComponentId component;
};

RetryBudget::RetryBudget(const RetryBudgetConfig& config, RetryBudgetEffects& effects, ComponentId component,
                         Time now) {
    config.validate();
    impl_ = std::make_unique<Impl>(config, effects, component, now);
}
RetryBudget::~RetryBudget() = default;

void RetryBudget::signal(Time now, BudgetSignal s, std::uint32_t refund) {
    dispatch_traced(impl_->machine, BudgetSignalled{now, s, refund}, impl_->component, 0);
}
RetryGrant RetryBudget::retry_requested(Time now, AttemptOutcome after) {
    impl_->ctx.last_decision = RetryGrant{};
    dispatch_traced(impl_->machine, RetryRequested{now, after}, impl_->component, 0);
    return impl_->ctx.last_decision;
}

BudgetState RetryBudget::state() const { return impl_->ctx.state; }
double RetryBudget::level(Time now) const { return impl_->ctx.ledger.level(now); }
std::uint64_t RetryBudget::granted() const { return impl_->ctx.granted; }
std::uint64_t RetryBudget::denied() const { return impl_->ctx.denied; }
std::uint64_t RetryBudget::unhandled_events() const { return impl_->ctx.unhandled; }
std::string_view RetryBudget::last_row_guard() const { return impl_->ctx.fired_guard; }

MachineDescription RetryBudget::describe() { return describe_table<BudgetDef>(); }

std::string_view name(BudgetState s) { return s == BudgetState::Plenty ? Plenty::name : Throttled::name; }

}  // namespace cascadelab
