// Every property holds on the safe presets for random trigger schedules, and the bookkeeping
// properties hold for random configurations too. The number of cases is RapidCheck's
// max_success (200 in CI via RC_PARAMS; ./scripts/test --long runs 10,000).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "properties/generators.hpp"
#include "properties/invariants.hpp"
#include "hunt_setup.hpp"

namespace cascadelab::properties {
namespace {

// The healthy level is the same for every schedule of a setup: measure it once.
const HealthyLevel& healthy_of(std::string_view name) {
    static std::map<std::string, HealthyLevel, std::less<>> cache;
    auto it = cache.find(name);
    if (it == cache.end()) it = cache.emplace(std::string{name}, measure_healthy(setup_of(name))).first;
    return it->second;
}

void holds(std::string_view preset_name, std::string_view property) {
    const HuntSetup h = setup_of(preset_name);
    const Schedule s = *gen::schedule(h);
    const auto v = check(property, h, s, healthy_of(preset_name));
    RC_ASSERT_FALSE(v.has_value());
}

#define CASCADELAB_SAFE(PRESET, TEST_NAME, PROPERTY) \
    RC_GTEST_PROP(SafePresets, TEST_NAME, ()) { holds(PRESET, PROPERTY); }

CASCADELAB_SAFE("rpc-safe", RpcSafeBulkheadBound, "bulkhead-bound")
CASCADELAB_SAFE("rpc-safe", RpcSafeBreakerSafety, "breaker-safety")
CASCADELAB_SAFE("rpc-safe", RpcSafeRetryBounds, "retry-bounds")
CASCADELAB_SAFE("rpc-safe", RpcSafeRetryStorm, "retry-storm")
CASCADELAB_SAFE("rpc-safe", RpcSafeConservation, "conservation")
CASCADELAB_SAFE("rpc-safe", RpcSafeTermination, "termination")
CASCADELAB_SAFE("rpc-safe", RpcSafeDeterminism, "determinism")
CASCADELAB_SAFE("rpc-safe", RpcSafeRecovery, "recovery")
CASCADELAB_SAFE("event-safe", EventSafeBulkheadBound, "bulkhead-bound")
CASCADELAB_SAFE("event-safe", EventSafeRetryBounds, "retry-bounds")
CASCADELAB_SAFE("event-safe", EventSafeConservation, "conservation")
CASCADELAB_SAFE("event-safe", EventSafeDlqRouting, "dlq-routing")
CASCADELAB_SAFE("event-safe", EventSafeTermination, "termination")
CASCADELAB_SAFE("event-safe", EventSafeDeterminism, "determinism")
CASCADELAB_SAFE("event-safe", EventSafeRecovery, "recovery")
#undef CASCADELAB_SAFE

// Bookkeeping must hold for any configuration, safe or not: random knobs, random schedules.
RC_GTEST_PROP(AnyConfiguration, BookkeepingInvariantsHold, ()) {
    const std::string_view base = *rc::gen::element<std::string_view>("rpc-naive", "rpc-safe", "event-naive", "event-safe");
    HuntSetup h = setup_of(base);
    h.scenario = *gen::knobs(h.scenario);
    h.max_burst_size = 500;  // keeps each case quick; the knobs vary the configuration
    const Schedule s = *gen::schedule(h);
    for (std::string_view property : {"bulkhead-bound", "breaker-safety", "retry-bounds", "conservation", "termination",
                                      "dlq-routing"}) {
        if (!applies(*find_property(property), h.scenario.architecture)) continue;
        const auto v = check(property, h, s, HealthyLevel{});
        if (v) RC_FAIL(describe(*v));
    }
}

}  // namespace
}  // namespace cascadelab::properties
