// The --max-events and --max-memory options of every command that runs scenarios, and the check
// of each scenario's estimate against them before any run starts.
#pragma once

#include <cstdint>      // std::uint64_t
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>  // std::vector

#include <CLI/CLI.hpp>

#include "model/resource_budget.hpp"
#include "model/resource_estimate.hpp"
#include "model/scenario.hpp"

namespace cascadelab::cli {

struct BudgetArgs {
    std::optional<std::string> max_events;
    std::optional<std::string> max_memory;
};

void add_budget_options(CLI::App* cmd, BudgetArgs& args);
// Throws BadInput for a malformed value.
ResourceBudget budget_from(const BudgetArgs& args);
// Throws BadInput (one line) when the work exceeds the budget: each scenario's live state times
// `runs_at_once` (threads share the memory), and the events of all runs together — each
// scenario run `repeats` times (seeds, a hunt's cases). `what` names the work in the message:
// "64 seeds of 8 scenarios".
void check_fits(const std::vector<Scenario>& scenarios, const ResourceBudget& budget, unsigned runs_at_once = 1,
                std::uint64_t repeats = 1, std::string_view what = "");
// The same for one scenario whose estimate is known (a hunt's runs).
void check_fits(const Scenario& scenario, const ResourceEstimate& estimate, const ResourceBudget& budget,
                std::uint64_t repeats, std::string_view what);

// The threads a command uses: --threads when given (at least 1), else one per core.
unsigned threads_from(const std::optional<std::string>& text);

}  // namespace cascadelab::cli
