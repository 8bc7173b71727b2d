// Runs many scenarios on several threads. Each run is a pure function of its scenario, so the
// results are the same whatever the thread count, and they come back in the order asked.
#pragma once

#include <functional>  // std::function
#include <vector>      // std::vector

#include "model/metrics.hpp"
#include "model/run_options.hpp"
#include "model/scenario.hpp"

namespace cascadelab::cli {

using Progress = std::function<void(std::size_t done, std::size_t total)>;

// Runs every scenario and keeps `keep(metrics)` of each — a row of figures, not the metrics with
// their histograms — so that memory does not grow with the number of runs. threads = 0: one per
// core. `progress` (may be empty) is called with the number of runs done, never concurrently.
// `options` go to every run (its budget: each run's share).
std::vector<std::vector<double>> run_all_figures(const std::vector<Scenario>& scenarios, unsigned threads,
                                                 const RunOptions& options,
                                                 const std::function<std::vector<double>(const RunMetrics&)>& keep,
                                                 const Progress& progress = {});

// The same keeping whole metrics: for a few runs.
std::vector<RunMetrics> run_all(const std::vector<Scenario>& scenarios, unsigned threads, const RunOptions& options,
                                const Progress& progress = {});

}  // namespace cascadelab::cli
