// `cascadelab scenario list` names the presets; `cascadelab scenario show PRESET|FILE` prints
// the scenario as a complete JSON file — every key with its value — to start your own from.
#pragma once

#include <CLI/CLI.hpp>  // CLI::App

#include "experiments/command_line.hpp"

namespace cascadelab::cli {

void add_scenario_command(CLI::App& app, PendingAction& pending);

}  // namespace cascadelab::cli
