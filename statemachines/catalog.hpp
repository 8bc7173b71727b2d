// Every machine of cascadelab, described from its own transition table: what `cascadelab
// diagrams` draws and what the row-coverage tests walk.
#pragma once

#include <vector>  // std::vector

#include "statemachines/description.hpp"

namespace cascadelab {

std::vector<MachineDescription> all_machine_descriptions();

}  // namespace cascadelab
