// The circuit breaker's configuration: Resilience4j's parameters by their names, Polly v8's where
// Polly differs, and the few cascadelab options that say which peer's semantics apply. Presets
// give each peer exactly; docs/state-machines.md lists every parameter with the peer it comes from
// and the "Differences from the peers" table.
#pragma once

#include <cstdint>      // std::uint32_t
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "model/kernel/time.hpp"
#include "statemachines/breaker_window.hpp"
#include "statemachines/outcome.hpp"

namespace cascadelab {

enum class BreakerState { Closed, Open, HalfOpen, ForcedOpen, Disabled, MetricsOnly };
std::string_view name(BreakerState s);
// Resilience4j's spelling, for its error messages: CLOSED, HALF_OPEN, ...
std::string_view peer_name(BreakerState s);

// Whose bookkeeping the breaker keeps: the window, the trip decision and the read-outs.
enum class BreakerModel {
    // A window per state: the Closed window carries into Open (with the call that tripped it);
    // HalfOpen counts its permitted calls in a window of their own, which carries into Open when
    // they fail. Any recorded outcome may trip; rates are float percent, read as -1 below the
    // minimum number of calls; not-permitted calls count per state.
    Resilience4j,
    // One health window (health_metrics.hpp) for the breaker's life, reset only when the circuit
    // closes; only a failure can trip (throughput >= minimum and failure ratio >= threshold, in
    // double arithmetic); no slow calls; in HalfOpen the first outcome decides.
    Polly,
    // Polly v7 (AdvancedCircuitBreaker): the same books, v7's ranges (a break of 0 is allowed),
    // and its HalfOpen lets one more probe through per break duration while earlier ones hang.
    PollyV7,
};
constexpr bool polly_family(BreakerModel m) { return m == BreakerModel::Polly || m == BreakerModel::PollyV7; }
std::string_view name(BreakerModel m);

// What happens when the wait in Open is over.
enum class HalfOpenPolicy {
    Probes,  // HalfOpen admits permitted_number_of_calls_in_half_open_state probes
    None,    // straight back to Closed with an empty window (the tutorial's breaker)
};
std::string_view name(HalfOpenPolicy p);

// Where HalfOpen goes when max_wait_duration_in_half_open_state runs out.
enum class AfterHalfOpenWait {
    Open,      // Resilience4j's default (transitionToStateAfterWaitDuration = OPEN)
    Closed,    // Resilience4j transitionToStateAfterWaitDuration = CLOSED
};
std::string_view name(AfterHalfOpenWait a);

// An outcome of a call permitted before the breaker last changed state (a call admitted while
// Closed that answers in HalfOpen, say).
enum class StaleOutcomes {
    Record,  // counted like any other, as both peers do (a HalfOpen verdict may rest on it)
    Ignore,  // counted as late and never taken for a probe (cascadelab's epoch check)
};
std::string_view name(StaleOutcomes s);

// What a released permit (Resilience4j releasePermission, an ignored outcome) gives back in
// HalfOpen when it was granted before this HalfOpen began.
enum class ReleasedPermits {
    AnyPermit,    // Resilience4j: one more probe may go, whichever call the permit was for
    CurrentOnly,  // only a permit of this HalfOpen comes back: never more probes than permitted
};
std::string_view name(ReleasedPermits r);

// When the lazy move out of Open happens.
enum class WaitBoundary {
    Exclusive,  // the first call strictly after the wait (Resilience4j: clock.instant().isAfter(...))
    Inclusive,  // a call at the end of the wait already (Polly: now >= blockedUntil)
};
std::string_view name(WaitBoundary b);

// How the wait in Open grows over consecutive openings (Resilience4j's
// waitIntervalFunctionInOpenState(attempts), Polly's BreakDurationGenerator(failure rate,
// failure count, half-open attempts)). Every form is capped by max_wait_in_open_state.
enum class OpenWaitGrowth {
    Geometric,           // wait * multiplier^(n-1) for the n-th consecutive opening
    LinearInFailures,    // wait + per_failure * failures in the window when it opens
    StepsByFailureRate,  // the wait of the last step whose rate the window's failure rate reaches
};
std::string_view name(OpenWaitGrowth g);

struct WaitStep {
    double min_failure_rate = 0.0;  // percent
    Duration wait;
    bool operator==(const WaitStep&) const = default;
};

// What the breaker makes of each kind of attempt outcome (Resilience4j's recordExceptions and
// ignoreExceptions, Polly's ShouldHandle). Ignored: neither a success nor a failure, and a
// HalfOpen probe's permit is given back (Resilience4j releasePermission).
enum class CallVerdict { Success, Failure, Ignored };
std::string_view name(CallVerdict v);

struct OutcomeRecording {
    CallVerdict error = CallVerdict::Failure;
    CallVerdict timeout = CallVerdict::Failure;
    CallVerdict throttled = CallVerdict::Failure;
    CallVerdict fatal_error = CallVerdict::Failure;
    // Resilience4j records a BulkheadFullException unless told to ignore it.
    CallVerdict bulkhead_rejected = CallVerdict::Failure;
    CallVerdict of(AttemptOutcome o) const;
    bool operator==(const OutcomeRecording&) const = default;
};

struct CircuitBreakerConfig {
    BreakerModel model = BreakerModel::Resilience4j;

