// The architecture pictures cannot drift from the machines: every event an edge delivers to a
// machine is an event of that machine's transition table.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "model/architecture_description.hpp"
#include "statemachines/catalog.hpp"

namespace cascadelab {
namespace {

void collect_events(const MachineDescription& m, std::set<std::string>& out) {
    for (const RowDescription& r : m.rows) out.emplace(r.event);
    for (const MachineDescription& sub : m.submachines) collect_events(sub, out);
}

TEST(ArchitectureDescription, EveryMachineEventOnAnEdgeIsInTheMachinesTable) {
    std::map<std::string, std::set<std::string>, std::less<>> events;  // machine name -> events
    for (const MachineDescription& m : all_machine_descriptions()) collect_events(m, events[std::string{m.name}]);
    for (Architecture a : {Architecture::Rpc, Architecture::Event}) {
        const ArchitectureDescription d = describe_architecture(a);
        std::map<std::string_view, const FlowNode*> nodes;
        for (const FlowNode& n : d.nodes) nodes[n.id] = &n;
        for (const FlowEdge& e : d.edges) {
            ASSERT_TRUE(nodes.count(e.from)) << d.name << ": " << e.from;
            ASSERT_TRUE(nodes.count(e.to)) << d.name << ": " << e.to;
            if (!e.to_machine_event) continue;
            const FlowNode& target = *nodes[e.to];
            ASSERT_TRUE(target.machine) << d.name << ": " << e.to << " is not a machine";
            const auto it = events.find(target.label);
            ASSERT_NE(it, events.end()) << "no machine named " << target.label;
            for (std::string_view ev : e.events)
                EXPECT_TRUE(it->second.count(std::string{ev})) << d.name << ": " << target.label << " has no event " << ev;
        }
    }
}

TEST(ArchitectureDescription, RendersEveryNodeAndEdge) {
    const ArchitectureDescription d = describe_architecture(Architecture::Rpc);
    const std::string dot = to_dot(d);
    const std::string mmd = to_mermaid(d);
    for (const FlowNode& n : d.nodes) {
        EXPECT_NE(dot.find(std::string{n.id} + " [label="), std::string::npos) << n.id;
        EXPECT_NE(mmd.find(std::string{"    "} + std::string{n.id}), std::string::npos) << n.id;
    }
    EXPECT_NE(dot.find("retry -> caller [label=\"send_attempt\", style=dashed]"), std::string::npos);
}

}  // namespace
}  // namespace cascadelab
