// `cascadelab sweep` (a parameter grid x seeds, in parallel, shardable), `cascadelab merge` and
// `cascadelab plot`.
#pragma once

#include <CLI/CLI.hpp>  // CLI::App

#include "experiments/command_line.hpp"

namespace cascadelab::cli {

void add_sweep_command(CLI::App& app, PendingAction& pending);

}  // namespace cascadelab::cli
