// The downstream service's overload model, checked against the formulas in docs/model.md.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "model/downstream.hpp"

namespace cascadelab {
namespace {

using namespace literals;

// No jitter, no randomness in the failure draw's threshold: the latency is the formula.
DownstreamConfig exact() {
    DownstreamConfig c = DownstreamConfig::tutorial();
    c.jitter = Duration::zero();
    return c;
}

TEST(Downstream, BelowTheKneeLatencyIsTheBaseAndFailuresTheBaseRate) {
    const FaultSchedule none;
    Downstream d(exact(), none, Rng(1), Rng(2), Rng(3));
    const AttemptPlan p = d.start(Time{});
    EXPECT_EQ(p.latency, 8_ms);
    EXPECT_DOUBLE_EQ(p.load, 0.5);  // max(0.5, 1/25)
    EXPECT_EQ(d.in_flight(), 1u);
}

TEST(Downstream, AboveTheKneeLatencyGrowsFiftyMillisecondsPerUnitOfLoad) {
    const FaultSchedule none;
    Downstream d(exact(), none, Rng(1), Rng(2), Rng(3));
    AttemptPlan p;
    for (int i = 0; i < 50; ++i) p = d.start(Time{});  // the 50th sees load 50/25 = 2
    EXPECT_DOUBLE_EQ(p.load, 2.0);
    EXPECT_EQ(p.latency, 58_ms);  // 8 + (2 - 1) * 50
    EXPECT_EQ(d.max_in_flight(), 50u);
    for (int i = 0; i < 50; ++i) d.finish();
    EXPECT_EQ(d.in_flight(), 0u);
}

// The failure probability min(0.95, 0.05 + (load - 1) * 0.40), measured over many attempts at
// a fixed load (in-flight held at 50: load 2 -> p = 0.45).
TEST(Downstream, FailureProbabilityFollowsTheLoadFactor) {
    const FaultSchedule none;
    Downstream d(exact(), none, Rng(1), Rng(2), Rng(3));
    for (int i = 0; i < 49; ++i) d.start(Time{});
    int failures = 0;
    constexpr int kDraws = 40'000;
    for (int i = 0; i < kDraws; ++i) {
        failures += d.start(Time{}).fails ? 1 : 0;
        d.finish();
    }
    EXPECT_NEAR(static_cast<double>(failures) / kDraws, 0.45, 0.01);
}

TEST(Downstream, FailuresAreCappedUnderExtremeLoad) {
    const FaultSchedule none;
    Downstream d(exact(), none, Rng(1), Rng(2), Rng(3));
    for (int i = 0; i < 999; ++i) d.start(Time{});  // load 40
    int failures = 0;
    for (int i = 0; i < 20'000; ++i) {
        failures += d.start(Time{}).fails ? 1 : 0;
        d.finish();
    }
    EXPECT_NEAR(failures / 20'000.0, 0.95, 0.01);
}

TEST(Downstream, JitterIsUniformBelowItsBound) {
    const FaultSchedule none;
    Downstream d(DownstreamConfig::tutorial(), none, Rng(7), Rng(8), Rng(9));
    Duration lo = Duration::max(), hi = Duration::zero();
    for (int i = 0; i < 10'000; ++i) {
        const Duration l = d.start(Time{}).latency;
        d.finish();
        lo = std::min(lo, l);
        hi = std::max(hi, l);
    }
    EXPECT_GE(lo, 8_ms);
    EXPECT_LT(hi, 14_ms);
    EXPECT_LT(lo, 8_ms + 100_us);
    EXPECT_GT(hi, 14_ms - 100_us);
}

TEST(Downstream, CapacityRefusesAttemptsBeyondIt) {
    DownstreamConfig c = exact();
    c.capacity = 2;
    const FaultSchedule none;
    Downstream d(c, none, Rng(1), Rng(2), Rng(3));
    EXPECT_FALSE(d.start(Time{}).refused);
    EXPECT_FALSE(d.start(Time{}).refused);
    const AttemptPlan third = d.start(Time{});
    EXPECT_TRUE(third.refused);
    EXPECT_TRUE(third.fails);
    EXPECT_EQ(third.latency, c.refusal_latency);
    EXPECT_EQ(d.in_flight(), 2u);
    EXPECT_EQ(d.refused(), 1u);
}

TEST(Downstream, FaultsActOnlyInsideTheirWindow) {
    const FaultSchedule faults({FaultWindow{FaultKind::LatencySpike, Time::at(1_s), 1_s, 3.0},
                                FaultWindow{FaultKind::Outage, Time::at(5_s), 1_s, 1.0},
                                FaultWindow{FaultKind::ErrorRate, Time::at(7_s), 1_s, 1.0},
                                FaultWindow{FaultKind::CapacityDrop, Time::at(9_s), 1_s, 0.2}});
    Downstream d(exact(), faults, Rng(1), Rng(2), Rng(3));
    auto once = [&](Time t) {
        const AttemptPlan p = d.start(t);
        if (!p.refused) d.finish();
        return p;
    };
    EXPECT_EQ(once(Time::at(999_ms)).latency, 8_ms);
    EXPECT_EQ(once(Time::at(1_s)).latency, 24_ms);  // x3
    EXPECT_EQ(once(Time::at(2_s)).latency, 8_ms);   // the window is half-open
    EXPECT_TRUE(once(Time::at(5_s + 500_ms)).refused);
    EXPECT_TRUE(once(Time::at(7_s + 1_ms)).fails);  // p = 1
    // Knee 25 x 0.2 = 5: six in flight is load 1.2 -> +10 ms.
    for (int i = 0; i < 5; ++i) d.start(Time::at(9_s));
    EXPECT_EQ(d.start(Time::at(9_s)).latency, 18_ms);
}

TEST(Downstream, ValidationNamesTheField) {
    DownstreamConfig c;
    c.failure_probability = 1.5;
    try {
        c.validate();
        FAIL() << "accepted failure_probability 1.5";
    } catch (const std::invalid_argument& e) {
        EXPECT_STREQ(e.what(), "downstream.failure_probability = 1.5: must be in [0, 1]");
    }
}

// An outage refuses like a dead server (a retryable error); a full service like one shedding load.
TEST(Downstream, AnOutageRefusesWithAnErrorAndAFullServiceWithThrottling) {
    DownstreamConfig c = exact();
    c.capacity = 1;
    const FaultSchedule faults({FaultWindow{FaultKind::Outage, Time::at(1_s), 1_s, 1.0}});
    Downstream d(c, faults, Rng(1), Rng(2), Rng(3));
    EXPECT_FALSE(d.start(Time{}).refused);
    const AttemptPlan full = d.start(Time{});
    EXPECT_TRUE(full.refused);
    EXPECT_EQ(full.failure, AttemptOutcome::Throttled);
    d.finish();
    const AttemptPlan down = d.start(Time::at(1_s));
    EXPECT_TRUE(down.refused);
    EXPECT_EQ(down.failure, AttemptOutcome::Error);
}

TEST(Downstream, AboutTheFatalFractionOfFailuresAreFatalAndNoSuccessIs) {
    DownstreamConfig c = exact();
    c.failure_probability = 0.5;
    c.fatal_fraction = 0.25;
    const FaultSchedule none;
    Downstream d(c, none, Rng(1), Rng(2), Rng(3));
    int failures = 0, fatal = 0, fatal_successes = 0;
    for (int i = 0; i < 40'000; ++i) {
        const AttemptPlan p = d.start(Time{});
        d.finish();
        failures += p.fails ? 1 : 0;
        fatal += p.fails && p.failure == AttemptOutcome::FatalError ? 1 : 0;
        fatal_successes += !p.fails && p.failure == AttemptOutcome::FatalError ? 1 : 0;
    }
    EXPECT_EQ(fatal_successes, 0);
    // 20 000 failures, p = 0.25: the standard deviation of the share is 0.003.
    EXPECT_NEAR(static_cast<double>(fatal) / failures, 0.25, 0.015);
}

// The fatal draw has its own stream: turning it on leaves latencies and failures as they were.
TEST(Downstream, TheFatalFractionNeverMovesTheOtherDraws) {
    DownstreamConfig plain = DownstreamConfig::tutorial();
    DownstreamConfig fatal = plain;
    fatal.fatal_fraction = 0.5;
    const FaultSchedule none;
    Downstream a(plain, none, Rng(1), Rng(2), Rng(3));
    Downstream b(fatal, none, Rng(1), Rng(2), Rng(3));
    for (int i = 0; i < 1000; ++i) {
        const AttemptPlan pa = a.start(Time{});
        const AttemptPlan pb = b.start(Time{});
        a.finish();
        b.finish();
        ASSERT_EQ(pa.latency, pb.latency);
        ASSERT_EQ(pa.fails, pb.fails);
    }
}

TEST(Downstream, PushbackComesWithTheFailuresItsPolicyNames) {
    DownstreamConfig c = exact();
    c.capacity = 1;
    c.failure_probability = 1.0;
    c.pushback = {PushbackPolicy::When::OnRefusal, Pushback::retry_after(300_ms)};
    const FaultSchedule none;
    Downstream d(c, none, Rng(1), Rng(2), Rng(3));
    const AttemptPlan ran = d.start(Time{});
    EXPECT_TRUE(ran.fails);
    EXPECT_EQ(ran.pushback.kind, Pushback::Kind::None);  // a failure of work that ran: no advice
    const AttemptPlan refused = d.start(Time{});
    EXPECT_EQ(refused.pushback.kind, Pushback::Kind::RetryAfter);
    EXPECT_EQ(refused.pushback.after, 300_ms);
    d.finish();
    c.pushback.when = PushbackPolicy::When::OnAnyFailure;
    c.pushback.advice = Pushback::stop();
    Downstream any(c, none, Rng(1), Rng(2), Rng(3));
    EXPECT_EQ(any.start(Time{}).pushback.kind, Pushback::Kind::Stop);
}

}  // namespace
}  // namespace cascadelab
