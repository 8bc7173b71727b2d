// A machine's transition table as data, walked from the Boost.MSM table itself, and rendered as
// Graphviz DOT and Mermaid stateDiagram-v2. No per-machine drawing code exists.
#pragma once

#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

namespace cascadelab {

struct RowDescription {
    std::string_view source;
    std::string_view event;
    std::string_view target;  // equal to source for an internal row
    std::string_view action;  // "" when none
    std::string_view guard;   // "" when none
    bool internal = false;    // handled without leaving the state (no exit/entry)

    bool operator==(const RowDescription&) const = default;
};

struct MachineDescription {
    std::string_view name;
    std::string_view initial;
    std::vector<std::string_view> states;  // in order of first appearance
    std::vector<RowDescription> rows;      // in table order
    // A state that is itself a machine (Boost.MSM submachine), drawn nested.
    std::vector<MachineDescription> submachines;
};

// The key a test uses to say "this row was taken": source, event, target and guard identify a
// row uniquely when guards on the same (source, event) are mutually exclusive.
std::string row_key(std::string_view source, std::string_view event, std::string_view target, std::string_view guard);
inline std::string row_key(const RowDescription& r) { return row_key(r.source, r.event, r.target, r.guard); }

// Every row of the machine and its submachines, as keys.
std::vector<std::string> all_row_keys(const MachineDescription& m);

std::string to_dot(const MachineDescription& m);
std::string to_mermaid(const MachineDescription& m);

}  // namespace cascadelab
