// The hunt setup the property tests start from: a preset's first scenario with the hunt's
// defaults (background traffic, trigger window, recovery and storm bounds).
#pragma once

#include <string_view>  // std::string_view

#include "model/presets.hpp"
#include "properties/schedule.hpp"

namespace cascadelab::properties {

inline HuntSetup setup_of(std::string_view preset_name) {
    HuntSetup h;
    h.scenario = preset(preset_name)->front();
    return h;
}

}  // namespace cascadelab::properties
