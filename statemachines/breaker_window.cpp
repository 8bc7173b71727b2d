// Sliding-window arithmetic for the circuit breaker (Resilience4j's windows).
#include "statemachines/breaker_window.hpp"

namespace cascadelab {

void WindowTotals::add(const CallOutcome& o) {
    ++calls;
    failures += o.failed;
    slow += o.slow;
    slow_failures += o.slow && o.failed;
    duration_us = Duration::saturating_add(duration_us, o.duration.us());
}

void WindowTotals::subtract(const CallOutcome& o) {
    --calls;
    failures -= o.failed;
    slow -= o.slow;
    slow_failures -= o.slow && o.failed;
    duration_us = Duration::saturating_sub(duration_us, o.duration.us());
}

void WindowTotals::add(const WindowTotals& o) {
    calls += o.calls;
    failures += o.failures;
    slow += o.slow;
    slow_failures += o.slow_failures;
    duration_us = Duration::saturating_add(duration_us, o.duration_us);
}

void WindowTotals::subtract(const WindowTotals& o) {
    calls -= o.calls;
    failures -= o.failures;
    slow -= o.slow;
    slow_failures -= o.slow_failures;
    duration_us = Duration::saturating_sub(duration_us, o.duration_us);
}

BreakerWindow::BreakerWindow(WindowKind kind, std::uint32_t size, Duration bucket)
    : kind_(kind), size_(size), bucket_(bucket) {
    reset();
}

void BreakerWindow::reset() {
    ring_.clear();
    ring_.reserve(kind_ == WindowKind::CountBased ? size_ : 0);
    next_ = 0;
    ring_totals_ = {};
    buckets_.assign(kind_ == WindowKind::TimeBased ? size_ : 0, Bucket{});
}

void BreakerWindow::record(Time now, const CallOutcome& o) {
    if (size_ == 0) return;
    if (kind_ == WindowKind::CountBased) {
        if (ring_.size() < size_) {
            ring_.push_back(o);
        } else {
            ring_totals_.subtract(ring_[next_]);
            ring_[next_] = o;
        }
        if (++next_ == size_) next_ = 0;  // no division on the hot path
        ring_totals_.add(o);
        return;
    }
    const std::int64_t index = bucket_index(now);
    Bucket& b = buckets_[static_cast<std::size_t>(index % size_)];
    if (b.index != index) b = Bucket{index, {}};  // evict the slice this bucket held before
    b.totals.add(o);
}

WindowTotals BreakerWindow::totals(Time now) const {
    if (kind_ == WindowKind::CountBased) return ring_totals_;
    const std::int64_t current = bucket_index(now);
    WindowTotals sum;
    for (const Bucket& b : buckets_) {
        if (b.index < 0 || b.index <= current - size_ || b.index > current) continue;
        sum.add(b.totals);
    }
    return sum;
}

WindowTotals BreakerWindow::totals_with(Time now, const CallOutcome& o) const {
    WindowTotals t = totals(now);
    if (size_ == 0) return t;
    if (kind_ == WindowKind::CountBased && ring_.size() == size_) t.subtract(ring_[next_]);
    t.add(o);
    return t;
}

}  // namespace cascadelab
