// The built-in scenarios. `seed` reproduces the tutorial's 2000-request experiment; the four
// tutorial scenarios compare naive and safe configurations of both architectures over 2400
// requests; `healthy` is the low-load case where RPC must be faster. docs/experiments.md
// explains each value the tutorial leaves open.
#pragma once

#include <optional>     // std::optional
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "model/scenario.hpp"

namespace cascadelab {

struct PresetInfo {
    std::string_view name;
    std::string_view summary;
    bool in_default_compare = true;  // part of the articles' comparison that `compare` runs
};

// Every preset name, in the order `compare` runs them.
const std::vector<PresetInfo>& preset_catalog();
// The scenarios of a preset (the architectures it compares), or the one scenario of that name
// ("seed-rpc"), or nullopt for an unknown name.
std::optional<std::vector<Scenario>> preset(std::string_view name);

}  // namespace cascadelab
