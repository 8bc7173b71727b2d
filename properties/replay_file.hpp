// The replay file a hunt writes: everything needed to re-run a violation exactly — the scenario,
// the hunt setup, the minimal schedule, the property and its verdict, its probability over seeds
// and the test that shrank it, and RapidCheck's seed and reproduce string.
#pragma once

#include <cstdint>   // std::uint64_t
#include <optional>  // std::optional
#include <string>    // std::string

#include "properties/invariants.hpp"
#include "properties/schedule.hpp"
#include "properties/seed_verdict.hpp"
#include "properties/statistics.hpp"

namespace cascadelab::properties {

struct ReplayFile {
    std::string property;
    HuntSetup setup;
    Schedule schedule;
    std::optional<Violation> violation;  // the verdict the hunt saw
    std::uint64_t rapidcheck_seed = 0;
    std::string reproduce;
    // How often the schedule broke the property over seeds, when the hunt estimated it; `replay`
    // estimates it again over the same seeds.
    std::optional<SeedEstimate> estimate;
    // The test that made the schedule count as failing while shrinking; nullopt: the scenario's
    // seed alone.
    std::optional<SprtOptions> robust;
};

std::string write_replay(const ReplayFile& replay);
// Throws ConfigError naming the field for a malformed file.
ReplayFile read_replay(const std::string& text);

}  // namespace cascadelab::properties
