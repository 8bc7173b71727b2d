#include "experiments/run_budget.hpp"

#include <algorithm>  // std::max
#include <cmath>      // std::isinf

#include <fmt/format.h>
#include <thread>     // std::thread::hardware_concurrency

#include "experiments/exit_codes.hpp"
#include "experiments/option_values.hpp"
#include "model/resource_estimate.hpp"

namespace cascadelab::cli {

void add_budget_options(CLI::App* cmd, BudgetArgs& args) {
    cmd->add_option("--max-events", args.max_events,
                    "Refuse or stop a run past this many events (default 1e9: minutes of one core)")
        ->type_name("N");
    cmd->add_option("--max-memory", args.max_memory,
                    "Refuse or stop a run whose live state passes this size, shared by the runs at once (default 8G)")
        ->type_name("SIZE");
}

ResourceBudget budget_from(const BudgetArgs& args) {
    ResourceBudget b;
    if (const std::string* v = given("--max-events", args.max_events))
        b.max_events = parse_whole("--max-events", *v, 1000, 1'000'000'000'000'000);
    if (const std::string* v = given("--max-memory", args.max_memory))
        b.max_bytes = parse_bytes("--max-memory", *v, std::uint64_t{1} << 20, std::uint64_t{1} << 50);
    return b;
}

void check_fits(const std::vector<Scenario>& scenarios, const ResourceBudget& budget, unsigned runs_at_once,
                std::uint64_t repeats, std::string_view what) {
    double events = 0;
    for (const Scenario& s : scenarios) {
        const ResourceEstimate e = estimate_resources(s);
        try {
            check_budget(s, e, budget, runs_at_once);
        } catch (const BudgetExceeded& x) {
            throw BadInput(x.what());
        }
        if (!std::isinf(e.events)) events += e.events * static_cast<double>(repeats);
    }
    if (events > static_cast<double>(budget.max_events))
        throw BadInput(fmt::format("{}: up to {:.3g} events in all (every attempt failing), more than the budget of {:.3g} "
                                   "(--max-events; or fewer runs)",
                                   what, events, static_cast<double>(budget.max_events)));
}

void check_fits(const Scenario& scenario, const ResourceEstimate& e, const ResourceBudget& budget, std::uint64_t repeats,
                std::string_view what) {
    try {
        check_budget(scenario, e, budget, 1);
    } catch (const BudgetExceeded& x) {
        throw BadInput(x.what());
    }
    const double events = e.events * static_cast<double>(repeats);
    if (!std::isinf(events) && events > static_cast<double>(budget.max_events))
        throw BadInput(fmt::format("{}: up to {:.3g} events in all (every attempt failing), more than the budget of {:.3g} "
                                   "(--max-events; or fewer runs)",
                                   what, events, static_cast<double>(budget.max_events)));
}

unsigned threads_from(const std::optional<std::string>& text) {
    if (const std::string* v = given("--threads", text)) return static_cast<unsigned>(parse_whole("--threads", *v, 1, 1024));
    return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace cascadelab::cli
