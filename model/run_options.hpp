// Options every run takes, whatever the architecture.
#pragma once

#include <functional>  // std::function

#include "model/observer.hpp"
#include "model/resource_budget.hpp"
#include "model/kernel/trace.hpp"

namespace cascadelab {

// Where a run is, reported every few tens of thousands of events.
struct RunProgress {
    std::uint64_t events = 0;
    Time now;           // virtual time
    Time workload_end;  // when the last arrival is due (the run then drains)
};

struct RunOptions {
    RunObserver* observer = nullptr;  // every transition and a snapshot after every event
    TraceRecorder* trace = nullptr;   // every transition, as a structured trace
    ResourceBudget budget;            // checked while the run goes: RunLimitExceeded past it
    // Events between two checks of the budget (and progress reports). Checking costs a few
    // nanoseconds; a test checks after every event.
    std::uint64_t check_every = 1 << 16;
    std::function<void(const RunProgress&)> progress;  // may be empty

    // RunOptions{}.with_observer(&o).with_budget(b): the fields a caller sets, by name.
    RunOptions& with_observer(RunObserver* o) { observer = o; return *this; }
    RunOptions& with_trace(TraceRecorder* t) { trace = t; return *this; }
    RunOptions& with_budget(const ResourceBudget& b) { budget = b; return *this; }
    RunOptions& with_check_every(std::uint64_t events) { check_every = events; return *this; }
    RunOptions& with_progress(std::function<void(const RunProgress&)> p) { progress = std::move(p); return *this; }
};

}  // namespace cascadelab