    // --- the window (Resilience4j model; names and defaults are Resilience4j's) ---
    WindowKind sliding_window_type = WindowKind::CountBased;
    std::uint32_t sliding_window_size = 100;             // outcomes, or buckets when time-based
    Duration time_window_bucket = Duration::seconds(1);  // width of one time-based bucket
    // Polly model: SamplingDuration (30 s), split into ten rolling windows.
    Duration sampling_duration = Duration::seconds(30);
    // No verdict below this many calls (clamped to the window size when count-based). Polly's
    // MinimumThroughput.
    std::uint32_t minimum_number_of_calls = 100;

    // --- thresholds ---
    double failure_rate_threshold = 50.0;    // percent, trips at >= (Resilience4j model)
    double failure_ratio = 0.1;              // trips at >= (Polly model's FailureRatio)
    double slow_call_rate_threshold = 100.0;  // percent, trips at >= (Resilience4j model)
    Duration slow_call_duration_threshold = Duration::seconds(60);  // slow = strictly longer
    OutcomeRecording record;

    // --- Open ---
    Duration wait_duration_in_open_state = Duration::seconds(60);  // Polly: BreakDuration
    OpenWaitGrowth wait_growth = OpenWaitGrowth::Geometric;
    double wait_in_open_multiplier = 1.0;     // Geometric: 1 = a fixed wait
    Duration wait_per_failure;                // LinearInFailures
    std::vector<WaitStep> wait_steps;         // StepsByFailureRate, ascending by rate
    Duration max_wait_in_open_state = Duration::seconds(60);
    // false: lazy, the first call after the wait moves Open -> HalfOpen (and is the first probe).
    bool automatic_transition_from_open_to_half_open = false;
    WaitBoundary wait_boundary = WaitBoundary::Exclusive;

    // --- HalfOpen ---
    HalfOpenPolicy half_open_policy = HalfOpenPolicy::Probes;
    std::uint32_t permitted_number_of_calls_in_half_open_state = 10;
    // 0 = off. Otherwise HalfOpen moves on after this long (Resilience4j #935: hung probes).
    Duration max_wait_duration_in_half_open_state = Duration::zero();
    AfterHalfOpenWait transition_to_state_after_wait_duration = AfterHalfOpenWait::Open;
    // In HalfOpen one more probe is let through once per this interval while the earlier ones hang
    // (0 = never, as Resilience4j and Polly v8, whose HalfOpen rejects everything until its probe
    // answers; Polly v7: its break duration).
    Duration half_open_retest_interval = Duration::zero();
    StaleOutcomes stale_outcomes = StaleOutcomes::Record;
    ReleasedPermits released_permits = ReleasedPermits::AnyPermit;

    // Resilience4j initialState: CLOSED (default), OPEN, FORCED_OPEN, DISABLED, METRICS_ONLY.
    BreakerState initial_state = BreakerState::Closed;

    // Polly v7's CircuitState property moves the circuit: Open reads as HalfOpen once the break has
    // passed. The state a v7 user sees at `now`; every other model shows `state` itself.
    BreakerState observed(BreakerState state, Time now, Time open_until) const;

    // Resilience4j 2.x defaults.
    static CircuitBreakerConfig resilience4j();
    // Polly v8 CircuitBreakerStrategyOptions: FailureRatio 0.1, MinimumThroughput 100,
    // SamplingDuration 30 s, BreakDuration 5 s; one probe in HalfOpen, which rejects everything
    // else until the probe answers (a hung probe keeps it HalfOpen).
    static CircuitBreakerConfig polly();
    // Polly v7 AdvancedCircuitBreaker(failureThreshold, samplingDuration, minimumThroughput,
    // durationOfBreak): as v8, but a hung probe gets a successor once per break duration.
    static CircuitBreakerConfig polly_v7(double failure_threshold, Duration sampling_duration,
                                         std::uint32_t minimum_throughput, Duration duration_of_break);
    // The tutorial: last 20 outcomes, opens on >= 8 failures with a full window, 500 ms open,
    // then Closed again (no HalfOpen).
    static CircuitBreakerConfig tutorial();

    // The Resilience4j minimum number of calls for the Closed window (clamped when count-based)
    // and for HalfOpen's window of permitted calls.
    std::uint32_t minimum_calls() const;
    std::uint32_t minimum_calls_in_half_open() const;

    // Throws ConfigError naming the field and the value. The ranges are the peer's where the
    // model names one (Polly: BreakDuration and SamplingDuration in [500 ms, 1 day], ...).
    void validate() const;
};

}  // namespace cascadelab
