// The circuit breaker: every row of the three tables, cascadelab's own options, and properties
// against a reference model of Resilience4j's semantics. The peers' own test cases are ported in
// tests/conformance/.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <algorithm>  // std::count, std::min
#include <deque>      // std::deque
#include <map>        // std::map
#include <set>        // std::set
#include <string>     // std::string
#include <utility>    // std::pair

#include "statemachines/circuit_breaker.hpp"
#include "statemachines/config_error.hpp"
#include "tests/statemachines/fake_effects.hpp"

namespace cascadelab {
namespace {

using namespace literals;
using testing::FakeEffects;

Time at(Duration d) { return Time::zero() + d; }

// Which table's region a state is in.
std::string_view region(BreakerState s) {
    return s == BreakerState::Closed || s == BreakerState::Open || s == BreakerState::HalfOpen ? "Operating"
                                                                                                 : "Administrative";
}

// Drives a breaker and records every row it takes as (source, guard) — or, for the few rows
// without a guard, (source, event) — the way row_key() names rows.
class Driver {
public:
    explicit Driver(CircuitBreakerConfig c, Time created = Time::zero()) : breaker(c, fx, ComponentId{ComponentKind::Breaker}, created) {
        breaker.log_guards(&guards);
        // The start-up rows ran in the constructor, before the log was attached.
        const bool operating = region(c.initial_state) == "Operating";
        taken.insert({"Starting", operating ? "starts_operating" : "!starts_operating"});
        const std::map<BreakerState, std::string> entry{{BreakerState::Closed, "enters_closed"},
                                                        {BreakerState::Open, "enters_open"},
                                                        {BreakerState::ForcedOpen, "enters_forced_open"},
                                                        {BreakerState::Disabled, "enters_disabled"},
                                                        {BreakerState::MetricsOnly, "enters_metrics_only"}};
        taken.insert({"*", entry.at(c.initial_state)});
    }

    BreakerPermit request(Time now) {
        const auto before = breaker.state();
        const auto p = breaker.call_requested(now);
        // Closed, Disabled, MetricsOnly and ForcedOpen decide without a guard.
        collect(name(before), "CallRequested");
        return p;
    }
    void complete(Time now, BreakerPermit p, bool failed, Duration took = 1_ms) {
        const auto before = breaker.state();
        breaker.call_completed(now, p, took, failed);
        collect(before == BreakerState::Open ? "Operating" : name(before), "CallCompleted");
    }
    void release(Time now, BreakerPermit p) {
        const auto before = breaker.state();
        breaker.permit_released(now, p);
        collect(before == BreakerState::HalfOpen ? "HalfOpen" : region(before), "PermitReleased");
    }
    void call(Time now, bool failed, Duration took = 1_ms) {
        const auto p = request(now);
        if (p.permitted) complete(now, p, failed, took);
    }
    void open_wait_elapsed(Time now) {
        const auto before = breaker.state();
        breaker.open_wait_elapsed(now);
        collect(name(before), "OpenWaitElapsed");
    }
    void half_open_wait_elapsed(Time now) {
        const auto before = breaker.state();
        breaker.half_open_wait_elapsed(now);
        collect(name(before), "HalfOpenWaitElapsed");
    }
    TransitionResult transition(Time now, BreakerState to) {
        const auto before = breaker.state();
        const auto r = breaker.transition_to(now, to);
        collect(region(before), "TransitionRequested");
        return r;
    }
    std::string state() const { return std::string{name(breaker.state())}; }

