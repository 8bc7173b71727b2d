// One entry point for a run, whatever the architecture.
#pragma once

#include "model/metrics.hpp"
#include "model/run_options.hpp"
#include "model/scenario.hpp"

namespace cascadelab {

// Validates the scenario (ConfigError on bad input), then runs it to the end or its horizon.
RunMetrics run_scenario(const Scenario& scenario, const RunOptions& options = {});

}  // namespace cascadelab
