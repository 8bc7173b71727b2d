// Rendering run results: a readable table (fmt), CSV with one row per run, and JSON. All three
// are deterministic: the same runs give byte-identical text.
#pragma once

#include <string>  // std::string
#include <vector>  // std::vector

#include "experiments/claims.hpp"
#include "model/metrics.hpp"

namespace cascadelab::cli {

enum class ReportFormat { Table, Csv, Json };

// Every figure of a run, in one fixed order shared by CSV, JSON and the seed statistics.
struct Field {
    std::string_view name;
    double value;
    bool integer;
};
std::vector<Field> run_fields(const RunMetrics& r);
std::string format_number(const Field& f);

std::string render_table(const std::vector<RunMetrics>& runs, const std::vector<ClaimVerdict>& claims);
std::string render_csv(const std::vector<RunMetrics>& runs);
std::string render_json(const std::vector<RunMetrics>& runs, const std::vector<ClaimVerdict>& claims);

}  // namespace cascadelab::cli
