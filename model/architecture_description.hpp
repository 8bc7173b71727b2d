// The two architectures as pictures: which machine sits where, and which events and effects flow
// between them. Data, not drawings: `cascadelab diagrams` renders it as DOT and Mermaid, and a
// test checks that every event an edge delivers to a machine is in that machine's table.
#pragma once

#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "model/scenario.hpp"

namespace cascadelab {

struct FlowNode {
    std::string_view id;
    std::string_view label;
    bool machine = false;          // a Boost.MSM machine (its table is in docs/statemachines)
    std::string_view how_many;     // "one per request", "shared", ...
};

struct FlowEdge {
    std::string_view from;
    std::string_view to;
    // The event the target machine receives (its table's name), or the effect / call that flows.
    std::vector<std::string_view> events;
    bool to_machine_event = false;  // `events` are events of the target machine's table
};

struct ArchitectureDescription {
    std::string_view name;  // "RPC", "EventDriven"
    std::string_view title;
    std::vector<FlowNode> nodes;
    std::vector<FlowEdge> edges;
};

ArchitectureDescription describe_architecture(Architecture a);

std::string to_dot(const ArchitectureDescription& a);
std::string to_mermaid(const ArchitectureDescription& a);

}  // namespace cascadelab
