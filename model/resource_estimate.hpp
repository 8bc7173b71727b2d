// What a run may cost, estimated from its scenario before it starts, so that a run too large for
// the budget is refused in one line before any work instead of running for an hour or dying of
// bad_alloc. Both figures are ceilings where the scenario bounds them:
//   events <= requests x events per request + attempts x events per attempt, with attempts at
//             most requests x the product of the attempt limits along the chain (every attempt
//             failing); messages redelivered without limit have no ceiling (unbounded), and the
//             run loop's own count stops them at the budget;
//   memory  = the live state at the peak: the requests that can be in flight at once (all of
//             them unless a timeout bounds how long one lives; then the arrivals within that
//             lifetime) or the messages the queues and consumers can hold, at their measured
//             size, plus the arrival list.
#pragma once

#include <cstdint>      // std::uint64_t
#include <string>       // std::string
#include <string_view>  // std::string_view

#include "model/resource_budget.hpp"
#include "model/scenario.hpp"

namespace cascadelab {

struct ResourceEstimate {
    std::uint64_t requests = 0;    // arrivals (a step workload: its expectation)
    double attempts = 0;           // ceiling of calls made, every tier or stage; +inf: unbounded
    double events = 0;             // ceiling of events dispatched; +inf: unbounded
    double simultaneous = 0;       // requests arriving at one instant on top of the workload
    double live = 0;               // requests or messages in flight at the peak
    double pending_per_live = 0;   // events queued per live request or message, at most
    double bytes = 0;              // live state at the peak
    std::string attempts_basis;    // "2000 requests x 4 attempts"
    std::string live_basis;        // "all 2000 requests (no attempt timeout bounds a request's life)"
};

// `simultaneous`: requests that arrive at one instant on top of the workload (a hunt's bursts).
ResourceEstimate estimate_resources(const Scenario& scenario, std::uint64_t simultaneous = 0);

// Throws BudgetExceeded (one line naming the scenario, the estimate, the budget and the option
// that raises it) when the estimate is over the budget. `runs_at_once` runs share the memory
// budget (threads of a sweep).
struct BudgetExceeded : std::runtime_error {
    using std::runtime_error::runtime_error;
};
void check_budget(const Scenario& scenario, const ResourceEstimate& estimate, const ResourceBudget& budget,
                  unsigned runs_at_once = 1);

// "12.5 GiB", "640 MiB", "3.2 KiB": for messages.
std::string format_bytes(double bytes);

}  // namespace cascadelab
