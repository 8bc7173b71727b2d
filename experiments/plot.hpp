// Plots with gnuplot (Debian gnuplot-nox), as SVG and PNG: heatmaps of a sweep's summary over two
// parameters, and the time series of one run. gnuplot runs without a shell and every label goes
// into its script quoted, so a scenario name or a sweep value is text, never a command; the two
// images are written under temporary names and renamed into place together.
#pragma once

#include <filesystem>   // std::filesystem::path
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "experiments/csv.hpp"
#include "model/metrics.hpp"

namespace cascadelab::cli {

// Throws BadInput when gnuplot is not installed.
void require_gnuplot();
// Checks <out>.svg and <out>.png as output files (output_files.hpp).
void check_plot_output(std::string_view option, const std::filesystem::path& out,
                       const std::vector<std::filesystem::path>& inputs);
// What a heatmap shows: z (a summary.csv column) over x and y (parameter columns).
struct HeatmapAxes {
    std::string x, y, z;
};

// Throws BadInput unless x and y are columns of the summary and z a numeric one.
void check_heatmap_columns(const CsvTable& summary, const HeatmapAxes& axes, std::string_view source);

// Writes <out>.svg and <out>.png.
void plot_heatmap(const CsvTable& summary, const HeatmapAxes& axes, const std::filesystem::path& out);
// Writes <out>.svg and <out>.png: goodput, downstream in-flight, queue depth and breaker state per
// window of one run.
void plot_series(const RunMetrics& run, const std::filesystem::path& out);

}  // namespace cascadelab::cli
