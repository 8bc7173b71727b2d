#include "model/faults.hpp"

#include <algorithm>  // std::max
#include <string>     // std::string

#include "model/scenario_tables.hpp"
#include "statemachines/config_error.hpp"

namespace cascadelab {

std::string_view name(FaultKind k) {
    switch (k) {
        case FaultKind::Outage: return "outage";
        case FaultKind::LatencySpike: return "latency_spike";
        case FaultKind::CapacityDrop: return "capacity_drop";
        case FaultKind::ErrorRate: return "error_rate";
    }
    return "?";
}

FaultSchedule::FaultSchedule(std::vector<FaultWindow> windows) : windows_(std::move(windows)) {}

ActiveFaults FaultSchedule::at(Time t) const {
    ActiveFaults a;
    for (const FaultWindow& w : windows_) {
        if (!w.active_at(t)) continue;
        switch (w.kind) {
            case FaultKind::Outage: a.outage = true; break;
            case FaultKind::LatencySpike: a.latency_factor *= w.strength; break;
            case FaultKind::CapacityDrop: a.capacity_factor *= w.strength; break;
            case FaultKind::ErrorRate: a.error_rate = std::max(a.error_rate, w.strength); break;
        }
    }
    return a;
}

Time FaultSchedule::last_end() const {
    Time last;
    for (const FaultWindow& w : windows_) last = std::max(last, w.end());
    return last;
}

void FaultSchedule::validate() const {
    for (std::size_t i = 0; i < windows_.size(); ++i) {
        const FaultWindow& w = windows_[i];
        check_ranges(fault_fields(), w, fmt::format("faults[{}]", i));
    }
}

}  // namespace cascadelab
