// The search: RapidCheck generates schedules, runs each, and on a violation shrinks the schedule
// to the smallest one that still breaks the property.
#pragma once

#include <cstdint>     // std::uint64_t
#include <functional>  // std::function
#include <optional>    // std::optional
#include <string>      // std::string

#include "properties/invariants.hpp"
#include "properties/rapidcheck_runner.hpp"  // is_reproduce_string
#include "properties/schedule.hpp"
#include "properties/seed_verdict.hpp"
#include "properties/statistics.hpp"

namespace cascadelab::properties {

struct HuntOptions {
    int cases = 100;          // schedules to try before deciding nothing is there
    std::uint64_t seed = 0;   // RapidCheck's seed (the simulation's is the scenario's)
    int max_size = 100;       // RapidCheck's size bound (scales list lengths early in a run)
    std::string reproduce;    // a reproduce string from an earlier hunt: re-derive that case
    // When a schedule counts as failing. Robust (the default): it breaks the property under the
    // scenario's seed and Wald's test over the following seeds says P(violation) ≥ the threshold,
    // so shrinking keeps the smallest schedule that fails on most seeds. nullopt: under the
    // scenario's seed alone, which shrinks to knife-edge cases (--report-fragile shows one).
    std::optional<SprtOptions> robust = SprtOptions{};
    std::uint64_t estimate_seeds = 20;  // the minimal schedule's P(violation) is estimated over these
    unsigned threads = 1;               // seeds run at once; no result depends on it
    // Progress: cases tried so far, shrinks accepted so far (0 while searching).
    std::function<void(int cases, int shrinks)> progress;
};

struct HuntResult {
    bool found = false;
    int cases = 0;         // cases run before the first failure (or all of them)
    int shrinks = 0;       // shrink steps accepted
    std::uint64_t runs = 0;  // simulations run: search, shrinking, tests over seeds, estimates
    Schedule first;        // the first failing schedule, before shrinking
    Schedule minimal;      // after shrinking
    Violation violation;   // of the minimal schedule
    std::string reproduce; // RapidCheck's reproduce string for this failure
    SeedEstimate estimate; // P(violation) of the minimal schedule over options.estimate_seeds seeds
};


// Throws ConfigError for a property that does not exist or does not apply, and RunLimitExceeded
// when a run passes the setup's budget (never taken for a violation).
HuntResult hunt(std::string_view property, const HuntSetup& setup, const HuntOptions& options);

// What a hunt searches with: a check that says whether a schedule breaks something.
using ScheduleCheck = std::function<std::optional<Violation>(const Schedule&)>;

// The search itself, for any check: RapidCheck generates and shrinks, then `simplify` finishes.
HuntResult search(const HuntSetup& setup, const HuntOptions& options, std::string_view id, const ScheduleCheck& check);

// Shrinking that RapidCheck's generic moves cannot make: merge bursts into one, drop spreads and
// start times to zero, bisect burst sizes and fault lengths and strengths down, drop faults and
// knobs, bisect knob values down — each kept only if the schedule still fails. Returns the simplest failing schedule it reached
// and the number of simplifications taken.
std::pair<Schedule, int> simplify(Schedule schedule, const ScheduleCheck& check);

}  // namespace cascadelab::properties