    FakeEffects fx;
    CircuitBreaker breaker;
    // (source, guard or event) of every row taken.
    std::set<std::pair<std::string, std::string>> taken;

private:
    // The first guard of a dispatch belongs to `source`'s row; entry choices and anonymous rows
    // that follow name their own source. No guard at all: the unguarded row of (source, event).
    void collect(std::string_view source, std::string_view event) {
        if (guards.empty()) {
            if (!event.empty()) taken.insert({std::string{source}, std::string{event}});
            return;
        }
        for (std::size_t i = 0; i < guards.size(); ++i) taken.insert({i == 0 ? std::string{source} : "*", std::string{guards[i]}});
        guards.clear();
    }
    std::vector<std::string_view> guards;
};

CircuitBreakerConfig small_r4j() {
    auto c = CircuitBreakerConfig::resilience4j();
    c.sliding_window_size = 4;
    c.minimum_number_of_calls = 4;
    c.failure_rate_threshold = 50;
    c.wait_duration_in_open_state = 100_ms;
    c.max_wait_in_open_state = 100_ms;
    c.permitted_number_of_calls_in_half_open_state = 2;
    return c;
}

TEST(CircuitBreaker, TutorialOpensOnEightFailuresOfTwentyAndClosesAfter500ms) {
    Driver d{CircuitBreakerConfig::tutorial()};
    for (int i = 0; i < 12; ++i) d.call(at(1_ms), false);
    for (int i = 0; i < 7; ++i) d.call(at(2_ms), true);
    EXPECT_EQ(d.state(), "Closed");  // 19 outcomes: the window is not full yet
    d.call(at(3_ms), true);          // 20 outcomes, 8 failures: 40%
    EXPECT_EQ(d.state(), "Open");
    EXPECT_EQ(d.breaker.last_trip(), TripReason::FailureRate);
    EXPECT_FALSE(d.request(at(502_ms)).permitted);
    EXPECT_TRUE(d.request(at(503_ms)).permitted);  // lazy and inclusive: the first call at the end of the wait
    EXPECT_EQ(d.state(), "Closed");
    EXPECT_EQ(d.breaker.window(at(503_ms)).calls, 0u);  // a fresh window
    EXPECT_EQ(d.fx.transitions, (std::vector<std::string>{"breaker: Closed --CallCompleted--> Open",
                                                           "breaker: Open --CallRequested--> Closed"}));
}

TEST(CircuitBreaker, MinimumNumberOfCallsGatesTheVerdict) {
    auto c = small_r4j();
    c.sliding_window_size = 10;
    c.minimum_number_of_calls = 5;
    Driver d{c};
    for (int i = 0; i < 4; ++i) d.call(at(1_ms), true);  // 100% failures, but only 4 calls
    EXPECT_EQ(d.state(), "Closed");
    EXPECT_FLOAT_EQ(d.breaker.metrics(at(1_ms)).failure_rate, -1.0f);
    d.call(at(1_ms), true);
    EXPECT_EQ(d.state(), "Open");
    EXPECT_EQ(d.breaker.metrics(at(1_ms)).buffered, 5u);  // the tripping call is in the window Open carries
}

TEST(CircuitBreaker, SlowCallRateTripsAndSaysSo) {
    auto c = small_r4j();
    c.slow_call_duration_threshold = 50_ms;
    c.slow_call_rate_threshold = 75;
    Driver d{c};
    d.call(at(1_ms), false, 50_ms);  // exactly at the threshold: not slow
    for (int i = 0; i < 3; ++i) d.call(at(1_ms), false, 51_ms);
    EXPECT_EQ(d.state(), "Open");
    EXPECT_EQ(d.breaker.last_trip(), TripReason::SlowCallRate);
    EXPECT_EQ(d.breaker.slow_call_rate_exceeded_events(), 1u);
    EXPECT_EQ(d.breaker.failure_rate_exceeded_events(), 0u);
}

TEST(CircuitBreaker, HalfOpenAdmitsPermittedProbesThenDecides) {
    Driver d{small_r4j()};
    for (int i = 0; i < 4; ++i) d.call(at(1_ms), true);
    ASSERT_EQ(d.state(), "Open");
    EXPECT_FALSE(d.request(at(101_ms)).permitted);  // exclusive: the wait ends at 101 ms
    const auto p1 = d.request(at(102_ms));          // lazy: becomes HalfOpen, first probe
    ASSERT_EQ(d.state(), "HalfOpen");
    const auto p2 = d.request(at(102_ms));
    const auto p3 = d.request(at(102_ms));
    EXPECT_TRUE(p1.permitted);
    EXPECT_TRUE(p2.permitted);
    EXPECT_FALSE(p3.permitted);
    EXPECT_EQ(d.breaker.probes_in_flight(), 2u);
    d.complete(at(110_ms), p1, false);
    EXPECT_EQ(d.state(), "HalfOpen");
    d.complete(at(111_ms), p2, false);
    EXPECT_EQ(d.state(), "Closed");
}

TEST(CircuitBreaker, AReleasedProbePermitAdmitsAnotherProbe) {
    Driver d{small_r4j()};
    ASSERT_EQ(d.transition(at(0_ms), BreakerState::Open), TransitionResult::Done);
    ASSERT_EQ(d.transition(at(0_ms), BreakerState::HalfOpen), TransitionResult::Done);
    const auto p1 = d.request(at(1_ms));
    d.request(at(1_ms));
    EXPECT_FALSE(d.request(at(1_ms)).permitted);
    d.release(at(2_ms), p1);
    EXPECT_TRUE(d.request(at(2_ms)).permitted);
    EXPECT_EQ(d.breaker.metrics(at(2_ms)).buffered, 0u);  // nothing was recorded
}

// Resilience4j's releasePermission gives a probe permit back whichever call it was for; with
// ReleasedPermits::CurrentOnly a permit from before HalfOpen gives nothing back.
TEST(CircuitBreaker, ReleasingAPermitFromBeforeHalfOpenFollowsTheReleasedPermitsOption) {
    for (ReleasedPermits mode : {ReleasedPermits::AnyPermit, ReleasedPermits::CurrentOnly}) {
        auto c = small_r4j();
        c.released_permits = mode;
        Driver d{c};
        const auto old = d.request(at(0_ms));  // admitted while Closed
        d.transition(at(0_ms), BreakerState::Open);
        d.transition(at(0_ms), BreakerState::HalfOpen);
        d.request(at(1_ms));
        d.request(at(1_ms));
        d.release(at(1_ms), old);
        const bool third = d.request(at(1_ms)).permitted;
        EXPECT_EQ(third, mode == ReleasedPermits::AnyPermit) << name(mode);
        EXPECT_EQ(d.breaker.probe_limit(), mode == ReleasedPermits::AnyPermit ? 3u : 2u);
    }
}

TEST(CircuitBreaker, FailingProbesReopenWithAGrowingWait) {
    auto c = small_r4j();
    c.wait_in_open_multiplier = 2.0;
    c.max_wait_in_open_state = 300_ms;
    c.permitted_number_of_calls_in_half_open_state = 1;
    Driver d{c};
    for (int i = 0; i < 4; ++i) d.call(at(1_ms), true);
    EXPECT_EQ(d.breaker.current_open_wait(), 100_ms);
    d.call(at(102_ms), true);
    EXPECT_EQ(d.state(), "Open");
    EXPECT_EQ(d.breaker.last_trip(), TripReason::ProbesFailed);
    EXPECT_EQ(d.breaker.current_open_wait(), 200_ms);
    EXPECT_EQ(d.breaker.consecutive_opens(), 2u);
    d.call(at(303_ms), true);
    EXPECT_EQ(d.breaker.current_open_wait(), 300_ms);  // capped
    d.call(at(604_ms), false);
    EXPECT_EQ(d.state(), "Closed");
    EXPECT_EQ(d.breaker.consecutive_opens(), 0u);
}

TEST(CircuitBreaker, OpenWaitsGrowLinearlyInFailuresOrByFailureRateSteps) {
    auto linear = small_r4j();
    linear.wait_growth = OpenWaitGrowth::LinearInFailures;
    linear.wait_per_failure = 10_ms;
    linear.max_wait_in_open_state = 1_s;
    Driver a{linear};
    for (int i = 0; i < 4; ++i) a.call(at(1_ms), i != 0);
    EXPECT_EQ(a.breaker.current_open_wait(), 130_ms);  // 100 + 3 failures x 10

    auto steps = small_r4j();
    steps.wait_growth = OpenWaitGrowth::StepsByFailureRate;
    steps.wait_steps = {{50.0, 200_ms}, {90.0, 800_ms}};
    steps.max_wait_in_open_state = 1_s;
    Driver b{steps};
    for (int i = 0; i < 4; ++i) b.call(at(1_ms), true);
    EXPECT_EQ(b.breaker.current_open_wait(), 800_ms);  // 100 % reaches the second step
}

TEST(CircuitBreaker, StaleOutcomesIgnoredNeitherCountAsProbesNorFillTheWindow) {
    auto c = small_r4j();
    c.stale_outcomes = StaleOutcomes::Ignore;
    Driver d{c};
    const auto early = d.request(at(0_ms));
    for (int i = 0; i < 4; ++i) d.call(at(1_ms), true);
    ASSERT_EQ(d.state(), "Open");
    d.complete(at(5_ms), early, true);  // admitted while Closed, finished while Open
    EXPECT_EQ(d.state(), "Open");
    EXPECT_EQ(d.breaker.metrics(at(5_ms)).buffered, 4u);
    const auto probe = d.request(at(102_ms));
    d.complete(at(103_ms), early, false);  // still stale in HalfOpen
    EXPECT_EQ(d.breaker.window(at(103_ms)).calls, 0u);
    d.complete(at(104_ms), probe, false);
    EXPECT_EQ(d.state(), "HalfOpen");  // one of two probes
    EXPECT_EQ(d.breaker.late_outcomes(), 2u);
}

// Resilience4j records whatever outcome arrives in the current state's metrics.
TEST(CircuitBreaker, StaleOutcomesRecordedCountInOpenAndAsProbes) {
    Driver d{small_r4j()};
    const auto early = d.request(at(0_ms));
    const auto earlier = d.request(at(0_ms));
    for (int i = 0; i < 4; ++i) d.call(at(1_ms), true);
    d.complete(at(5_ms), early, false);
    EXPECT_EQ(d.breaker.metrics(at(5_ms)).buffered, 4u);  // a window of 4 slides
    EXPECT_EQ(d.breaker.metrics(at(5_ms)).successful, 1u);
    d.request(at(102_ms));
    d.complete(at(103_ms), earlier, false);
    EXPECT_EQ(d.state(), "HalfOpen");
    EXPECT_EQ(d.breaker.metrics(at(103_ms)).buffered, 1u);
}

// Polly decides on a failure only: a success that takes the throughput to the minimum with the
// failure ratio above the threshold leaves the circuit Closed.
TEST(CircuitBreaker, PollyNeverBreaksOnASuccess) {
    auto c = CircuitBreakerConfig::polly();
    c.minimum_number_of_calls = 4;
    Driver d{c};
    for (int i = 0; i < 3; ++i) d.call(at(1_ms), true);  // throughput 3: below the minimum
    d.call(at(1_ms), false);                             // 4 calls, 75 % failed: still Closed
    EXPECT_EQ(d.state(), "Closed");
    d.call(at(1_ms), true);
    EXPECT_EQ(d.state(), "Open");
}

TEST(CircuitBreaker, AutomaticModeUsesTimersAndHungProbesReopen) {
    auto c = small_r4j();
    c.automatic_transition_from_open_to_half_open = true;
    c.max_wait_duration_in_half_open_state = 1_s;
    Driver d{c};
    for (int i = 0; i < 4; ++i) d.call(at(1_ms), true);
    EXPECT_TRUE(d.fx.timer_running(TimerKind::BreakerOpenWait));
    EXPECT_FALSE(d.request(at(50_ms)).permitted);
    d.open_wait_elapsed(at(101_ms));
    EXPECT_EQ(d.state(), "HalfOpen");
    EXPECT_FALSE(d.fx.timer_running(TimerKind::BreakerOpenWait));
    EXPECT_TRUE(d.fx.timer_running(TimerKind::BreakerHalfOpenWait));
    d.request(at(102_ms));  // a probe that never returns
    d.half_open_wait_elapsed(at(1101_ms));
    EXPECT_EQ(d.state(), "Open");
    EXPECT_EQ(d.breaker.last_trip(), TripReason::HalfOpenTimedOut);
    EXPECT_FALSE(d.fx.timer_running(TimerKind::BreakerHalfOpenWait));
}

TEST(CircuitBreaker, AHalfOpenTimeoutMayCloseInstead) {
    auto c = small_r4j();
    c.max_wait_duration_in_half_open_state = 1_s;
    c.transition_to_state_after_wait_duration = AfterHalfOpenWait::Closed;
    Driver d{c};
    d.transition(at(0_ms), BreakerState::Open);
    d.transition(at(0_ms), BreakerState::HalfOpen);
    d.half_open_wait_elapsed(at(1_s));
    EXPECT_EQ(d.state(), "Closed");
}

TEST(CircuitBreaker, AutomaticModeWithoutHalfOpenCloses) {
    auto c = CircuitBreakerConfig::tutorial();
    c.automatic_transition_from_open_to_half_open = true;
    Driver d{c};
    for (int i = 0; i < 20; ++i) d.call(at(1_ms), true);
    ASSERT_EQ(d.state(), "Open");
    d.open_wait_elapsed(at(501_ms));
    EXPECT_EQ(d.state(), "Closed");
}

TEST(CircuitBreaker, TimeBasedWindowForgetsOldBuckets) {
    auto c = small_r4j();
    c.sliding_window_type = WindowKind::TimeBased;
    c.sliding_window_size = 3;  // three 1-second buckets
    c.minimum_number_of_calls = 4;
    Driver d{c};
    for (int i = 0; i < 3; ++i) d.call(at(100_ms), true);
    EXPECT_EQ(d.breaker.window(at(2900_ms)).calls, 3u);
    EXPECT_EQ(d.breaker.window(at(3_s)).calls, 0u);  // the first bucket has slid out
    d.call(at(3_s), true);
    EXPECT_EQ(d.state(), "Closed");  // 1 call in the window, not 4
}

TEST(CircuitBreaker, AdministrativeStates) {
    Driver d{small_r4j()};
    d.transition(at(0_ms), BreakerState::ForcedOpen);
    EXPECT_EQ(d.state(), "ForcedOpen");
    EXPECT_FALSE(d.request(at(1_ms)).permitted);
    EXPECT_EQ(d.breaker.retry_after(at(1_ms)), Duration::max());
    d.transition(at(1_ms), BreakerState::Disabled);
    for (int i = 0; i < 10; ++i) d.call(at(2_ms), true);
    EXPECT_EQ(d.state(), "Disabled");  // records nothing, never trips
    EXPECT_EQ(d.breaker.metrics(at(2_ms)).buffered, 0u);
    d.transition(at(3_ms), BreakerState::MetricsOnly);
    for (int i = 0; i < 10; ++i) d.call(at(4_ms), true);
    EXPECT_EQ(d.state(), "MetricsOnly");
    EXPECT_FLOAT_EQ(d.breaker.metrics(at(4_ms)).failure_rate, 100.0f);  // records, never transitions
    EXPECT_EQ(d.breaker.failure_rate_exceeded_events(), 1u);             // published once per stay
    d.transition(at(5_ms), BreakerState::Closed);
    EXPECT_EQ(d.state(), "Closed");
    EXPECT_EQ(d.breaker.unhandled_events(), 0u);
}

TEST(CircuitBreaker, IllegalTransitionsAreRefusedAndNamed) {
    Driver d{small_r4j()};
    EXPECT_EQ(d.transition(at(0_ms), BreakerState::HalfOpen), TransitionResult::Illegal);
    EXPECT_EQ(d.state(), "Closed");
    EXPECT_EQ(d.breaker.last_illegal_transition(),
              "CircuitBreaker 'breaker' tried an illegal state transition from CLOSED to HALF_OPEN");
    d.transition(at(0_ms), BreakerState::MetricsOnly);
    EXPECT_EQ(d.transition(at(0_ms), BreakerState::Open), TransitionResult::Illegal);
    EXPECT_EQ(d.breaker.illegal_transitions(), 2u);
    EXPECT_EQ(d.breaker.unhandled_events(), 0u);
}

TEST(CircuitBreaker, OpenForAndOpenUntilSetTheWaitOfThisOpeningOnly) {
    Driver d{small_r4j()};
    d.breaker.open_for(at(0_ms), 2_s);
    EXPECT_EQ(d.breaker.open_until(), at(2_s));
    EXPECT_FALSE(d.request(at(2_s)).permitted);
    EXPECT_TRUE(d.request(at(2_s + 1_us)).permitted);
    d.breaker.open_until(at(3_s), at(10_s));
    EXPECT_EQ(d.breaker.current_open_wait(), 7_s);
    EXPECT_EQ(d.breaker.retry_after(at(4_s)), 6_s);
}

TEST(CircuitBreaker, AnInitialStateIsEnteredAtCreation) {
    auto c = small_r4j();
    c.initial_state = BreakerState::Open;
    Driver d{c, at(10_s)};
    EXPECT_EQ(d.state(), "Open");
    EXPECT_EQ(d.breaker.open_until(), at(10_s + 100_ms));
    c.initial_state = BreakerState::MetricsOnly;
    Driver m{c};
    EXPECT_EQ(m.state(), "MetricsOnly");
}

TEST(CircuitBreaker, AnEventAStateDoesNotAcceptIsCounted) {
    Driver d{small_r4j()};  // lazy: no BreakerOpenWait timer exists, so its event is an error
    for (int i = 0; i < 4; ++i) d.call(at(1_ms), true);
    d.open_wait_elapsed(at(200_ms));
    EXPECT_EQ(d.breaker.unhandled_events(), 1u);
    EXPECT_EQ(d.state(), "Open");
}

// Drives every row of the three tables; the test fails naming any row no scenario took.
TEST(CircuitBreaker, EveryTableRowIsTaken) {
    std::set<std::pair<std::string, std::string>> taken;
    auto merge = [&](const Driver& d) { taken.insert(d.taken.begin(), d.taken.end()); };
    {  // lazy, probes, stale outcomes recorded
        Driver d{small_r4j()};
        const auto late = d.request(at(0_ms));
        for (int i = 0; i < 4; ++i) d.call(at(1_ms), i > 0);
        d.call(at(1_ms), true);
        d.complete(at(2_ms), late, true);  // in Open
        d.release(at(2_ms), late);         // a release outside HalfOpen frees nothing
        const auto p1 = d.request(at(102_ms));
        const auto p2 = d.request(at(102_ms));
        d.request(at(102_ms));
        d.release(at(102_ms), p2);
        const auto p3 = d.request(at(102_ms));
        d.complete(at(103_ms), p1, true);
        d.complete(at(104_ms), p3, true);
        const auto q1 = d.request(at(300_ms));
        const auto q2 = d.request(at(300_ms));
        d.complete(at(301_ms), q1, false);
        d.complete(at(302_ms), q2, false);
        ASSERT_EQ(d.state(), "Closed");
        for (auto s : {BreakerState::ForcedOpen, BreakerState::Disabled, BreakerState::MetricsOnly,
                       BreakerState::ForcedOpen, BreakerState::MetricsOnly, BreakerState::Disabled,
                       BreakerState::ForcedOpen, BreakerState::Closed, BreakerState::Disabled, BreakerState::Closed,
                       BreakerState::MetricsOnly, BreakerState::HalfOpen, BreakerState::Closed, BreakerState::HalfOpen,
                       BreakerState::Open, BreakerState::HalfOpen, BreakerState::ForcedOpen}) {
            const auto before_transition = d.request(at(400_ms));
            d.transition(at(400_ms), s);
            if (before_transition.permitted) d.complete(at(400_ms), before_transition, true);
            const auto p = d.request(at(400_ms));
            d.release(at(400_ms), p);
            d.call(at(400_ms), true);
            d.call(at(400_ms), true);
        }
        merge(d);
    }
    {  // lazy, no half-open, stale outcomes ignored in HalfOpen
        auto c = small_r4j();
        c.stale_outcomes = StaleOutcomes::Ignore;
        Driver d{c};
        const auto late = d.request(at(0_ms));
        for (int i = 0; i < 4; ++i) d.call(at(1_ms), true);
        d.request(at(102_ms));
        d.complete(at(103_ms), late, true);
        merge(d);
        Driver t{CircuitBreakerConfig::tutorial()};
        for (int i = 0; i < 20; ++i) t.call(at(1_ms), true);
        t.call(at(600_ms), false);
        merge(t);
    }
    {  // automatic, probes, half-open timeout to Open and to Closed
        auto c = small_r4j();
        c.automatic_transition_from_open_to_half_open = true;
        c.max_wait_duration_in_half_open_state = 1_s;
        Driver d{c};
        for (int i = 0; i < 4; ++i) d.call(at(1_ms), true);
        d.open_wait_elapsed(at(101_ms));
        d.half_open_wait_elapsed(at(1101_ms));
        merge(d);
        c.transition_to_state_after_wait_duration = AfterHalfOpenWait::Closed;
        Driver e{c};
        e.transition(at(0_ms), BreakerState::Open);
        e.open_wait_elapsed(at(100_ms));
        e.half_open_wait_elapsed(at(1100_ms));
        merge(e);
    }
    {  // an initial administrative state
        auto c = small_r4j();
        c.initial_state = BreakerState::Disabled;
        Driver d{c};
        merge(d);
    }
    const MachineDescription m = CircuitBreaker::describe();
    std::vector<std::pair<std::string_view, const RowDescription*>> rows;
    for (const auto& r : m.rows) rows.push_back({m.name, &r});
    for (const auto& sub : m.submachines)
        for (const auto& r : sub.rows) rows.push_back({sub.name, &r});
    for (const auto& [table, r] : rows) {
        const bool hit = r->guard.empty() ? taken.count({std::string{r->source}, std::string{r->event}}) > 0
                                          : taken.count({std::string{r->source}, std::string{r->guard}}) > 0 ||
                                                taken.count({"*", std::string{r->guard}}) > 0;
        EXPECT_TRUE(hit) << table << " row never taken: " << row_key(*r);
    }
}

TEST(CircuitBreaker, DescriptionListsAllThreeTables) {
    const auto m = CircuitBreaker::describe();
    EXPECT_EQ(m.name, "CircuitBreaker");
    EXPECT_EQ(m.initial, "Starting");
    EXPECT_EQ(m.rows.size(), 11u);
    ASSERT_EQ(m.submachines.size(), 2u);
    EXPECT_EQ(m.submachines[0].name, "Operating");
    EXPECT_EQ(m.submachines[0].initial, "ChoosingOperating");
    EXPECT_EQ(m.submachines[1].initial, "ChoosingAdministrative");
    EXPECT_EQ(m.submachines[0].rows.size(), 19u);
    EXPECT_EQ(m.submachines[1].name, "Administrative");
    EXPECT_EQ(m.submachines[1].rows.size(), 9u);
}

TEST(CircuitBreakerConfig, RejectsBadValuesNamingFieldAndValue) {
    auto expect_error = [](CircuitBreakerConfig c, const std::string& message) {
        try {
            c.validate();
            ADD_FAILURE() << "no error for " << message;
        } catch (const ConfigError& e) {
            EXPECT_EQ(std::string{e.what()}, message);
        }
    };
    auto c = CircuitBreakerConfig::resilience4j();
    c.failure_rate_threshold = 0;
    expect_error(c, "circuit_breaker.failure_rate_threshold = 0: must be in (0, 100]");
    c = {};
    c.sliding_window_size = 0;
    expect_error(c, "circuit_breaker.sliding_window_size = 0: must be in [1, 100000]");
    c = {};
    c.wait_in_open_multiplier = 0.5;
    expect_error(c, "circuit_breaker.wait_in_open_multiplier = 0.5: must be in [1, 100]");
    c = {};
    c.max_wait_in_open_state = 1_s;
    expect_error(c, "circuit_breaker.max_wait_in_open_state = 1s: must be at least wait_duration_in_open_state");
    c = {};
    c.permitted_number_of_calls_in_half_open_state = 0;
    expect_error(c, "circuit_breaker.permitted_number_of_calls_in_half_open_state = 0: must be in [1, 100000000]");
    c = {};
    c.initial_state = BreakerState::HalfOpen;
    expect_error(c, "circuit_breaker.initial_state = HalfOpen: must be closed, open, forced_open, disabled or metrics_only");
    c = CircuitBreakerConfig::polly();
    c.wait_duration_in_open_state = 499_ms;
    expect_error(c, "circuit_breaker.break_duration = 499ms: must be in [500ms, 1 day] (Polly)");
    EXPECT_NO_THROW(CircuitBreakerConfig::polly().validate());
    EXPECT_NO_THROW(CircuitBreakerConfig::tutorial().validate());
}

// ---- Properties over random call sequences ----

// Open lets nothing through until its wait has elapsed, and HalfOpen never has more probes out
// than permitted, for any sequence of calls, outcomes, releases and timer firings.
RC_GTEST_PROP(CircuitBreaker, OpenBlocksUntilWaitAndHalfOpenBoundsProbes, ()) {
    auto c = small_r4j();
    c.permitted_number_of_calls_in_half_open_state = *rc::gen::inRange<std::uint32_t>(1, 4);
    c.automatic_transition_from_open_to_half_open = *rc::gen::arbitrary<bool>();
    c.max_wait_duration_in_half_open_state = *rc::gen::element(0_ms, 300_ms);
    c.wait_in_open_multiplier = *rc::gen::element(1.0, 2.0);
    c.wait_boundary = *rc::gen::element(WaitBoundary::Exclusive, WaitBoundary::Inclusive);
    c.stale_outcomes = *rc::gen::element(StaleOutcomes::Record, StaleOutcomes::Ignore);
    c.released_permits = *rc::gen::element(ReleasedPermits::AnyPermit, ReleasedPermits::CurrentOnly);
    c.max_wait_in_open_state = 400_ms;
    const auto steps = *rc::gen::container<std::vector<std::tuple<int, bool, std::uint16_t>>>(
        rc::gen::tuple(rc::gen::inRange(0, 6), rc::gen::arbitrary<bool>(), rc::gen::inRange<std::uint16_t>(0, 80)));
    FakeEffects fx;
    CircuitBreaker b{c, fx};
    Time now = Time::zero();
    std::vector<BreakerPermit> pending;
    // kind: 0 request+complete, 1 request only, 2 complete the oldest pending, 3 open-wait timer
    // fires, 4 half-open-wait timer fires, 5 release the oldest pending.
    for (const auto& [kind, failed, advance] : steps) {
        now += Duration::millis(advance);
        const BreakerState before = b.state();
        switch (kind) {
            case 0:
            case 1: {
                const Time until = b.open_until();
                const auto p = b.call_requested(now);
                const bool waiting = c.wait_boundary == WaitBoundary::Exclusive ? now <= until : now < until;
                if (before == BreakerState::Open && waiting) RC_ASSERT(!p.permitted);
                if (p.permitted) {
                    if (kind == 0) b.call_completed(now, p, 1_ms, failed);
                    else pending.push_back(p);
                }
                break;
            }
            case 2:
            case 5:
                if (!pending.empty()) {
                    if (kind == 2) b.call_completed(now, pending.front(), 1_ms, failed);
                    else b.permit_released(now, pending.front());
                    pending.erase(pending.begin());
                }
                break;
            case 3:
                if (fx.timer_running(TimerKind::BreakerOpenWait)) b.open_wait_elapsed(now);
                break;
            case 4:
                if (fx.timer_running(TimerKind::BreakerHalfOpenWait)) b.half_open_wait_elapsed(now);
                break;
        }
        if (b.state() == BreakerState::HalfOpen) {
            RC_ASSERT(b.probes_in_flight() <= b.probe_limit());
            if (c.released_permits == ReleasedPermits::CurrentOnly)
                RC_ASSERT(b.probes_in_flight() <= c.permitted_number_of_calls_in_half_open_state);
        }
        RC_ASSERT(b.unhandled_events() == 0u);
    }
}

}  // namespace
}  // namespace cascadelab

