// The whole command line in two steps. Parsing runs each subcommand's validation: every option,
// every file, every output path and the resource budget are checked, scenario files are read,
// and the result is an action ready to run. Only then does the action run. So bad input of any
// kind is reported before the first simulation, and a fuzzer can drive the first step alone.
#pragma once

#include <functional>  // std::function

namespace cascadelab::cli {

// What a validated command does; returns the exit status.
using Action = std::function<int()>;

// Set by a subcommand's validation; run by run_command_line after parsing succeeded.
struct PendingAction {
    Action action;
};

// Parses and validates argv; runs the command when `execute`. Returns the exit status: bad input
// is one line on stderr ("cascadelab: error: ...", control characters escaped) and 2.
int run_command_line(int argc, const char* const* argv, bool execute = true);

}  // namespace cascadelab::cli
