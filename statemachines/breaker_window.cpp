// Sliding-window arithmetic for the circuit breaker.
#include "statemachines/breaker_window.hpp"

namespace cascadelab {

namespace {
void add(WindowTotals& t, CallOutcome o) {
    ++t.calls;
    t.failures += o.failed;
    t.slow += o.slow;
}
void subtract(WindowTotals& t, CallOutcome o) {
    --t.calls;
    t.failures -= o.failed;
    t.slow -= o.slow;
}
}  // namespace

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

void BreakerWindow::record(Time now, CallOutcome o) {
    if (kind_ == WindowKind::CountBased) {
        if (ring_.size() < size_) {
            ring_.push_back(o);
        } else {
            subtract(ring_totals_, ring_[next_]);
            ring_[next_] = o;
        }
        if (++next_ == size_) next_ = 0;  // no division on the hot path
        add(ring_totals_, o);
        return;
    }
    const std::int64_t index = bucket_index(now);
    Bucket& b = buckets_[static_cast<std::size_t>(index % size_)];
    if (b.index != index) b = Bucket{index, {}};  // evict the slice this bucket held before
    add(b.totals, o);
}

WindowTotals BreakerWindow::totals(Time now) const {
    if (kind_ == WindowKind::CountBased) return ring_totals_;
    const std::int64_t current = bucket_index(now);
    WindowTotals sum;
    for (const Bucket& b : buckets_) {
        if (b.index < 0 || b.index <= current - size_ || b.index > current) continue;
        sum.calls += b.totals.calls;
        sum.failures += b.totals.failures;
        sum.slow += b.totals.slow;
    }
    return sum;
}

WindowTotals BreakerWindow::totals_with(Time now, CallOutcome o) const {
    WindowTotals t = totals(now);
    if (kind_ == WindowKind::CountBased && ring_.size() == size_) subtract(t, ring_[next_]);
    add(t, o);
    return t;
}

}  // namespace cascadelab
