// Who a machine is inside a system: its kind and where it sits (the RPC tier or the event stage,
// 0 = the first). Logic asks the fields; only traces and messages show name(), and nothing parses
// a name back into meaning.
//
// The instance (which request, message or consumer) is not part of the id: machines pass it with
// every transition, as the trace's id column, so one id serves all the retry machines of a tier.
#pragma once

#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint8_t
#include <string_view>  // std::string_view

namespace cascadelab {

enum class ComponentKind : std::uint8_t { Breaker, Bulkhead, RetryBudget, Retry, Message, Consumer };

// Tiers of an RPC chain, stages of an event chain: the most a scenario may have.
inline constexpr std::size_t kMaxPlaces = 8;

struct ComponentId {
    ComponentKind kind;
    std::uint8_t place = 0;  // tier or stage, 0-based

    // "breaker", "tier2.breaker", "stage3.consumer": static storage, as traces require. The first
    // place's names are plain; RPC machines count tiers, message and consumer machines stages.
    std::string_view name() const;

    // One per tier or stage (breaker, bulkhead, retry budget), as opposed to the per-request and
    // per-message machines there are thousands of.
    bool shared() const {
        return kind == ComponentKind::Breaker || kind == ComponentKind::Bulkhead || kind == ComponentKind::RetryBudget;
    }

    bool operator==(const ComponentId&) const = default;
};

// A place from a tier or stage index; throws std::out_of_range beyond kMaxPlaces.
std::uint8_t place_of(std::size_t index);

}  // namespace cascadelab
