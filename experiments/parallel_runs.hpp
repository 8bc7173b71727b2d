// Runs many scenarios on several threads. Each run is a pure function of its scenario, so the
// results are the same whatever the thread count, and they come back in the order asked.
#pragma once

#include <functional>  // std::function
#include <vector>      // std::vector

#include "model/metrics.hpp"
#include "model/scenario.hpp"

namespace cascadelab::cli {

// threads = 0: one per core. `progress` (may be empty) is called with the number of runs done,
// from whichever thread finished one, never concurrently.
std::vector<RunMetrics> run_all(const std::vector<Scenario>& scenarios, unsigned threads,
                                const std::function<void(std::size_t done, std::size_t total)>& progress = {});

}  // namespace cascadelab::cli
