// Polly v8's breaker cases, replayed against the polly() preset in virtual time. Where the peer
// mocks CircuitBehavior (whether a failure breaks), real outcomes are sent that make the health
// metrics decide the same way.
#include <gtest/gtest.h>

#include "statemachines/circuit_breaker.hpp"
#include "statemachines/config_error.hpp"
#include "tests/conformance/virtual_clock.hpp"

namespace cascadelab::conformance {
namespace {

using namespace literals;

// Polly's controller, as its tests call it.
class PollyBreaker {
public:
    explicit PollyBreaker(const CircuitBreakerConfig& c, Time created = Time::zero()) : cb(c, clock, {ComponentKind::Breaker}, created) {
        clock.now = created;
    }
    bool OnActionPreExecute() {
        const BreakerPermit p = cb.call_requested(clock.now);
        if (p.permitted) permit_ = p;
        return p.permitted;  // false: BrokenCircuitException / IsolatedCircuitException
    }
    void OnActionSuccess() { cb.call_succeeded(clock.now, permit_, 1_ms); }
    void OnActionFailure() { cb.call_finished(clock.now, permit_, 1_ms, AttemptOutcome::Error); }
    void IsolateCircuit() { cb.transition_to(clock.now, BreakerState::ForcedOpen); }
    void CloseCircuit() { cb.reset(clock.now); }
    BreakerState CircuitState() const { return cb.state(); }
    void AdvanceTime(Duration d) { clock.advance(d); }
    // Two failures: throughput 2 (the minimum here) at a failure ratio of 1.
    void OpenCircuit() {
        OnActionFailure();
        OnActionFailure();
        ASSERT_EQ(cb.state(), BreakerState::Open);
    }
    void TransitionToState(BreakerState s) {
        switch (s) {
            case BreakerState::Closed: break;
            case BreakerState::Open: OpenCircuit(); break;
            case BreakerState::HalfOpen:
                OpenCircuit();
                AdvanceTime(cb.config().wait_duration_in_open_state);
                OnActionPreExecute();
                break;
            case BreakerState::ForcedOpen: IsolateCircuit(); break;
            default: break;
        }
        ASSERT_EQ(cb.state(), s);
    }

