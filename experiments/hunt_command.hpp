// `cascadelab hunt`: search for a schedule that breaks a property, shrink it, show it, write a
// replay file. `cascadelab replay FILE`: re-run a replay file, same timeline, same verdict.
#pragma once

#include <CLI/CLI.hpp>  // CLI::App

#include "experiments/command_line.hpp"

namespace cascadelab::cli {

void add_hunt_command(CLI::App& app, PendingAction& pending);
void add_replay_command(CLI::App& app, PendingAction& pending);

}  // namespace cascadelab::cli
