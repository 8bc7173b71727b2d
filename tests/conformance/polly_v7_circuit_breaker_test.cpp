// Polly v7's AdvancedCircuitBreaker cases, replayed against the polly_v7() preset. Peer file:
// test/Polly.Specs/CircuitBreaker/AdvancedCircuitBreakerSpecs.cs. Polly's clock ticks are
// 100 ns; virtual time has microseconds, so "one tick less" is one microsecond less here.
#include <gtest/gtest.h>

#include "statemachines/circuit_breaker.hpp"
#include "statemachines/config_error.hpp"
#include "tests/conformance/virtual_clock.hpp"

namespace cascadelab::conformance {
namespace {

using namespace literals;

// Policy.Handle<DivideByZeroException>().AdvancedCircuitBreaker(threshold, sampling, throughput, break)
CircuitBreakerConfig advanced(double failure_threshold, Duration sampling, std::uint32_t throughput, Duration brk) {
    CircuitBreakerConfig c = CircuitBreakerConfig::polly_v7(failure_threshold, sampling, throughput, brk);
    c.record.fatal_error = CallVerdict::Ignored;  // an exception the policy does not handle
    return c;
}

class V7Breaker {
public:
    explicit V7Breaker(const CircuitBreakerConfig& c) : cb(c, clock) {}
    // RaiseException<DivideByZeroException>: false when the breaker refused it (BrokenCircuitException).
    bool RaiseException() { return run(AttemptOutcome::Error); }
    bool RaiseUnhandledException() { return run(AttemptOutcome::FatalError); }
    bool Execute() {
        const BreakerPermit p = cb.call_requested(clock.now);
        if (p.permitted) cb.call_succeeded(clock.now, p, 0_us);
        return p.permitted;
    }
    bool OnActionPreExecute() { return cb.call_requested(clock.now).permitted; }
    // v7's CircuitState property: Open reads HalfOpen once the break has passed.
    BreakerState CircuitState() const { return cb.config().observed(cb.state(), clock.now, cb.open_until()); }
    void SetUtcNow(Duration since_start) { clock.now = Time::zero() + since_start; }

