// RapidCheck generators for hunts: trigger schedules and configuration knobs. Every number is
// drawn as an integer from a range whose lower end is the simplest value, because RapidCheck
// shrinks integers toward the lower end: shrinking heads for fewer bursts, smaller bursts,
// shorter and weaker faults, triggers at t = 0, fewer retries.
#pragma once

#include <rapidcheck.h>

#include "properties/schedule.hpp"

namespace cascadelab::properties {
// How RapidCheck prints a schedule in a failing test: describe(schedule).
void showValue(const Schedule& schedule, std::ostream& os);
}  // namespace cascadelab::properties

namespace cascadelab::properties::gen {

// RapidCheck's size (0..max_size, growing over a hunt) scales every range: early cases are
// small, later ones span the whole range.
// Bursts: 0..3, each start in [0, trigger_window] ms, size in [1, max_burst_size], spread in
// [0, 500] ms. Faults: 0..2, start in [0, trigger_window] ms, length in [1, max_trigger_length]
// ms; strength: spike factor 1..50 (shrinks to 1), capacity kept 99 %..5 % (shrinks to 99 %),
// error rate 0..100 % (shrinks to 0).
inline constexpr int kMaxBursts = 3;
inline constexpr int kMaxFaults = 2;
rc::Gen<Burst> burst(const HuntSetup& setup);
rc::Gen<FaultWindow> fault(const HuntSetup& setup);
// With setup.vary_config, each knob that applies to the scenario (knobs.hpp) is also drawn: on or
// off, and its value from its range; shrinking turns knobs off, then lowers their values.
rc::Gen<std::vector<KnobSetting>> config(const Scenario& base);
rc::Gen<Schedule> schedule(const HuntSetup& setup);

// The schedule with the most requests any of the above can draw: every burst at its largest, all
// at t = 0. What a hunt's resource check estimates.
Schedule largest_schedule(const HuntSetup& setup);

// Configuration knobs over a base scenario (the ones that matter for cascades): max attempts,
// backoff base and cap, breaker threshold and window, bulkhead size, queue capacity, consumers,
// max deliveries, and whether a retry budget is present. Used to check that the bookkeeping
// invariants hold for any configuration, not only for the presets.
rc::Gen<Scenario> knobs(const Scenario& base);

}  // namespace cascadelab::properties::gen
