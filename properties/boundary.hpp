// The trigger boundary: how large a trigger must be before it breaks a property on most seeds —
// the metastability boundary as a number with an interval, not a picture.
//
// A trigger family maps a size x to a schedule: one burst of x requests at t = 0, one outage of
// x ms at t = 0, or one latency spike of factor x for a fixed length. For each size tried,
// P(violation) is estimated over the same seeds; bisection (assuming P grows with x, which the
// report lets a reader check) finds the smallest size whose estimate reaches 0.5, and two more
// find where the Wilson interval leaves 0.5 on either side: below `surely_below` + 1 the
// violation probability is under one half with 95 % confidence at each point, from
// `surely_above` on it is over.
#pragma once

#include <cstdint>      // std::uint64_t, std::int64_t
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "properties/schedule.hpp"
#include "properties/seed_verdict.hpp"

namespace cascadelab::properties {

enum class TriggerFamily { Burst, Outage, Spike };
std::string_view name(TriggerFamily f);

struct BoundaryOptions {
    TriggerFamily family = TriggerFamily::Burst;
    Duration spike_length = Duration::millis(100);  // Spike: the spike's length
    std::uint64_t seeds = 20;                        // per size tried
    unsigned threads = 0;
};

struct BoundaryPoint {
    std::int64_t size = 0;
    SeedEstimate estimate;
};

struct BoundaryResult {
    std::int64_t lowest = 1, highest = 1;  // the sizes searched
    bool found = false;          // P reaches 0.5 within [lowest, highest]
    std::int64_t crossing = 0;   // the smallest size whose estimate is ≥ 0.5
    std::int64_t surely_below = 0;  // the largest size whose interval lies under 0.5 (lowest − 1: none)
    std::int64_t surely_above = 0;  // the smallest size whose interval lies over 0.5 (0: none)
    std::vector<BoundaryPoint> points;  // every size estimated, in the order tried
    std::uint64_t simulations = 0;
};

// The schedule of a family at size x.
Schedule trigger_of(TriggerFamily family, std::int64_t size, Duration spike_length);
// The sizes a family may take in this setup: bursts up to max_burst_size, outages up to
// max_trigger_length in ms, spikes up to a factor of 1000.
std::pair<std::int64_t, std::int64_t> trigger_range(TriggerFamily family, const HuntSetup& setup);

BoundaryResult find_boundary(std::string_view property, const HuntSetup& setup, const BoundaryOptions& options);

}  // namespace cascadelab::properties
