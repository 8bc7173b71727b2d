// What one run may spend: events dispatched and bytes of live model state. Validation refuses a
// scenario whose estimate exceeds the budget before any work (resource_estimate.hpp); while a
// run goes, the run loop counts both exactly and stops it at the budget with RunLimitExceeded,
// so that a run the estimate could not bound (messages redelivered without limit) still ends,
// and none dies of bad_alloc.
//
// Memory is counted as the model's live state — the slots of requests or messages in flight at
// their size, the event queue at its capacity, the trace — not as the process's resident size:
// the count is the same on every machine and thread count, so a run that passes does so
// everywhere. The process's peak stays within a small factor of it (docs/limits.md).
#pragma once

#include <cstdint>    // std::uint64_t
#include <stdexcept>  // std::runtime_error

namespace cascadelab {

struct ResourceBudget {
    // Defaults sized for a 2-core, 24 GiB machine: a billion events is 5 to 20 minutes of one
    // core; 8 GiB of live state leaves room for two runs side by side and the process itself.
    static constexpr std::uint64_t kDefaultMaxEvents = 1'000'000'000;
    static constexpr std::uint64_t kDefaultMaxBytes = std::uint64_t{8} << 30;

    std::uint64_t max_events = kDefaultMaxEvents;
    std::uint64_t max_bytes = kDefaultMaxBytes;
};

// A run passed its budget. One line naming the run, the budget, the option that raises it, and
// how to bound the scenario instead.
struct RunLimitExceeded : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace cascadelab
