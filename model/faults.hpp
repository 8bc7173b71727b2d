// Fault schedules: what goes wrong with the downstream service, and when. Each fault acts over
// a half-open window [start, start + length); overlapping faults combine (spikes multiply,
// capacity drops multiply, the highest error rate wins, an outage wins over everything).
#pragma once

#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "model/kernel/time.hpp"

namespace cascadelab {

enum class FaultKind {
    Outage,         // every attempt fails at once (connection refused, 503 from a dead pool)
    LatencySpike,   // latency x strength (a GC pause, a slow disk, a noisy neighbour)
    CapacityDrop,   // the knee and the capacity x strength, strength in (0, 1] (lost replicas)
    ErrorRate,      // the base failure probability becomes strength (a bad deploy)
};
std::string_view name(FaultKind k);

struct FaultWindow {
    FaultKind kind = FaultKind::Outage;
    Time start;
    Duration length;
    double strength = 1.0;  // LatencySpike: factor >= 1; CapacityDrop: factor in (0, 1]; ErrorRate: p

    Time end() const { return start + length; }
    bool active_at(Time t) const { return start <= t && t < end(); }
    bool operator==(const FaultWindow&) const = default;
};

// The combined effect of the faults active at one instant.
struct ActiveFaults {
    bool outage = false;
    double latency_factor = 1.0;
    double capacity_factor = 1.0;
    double error_rate = -1.0;  // < 0: no override

    bool any() const { return outage || latency_factor != 1.0 || capacity_factor != 1.0 || error_rate >= 0.0; }
};

class FaultSchedule {
public:
    FaultSchedule() = default;
    explicit FaultSchedule(std::vector<FaultWindow> windows);

    ActiveFaults at(Time t) const;
    const std::vector<FaultWindow>& windows() const { return windows_; }
    bool empty() const { return windows_.empty(); }
    // When the last fault ends (Time{} when there is none).
    Time last_end() const;

    // Throws ConfigError naming faults[i].field and the value.
    void validate() const;

private:
    std::vector<FaultWindow> windows_;
};

}  // namespace cascadelab
