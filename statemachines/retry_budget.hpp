// The retry budget: Plenty / Throttled over one of four policies (gRPC throttle, Finagle ratio
// with TTL, Envoy concurrent retries, AWS quota with cost classes; retry_budget_ledger.hpp).
// It is a RetryGate, so a Retry machine asks it before each retry. Boost-free header; the table
// is in retry_budget.cpp.
#pragma once

#include <memory>       // std::unique_ptr
#include <string_view>  // std::string_view

#include "statemachines/description.hpp"
#include "statemachines/effects.hpp"
#include "statemachines/retry.hpp"
#include "statemachines/retry_budget_ledger.hpp"

namespace cascadelab {

enum class BudgetState { Plenty, Throttled };
std::string_view name(BudgetState s);

class RetryBudget final : public RetryGate {
public:
    // `now`: when the budget is created (Finagle's window starts then).
    RetryBudget(const RetryBudgetConfig& config, RetryBudgetEffects& effects,
                ComponentId component = {ComponentKind::RetryBudget},
                Time now = Time::zero());
    ~RetryBudget() override;
    RetryBudget(const RetryBudget&) = delete;
    RetryBudget& operator=(const RetryBudget&) = delete;

    // Events.
    // `refund`: with RetrySucceeded, what that retry was charged (Retry::last_charge).
    void signal(Time now, BudgetSignal s, std::uint32_t refund = 0);
    RetryGrant retry_requested(Time now, AttemptOutcome after = AttemptOutcome::Error);
    RetryGrant try_acquire_retry(Time now, AttemptOutcome after) override { return retry_requested(now, after); }

    // Read-outs. Plenty means "a retry after an error would be granted"; the state is as of the
    // last event: a Finagle budget whose deposits expired since then shows it at the next event.
    BudgetState state() const;
    double level(Time now) const;
    std::uint64_t granted() const;
    std::uint64_t denied() const;
    std::uint64_t unhandled_events() const;
    std::string_view last_row_guard() const;

    static MachineDescription describe();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace cascadelab
