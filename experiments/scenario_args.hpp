// The --scenario PRESET|FILE and --seed N arguments every running subcommand shares.
#pragma once

#include <cstdint>   // std::uint64_t
#include <filesystem>  // std::filesystem::path
#include <optional>  // std::optional
#include <string>    // std::string
#include <vector>    // std::vector

#include "model/scenario.hpp"

namespace cascadelab::cli {

// Resolves each argument (all presets when empty), applies the seed override, and validates.
// Bad input throws BadInput with one line naming the argument, the field and the value.
std::vector<Scenario> scenarios_from_args(const std::vector<std::string>& args, std::optional<std::uint64_t> seed);
// The arguments that name files rather than presets: a run must not write over them.
std::vector<std::filesystem::path> input_files(const std::vector<std::string>& args);
// The one scenario an argument must hold (hunt, sweep, plot series): BadInput naming it otherwise.
Scenario one_scenario_from_arg(const std::string& arg);

}  // namespace cascadelab::cli
