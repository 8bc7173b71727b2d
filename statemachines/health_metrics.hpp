// Polly v8's health metrics (Polly.CircuitBreaker.Health): the successes and failures of the
// last SamplingDuration. Unlike Resilience4j's clock-aligned buckets, Polly's windows start when
// an outcome arrives: the sampling duration is split into ten windows of SamplingDuration / 10;
// a new window opens at the first outcome after the current one is that old, and a window leaves
// once it is SamplingDuration old. Below 200 ms (ten windows of the 20 ms timer resolution) one
// window is kept instead, reset when it is SamplingDuration old.
#pragma once

#include <array>    // std::array
#include <cstdint>  // std::uint32_t

#include "model/kernel/time.hpp"

namespace cascadelab {

// Polly's HealthInfo: FailureRate is failures / (double)throughput, 0 when empty.
struct HealthInfo {
    std::uint32_t throughput = 0;
    double failure_rate = 0.0;
    std::uint32_t failure_count = 0;
    bool operator==(const HealthInfo&) const = default;
};

class HealthMetrics {
public:
    static constexpr std::uint32_t kWindows = 10;
    static constexpr Duration kTimerResolution = Duration::millis(20);

    HealthMetrics(Duration sampling_duration, Time now);

    void increment_success(Time now);
    void increment_failure(Time now);
    void reset(Time now);
    // Reads the current health; like Polly's GetHealthInfo it first rolls the windows to `now`.
    HealthInfo health(Time now);
    // The same without rolling (a read-out for observers): identical numbers.
    HealthInfo peek(Time now) const;
    bool rolling() const { return rolling_; }

private:
    struct Window {
        Time started;
        std::uint32_t successes = 0;
        std::uint32_t failures = 0;
    };
    Window& current(Time now);  // RollingHealthMetrics.UpdateCurrentWindow / SingleHealthMetrics.TryReset
    void roll(Time now);

    Duration sampling_;
    Duration window_;
    bool rolling_;
    // Rolling: a queue of at most kWindows + 1 windows (starts are >= window_ apart and all within
    // sampling_), oldest at `head_`.
    std::array<Window, kWindows + 1> ring_{};
    std::uint32_t head_ = 0;
    std::uint32_t count_ = 0;
    std::uint32_t successes_ = 0;
    std::uint32_t failures_ = 0;
};

}  // namespace cascadelab
