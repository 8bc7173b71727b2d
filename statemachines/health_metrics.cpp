// Polly's health metrics, rolling and single-window; see health_metrics.hpp.
#include "statemachines/health_metrics.hpp"

namespace cascadelab {

namespace {
constexpr std::uint32_t kRing = HealthMetrics::kWindows + 1;
}  // namespace

HealthMetrics::HealthMetrics(Duration sampling_duration, Time now)
    : sampling_(sampling_duration),
      window_(sampling_duration / kWindows),
      rolling_(sampling_duration >= kTimerResolution * kWindows) {
    reset(now);
}

void HealthMetrics::reset(Time now) {
    head_ = count_ = successes_ = failures_ = 0;
    // SingleHealthMetrics.Reset restarts its window now; RollingHealthMetrics forgets its windows.
    if (!rolling_) {
        ring_[0] = Window{now, 0, 0};
        count_ = 1;
    }
}

void HealthMetrics::roll(Time now) {
    if (!rolling_) {
        if (now - ring_[0].started >= sampling_) reset(now);
        return;
    }
    // A new window at the first outcome after the current one is window_ old ...
    const Window* last = count_ ? &ring_[(head_ + count_ - 1) % kRing] : nullptr;
    if (last == nullptr || now - last->started >= window_) {
        if (count_ == kRing) {  // cannot happen (starts are window_ apart), but never overrun
            successes_ -= ring_[head_].successes;
            failures_ -= ring_[head_].failures;
            head_ = (head_ + 1) % kRing;
            --count_;
        }
        ring_[(head_ + count_) % kRing] = Window{now, 0, 0};
        ++count_;
    }
    // ... and the oldest leave once they are sampling_ old (the current one never: it is new).
    while (count_ > 0 && now - ring_[head_].started >= sampling_) {
        successes_ -= ring_[head_].successes;
        failures_ -= ring_[head_].failures;
        head_ = (head_ + 1) % kRing;
        --count_;
    }
}

HealthMetrics::Window& HealthMetrics::current(Time now) {
    roll(now);
    return ring_[(head_ + count_ - 1) % kRing];
}

void HealthMetrics::increment_success(Time now) {
    ++current(now).successes;
    if (rolling_) ++successes_;
}

void HealthMetrics::increment_failure(Time now) {
    ++current(now).failures;
    if (rolling_) ++failures_;
}

HealthInfo HealthMetrics::health(Time now) {
    roll(now);
    return peek(now);
}

HealthInfo HealthMetrics::peek(Time now) const {
    std::uint32_t successes = rolling_ ? successes_ : ring_[0].successes;
    std::uint32_t failures = rolling_ ? failures_ : ring_[0].failures;
    if (!rolling_ && now - ring_[0].started >= sampling_) successes = failures = 0;  // what roll() would do
    if (rolling_) {
        for (std::uint32_t i = 0; i < count_; ++i) {
            const Window& w = ring_[(head_ + i) % kRing];
            if (now - w.started < sampling_) break;  // the rest are newer
            successes -= w.successes;
            failures -= w.failures;
        }
    }
    const std::uint32_t total = successes + failures;
    if (total == 0) return HealthInfo{0, 0.0, failures};
    return HealthInfo{total, static_cast<double>(failures) / static_cast<double>(total), failures};
}

}  // namespace cascadelab