namespace cascadelab {
namespace {
namespace stateful {

// A reference breaker written from Resilience4j's CircuitBreakerStateMachine: a count-based
// window per state (Open keeps the one it came from, including the call that tripped it),
// HalfOpen deciding over a window of its permitted calls after min(minimum, permitted) of them,
// every arriving outcome recorded in the current state's window, and the lazy Open -> HalfOpen
// move on the first call strictly after the wait.
struct Model {
    std::uint32_t window_size, minimum_calls, permitted;
    double threshold;
    Duration wait;
    BreakerState state = BreakerState::Closed;
    std::deque<bool> window{};  // the current state's window; true = failed
    std::uint32_t capacity = 0;
    std::uint32_t minimum = 0;
    Time now{};
    Time open_until{};
    std::uint32_t permits_left = 0;
    std::uint32_t pending = 0;  // permits not yet completed

    void enter(BreakerState s) {
        state = s;
        if (s == BreakerState::Closed) {
            window.clear();
            capacity = window_size;
            minimum = std::min(minimum_calls, window_size);
        }
        if (s == BreakerState::Open) open_until = now + wait;  // the window carries over
        if (s == BreakerState::HalfOpen) {
            window.clear();
            capacity = permitted;
            minimum = std::min(minimum_calls, permitted);
            permits_left = permitted;
        }
    }
    std::uint32_t failures() const { return static_cast<std::uint32_t>(std::count(window.begin(), window.end(), true)); }
    bool above_threshold() const {
        return window.size() >= minimum && 100.0 * failures() >= threshold * static_cast<double>(window.size());
    }
    void record(bool failed) {
        window.push_back(failed);
        if (window.size() > capacity) window.pop_front();
    }
};

struct Sut {
    FakeEffects fx;
    CircuitBreaker breaker;
    std::vector<BreakerPermit> pending;
    explicit Sut(const CircuitBreakerConfig& c) : breaker(c, fx) {}
};

void agree(const Model& m, const Sut& s) {
    RC_ASSERT(s.breaker.state() == m.state);
    const auto metrics = s.breaker.metrics(m.now);
    RC_ASSERT(metrics.buffered == m.window.size());
    RC_ASSERT(metrics.failed == m.failures());
    RC_ASSERT(s.pending.size() == m.pending);
    RC_ASSERT(s.breaker.unhandled_events() == 0u);
}

struct Request : rc::state::Command<Model, Sut> {
    void apply(Model& m) const override {
        if (m.state == BreakerState::Open && m.now > m.open_until) m.enter(BreakerState::HalfOpen);
        if (m.state == BreakerState::Closed) {
            ++m.pending;
        } else if (m.state == BreakerState::HalfOpen && m.permits_left > 0) {
            --m.permits_left;
            ++m.pending;
        }
    }
    void run(const Model& m, Sut& s) const override {
        const auto p = s.breaker.call_requested(m.now);
        if (p.permitted) s.pending.push_back(p);
        Model after = m;
        apply(after);
        agree(after, s);
    }
    void show(std::ostream& os) const override { os << "Request"; }
};

struct Complete : rc::state::Command<Model, Sut> {
    bool failed = *rc::gen::arbitrary<bool>();
    void checkPreconditions(const Model& m) const override { RC_PRE(m.pending > 0u); }
    void apply(Model& m) const override {
        --m.pending;
        m.record(failed);
        if (m.state == BreakerState::Closed && m.above_threshold()) {
            m.enter(BreakerState::Open);
        } else if (m.state == BreakerState::HalfOpen && m.window.size() >= m.minimum) {
            m.enter(m.above_threshold() ? BreakerState::Open : BreakerState::Closed);
        }
    }
    void run(const Model& m, Sut& s) const override {
        s.breaker.call_completed(m.now, s.pending.front(), 1_ms, failed);
        s.pending.erase(s.pending.begin());
        Model after = m;
        apply(after);
        agree(after, s);
    }
    void show(std::ostream& os) const override { os << "Complete(" << (failed ? "failed" : "ok") << ")"; }
};

struct Advance : rc::state::Command<Model, Sut> {
    std::int64_t ms = *rc::gen::inRange<std::int64_t>(1, 150);
    void apply(Model& m) const override { m.now += Duration::millis(ms); }
    void run(const Model& m, Sut& s) const override {
        Model after = m;
        apply(after);
        agree(after, s);
    }
    void show(std::ostream& os) const override { os << "Advance(" << ms << "ms)"; }
};

RC_GTEST_PROP(CircuitBreaker, AgreesWithTheResilience4jReferenceModel, ()) {
    auto c = CircuitBreakerConfig::resilience4j();
    c.sliding_window_size = *rc::gen::inRange<std::uint32_t>(1, 8);
    c.minimum_number_of_calls = *rc::gen::inRange<std::uint32_t>(1, 10);
    c.failure_rate_threshold = *rc::gen::element(25.0, 50.0, 100.0);
    c.wait_duration_in_open_state = 100_ms;
    c.max_wait_in_open_state = 100_ms;
    c.permitted_number_of_calls_in_half_open_state = *rc::gen::inRange<std::uint32_t>(1, 4);
    Model model{c.sliding_window_size, c.minimum_number_of_calls, c.permitted_number_of_calls_in_half_open_state,
                c.failure_rate_threshold, c.wait_duration_in_open_state};
    model.enter(BreakerState::Closed);
    Sut sut{c};
    rc::state::check(model, sut, rc::state::gen::execOneOfWithArgs<Request, Complete, Advance>());
}

}  // namespace stateful
}  // namespace
}  // namespace cascadelab

