#include "model/metrics.hpp"

namespace cascadelab {

std::string_view name(Outcome o) {
    switch (o) {
        case Outcome::Ok: return "ok";
        case Outcome::Error: return "error";
        case Outcome::Timeout: return "timeout";
        case Outcome::BreakerRejected: return "breaker_rejected";
        case Outcome::BulkheadRejected: return "bulkhead_rejected";
        case Outcome::BudgetDenied: return "budget_denied";
        case Outcome::Deadline: return "deadline";
        case Outcome::DeadLettered: return "dead_lettered";
        case Outcome::Dropped: return "dropped";
    }
    return "?";
}

std::uint64_t RunMetrics::failed() const {
    return outcome(Outcome::Error) + outcome(Outcome::Timeout) + outcome(Outcome::BreakerRejected) +
           outcome(Outcome::BulkheadRejected) + outcome(Outcome::BudgetDenied) + outcome(Outcome::Deadline);
}

std::uint64_t RunMetrics::settled() const {
    std::uint64_t n = 0;
    for (std::uint64_t v : outcomes) n += v;
    return n;
}

void RunMetrics::note_breaker_state(Time at, BreakerState to) {
    if (to == BreakerState::Open) ++breaker_opens;
    switch (to) {
        case BreakerState::Open:
        case BreakerState::ForcedOpen: breaker_open.record(at, 1.0); break;
        case BreakerState::HalfOpen: breaker_open.record(at, 0.5); break;
        case BreakerState::Closed: breaker_open.record(at, 0.0); break;
        case BreakerState::Disabled:
        case BreakerState::MetricsOnly: break;  // not on the open/closed scale
    }
}

double RunMetrics::amplification() const {
    return requests ? static_cast<double>(attempts) / static_cast<double>(requests) : 0.0;
}
double RunMetrics::throughput() const {
    const double s = duration_s();
    return s > 0 ? static_cast<double>(settled()) / s : 0.0;
}
double RunMetrics::goodput_per_s() const {
    const double s = duration_s();
    return s > 0 ? static_cast<double>(ok()) / s : 0.0;
}
double RunMetrics::tail_goodput_ratio() const {
    const Time to = last_arrival;
    const Time from = to - Duration::seconds(1) < Time{} ? Time{} : to - Duration::seconds(1);
    auto count = [&](const TimeSeries& ts) {
        std::uint64_t n = 0;
        for (std::size_t i = 0; i < ts.windows().size(); ++i) {
            const Time start = ts.window_start(i);
            if (start >= from && start < to) n += ts.windows()[i].count;
        }
        return n;
    };
    const std::uint64_t arrived = count(arrivals);
    return arrived ? static_cast<double>(count(goodput)) / static_cast<double>(arrived) : 1.0;
}

double RunMetrics::success_ratio() const {
    return requests ? static_cast<double>(ok()) / static_cast<double>(requests) : 0.0;
}

}  // namespace cascadelab
