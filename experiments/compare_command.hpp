// `cascadelab compare`: run scenarios (the presets by default) and print the comparison table,
// then which of the articles' claims held on this run.
#pragma once

#include <CLI/CLI.hpp>  // CLI::App

#include "experiments/command_line.hpp"

namespace cascadelab::cli {

void add_compare_command(CLI::App& app, PendingAction& pending);

}  // namespace cascadelab::cli
