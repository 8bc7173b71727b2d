// Resilience4j's sliding windows: count-based (the last N outcomes, FixedSizeSlidingWindowMetrics)
// or time-based (N buckets of fixed width aligned to the clock, SlidingTimeWindowMetrics, with
// subtract-on-evict). Pure arithmetic, no state machine. Polly's health metrics are another
// concept: health_metrics.hpp.
#pragma once

#include <cstdint>  // std::uint32_t, std::int64_t
#include <vector>   // std::vector

#include "model/kernel/time.hpp"

namespace cascadelab {

enum class WindowKind { CountBased, TimeBased };

// One call as a window records it. `slow` means longer than the breaker's slow-call threshold.
struct CallOutcome {
    bool failed = false;
    bool slow = false;
    Duration duration;
};

// What a window holds, as Resilience4j's Snapshot reports it.
struct WindowTotals {
    std::uint32_t calls = 0;
    std::uint32_t failures = 0;
    std::uint32_t slow = 0;
    std::uint32_t slow_failures = 0;  // slow and failed (Resilience4j SLOW_ERROR)
    std::int64_t duration_us = 0;     // summed call durations

    std::uint32_t successes() const { return calls - failures; }
    std::uint32_t slow_successes() const { return slow - slow_failures; }
    // Percentages of calls (0 when there are none), in Resilience4j's float arithmetic:
    // failures * 100.0f / calls (1 of 3 is 33.333332f).
    float failure_rate() const { return calls ? static_cast<float>(failures) * 100.0f / static_cast<float>(calls) : 0.0f; }
    float slow_call_rate() const { return calls ? static_cast<float>(slow) * 100.0f / static_cast<float>(calls) : 0.0f; }
    Duration average_duration() const { return Duration::micros(calls ? duration_us / calls : 0); }

    void add(const CallOutcome& o);
    void subtract(const CallOutcome& o);
    void add(const WindowTotals& o);
    void subtract(const WindowTotals& o);
    bool operator==(const WindowTotals&) const = default;
};

class BreakerWindow {
public:
    // size: outcomes (count-based) or buckets (time-based); bucket: a time-based bucket's width
    // (Resilience4j: one second). A size of 0 records nothing (Resilience4j's FORCED_OPEN and
    // DISABLED metrics).
    BreakerWindow(WindowKind kind, std::uint32_t size, Duration bucket);

    void reset();
    void record(Time now, const CallOutcome& outcome);
    WindowTotals totals(Time now) const;
    // What totals() would be after record(now, outcome): guards decide with this, before the
    // transition's action records the outcome.
    WindowTotals totals_with(Time now, const CallOutcome& outcome) const;
    WindowKind kind() const { return kind_; }
    std::uint32_t size() const { return size_; }

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
