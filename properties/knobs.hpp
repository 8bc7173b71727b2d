// Configuration a hunt may vary besides traffic (`hunt --vary-config`): features a scenario may
// leave off — a bounded bulkhead queue, a service capacity, fatal errors, pushback, an overall
// deadline, slow calls, a breaker on the event side, more attempts, a backoff cap that is reached —
// each switched on with a drawn value. Code that a preset never configures is exercised this way,
// and a counterexample names the knobs it needs (shrinking drops the others).
//
// A knob is one row of a table (knobs.cpp): its key in replay files, its range, where it applies
// and what it changes. A knob that does not apply to a scenario is never drawn for it.
#pragma once

#include <cstdint>      // std::int64_t
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "model/scenario.hpp"

namespace cascadelab::properties {

enum class Knob : std::uint8_t {
    ExtraAttempts,     // max_attempts (RPC) or max_deliveries (every stage) + value
    BackoffCapTimes,   // the backoff cap = value x the backoff base
    DeadlineMs,        // RPC: an overall deadline per request
    BulkheadQueue,     // a waiting bulkhead's max_queue_length
    Capacity,          // the service's concurrency capacity
    FatalPercent,      // percent of the service's failures that are fatal (not retryable)
    PushbackStop,      // the service says "do not retry": 1 with refusals, 2 with every failure
    SlowCallMs,        // the breaker's slow-call threshold, with a slow-call rate threshold of 50 %
    EventBreaker,      // event-driven without a breaker: a Resilience4j breaker in front of the service
};

struct KnobSetting {
    Knob knob;
    std::int64_t value;
    bool operator==(const KnobSetting&) const = default;
};

struct KnobInfo {
    Knob knob;
    std::string_view key;   // in replay files and descriptions
    std::int64_t lo, hi;    // the drawn range; shrinking heads for lo
    std::string_view doc;
    bool (*applies)(const Scenario&);
    void (*apply)(Scenario&, std::int64_t value);
};

// Every knob, in the order a hunt draws them.
const std::vector<KnobInfo>& knob_table();
const KnobInfo& info(Knob k);
const KnobInfo* find_knob(std::string_view key);

// The scenario with the settings applied in order; throws ConfigError naming the knob when a
// setting is out of its range or does not apply to the scenario.
Scenario with_knobs(Scenario s, const std::vector<KnobSetting>& settings);
// "capacity 12, fatal_percent 30", or "" for none.
std::string describe(const std::vector<KnobSetting>& settings);

}  // namespace cascadelab::properties
