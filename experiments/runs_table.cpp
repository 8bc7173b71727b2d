#include "experiments/runs_table.hpp"

#include <algorithm>  // std::equal
#include <utility>    // std::move

#include <fmt/format.h>

#include "experiments/exit_codes.hpp"

namespace cascadelab::cli {

RunsLayout::RunsLayout(std::vector<std::string> params, std::vector<std::string> figures)
    : params_(std::move(params)), figures_(std::move(figures)) {}

std::vector<std::string> RunsLayout::header() const {
    std::vector<std::string> h{"point", "seed"};
    h.insert(h.end(), params_.begin(), params_.end());
    h.insert(h.end(), {"scenario", "architecture"});
    h.insert(h.end(), figures_.begin(), figures_.end());
    return h;
}

RunsLayout RunsLayout::of(const CsvTable& runs, const std::vector<std::string>& figures, std::string_view source) {
    const std::vector<std::string>& h = runs.header;
    const std::size_t fixed = 4 + figures.size();
    if (h.size() < fixed || h[0] != "point" || h[1] != "seed" || h[h.size() - figures.size() - 2] != "scenario" ||
        h[h.size() - figures.size() - 1] != "architecture")
        throw BadInput(fmt::format("{}: not a sweep's runs table (point, seed, the parameters, scenario, architecture, "
                                   "figures)",
                                   source));
    if (!std::equal(figures.begin(), figures.end(), h.end() - static_cast<std::ptrdiff_t>(figures.size())))
        throw BadInput(fmt::format("{}: its figures differ from this cascadelab's (written by another version?)", source));
    return RunsLayout({h.begin() + 2, h.end() - static_cast<std::ptrdiff_t>(figures.size()) - 2}, figures);
}

}  // namespace cascadelab::cli
