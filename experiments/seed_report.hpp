// `compare --seeds N`: every scenario over N seeds, each metric as a mean with its 95 %
// confidence interval, and each claim with the number of seeds it held on.
#pragma once

#include <string>  // std::string
#include <vector>  // std::vector

#include "experiments/report.hpp"
#include "model/metrics.hpp"

namespace cascadelab::cli {

// runs[k] holds seed k's run of every scenario, in the same scenario order for every k.
std::string render_seeds_table(const std::vector<std::vector<RunMetrics>>& runs);
std::string render_seeds_csv(const std::vector<std::vector<RunMetrics>>& runs);
std::string render_seeds_json(const std::vector<std::vector<RunMetrics>>& runs);

}  // namespace cascadelab::cli