    VirtualClock clock;
    CircuitBreaker cb;

private:
    BreakerPermit permit_{true, 0};
};

// Polly's defaults, with MinimumThroughput at its least (2) so that two failures break.
CircuitBreakerConfig options() {
    CircuitBreakerConfig c = CircuitBreakerConfig::polly();
    c.minimum_number_of_calls = 2;
    return c;
}
const Duration kBreakDuration = 5_s;

// ---- test/Polly.Core.Tests/CircuitBreaker/Controller/CircuitStateControllerTests.cs ----

TEST(PollyCircuitStateController, Ctor_EnsureDefaults) {
    PollyBreaker controller{options()};
    EXPECT_EQ(controller.CircuitState(), BreakerState::Closed);
}

TEST(PollyCircuitStateController, IsolateAsync_Ok) {
    PollyBreaker controller{options()};
    controller.AdvanceTime(1_s);
    controller.IsolateCircuit();
    EXPECT_EQ(controller.CircuitState(), BreakerState::ForcedOpen);  // Polly's Isolated
    EXPECT_EQ(controller.cb.retry_after(controller.clock.now), Duration::max());  // BreakDuration = TimeSpan.MaxValue
    EXPECT_FALSE(controller.OnActionPreExecute());
    controller.CloseCircuit();
    EXPECT_TRUE(controller.OnActionPreExecute());
    EXPECT_EQ(controller.CircuitState(), BreakerState::Closed);
}

TEST(PollyCircuitStateController, BreakAsync_Ok) {
    PollyBreaker controller{options()};
    controller.AdvanceTime(1_s);
    controller.IsolateCircuit();
    controller.CloseCircuit();
    EXPECT_TRUE(controller.OnActionPreExecute());
    EXPECT_EQ(controller.CircuitState(), BreakerState::Closed);
}

TEST(PollyCircuitStateController, OnActionPreExecute_CircuitOpenedByValue) {
    PollyBreaker controller{options()};
    controller.OpenCircuit();
    EXPECT_FALSE(controller.OnActionPreExecute());
    EXPECT_EQ(controller.cb.open_until(), controller.clock.now + kBreakDuration);  // _blockedUntil
}

TEST(PollyCircuitStateController, HalfOpen_EnsureBreakDuration) {
    PollyBreaker controller{options()};
    controller.TransitionToState(BreakerState::HalfOpen);
    EXPECT_EQ(controller.cb.retry_after(controller.clock.now), kBreakDuration);
}

TEST(PollyCircuitStateController, HalfOpen_EnsureCorrectStateTransitionAfterExecution) {
    for (bool success : {true, false}) {
        PollyBreaker controller{options()};
        controller.TransitionToState(BreakerState::HalfOpen);
        if (success) controller.OnActionSuccess();
        else controller.OnActionFailure();
        EXPECT_EQ(controller.CircuitState(), success ? BreakerState::Closed : BreakerState::Open) << success;
    }
}

TEST(PollyCircuitStateController, OnActionPreExecute_HalfOpen) {
    PollyBreaker controller{options()};
    controller.OpenCircuit();
    controller.AdvanceTime(kBreakDuration);
    EXPECT_TRUE(controller.OnActionPreExecute());   // the probe
    EXPECT_FALSE(controller.OnActionPreExecute());  // everyone else: BrokenCircuitException
    EXPECT_EQ(controller.CircuitState(), BreakerState::HalfOpen);
}

TEST(PollyCircuitStateController, OnActionSuccess_EnsureCorrectBehavior) {
    const std::pair<BreakerState, BreakerState> cases[] = {{BreakerState::HalfOpen, BreakerState::Closed},
                                                           {BreakerState::ForcedOpen, BreakerState::ForcedOpen},
                                                           {BreakerState::Closed, BreakerState::Closed}};
    for (const auto& [state, expected] : cases) {
        PollyBreaker controller{options()};
        controller.TransitionToState(state);
        controller.OnActionSuccess();
        EXPECT_EQ(controller.CircuitState(), expected) << name(state);
    }
}

// shouldBreak comes from the health metrics here: a second failure breaks, a first does not.
TEST(PollyCircuitStateController, OnActionFailureAsync_EnsureCorrectBehavior) {
    struct Case {
        BreakerState state, expected;
        bool should_break;
    };
    const Case cases[] = {{BreakerState::HalfOpen, BreakerState::Open, true},
                          {BreakerState::Closed, BreakerState::Open, true},
                          {BreakerState::Closed, BreakerState::Closed, false},
                          {BreakerState::Open, BreakerState::Open, false},
                          {BreakerState::ForcedOpen, BreakerState::ForcedOpen, false}};
    for (const Case& c : cases) {
        PollyBreaker controller{options()};
        controller.TransitionToState(c.state);
        if (c.state == BreakerState::Closed && c.should_break) controller.OnActionFailure();  // the one before
        const Time until = controller.cb.open_until();
        controller.OnActionFailure();
        EXPECT_EQ(controller.CircuitState(), c.expected) << name(c.state);
        if (c.state == BreakerState::Open) {
            EXPECT_EQ(controller.cb.open_until(), until);  // the break is not extended
        }
    }
}

// BreakDurationGenerator(args) with FailureCount 1 and FailureRate 0.5 returns 42 minutes.
TEST(PollyCircuitStateController, OnActionFailureAsync_EnsureBreakDurationGeneration) {
    CircuitBreakerConfig c = options();
    c.failure_ratio = 0.5;
    c.wait_growth = OpenWaitGrowth::StepsByFailureRate;
    c.wait_steps = {{50.0, Duration::seconds(42 * 60)}};
    c.max_wait_in_open_state = 3600_s;
    PollyBreaker controller{c};
    controller.AdvanceTime(3600_s);
    controller.OnActionSuccess();
    controller.OnActionFailure();  // 1 failure of 2: rate 0.5
    ASSERT_EQ(controller.CircuitState(), BreakerState::Open);
    EXPECT_EQ(controller.cb.open_until(), controller.clock.now + Duration::seconds(42 * 60));
}

TEST(PollyCircuitStateController, OnActionFailureAsync_EnsureBreakDurationNotOverflow) {
    for (bool overflow : {true, false}) {
        PollyBreaker controller{options()};
        controller.TransitionToState(BreakerState::HalfOpen);
        Time utc_now = Time::max() - kBreakDuration;
        if (overflow) utc_now += 10_ms;
        controller.clock.now = utc_now;
        controller.OnActionFailure();
        ASSERT_EQ(controller.CircuitState(), BreakerState::Open);
        EXPECT_EQ(controller.cb.open_until(), overflow ? Time::max() : utc_now + kBreakDuration) << overflow;
    }
}

TEST(PollyCircuitStateController, OnActionFailureAsync_VoidResult_EnsureBreakingExceptionNotSet) {
    PollyBreaker controller{options()};
    controller.TransitionToState(BreakerState::Open);
    controller.OnActionFailure();
    EXPECT_FALSE(controller.OnActionPreExecute());
}

TEST(PollyCircuitStateController, Flow_Closed_HalfOpen_Closed) {
    PollyBreaker controller{options()};
    controller.TransitionToState(BreakerState::HalfOpen);
    controller.OnActionSuccess();
    EXPECT_EQ(controller.CircuitState(), BreakerState::Closed);
    EXPECT_EQ(controller.cb.health(controller.clock.now).throughput, 0u);  // OnCircuitClosed resets the health
}

TEST(PollyCircuitStateController, Flow_Closed_HalfOpen_Open_HalfOpen_Closed) {
    PollyBreaker controller{options()};
    controller.TransitionToState(BreakerState::HalfOpen);
    controller.OnActionFailure();
    EXPECT_EQ(controller.CircuitState(), BreakerState::Open);
    controller.AdvanceTime(1_ms);
    EXPECT_FALSE(controller.OnActionPreExecute());  // execution rejected
    controller.AdvanceTime(kBreakDuration + kBreakDuration);
    controller.OnActionPreExecute();
    EXPECT_EQ(controller.CircuitState(), BreakerState::HalfOpen);
    controller.OnActionSuccess();
    EXPECT_EQ(controller.CircuitState(), BreakerState::Closed);
}

// ---- test/Polly.Core.Tests/CircuitBreaker/Controller/AdvancedCircuitBehaviorTests.cs ----

// The theory's (throughput, minimumThroughput, failureRate, threshold) -> shouldBreak rows, each
// made of real outcomes whose health after the failure is the row's (or as close as whole calls
// allow; noted where the row's numbers cannot be reached).
TEST(PollyAdvancedCircuitBehavior, OnActionFailure_WhenClosed_EnsureCorrectBehavior) {
    struct Row {
        const char* theory;
        int successes_before, failures_before;  // then one failure is reported
        std::uint32_t minimum;
        double threshold;
        bool should_break;
    };
    const Row rows[] = {
        // (10, 10, 0.0, 0.1, false): a failure leaves the rate above 0; the rate is below the threshold instead.
        {"10, 10, rate below threshold", 9, 0, 10, 0.2, false},
        {"10, 10, 0.1, 0.1", 9, 0, 10, 0.1, true},
        {"10, 10, 0.2, 0.1", 8, 1, 10, 0.1, true},
        // (11, 10, 0.2, 0.1, true): 11 calls, 2 failures (0.18).
        {"11, 10, ~0.2, 0.1", 9, 1, 10, 0.1, true},
        {"9, 10, ~0.1, 0.1", 8, 0, 10, 0.1, false},
    };
    for (const Row& r : rows) {
        CircuitBreakerConfig c = CircuitBreakerConfig::polly();
        c.minimum_number_of_calls = r.minimum;
        c.failure_ratio = r.threshold;
        PollyBreaker b{c};
        for (int i = 0; i < r.failures_before; ++i) b.OnActionFailure();
        for (int i = 0; i < r.successes_before; ++i) b.OnActionSuccess();
        ASSERT_EQ(b.CircuitState(), BreakerState::Closed) << r.theory;
        b.OnActionFailure();
        EXPECT_EQ(b.CircuitState() == BreakerState::Open, r.should_break) << r.theory;
    }
}

TEST(PollyAdvancedCircuitBehavior, OnActionFailure_State_EnsureCorrectCalls) {
    const std::pair<BreakerState, bool> cases[] = {{BreakerState::Closed, true},
                                                   {BreakerState::Open, true},
                                                   {BreakerState::ForcedOpen, true},
                                                   {BreakerState::HalfOpen, false}};
    for (const auto& [state, counted] : cases) {
        // In Closed the default MinimumThroughput (100) keeps the failure from breaking.
        CircuitBreakerConfig c = state == BreakerState::Closed ? CircuitBreakerConfig::polly() : options();
        PollyBreaker b{c};
        b.TransitionToState(state);
        const std::uint32_t before = b.cb.health(b.clock.now).failure_count;
        b.OnActionFailure();
        EXPECT_EQ(b.cb.health(b.clock.now).failure_count, before + (counted ? 1u : 0u)) << name(state);
    }
}

TEST(PollyAdvancedCircuitBehavior, OnCircuitClosed_Ok) {
    PollyBreaker b{options()};
    b.OnActionFailure();
    EXPECT_EQ(b.cb.health(b.clock.now).throughput, 1u);
    b.IsolateCircuit();
    b.CloseCircuit();
    EXPECT_EQ(b.cb.health(b.clock.now).throughput, 0u);
}

// ---- test/Polly.Core.Tests/CircuitBreaker/CircuitBreakerOptionsTests.cs ----

TEST(PollyCircuitBreakerOptions, Ctor_Defaults) {
    CircuitBreakerConfig c = CircuitBreakerConfig::polly();
    EXPECT_EQ(c.wait_duration_in_open_state, 5_s);
    EXPECT_EQ(c.failure_ratio, 0.1);
    EXPECT_EQ(c.minimum_number_of_calls, 100u);
    EXPECT_EQ(c.sampling_duration, 30_s);
    // now set to min values
    c.failure_ratio = 0.001;
    c.wait_duration_in_open_state = 500_ms;
    c.max_wait_in_open_state = 500_ms;
    c.minimum_number_of_calls = 2;
    c.sampling_duration = 500_ms;
    EXPECT_NO_THROW(c.validate());
}

TEST(PollyCircuitBreakerOptions, InvalidOptions_Validate) {
    auto expect_invalid = [](auto change, const char* field) {
        CircuitBreakerConfig c = CircuitBreakerConfig::polly();
        change(c);
        try {
            c.validate();
            ADD_FAILURE() << field << " accepted";
        } catch (const ConfigError& e) {
            EXPECT_NE(std::string{e.what()}.find(field), std::string::npos) << e.what();
        }
    };
    expect_invalid([](auto& c) { c.wait_duration_in_open_state = 299_ms; }, "break_duration");
    expect_invalid([](auto& c) { c.sampling_duration = 0_ms; }, "sampling_duration");
    expect_invalid([](auto& c) { c.minimum_number_of_calls = 0; }, "minimum_throughput");
    // FailureRatio = 0 is not among the peer's errors: a ratio of 0 is valid.
    CircuitBreakerConfig zero = CircuitBreakerConfig::polly();
    zero.failure_ratio = 0.0;
    EXPECT_NO_THROW(zero.validate());
}

}  // namespace
}  // namespace cascadelab::conformance