namespace cascadelab {
namespace {
namespace timed {

using namespace literals;

// Effects whose timers fire at their due time: a tiny clock for properties about durations.
class TimedEffects : public testing::FakeEffects {
public:
    void start_timer(TimerKind kind, std::uint64_t id, Duration after) override {
        due[{kind, id}] = now + after;
        FakeEffects::start_timer(kind, id, after);
    }
    void cancel_timer(TimerKind kind, std::uint64_t id) override {
        due.erase({kind, id});
        FakeEffects::cancel_timer(kind, id);
    }
    Time now = Time::zero();
    std::map<std::pair<TimerKind, std::uint64_t>, Time> due;
};

// HalfOpen never lasts longer than max_wait_duration_in_half_open_state, however the probes
// hang (Resilience4j #935), in lazy and automatic mode; and no call is permitted while Open
// before its wait is over. Time advances in random steps; timers fire exactly when due.
RC_GTEST_PROP(CircuitBreaker, HalfOpenNeverOutlastsItsMaximumWait, ()) {
    auto c = CircuitBreakerConfig::resilience4j();
    c.sliding_window_size = 4;
    c.minimum_number_of_calls = 4;
    c.wait_duration_in_open_state = Duration::millis(*rc::gen::inRange(10, 200));
    c.max_wait_in_open_state = c.wait_duration_in_open_state;
    c.permitted_number_of_calls_in_half_open_state = *rc::gen::inRange<std::uint32_t>(1, 4);
    c.automatic_transition_from_open_to_half_open = *rc::gen::arbitrary<bool>();
    c.max_wait_duration_in_half_open_state = Duration::millis(*rc::gen::inRange(1, 300));
    c.transition_to_state_after_wait_duration = *rc::gen::element(AfterHalfOpenWait::Open, AfterHalfOpenWait::Closed);
    const auto steps = *rc::gen::container<std::vector<std::tuple<int, bool, std::uint16_t>>>(
        rc::gen::tuple(rc::gen::inRange(0, 3), rc::gen::arbitrary<bool>(), rc::gen::inRange<std::uint16_t>(0, 150)));

    TimedEffects fx;
    CircuitBreaker b{c, fx};
    std::vector<BreakerPermit> pending;
    Time half_open_since;
    BreakerState last = b.state();
    auto observe = [&] {
        const BreakerState s = b.state();
        if (s == BreakerState::HalfOpen && last != BreakerState::HalfOpen) half_open_since = fx.now;
        last = s;
        if (s == BreakerState::HalfOpen) RC_ASSERT(fx.now - half_open_since <= c.max_wait_duration_in_half_open_state);
        RC_ASSERT(b.unhandled_events() == 0u);
    };
    // kind 0: a call that completes at once; 1: a call that hangs; 2: the oldest hung call ends.
    for (const auto& [kind, failed, advance] : steps) {
        const Time target = fx.now + Duration::millis(advance);
        while (!fx.due.empty()) {  // fire the timers due by `target`, earliest first
            auto next = std::min_element(fx.due.begin(), fx.due.end(),
                                         [](const auto& a, const auto& b2) { return a.second < b2.second; });
            if (next->second > target) break;
            const TimerKind kind_due = next->first.first;
            fx.now = next->second;
            fx.due.erase(next);
            fx.timers.erase({kind_due, 0});
            if (kind_due == TimerKind::BreakerOpenWait) b.open_wait_elapsed(fx.now);
            else b.half_open_wait_elapsed(fx.now);
            observe();
        }
        fx.now = target;
        observe();
        if (kind == 2) {
            if (!pending.empty()) {
                b.call_completed(fx.now, pending.front(), 1_ms, failed);
                pending.erase(pending.begin());
            }
        } else {
            const BreakerState before = b.state();
            const Time until = b.open_until();
            const BreakerPermit p = b.call_requested(fx.now);
            if (before == BreakerState::Open && fx.now <= until) RC_ASSERT(!p.permitted);
            if (p.permitted) {
                if (kind == 0) b.call_completed(fx.now, p, 1_ms, failed);
                else pending.push_back(p);
            }
        }
        observe();
    }
}

}  // namespace timed
}  // namespace
}  // namespace cascadelab
