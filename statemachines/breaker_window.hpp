// The circuit breaker's sliding window: count-based (the last N outcomes) or time-based (N buckets
// of fixed width, subtract-on-evict), as in Resilience4j. Pure arithmetic, no state machine.
#pragma once

#include <cstdint>  // std::uint32_t
#include <vector>   // std::vector

#include "model/time.hpp"

namespace cascadelab {

enum class WindowKind { CountBased, TimeBased };

struct CallOutcome {
    bool failed = false;
    bool slow = false;
};

struct WindowTotals {
    std::uint32_t calls = 0;
    std::uint32_t failures = 0;
    std::uint32_t slow = 0;
    // Percentages of calls (0 when there are none).
    double failure_rate() const { return calls ? 100.0 * failures / calls : 0.0; }
    double slow_call_rate() const { return calls ? 100.0 * slow / calls : 0.0; }
    bool operator==(const WindowTotals&) const = default;
};

class BreakerWindow {
public:
    // size: outcomes (count-based) or buckets (time-based); bucket: a time-based bucket's width.
    BreakerWindow(WindowKind kind, std::uint32_t size, Duration bucket);

    void reset();
    void record(Time now, CallOutcome outcome);
    WindowTotals totals(Time now) const;
    // What totals() would be after record(now, outcome): guards decide with this, before the
    // transition's action records the outcome.
    WindowTotals totals_with(Time now, CallOutcome outcome) const;

private:
    struct Bucket {
        std::int64_t index = -1;  // which bucket-width slice of time it holds; -1 = never used
        WindowTotals totals;
    };
    std::int64_t bucket_index(Time now) const { return now.us() / bucket_.us(); }

    WindowKind kind_;
    std::uint32_t size_;
    Duration bucket_;
    // Count-based: a ring of the last `size_` outcomes and their running totals.
    std::vector<CallOutcome> ring_;
    std::uint32_t next_ = 0;
    WindowTotals ring_totals_;
    // Time-based: `size_` buckets, reused round-robin.
    std::vector<Bucket> buckets_;
};

}  // namespace cascadelab
