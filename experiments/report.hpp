// Rendering run results: a readable table (fmt), CSV with one row per run, and JSON. All three
// are deterministic: the same runs give byte-identical text.
#pragma once

#include <string>  // std::string
#include <vector>  // std::vector

#include "experiments/claims.hpp"
#include "model/metrics.hpp"

namespace cascadelab::cli {

enum class ReportFormat { Table, Csv, Json };

std::string render_table(const std::vector<RunMetrics>& runs, const std::vector<ClaimVerdict>& claims);
std::string render_csv(const std::vector<RunMetrics>& runs);
std::string render_json(const std::vector<RunMetrics>& runs, const std::vector<ClaimVerdict>& claims);

}  // namespace cascadelab::cli
