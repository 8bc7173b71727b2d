// The breaker's books per peer; see breaker_book.hpp and breaker_config.hpp (BreakerModel).
#include "statemachines/breaker_book.hpp"

namespace cascadelab {

BreakerBook::BreakerBook(const CircuitBreakerConfig& c, Time now)
    : config_(&c),
      closed_{BreakerWindow(c.sliding_window_type, c.sliding_window_size, c.time_window_bucket), c.minimum_calls()},
      probes_{BreakerWindow(WindowKind::CountBased, c.permitted_number_of_calls_in_half_open_state, c.time_window_bucket),
              c.minimum_calls_in_half_open()},
      admin_{BreakerWindow(WindowKind::CountBased, 0, c.time_window_bucket), 0},
      current_(&closed_),
      health_(c.sampling_duration, now) {}

void BreakerBook::entered(BreakerState state, Time now) {
    if (polly_family(config_->model)) {
        if (state == BreakerState::Closed) health_.reset(now);  // AdvancedCircuitBehavior.OnCircuitClosed
        return;
    }
    StateMetrics* fresh = nullptr;
    switch (state) {
        case BreakerState::Closed:
        case BreakerState::MetricsOnly: fresh = &closed_; break;
        case BreakerState::HalfOpen: fresh = &probes_; break;
        case BreakerState::ForcedOpen:
        case BreakerState::Disabled: fresh = &admin_; break;
        case BreakerState::Open: return;  // OpenState(attempts, currentState.getMetrics())
    }
    fresh->window.reset();
    fresh->not_permitted = 0;
    current_ = fresh;
}

Verdict BreakerBook::r4j_verdict(const WindowTotals& t, std::uint32_t minimum) const {
    // CircuitBreakerMetrics.checkIfThresholdsExceeded, in its float arithmetic.
    if (t.calls == 0 || t.calls < minimum) return Verdict::BelowMinimumCalls;
    const bool failures = t.failure_rate() >= static_cast<float>(config_->failure_rate_threshold);
    const bool slow = t.slow_call_rate() >= static_cast<float>(config_->slow_call_rate_threshold);
    if (failures && slow) return Verdict::BothExceeded;
    if (failures) return Verdict::FailureRateExceeded;
    if (slow) return Verdict::SlowCallRateExceeded;
    return Verdict::BelowThresholds;
}

Verdict BreakerBook::polly_verdict(const HealthInfo& h) const {
    // AdvancedCircuitBehavior.OnActionFailure: throughput >= minimum && failure rate >= ratio.
    if (h.throughput < config_->minimum_number_of_calls) return Verdict::BelowMinimumCalls;
    return h.failure_rate >= config_->failure_ratio ? Verdict::FailureRateExceeded : Verdict::BelowThresholds;
}

Verdict BreakerBook::verdict_with(Time now, const CallOutcome& o) const {
    if (!polly_family(config_->model))
        return r4j_verdict(current_->window.totals_with(now, o), current_->minimum);
    if (!o.failed) return Verdict::BelowThresholds;  // Polly never breaks on a success
    HealthInfo h = health_.peek(now);
    ++h.throughput;
    ++h.failure_count;
    h.failure_rate = static_cast<double>(h.failure_count) / static_cast<double>(h.throughput);
    return polly_verdict(h);
}

Verdict BreakerBook::probe_verdict_with(Time now, const CallOutcome& o) const {
    if (polly_family(config_->model)) return o.failed ? Verdict::FailureRateExceeded : Verdict::BelowThresholds;
    return r4j_verdict(current_->window.totals_with(now, o), current_->minimum);
}

void BreakerBook::record(Time now, const CallOutcome& o, BreakerState state) {
    if (!polly_family(config_->model)) {
        current_->window.record(now, o);
        return;
    }
    if (!o.failed) {
        health_.increment_success(now);
    } else if (state != BreakerState::HalfOpen) {  // AdvancedCircuitBehavior: HalfOpen counts no failure
        health_.increment_failure(now);
    }
}

void BreakerBook::not_permitted() {
    ++current_->not_permitted;
    ++not_permitted_total_;
}

Resilience4jMetrics BreakerBook::resilience4j(Time now) const {
    const WindowTotals t = current_->window.totals(now);
    Resilience4jMetrics m;
    const bool measured = t.calls > 0 && t.calls >= current_->minimum;
    m.failure_rate = measured ? t.failure_rate() : -1.0f;
    m.slow_call_rate = measured ? t.slow_call_rate() : -1.0f;
    m.buffered = t.calls;
    m.failed = t.failures;
    m.successful = t.successes();
    m.slow = t.slow;
    m.slow_successful = t.slow_successes();
    m.slow_failed = t.slow_failures;
    m.not_permitted = current_->not_permitted;
    return m;
}

HealthInfo BreakerBook::polly(Time now) const { return health_.peek(now); }

WindowTotals BreakerBook::current(Time now) const {
    if (!polly_family(config_->model)) return current_->window.totals(now);
    const HealthInfo h = health_.peek(now);
    WindowTotals t;
    t.calls = h.throughput;
    t.failures = h.failure_count;
    return t;
}

std::uint32_t BreakerBook::failures(Time now) const { return current(now).failures; }

double BreakerBook::failure_rate_percent(Time now) const {
    if (polly_family(config_->model)) return 100.0 * health_.peek(now).failure_rate;
    return static_cast<double>(current_->window.totals(now).failure_rate());
}

}  // namespace cascadelab
