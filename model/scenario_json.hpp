// Scenario files: JSON that sets every parameter of a Scenario, read strictly. An unknown key, a
// wrong type or an out-of-range value is a ConfigError naming the field by its path in the file
// and the value: "rpc.retry.max_attempts = 0: must be at least 1 (it counts the first call)".
// Nothing is defaulted silently: a key that is absent takes the documented default of its
// struct, which `cascadelab scenario show` prints in full.
//
// Units are in the key: `_ms` keys are milliseconds (fractions allowed, microsecond resolution),
// `_per_s` keys are per second. Durations that can be unbounded accept the string "unbounded".
#pragma once

#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "model/scenario.hpp"

namespace cascadelab {

// A file holds one scenario object, or an array of them. Throws ConfigError on bad content
// (the message starts with the field path; the caller adds the file name).
std::vector<Scenario> scenarios_from_json(std::string_view text);
// The whole scenario, every key, in the order the reader documents them. Round-trips:
// scenarios_from_json(scenario_to_json(s)) gives s back.
std::string scenario_to_json(const Scenario& s);

// A preset name, or a path to a scenario file. Throws ConfigError ("FILE: field = value: why")
// for bad content and std::runtime_error for a missing file or unknown preset.
std::vector<Scenario> load_scenarios(std::string_view preset_or_file);

}  // namespace cascadelab
