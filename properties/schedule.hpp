// What a hunt varies: a schedule of triggers — bursts of extra requests and fault windows — laid
// over steady background traffic. A schedule plus a hunt setup is a complete, replayable run.
#pragma once

#include <cstdint>     // std::uint32_t
#include <functional>  // std::function
#include <string>   // std::string
#include <vector>   // std::vector

#include "model/faults.hpp"
#include "model/resource_budget.hpp"
#include "model/resource_estimate.hpp"
#include "model/run_options.hpp"
#include "model/scenario.hpp"
#include "model/kernel/time.hpp"
#include "properties/knobs.hpp"

namespace cascadelab::properties {

// Bounds on what a schedule or a hunt setup may hold (a replay file is read within them).
inline constexpr std::size_t kMaxTriggers = 1000;       // bursts, and fault windows, per schedule
inline constexpr double kMaxBackgroundRate = 1e6;      // requests per second

struct Burst {
    Time start;
    std::uint32_t size = 1;
    Duration spread;  // the burst's requests spread evenly over [start, start + spread)
    bool operator==(const Burst&) const = default;
};

struct Schedule {
    std::vector<Burst> bursts;
    std::vector<FaultWindow> faults;
    std::vector<KnobSetting> config{};  // knobs set on the scenario (hunt --vary-config), in table order

    // When the last burst or fault ends: the moment recovery is measured from.
    Time trigger_end() const;
    std::uint64_t burst_requests() const;
    bool empty() const { return bursts.empty() && faults.empty() && config.empty(); }
    bool operator==(const Schedule&) const = default;
};

// The run a hunt explores: the scenario's machines, downstream and architecture, with its
// workload replaced by Poisson background traffic and the schedule's triggers.
struct HuntSetup {
    Scenario scenario;                      // the base: configuration, downstream, seed
    double background_rate_per_s = 400.0;   // steady traffic the system handles when healthy
    Duration trigger_window = Duration::seconds(2);  // triggers start in [0, trigger_window]
    Duration max_trigger_length = Duration::seconds(2);
    std::uint32_t max_burst_size = 3000;
    // Whether schedules also set configuration knobs (knobs.hpp) the scenario may leave off.
    bool vary_config = false;
    // Recovery: goodput over [trigger end + recovery_within, + recovery_measure) must be at
    // least recovery_fraction of the healthy goodput.
    Duration recovery_within = Duration::seconds(2);
    Duration recovery_measure = Duration::seconds(1);
    double recovery_fraction = 0.8;
    // Retry storm: over every trailing storm_window, retries decided <= storm_budget x requests
    // started + storm_reserve (Finagle's RetryBudget defaults: 10 s, 20 %, 10/s x 10 s).
    Duration storm_window = Duration::seconds(10);
    double storm_budget = 0.2;
    double storm_reserve = 100.0;
    // What each of the hunt's runs may spend (not part of a replay file: it changes no result,
    // only whether a run too large is refused).
    ResourceBudget budget;
    // Called as each of its runs goes (may be empty): a long run reports progress too.
    std::function<void(const RunProgress&)> run_progress;

    // Background traffic runs until every trigger could have ended and recovery been measured.
    Duration background_length() const;
    void validate() const;  // ConfigError naming the field and the value
};

// The setup a schedule runs in: the scenario with the schedule's knobs set (the setup itself when
// it sets none). Invariants are made from it, so that they judge the configuration that ran.
HuntSetup with_config(const HuntSetup& setup, const Schedule& schedule);

// The hunted scenario: background + bursts as an arrival list, and the schedule's faults in
// place of the scenario's own — the schedule is the trigger, the scenario the configuration
// (so a hunt on `metastable-naive` searches for the smallest trigger, not around its spike).
Scenario scenario_for(const HuntSetup& setup, const Schedule& schedule);
// What one of the hunt's runs may cost at most: its background and the largest schedule the
// generators can draw (bursts, all at once). Computed without drawing the background.
ResourceEstimate estimate_hunt_run(const HuntSetup& setup, std::uint64_t largest_bursts);

// The same without triggers: the healthy reference.
Scenario healthy_scenario(const HuntSetup& setup);

// "2 bursts (1200 at 350ms over 40ms, ...), 1 fault (outage at 0ms for 120ms); config: capacity 12",
// or "nothing".
std::string describe(const Schedule& schedule);

// JSON (ordered keys) and back; from_json throws ConfigError naming the field.
std::string schedule_to_json(const Schedule& schedule);
Schedule schedule_from_json(const std::string& text);
std::string setup_to_json(const HuntSetup& setup);  // without the scenario (stored beside it)
HuntSetup setup_from_json(const std::string& text, Scenario scenario);

}  // namespace cascadelab::properties
