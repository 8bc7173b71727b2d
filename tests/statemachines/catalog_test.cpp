// Checks every machine in the catalog shares: the table shape rules of docs/state-machines.md.
#include <gtest/gtest.h>

#include <map>  // std::map
#include <set>  // std::set

#include <fmt/format.h>

#include "statemachines/catalog.hpp"

namespace cascadelab {
namespace {

void for_each_table(const MachineDescription& m, const auto& f) {
    f(m);
    for (const auto& sub : m.submachines) for_each_table(sub, f);
}

// Rows on the same (state, event) must be told apart by distinct guards, never by Boost.MSM's
// reverse-order evaluation; none of them may be unguarded.
TEST(MachineCatalog, RowsSharingStateAndEventHaveDistinctGuards) {
    for (const auto& machine : all_machine_descriptions()) {
        for_each_table(machine, [&](const MachineDescription& table) {
            std::map<std::string, std::multiset<std::string_view>> guards;
            for (const auto& r : table.rows) guards[fmt::format("{} + {}", r.source, r.event)].insert(r.guard);
            for (const auto& [key, g] : guards) {
                if (g.size() == 1) continue;
                EXPECT_EQ(std::set<std::string_view>(g.begin(), g.end()).size(), g.size()) << table.name << ": " << key;
                EXPECT_EQ(g.count(""), 0u) << table.name << ": " << key << " has an unguarded row among several";
            }
        });
    }
}

// Boost.MPL's default limit is 20 rows per table; raising it slows every compile by ~35%.
TEST(MachineCatalog, EveryTableFitsTwentyRows) {
    for (const auto& machine : all_machine_descriptions())
        for_each_table(machine, [&](const MachineDescription& table) { EXPECT_LE(table.rows.size(), 20u) << table.name; });
}

TEST(MachineCatalog, NamesTheMachines) {
    std::set<std::string_view> names;
    for (const auto& m : all_machine_descriptions()) names.insert(m.name);
    EXPECT_EQ(names, (std::set<std::string_view>{"CircuitBreaker", "Bulkhead", "Retry", "RetryBudget", "Message", "Consumer"}));
}

}  // namespace
}  // namespace cascadelab
