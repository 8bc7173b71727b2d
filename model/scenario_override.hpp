// Overrides by path: a scenario with some of its keys set from text, as `sweep --param` and
// `run --param` give them. A path names a key as it appears in the scenario file:
// "rpc.retry.max_attempts", "faults[0].length_ms", "inner_stages[1].consumer.max_deliveries".
#pragma once

#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "model/scenario.hpp"

namespace cascadelab {

struct Override {
    std::string path;   // "rpc.retry.max_attempts"
    std::string value;  // "5", "true", "\"unbounded\"", "per_request"
};

// The scenario with every override applied, then validated once as a whole file would be (so a
// point of a sweep that sets both ends of a range is judged on the pair, not on the first half).
// A value is read as JSON when it is JSON (a number, true, "unbounded"), else as a string. Throws
// ConfigError naming the path and value: a path that is not in the scenario, a section instead of
// a value, bytes that are not UTF-8, or a value the scenario's validation refuses.
Scenario with_overrides(const Scenario& s, const std::vector<Override>& overrides);
// One override.
Scenario with_override(const Scenario& s, std::string_view path, std::string_view value);

}  // namespace cascadelab
