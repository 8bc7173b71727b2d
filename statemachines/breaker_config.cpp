// The breaker's presets, validation ranges and names; see breaker_config.hpp.
#include "statemachines/breaker_config.hpp"

#include <algorithm>  // std::min

#include "statemachines/config_error.hpp"
#include "statemachines/config_tables.hpp"

namespace cascadelab {

namespace {
constexpr Duration kOneDay = Duration::seconds(86'400);
}  // namespace

CallVerdict OutcomeRecording::of(AttemptOutcome o) const {
    switch (o) {
        case AttemptOutcome::Error: return error;
        case AttemptOutcome::Timeout: return timeout;
        case AttemptOutcome::Throttled: return throttled;
        case AttemptOutcome::FatalError: return fatal_error;
        case AttemptOutcome::BulkheadRejected: return bulkhead_rejected;
        // The breaker's own refusal never reaches it as an outcome.
        case AttemptOutcome::BreakerRejected: return CallVerdict::Ignored;
    }
    return CallVerdict::Failure;
}

CircuitBreakerConfig CircuitBreakerConfig::resilience4j() { return CircuitBreakerConfig{}; }

CircuitBreakerConfig CircuitBreakerConfig::polly() {
    CircuitBreakerConfig c;
    c.model = BreakerModel::Polly;
    c.sampling_duration = Duration::seconds(30);
    c.minimum_number_of_calls = 100;
    c.failure_ratio = 0.1;
    c.wait_duration_in_open_state = Duration::seconds(5);
    c.max_wait_in_open_state = Duration::seconds(5);
    c.wait_boundary = WaitBoundary::Inclusive;
    c.half_open_policy = HalfOpenPolicy::Probes;
    c.permitted_number_of_calls_in_half_open_state = 1;
    c.max_wait_duration_in_half_open_state = Duration::zero();  // v8: a hung probe keeps it HalfOpen
    c.half_open_retest_interval = Duration::zero();
    c.stale_outcomes = StaleOutcomes::Record;
    c.released_permits = ReleasedPermits::CurrentOnly;  // Polly has no release
    return c;
}

CircuitBreakerConfig CircuitBreakerConfig::polly_v7(double failure_threshold, Duration sampling_duration,
                                                    std::uint32_t minimum_throughput, Duration duration_of_break) {
    CircuitBreakerConfig c = polly();
    c.model = BreakerModel::PollyV7;
    c.failure_ratio = failure_threshold;
    c.sampling_duration = sampling_duration;
    c.minimum_number_of_calls = minimum_throughput;
    c.wait_duration_in_open_state = duration_of_break;
    c.max_wait_in_open_state = duration_of_break;
    c.half_open_retest_interval = duration_of_break;
    return c;
}

CircuitBreakerConfig CircuitBreakerConfig::tutorial() {
    CircuitBreakerConfig c;
    c.sliding_window_type = WindowKind::CountBased;
    c.sliding_window_size = 20;
    c.minimum_number_of_calls = 20;   // "when the window is full"
    c.failure_rate_threshold = 40.0;  // 8 of 20
    c.wait_duration_in_open_state = Duration::millis(500);
    c.max_wait_in_open_state = Duration::millis(500);
    c.wait_boundary = WaitBoundary::Inclusive;  // "stays open 500 ms, then admits calls again"
    c.half_open_policy = HalfOpenPolicy::None;
    c.stale_outcomes = StaleOutcomes::Ignore;
    c.released_permits = ReleasedPermits::CurrentOnly;
    return c;
}

std::uint32_t CircuitBreakerConfig::minimum_calls() const {
    // Resilience4j clamps minimumNumberOfCalls to the window size for count-based windows.
    return sliding_window_type == WindowKind::CountBased ? std::min(minimum_number_of_calls, sliding_window_size)
                                                         : minimum_number_of_calls;
}

std::uint32_t CircuitBreakerConfig::minimum_calls_in_half_open() const {
    // CircuitBreakerMetrics.forHalfOpen: a count-based window of the permitted calls (#736).
    return std::min(minimum_number_of_calls, permitted_number_of_calls_in_half_open_state);
}

BreakerState CircuitBreakerConfig::observed(BreakerState state, Time now, Time open_until) const {
    if (model == BreakerModel::PollyV7 && state == BreakerState::Open && now >= open_until) return BreakerState::HalfOpen;
    return state;
}

void CircuitBreakerConfig::validate() const {
    constexpr std::string_view s = "circuit_breaker";
    // The peers' own rules first, by their names (Polly's MinimumThroughput); then the ranges
    // of single fields (the table) and the rules that relate fields.
    switch (model) {
        case BreakerModel::Resilience4j:
            // CircuitBreakerConfig.Builder's check beyond the table's.
            require(wait_duration_in_open_state >= Duration::millis(1), s, "wait_duration_in_open_state",
                    wait_duration_in_open_state, "must be at least 1ms (Resilience4j)");
            break;
        case BreakerModel::Polly:
            // CircuitBreakerStrategyOptions' [Range] attributes, by Polly's names.
            require(minimum_number_of_calls >= 2, s, "minimum_throughput", minimum_number_of_calls, "must be at least 2 (Polly)");
            require(sampling_duration >= Duration::millis(500) && sampling_duration <= kOneDay, s, "sampling_duration",
                    sampling_duration, "must be in [500ms, 1 day] (Polly)");
            require(wait_duration_in_open_state >= Duration::millis(500) && wait_duration_in_open_state <= kOneDay, s,
                    "break_duration", wait_duration_in_open_state, "must be in [500ms, 1 day] (Polly)");
            break;
        case BreakerModel::PollyV7:
            // AdvancedCircuitBreaker's argument checks.
            require(failure_ratio > 0.0, s, "failure_ratio", failure_ratio, "must be in (0, 1] (Polly v7)");
            require(minimum_number_of_calls >= 2, s, "minimum_throughput", minimum_number_of_calls, "must be at least 2 (Polly v7)");
            require(sampling_duration >= Duration::millis(20), s, "sampling_duration", sampling_duration,
                    "must be at least 20ms, the resolution of the circuit (Polly v7)");
            break;
    }
    check_ranges(breaker_fields(), *this, s);
    for (std::size_t i = 0; i < wait_steps.size(); ++i) {
        check_ranges(wait_step_fields(), wait_steps[i], fmt::format("{}.wait_steps[{}]", s, i));
        if (i > 0)
            require(wait_steps[i].min_failure_rate > wait_steps[i - 1].min_failure_rate, s,
                    fmt::format("wait_steps[{}].min_failure_rate", i), wait_steps[i].min_failure_rate,
                    "must be above the step before it (steps ascend)");
    }
    require(max_wait_in_open_state >= wait_duration_in_open_state, s, "max_wait_in_open_state", max_wait_in_open_state,
            "must be at least wait_duration_in_open_state");
    require(initial_state != BreakerState::HalfOpen, s, "initial_state", name(initial_state),
            "must be closed, open, forced_open, disabled or metrics_only");
}

std::string_view name(BreakerModel m) {
    switch (m) {
        case BreakerModel::Resilience4j: return "resilience4j";
        case BreakerModel::Polly: return "polly";
        case BreakerModel::PollyV7: return "polly_v7";
    }
    return "?";
}

std::string_view peer_name(BreakerState s) {
    switch (s) {
        case BreakerState::Closed: return "CLOSED";
        case BreakerState::Open: return "OPEN";
        case BreakerState::HalfOpen: return "HALF_OPEN";
        case BreakerState::ForcedOpen: return "FORCED_OPEN";
        case BreakerState::Disabled: return "DISABLED";
        case BreakerState::MetricsOnly: return "METRICS_ONLY";
    }
    return "?";
}

std::string_view name(HalfOpenPolicy p) { return p == HalfOpenPolicy::Probes ? "probes" : "none"; }
std::string_view name(AfterHalfOpenWait a) { return a == AfterHalfOpenWait::Open ? "open" : "closed"; }
std::string_view name(StaleOutcomes s) { return s == StaleOutcomes::Record ? "record" : "ignore"; }
std::string_view name(ReleasedPermits r) { return r == ReleasedPermits::AnyPermit ? "any_permit" : "current_only"; }
std::string_view name(WaitBoundary b) { return b == WaitBoundary::Exclusive ? "exclusive" : "inclusive"; }
std::string_view name(OpenWaitGrowth g) {
    switch (g) {
        case OpenWaitGrowth::Geometric: return "geometric";
        case OpenWaitGrowth::LinearInFailures: return "linear_in_failures";
        case OpenWaitGrowth::StepsByFailureRate: return "steps_by_failure_rate";
    }
    return "?";
}
std::string_view name(CallVerdict v) {
    switch (v) {
        case CallVerdict::Success: return "success";
        case CallVerdict::Failure: return "failure";
        case CallVerdict::Ignored: return "ignored";
    }
    return "?";
}

}  // namespace cascadelab
