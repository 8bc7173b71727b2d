#include "model/run.hpp"

#include "model/event_system.hpp"
#include "model/rpc_system.hpp"

namespace cascadelab {

RunMetrics run_scenario(const Scenario& scenario, const RunOptions& options) {
    scenario.validate();
    return scenario.architecture == Architecture::Rpc ? run_rpc(scenario, options) : run_event(scenario, options);
}

}  // namespace cascadelab
