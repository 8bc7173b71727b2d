// The one event type both architectures put on the simulator's queue: small and trivially
// copyable, 16 bytes, so a queue entry (time, sequence, event) is 32.
#pragma once

#include <array>    // std::array
#include <cstdint>  // std::uint32_t, std::uint64_t

#include "statemachines/effects.hpp"

namespace cascadelab {

enum class SystemEventKind : std::uint8_t {
    Arrival,        // the workload's next request / event
    Enqueue,        // event-driven: a publish reaches the queue
    Deliver,        // event-driven: a delivery reaches its consumer
    AttemptDone,    // the downstream finished an attempt's work
    Timer,          // a machine's timer (kind in `timer`) fired
    AttemptTimeout, // event-driven: the consumer's call timed out
};

struct SystemEvent {
    SystemEventKind kind;
    TimerKind timer;      // Timer only
    bool flag;            // AttemptDone: the attempt was refused (never counted in flight)
    bool fails;           // AttemptDone: the attempt failed
    std::uint32_t index;  // the request / message / consumer slot
    std::uint64_t token;  // timer generation, or attempt token, to tell stale events apart
};
static_assert(sizeof(SystemEvent) == 16, "a queue entry is sized for 32 bytes");

// A timer is cancelled by bumping its generation; a fired timer whose generation moved on is
// stale and ignored (the simulator has no cancel: a cancel would need a search of the heap).
// 32 bits: a generation wraps only after 4 billion restarts of one owner's timer, far more than
// can happen while a stale entry is still queued (it is due within one timeout).
struct TimerGenerations {
    std::array<std::uint32_t, kTimerKindCount> values{};
    std::uint32_t& operator[](TimerKind k) { return values[static_cast<std::size_t>(k)]; }
};

}  // namespace cascadelab
