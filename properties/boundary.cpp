#include "properties/boundary.hpp"

#include <algorithm>  // std::max
#include <map>        // std::map
#include <tuple>      // std::tie

namespace cascadelab::properties {

std::string_view name(TriggerFamily f) {
    switch (f) {
        case TriggerFamily::Burst: return "burst";
        case TriggerFamily::Outage: return "outage";
        case TriggerFamily::Spike: return "spike";
    }
    return "?";
}

Schedule trigger_of(TriggerFamily family, std::int64_t size, Duration spike_length) {
    Schedule s;
    switch (family) {
        case TriggerFamily::Burst: s.bursts.push_back(Burst{Time{}, static_cast<std::uint32_t>(size), Duration::zero()}); break;
        case TriggerFamily::Outage: s.faults.push_back(FaultWindow{FaultKind::Outage, Time{}, Duration::millis(size), 1.0}); break;
        case TriggerFamily::Spike:
            s.faults.push_back(FaultWindow{FaultKind::LatencySpike, Time{}, spike_length, static_cast<double>(size)});
            break;
    }
    return s;
}

std::pair<std::int64_t, std::int64_t> trigger_range(TriggerFamily family, const HuntSetup& setup) {
    switch (family) {
        case TriggerFamily::Burst: return {1, setup.max_burst_size};
        case TriggerFamily::Outage: return {1, std::max<std::int64_t>(1, setup.max_trigger_length.us() / 1000)};
        case TriggerFamily::Spike: return {1, 1000};
    }
    return {1, 1};
}

namespace {

// Estimates each size once, over the same seeds.
class Estimates {
public:
    Estimates(std::string_view property, const HuntSetup& setup, const BoundaryOptions& options, BoundaryResult& out)
        : seeds_(std::string{property}, setup, options.threads), options_(options), out_(out), first_(setup.scenario.seed) {}

    const SeedEstimate& at(std::int64_t size) {
        auto it = cache_.find(size);
        if (it == cache_.end()) {
            it = cache_.emplace(size, seeds_.estimate(trigger_of(options_.family, size, options_.spike_length), first_,
                                                      options_.seeds)).first;
            out_.points.push_back(BoundaryPoint{size, it->second});
        }
        return it->second;
    }
    std::uint64_t simulations() const { return seeds_.simulations(); }

private:
    SeedEvaluator seeds_;
    BoundaryOptions options_;
    BoundaryResult& out_;
    std::uint64_t first_;
    std::map<std::int64_t, SeedEstimate> cache_;
};

// The smallest size in (lo, hi] where `above` holds, given it holds at hi and not at lo.
template <class Above>
std::int64_t first_where(std::int64_t lo, std::int64_t hi, Above&& above) {
    while (hi - lo > 1) {
        const std::int64_t mid = lo + (hi - lo) / 2;
        (above(mid) ? hi : lo) = mid;
    }
    return hi;
}

}  // namespace

BoundaryResult find_boundary(std::string_view property, const HuntSetup& setup, const BoundaryOptions& options) {
    applicable_property(property, setup.scenario.architecture);
    setup.validate();
    BoundaryResult r;
    std::tie(r.lowest, r.highest) = trigger_range(options.family, setup);
    Estimates p(property, setup, options, r);
    // Each search asks where a condition starts to hold, assuming it holds from some size on.
    const auto first_size_where = [&](auto&& holds) -> std::int64_t {
        if (!holds(r.highest)) return r.highest + 1;  // nowhere in range
        if (holds(r.lowest)) return r.lowest;
        return first_where(r.lowest, r.highest, holds);
    };
    const std::int64_t reaching_half = first_size_where([&](std::int64_t x) { return p.at(x).probability() >= 0.5; });
    r.found = reaching_half <= r.highest;
    if (r.found) r.crossing = reaching_half;
    r.surely_below = first_size_where([&](std::int64_t x) { return p.at(x).interval.high >= 0.5; }) - 1;
    const std::int64_t over = first_size_where([&](std::int64_t x) { return p.at(x).interval.low > 0.5; });
    r.surely_above = over <= r.highest ? over : 0;
    r.simulations = p.simulations();
    return r;
}

}  // namespace cascadelab::properties
