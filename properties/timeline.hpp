// A run made readable: a text timeline around a violation — breaker, bulkhead and budget state
// changes, triggers, and per-window goodput, attempts, retries, in-flight and queue depth — and
// the same run as a Chrome trace-event file (one track per component) for Perfetto or
// chrome://tracing.
#pragma once

#include <optional>  // std::optional
#include <string>    // std::string

#include "model/metrics.hpp"
#include "properties/invariants.hpp"
#include "properties/schedule.hpp"

namespace cascadelab::properties {

struct RecordedRun {
    std::string timeline;      // text, for a terminal
    std::string chrome_trace;  // JSON, Chrome trace-event format
    std::optional<Violation> violation;  // the step-level property's, when it has one
};

// Runs the schedule once more with a trace and the property's observer. `violation` (from a hunt
// or a check) places the timeline's focus and marks the instant it broke; the timeline runs from
// the first trigger (or `around` before the focus, if earlier) to `around` after the focus.
RecordedRun record_run(std::string_view property, const HuntSetup& setup, const Schedule& schedule,
                       const std::optional<Violation>& violation, Duration around = Duration::seconds(1));

}  // namespace cascadelab::properties
