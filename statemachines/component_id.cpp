#include "statemachines/component_id.hpp"

#include <array>      // std::array
#include <stdexcept>  // std::out_of_range
#include <string>     // std::to_string

namespace cascadelab {

namespace {

using Names = std::array<std::string_view, kMaxPlaces>;

// One row per ComponentKind, in its order.
constexpr std::array<Names, 6> kNames{{
    {"breaker", "tier2.breaker", "tier3.breaker", "tier4.breaker", "tier5.breaker", "tier6.breaker", "tier7.breaker",
     "tier8.breaker"},
    {"bulkhead", "tier2.bulkhead", "tier3.bulkhead", "tier4.bulkhead", "tier5.bulkhead", "tier6.bulkhead",
     "tier7.bulkhead", "tier8.bulkhead"},
    {"retry-budget", "tier2.retry-budget", "tier3.retry-budget", "tier4.retry-budget", "tier5.retry-budget",
     "tier6.retry-budget", "tier7.retry-budget", "tier8.retry-budget"},
    {"retry", "tier2.retry", "tier3.retry", "tier4.retry", "tier5.retry", "tier6.retry", "tier7.retry", "tier8.retry"},
    {"message", "stage2.message", "stage3.message", "stage4.message", "stage5.message", "stage6.message",
     "stage7.message", "stage8.message"},
    {"consumer", "stage2.consumer", "stage3.consumer", "stage4.consumer", "stage5.consumer", "stage6.consumer",
     "stage7.consumer", "stage8.consumer"},
}};
static_assert(static_cast<std::size_t>(ComponentKind::Consumer) + 1 == kNames.size(), "one row of names per kind");

}  // namespace

std::string_view ComponentId::name() const { return kNames.at(static_cast<std::size_t>(kind)).at(place); }

std::uint8_t place_of(std::size_t index) {
    if (index >= kMaxPlaces)
        throw std::out_of_range("component place " + std::to_string(index) + " is past the last of " +
                                std::to_string(kMaxPlaces));
    return static_cast<std::uint8_t>(index);
}

}  // namespace cascadelab
