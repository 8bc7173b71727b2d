// `cascadelab diagrams`: DOT and Mermaid for every machine, from the machines' own tables.
#pragma once

#include <CLI/CLI.hpp>  // CLI::App

namespace cascadelab::cli {

// Adds the subcommand; `result` receives its exit status when it runs.
void add_diagrams_command(CLI::App& app, int& result);

}  // namespace cascadelab::cli
