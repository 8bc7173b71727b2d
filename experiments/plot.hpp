// Plots with gnuplot (Debian gnuplot-nox), as SVG and PNG: heatmaps of a sweep's summary over two
// parameters, and the time series of one run.
#pragma once

#include <filesystem>  // std::filesystem::path
#include <string>      // std::string

#include "model/metrics.hpp"

namespace cascadelab::cli {

// Writes <out>.svg and <out>.png: z (a summary.csv column) over x and y (parameter columns).
void plot_heatmap(const std::filesystem::path& summary_csv, const std::string& x, const std::string& y,
                  const std::string& z, const std::filesystem::path& out);
// Writes <out>.svg and <out>.png: goodput, downstream in-flight, queue depth and breaker state per
// window of one run.
void plot_series(const RunMetrics& run, const std::filesystem::path& out);

}  // namespace cascadelab::cli
