// The columns of a sweep's runs.csv, in one place: point, seed, one column per --param (named by
// its key), scenario, architecture, then the run's figures. Everything else asks this layout for
// a column instead of counting positions.
//
// A parameter's key may repeat a fixed name (`--param seed=...` shifts a point's seeds,
// `--param architecture=...` compares the two): so a layout is read back from a header by its
// known ends (point and seed first; scenario, architecture and this version's figures last), never
// by looking a fixed name up, which would find the parameter.
#pragma once

#include <cstddef>      // std::size_t
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "experiments/csv.hpp"

namespace cascadelab::cli {

class RunsLayout {
public:
    RunsLayout(std::vector<std::string> params, std::vector<std::string> figures);

    // Reads the layout of a runs table whose figures are `figures`; BadInput naming `source` when
    // the header is not a sweep's runs table or holds other figures (another cascadelab version).
    static RunsLayout of(const CsvTable& runs, const std::vector<std::string>& figures, std::string_view source);

    std::vector<std::string> header() const;

    static constexpr std::size_t point_column() { return 0; }
    static constexpr std::size_t seed_column() { return 1; }
    std::size_t param_column(std::size_t i) const { return 2 + i; }
    std::size_t scenario_column() const { return 2 + params_.size(); }
    std::size_t architecture_column() const { return scenario_column() + 1; }
    std::size_t figure_column(std::size_t i) const { return architecture_column() + 1 + i; }

    const std::vector<std::string>& params() const { return params_; }
    const std::vector<std::string>& figures() const { return figures_; }

private:
    std::vector<std::string> params_;
    std::vector<std::string> figures_;
};

}  // namespace cascadelab::cli
