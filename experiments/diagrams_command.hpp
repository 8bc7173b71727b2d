// `cascadelab diagrams`: DOT and Mermaid for every machine, from the machines' own tables.
#pragma once

#include <CLI/CLI.hpp>  // CLI::App

#include "experiments/command_line.hpp"

namespace cascadelab::cli {

// Adds the subcommand; `result` receives its exit status when it runs.
void add_diagrams_command(CLI::App& app, PendingAction& pending);

}  // namespace cascadelab::cli
