// The invariants, as named, reusable checks over a run. Each watches the run at every step (a
// RunObserver) and reports the first time and step at which it broke. Run-level properties
// (determinism, recovery) compare whole runs. properties/hunt.hpp searches for schedules that
// break them.
#pragma once

#include <functional>   // std::function
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "model/kernel/time_series.hpp"
#include "model/metrics.hpp"
#include "model/observer.hpp"
#include "properties/schedule.hpp"

namespace cascadelab::properties {

struct Violation {
    std::string property;
    Time at;
    std::uint64_t step = 0;
    std::string detail;  // one line: what broke, with the numbers
};

// One line for a report: "retry-storm broke at 0.412000s (step 5120): 301 retries ..."
std::string describe(const Violation& v);

struct PropertyInfo {
    std::string_view name;
    std::string_view summary;
    bool rpc = true;    // applies to the RPC architecture
    bool event = true;  // applies to the event-driven architecture
};

// Every property, in the order `hunt --list` prints them.
const std::vector<PropertyInfo>& property_catalog();
const PropertyInfo* find_property(std::string_view name);
bool applies(const PropertyInfo& p, Architecture a);
// The property by name; throws ConfigError("--property", ...) when there is none or it does not
// apply to the architecture.
const PropertyInfo& applicable_property(std::string_view name, Architecture a);

// The healthy reference a recovery check compares with; computed once per setup and seed.
// The recovery check compares a window of the triggered run with the same window of this run:
// the same background arrivals without triggers, so the noise of the arrivals cancels out.
struct HealthyLevel {
    double goodput_per_s = 0.0;                     // over the whole background, after a warm-up second
    TimeSeries goodput{Duration::millis(100)};      // the run's successes per window
};
HealthyLevel measure_healthy(const HuntSetup& setup);

// Runs the schedule and checks one property. `healthy` is needed by "recovery" only, and only for a
// schedule without knobs: one that sets knobs is compared with the same knobs' healthy run.
// Precondition: the property applies to the setup's architecture.
std::optional<Violation> check(std::string_view property, const HuntSetup& setup, const Schedule& schedule,
                               const HealthyLevel& healthy);

// The step-level invariants as observers, for tests and the timeline: `first` receives the first
// violation (later ones are not recorded). nullptr for a run-level property. For a schedule with
// knobs, pass with_config(setup, schedule).
std::unique_ptr<RunObserver> make_observer(std::string_view property, const HuntSetup& setup,
                                           std::optional<Violation>& first);

}  // namespace cascadelab::properties