    VirtualClock clock;
    CircuitBreaker cb;

private:
    bool run(AttemptOutcome o) {
        const BreakerPermit p = cb.call_requested(clock.now);
        if (p.permitted) cb.call_finished(clock.now, p, 0_us, o);
        return p.permitted;
    }
};

const CircuitBreakerConfig kTypical = advanced(0.5, 10_s, 4, 30_s);  // >= 50 %, 4 calls, 10 s, 30 s break

// ---- Configuration tests ----

TEST(PollyV7AdvancedCircuitBreaker, Should_be_able_to_handle_a_duration_of_timespan_maxvalue) {
    V7Breaker breaker{advanced(0.5, 10_s, 4, Duration::max())};
    EXPECT_TRUE(breaker.RaiseException());
}
TEST(PollyV7AdvancedCircuitBreaker, Should_throw_if_failure_threshold_is_zero) {
    EXPECT_THROW(advanced(0, 10_s, 4, 30_s).validate(), ConfigError);
}
TEST(PollyV7AdvancedCircuitBreaker, Should_throw_if_failure_threshold_is_less_than_zero) {
    EXPECT_THROW(advanced(-0.5, 10_s, 4, 30_s).validate(), ConfigError);
}
TEST(PollyV7AdvancedCircuitBreaker, Should_be_able_to_handle_a_failure_threshold_of_one) {
    EXPECT_NO_THROW(advanced(1.0, 10_s, 4, 30_s).validate());
}
TEST(PollyV7AdvancedCircuitBreaker, Should_throw_if_failure_threshold_is_greater_than_one) {
    EXPECT_THROW(advanced(1.01, 10_s, 4, 30_s).validate(), ConfigError);
}
TEST(PollyV7AdvancedCircuitBreaker, Should_throw_if_timeslice_duration_is_less_than_resolution_of_circuit) {
    EXPECT_THROW(advanced(0.5, 20_ms - 1_us, 4, 30_s).validate(), ConfigError);
}
TEST(PollyV7AdvancedCircuitBreaker, Should_not_throw_if_timeslice_duration_is_resolution_of_circuit) {
    EXPECT_NO_THROW(advanced(0.5, 20_ms, 4, 30_s).validate());
}
TEST(PollyV7AdvancedCircuitBreaker, Should_throw_if_minimum_throughput_is_one) {
    EXPECT_THROW(advanced(0.5, 10_s, 1, 30_s).validate(), ConfigError);
}
TEST(PollyV7AdvancedCircuitBreaker, Should_throw_if_minimum_throughput_is_less_than_one) {
    EXPECT_THROW(advanced(0.5, 10_s, 0, 30_s).validate(), ConfigError);
}
TEST(PollyV7AdvancedCircuitBreaker, Should_throw_if_duration_of_break_is_less_than_zero) {
    EXPECT_THROW(advanced(0.5, 10_s, 4, Duration::zero() - 1_s).validate(), ConfigError);
}
TEST(PollyV7AdvancedCircuitBreaker, Should_be_able_to_handle_a_duration_of_break_of_zero) {
    EXPECT_NO_THROW(advanced(0.5, 10_s, 4, Duration::zero()).validate());
}
TEST(PollyV7AdvancedCircuitBreaker, Should_initialise_to_closed_state) {
    V7Breaker breaker{kTypical};
    EXPECT_EQ(breaker.CircuitState(), BreakerState::Closed);
}

// ---- Circuit-breaker threshold-to-break tests ----

TEST(PollyV7AdvancedCircuitBreaker, Should_not_open_circuit_if_failure_threshold_and_minimum_threshold_is_equalled_but_last_call_is_success) {
    V7Breaker breaker{kTypical};
    for (int i = 0; i < 3; ++i) {
        breaker.RaiseException();
        EXPECT_EQ(breaker.CircuitState(), BreakerState::Closed);
    }
    EXPECT_TRUE(breaker.Execute());  // the throughput is reached by a success: never a break on a success
    EXPECT_EQ(breaker.CircuitState(), BreakerState::Closed);
}

TEST(PollyV7AdvancedCircuitBreaker, Should_not_open_circuit_if_exceptions_raised_are_not_one_of_the_specified_exceptions) {
    V7Breaker breaker{kTypical};
    for (int i = 0; i < 4; ++i) {
        EXPECT_TRUE(breaker.RaiseUnhandledException());
        EXPECT_EQ(breaker.CircuitState(), BreakerState::Closed);
    }
}

TEST(PollyV7AdvancedCircuitBreaker, Should_open_circuit_blocking_executions_and_noting_the_last_raised_exception_if_failure_threshold_exceeded_and_throughput_threshold_equalled_within_timeslice_in_same_window) {
    V7Breaker breaker{kTypical};
    for (int i = 0; i < 3; ++i) {
        breaker.RaiseException();
        EXPECT_EQ(breaker.CircuitState(), BreakerState::Closed);
    }
    breaker.RaiseException();
    EXPECT_EQ(breaker.CircuitState(), BreakerState::Open);
    EXPECT_FALSE(breaker.Execute());  // the delegate is not executed
    EXPECT_EQ(breaker.CircuitState(), BreakerState::Open);
}

TEST(PollyV7AdvancedCircuitBreaker, Should_open_circuit_with_the_last_raised_exception_if_failure_threshold_exceeded_and_throughput_threshold_equalled_within_timeslice_in_different_windows) {
    V7Breaker breaker{kTypical};
    for (int i = 0; i < 3; ++i) breaker.RaiseException();
    EXPECT_EQ(breaker.CircuitState(), BreakerState::Closed);
    breaker.SetUtcNow(6_s);  // samplingDuration / 2 + 1: another window, the same timeslice
    breaker.RaiseException();
    EXPECT_EQ(breaker.CircuitState(), BreakerState::Open);
    EXPECT_FALSE(breaker.RaiseException());
}

TEST(PollyV7AdvancedCircuitBreaker, Should_open_circuit_with_the_last_raised_exception_if_failure_threshold_exceeded_though_not_all_are_failures_and_throughput_threshold_equalled_within_timeslice_in_same_window) {
    V7Breaker breaker{kTypical};
    breaker.Execute();
    for (int i = 0; i < 2; ++i) {
        breaker.RaiseException();
        EXPECT_EQ(breaker.CircuitState(), BreakerState::Closed);
    }
    breaker.RaiseException();
    EXPECT_EQ(breaker.CircuitState(), BreakerState::Open);
    EXPECT_FALSE(breaker.RaiseException());
}

TEST(PollyV7AdvancedCircuitBreaker, Should_open_circuit_with_the_last_raised_exception_if_failure_threshold_equalled_and_throughput_threshold_equalled_within_timeslice_in_same_window) {
    V7Breaker breaker{kTypical};
    breaker.Execute();
    breaker.Execute();
    breaker.RaiseException();
    EXPECT_EQ(breaker.CircuitState(), BreakerState::Closed);
    breaker.RaiseException();  // 2 of 4: the threshold equalled
    EXPECT_EQ(breaker.CircuitState(), BreakerState::Open);
    breaker.SetUtcNow(6_s);
    EXPECT_FALSE(breaker.RaiseException());
    EXPECT_EQ(breaker.CircuitState(), BreakerState::Open);
}

TEST(PollyV7AdvancedCircuitBreaker, Should_not_open_circuit_if_failure_threshold_exceeded_but_throughput_threshold_not_met_before_timeslice_expires) {
    V7Breaker breaker{kTypical};
    breaker.Execute();
    breaker.Execute();
    breaker.RaiseException();
    breaker.SetUtcNow(20_s);  // the timeslice clearly expired
    breaker.RaiseException();
    EXPECT_EQ(breaker.CircuitState(), BreakerState::Closed);
}

TEST(PollyV7AdvancedCircuitBreaker, Should_not_open_circuit_if_failure_threshold_exceeded_but_throughput_threshold_not_met_before_timeslice_expires_even_if_timeslice_expires_only_exactly) {
    V7Breaker breaker{kTypical};
    breaker.Execute();
    breaker.Execute();
    breaker.RaiseException();
    breaker.SetUtcNow(10_s);  // the timeslice just expired
    breaker.RaiseException();
    EXPECT_EQ(breaker.CircuitState(), BreakerState::Closed);
}

TEST(PollyV7AdvancedCircuitBreaker, Should_not_open_circuit_if_failure_threshold_exceeded_but_throughput_threshold_not_met_before_timeslice_expires_even_if_error_occurring_just_at_the_end_of_the_duration) {
    V7Breaker breaker{kTypical};
    breaker.Execute();
    breaker.Execute();
    breaker.SetUtcNow(10_s - 1_us);  // a new window right at the end of the timeslice
    breaker.RaiseException();
    EXPECT_EQ(breaker.CircuitState(), BreakerState::Closed);
    breaker.SetUtcNow(10_s);  // the first two calls roll out
    breaker.RaiseException();
    EXPECT_EQ(breaker.CircuitState(), BreakerState::Closed);
}

TEST(PollyV7AdvancedCircuitBreaker, Should_open_circuit_with_the_last_raised_exception_if_failure_threshold_equalled_and_throughput_threshold_equalled_even_if_only_just_within_timeslice) {
    V7Breaker breaker{kTypical};
    for (int i = 0; i < 3; ++i) breaker.RaiseException();
    EXPECT_EQ(breaker.CircuitState(), BreakerState::Closed);
    breaker.SetUtcNow(10_s - 1_us);
    breaker.RaiseException();
    EXPECT_EQ(breaker.CircuitState(), BreakerState::Open);
}

TEST(PollyV7AdvancedCircuitBreaker, Should_not_open_circuit_if_failure_threshold_not_met_and_throughput_threshold_not_met) {
    V7Breaker breaker{kTypical};
    breaker.Execute();
    breaker.Execute();
    breaker.RaiseException();
    EXPECT_EQ(breaker.CircuitState(), BreakerState::Closed);
}

TEST(PollyV7AdvancedCircuitBreaker, Should_not_open_circuit_if_failure_threshold_not_met_but_throughput_threshold_met_before_timeslice_expires) {
    V7Breaker breaker{kTypical};
    for (int i = 0; i < 3; ++i) breaker.Execute();
    breaker.RaiseException();
    EXPECT_EQ(breaker.CircuitState(), BreakerState::Closed);
}

TEST(PollyV7AdvancedCircuitBreaker, Should_open_circuit_if_failures_at_end_of_last_timeslice_below_failure_threshold_and_failures_in_beginning_of_new_timeslice_where_total_equals_failure_threshold) {
    V7Breaker breaker{kTypical};
    breaker.Execute();  // creates the timeslice; rolls out below
    breaker.SetUtcNow(10_s - 1_us);
    breaker.Execute();
    breaker.Execute();
    breaker.RaiseException();
    EXPECT_EQ(breaker.CircuitState(), BreakerState::Closed);
    breaker.SetUtcNow(10_s);
    breaker.RaiseException();  // 2 failures of the 4 calls still in the rolling windows
    EXPECT_EQ(breaker.CircuitState(), BreakerState::Open);
}

// ---- Circuit-breaker open->half-open->open/closed tests ----

TEST(PollyV7AdvancedCircuitBreaker, Should_halfopen_circuit_after_the_specified_duration_has_passed_with_failures_in_different_windows) {
    V7Breaker breaker{kTypical};
    for (int i = 0; i < 3; ++i) breaker.RaiseException();
    breaker.SetUtcNow(6_s);
    breaker.RaiseException();
    EXPECT_EQ(breaker.CircuitState(), BreakerState::Open);
    breaker.SetUtcNow(30_s);
    EXPECT_EQ(breaker.CircuitState(), BreakerState::Open);  // the break counts from the call that opened it
    breaker.SetUtcNow(36_s);
    EXPECT_EQ(breaker.CircuitState(), BreakerState::HalfOpen);
    EXPECT_TRUE(breaker.RaiseException());  // the probe is let through
}

TEST(PollyV7AdvancedCircuitBreaker, Should_open_circuit_again_after_the_specified_duration_has_passed_if_the_next_call_raises_an_exception) {
    V7Breaker breaker{kTypical};
    for (int i = 0; i < 4; ++i) breaker.RaiseException();
    EXPECT_EQ(breaker.CircuitState(), BreakerState::Open);
    breaker.SetUtcNow(30_s);
    EXPECT_EQ(breaker.CircuitState(), BreakerState::HalfOpen);
    EXPECT_TRUE(breaker.RaiseException());
    EXPECT_EQ(breaker.CircuitState(), BreakerState::Open);
}

TEST(PollyV7AdvancedCircuitBreaker, Should_reset_circuit_after_the_specified_duration_has_passed_if_the_next_call_does_not_raise_an_exception) {
    V7Breaker breaker{kTypical};
    for (int i = 0; i < 4; ++i) breaker.RaiseException();
    breaker.SetUtcNow(30_s);
    EXPECT_EQ(breaker.CircuitState(), BreakerState::HalfOpen);
    EXPECT_TRUE(breaker.Execute());
    EXPECT_EQ(breaker.CircuitState(), BreakerState::Closed);
}

TEST(PollyV7AdvancedCircuitBreaker, Should_only_allow_single_execution_on_first_entering_halfopen_state__test_execution_permit_directly) {
    V7Breaker breaker{advanced(0.5, 10_s, 2, 30_s)};
    breaker.RaiseException();
    breaker.RaiseException();
    EXPECT_EQ(breaker.CircuitState(), BreakerState::Open);
    breaker.SetUtcNow(30_s);
    EXPECT_EQ(breaker.CircuitState(), BreakerState::HalfOpen);
    EXPECT_TRUE(breaker.OnActionPreExecute());
    EXPECT_EQ(breaker.CircuitState(), BreakerState::HalfOpen);
    EXPECT_FALSE(breaker.OnActionPreExecute());
    EXPECT_EQ(breaker.CircuitState(), BreakerState::HalfOpen);
}

// v7 lets one more probe through once per break duration while the earlier ones hang; v8 does
// not (PollyCircuitStateController.OnActionPreExecute_HalfOpen).
TEST(PollyV7AdvancedCircuitBreaker, Should_allow_single_execution_per_break_duration_in_halfopen_state__test_execution_permit_directly) {
    V7Breaker breaker{advanced(0.5, 10_s, 2, 30_s)};
    breaker.RaiseException();
    breaker.RaiseException();
    breaker.SetUtcNow(30_s);
    EXPECT_TRUE(breaker.OnActionPreExecute());
    EXPECT_FALSE(breaker.OnActionPreExecute());
    EXPECT_EQ(breaker.CircuitState(), BreakerState::HalfOpen);
    breaker.SetUtcNow(60_s);  // another break duration: still HalfOpen
    EXPECT_EQ(breaker.CircuitState(), BreakerState::HalfOpen);
    EXPECT_TRUE(breaker.OnActionPreExecute());
    EXPECT_EQ(breaker.CircuitState(), BreakerState::HalfOpen);
}

}  // namespace
}  // namespace cascadelab::conformance
