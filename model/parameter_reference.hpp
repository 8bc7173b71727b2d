// docs/statemachines/parameters.md: every machine's parameters as a scenario file gives them —
// key, unit, range, default, the peers' names and meaning — rendered from the field tables
// (statemachines/config_tables.hpp), so the reference cannot drift from what the reader accepts.
#pragma once

#include <string>  // std::string

namespace cascadelab {

std::string parameter_reference_markdown();

}  // namespace cascadelab
