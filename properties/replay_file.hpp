// The replay file a hunt writes: everything needed to re-run a violation exactly — the scenario,
// the hunt setup, the minimal schedule, the property and its verdict, and RapidCheck's seed and
// reproduce string.
#pragma once

#include <cstdint>   // std::uint64_t
#include <optional>  // std::optional
#include <string>    // std::string

#include "properties/invariants.hpp"
#include "properties/schedule.hpp"

namespace cascadelab::properties {

struct ReplayFile {
    std::string property;
    HuntSetup setup;
    Schedule schedule;
    std::optional<Violation> violation;  // the verdict the hunt saw
    std::uint64_t rapidcheck_seed = 0;
    std::string reproduce;
};

std::string write_replay(const ReplayFile& replay);
// Throws ConfigError naming the field for a malformed file.
ReplayFile read_replay(const std::string& text);

}  // namespace cascadelab::properties
