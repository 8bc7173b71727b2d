// The hunt: naive presets break retry-storm and recovery and shrink to small schedules; the
// shrinking heads for the simplest explanation; replay files round-trip.
#include <gtest/gtest.h>

#include <stdexcept>

#include "properties/hunt.hpp"
#include "properties/replay_file.hpp"
#include "properties/timeline.hpp"
#include "hunt_setup.hpp"

namespace cascadelab::properties {
namespace {

using namespace literals;

HuntOptions quick() {
    HuntOptions o;
    o.cases = 100;
    o.seed = 20261122;
    return o;
}

// The bound we achieve: at most two bursts and one fault, under 150 extra requests.
void expect_small(const Schedule& s) {
    EXPECT_LE(s.bursts.size(), 2u) << describe(s);
    EXPECT_LE(s.faults.size(), 1u) << describe(s);
    EXPECT_LT(s.burst_requests(), 150u) << describe(s);
}

TEST(Hunt, NaiveRpcBreaksTheRetryStormPropertyAndShrinksSmall) {
    const HuntResult r = hunt("retry-storm", setup_of("rpc-naive"), quick());
    ASSERT_TRUE(r.found);
    EXPECT_LE(r.cases, 20);
    EXPECT_EQ(r.violation.property, "retry-storm");
    expect_small(r.minimal);
    EXPECT_FALSE(r.reproduce.empty());
}

TEST(Hunt, NaiveRpcBreaksRecoveryAMetastableFailure) {
    const HuntResult r = hunt("recovery", setup_of("rpc-naive"), quick());
    ASSERT_TRUE(r.found);
    expect_small(r.minimal);
    // The minimal trigger ends early, yet goodput is still down two seconds later.
    EXPECT_LT(r.minimal.trigger_end(), Time::at(500_ms));
    EXPECT_GE(r.violation.at, r.minimal.trigger_end() + 2_s);
}

TEST(Hunt, TheSameNaiveSystemWithARetryBudgetRecovers) {
    HuntSetup h = setup_of("rpc-naive");
    h.scenario.rpc.retry_budget = RetryBudgetConfig::finagle();
    const HuntResult storm = hunt("retry-storm", h, quick());
    const HuntResult recovery = hunt("recovery", h, quick());
    EXPECT_FALSE(storm.found) << describe(storm.violation);
    EXPECT_FALSE(recovery.found) << describe(recovery.violation);
}

// The metastable preset pair: the hunt finds a small trigger that tips the naive caller into its
// bad state, and nothing for the caller with a retry budget.
TEST(Hunt, FindsTheSmallestTriggerOfTheMetastableFailure) {
    const HuntResult naive = hunt("recovery", setup_of("metastable-naive"), quick());
    ASSERT_TRUE(naive.found);
    expect_small(naive.minimal);
    const HuntResult budget = hunt("recovery", setup_of("metastable-budget"), quick());
    EXPECT_FALSE(budget.found) << describe(budget.minimal);
}

TEST(Hunt, ReplayingTheMinimalScheduleGivesTheSameVerdict) {
    const HuntSetup h = setup_of("rpc-naive");
    const HuntResult r = hunt("recovery", h, quick());
    ASSERT_TRUE(r.found);
    const ReplayFile back = read_replay(write_replay(
        ReplayFile{"recovery", h, r.minimal, r.violation, 20261122, r.reproduce, r.estimate, quick().robust}));
    EXPECT_EQ(back.schedule, r.minimal);
    ASSERT_TRUE(back.estimate);
    EXPECT_EQ(back.estimate->violations, r.estimate.violations);
    EXPECT_EQ(back.estimate->runs, r.estimate.runs);
    EXPECT_EQ(back.robust.has_value(), quick().robust.has_value());
    EXPECT_EQ(back.property, "recovery");
    const auto again = check("recovery", back.setup, back.schedule, measure_healthy(back.setup));
    ASSERT_TRUE(again);
    EXPECT_EQ(describe(*again), describe(r.violation));
    // The timeline marks the instant it broke.
    const RecordedRun run = record_run("recovery", back.setup, back.schedule, again);
    EXPECT_NE(run.timeline.find("!! recovery broke at"), std::string::npos);
    EXPECT_NE(run.chrome_trace.find("\"traceEvents\""), std::string::npos);
}

TEST(Hunt, TheReproduceStringReDerivesTheSameCase) {
    const HuntSetup h = setup_of("rpc-naive");
    const HuntResult r = hunt("retry-storm", h, quick());
    ASSERT_TRUE(r.found);
    HuntOptions again = quick();
    again.reproduce = r.reproduce;
    const HuntResult r2 = hunt("retry-storm", h, again);
    ASSERT_TRUE(r2.found);
    EXPECT_EQ(r2.minimal, r.minimal);
}

// Shrinking, on checks whose simplest failing schedule is known.
TEST(Shrinking, HeadsForOneBurstOfTheThresholdSizeAtTimeZero) {
    const HuntSetup h = setup_of("rpc-naive");
    const HuntResult r = search(h, quick(), "bursts", [](const Schedule& s) -> std::optional<Violation> {
        if (s.burst_requests() >= 500) return Violation{"bursts", Time{}, 0, "500 or more extra requests"};
        return std::nullopt;
    });
    ASSERT_TRUE(r.found);
    ASSERT_EQ(r.minimal.bursts.size(), 1u) << describe(r.minimal);
    EXPECT_EQ(r.minimal.bursts[0].size, 500u);
    EXPECT_EQ(r.minimal.bursts[0].start, Time{});
    EXPECT_EQ(r.minimal.bursts[0].spread, Duration::zero());
    EXPECT_TRUE(r.minimal.faults.empty());
}

// A run that throws is reported as a violation with its schedule, and shrunk like one.
TEST(Shrinking, ARunThatThrowsIsACounterexampleWithItsSchedule) {
    const HuntSetup h = setup_of("rpc-naive");
    const HuntResult r = search(h, quick(), "crash", [](const Schedule& s) -> std::optional<Violation> {
        if (s.burst_requests() >= 300) throw std::logic_error("an internal check failed");
        return std::nullopt;
    });
    ASSERT_TRUE(r.found);
    EXPECT_EQ(r.minimal.burst_requests(), 300u) << describe(r.minimal);
    EXPECT_EQ(r.violation.property, "crash");
    EXPECT_EQ(r.violation.detail, "the run threw: an internal check failed");
}

// A modelling error (an event no row accepted, an effect not carried out) is a property of its
// own, and the presets have none under the hunt's schedules.
TEST(Hunt, TheSafePresetsAreWellFormedUnderHuntedSchedules) {
    for (const char* name : {"rpc-safe", "event-safe", "rpc-naive"}) {
        HuntOptions o = quick();
        o.robust = std::nullopt;
        const HuntResult r = hunt("well-formed", setup_of(name), o);
        EXPECT_FALSE(r.found) << name << ": " << describe(r.violation);
    }
}

TEST(Shrinking, HeadsForTheShortestWeakestFaultAtTimeZero) {
    const HuntSetup h = setup_of("rpc-naive");
    const HuntResult r = search(h, quick(), "spike", [](const Schedule& s) -> std::optional<Violation> {
        for (const FaultWindow& f : s.faults)
            if (f.kind == FaultKind::LatencySpike && f.strength >= 5.0 && f.length >= 100_ms)
                return Violation{"spike", f.start, 0, "a long strong spike"};
        return std::nullopt;
    });
    ASSERT_TRUE(r.found);
    EXPECT_TRUE(r.minimal.bursts.empty()) << describe(r.minimal);
    ASSERT_EQ(r.minimal.faults.size(), 1u) << describe(r.minimal);
    const FaultWindow& f = r.minimal.faults[0];
    EXPECT_EQ(f.kind, FaultKind::LatencySpike);
    EXPECT_EQ(f.strength, 5.0);
    EXPECT_EQ(f.length, 100_ms);
    EXPECT_EQ(f.start, Time{});
}

TEST(Shrinking, SimplifyMergesBurstsAndDropsNeedlessFaults) {
    Schedule s;
    s.bursts = {Burst{Time::at(300_ms), 200, 10_ms}, Burst{Time::at(100_ms), 400, Duration::zero()}};
    s.faults = {FaultWindow{FaultKind::Outage, Time::at(50_ms), 40_ms, 1.0}};
    const auto [minimal, steps] = simplify(s, [](const Schedule& c) -> std::optional<Violation> {
        if (c.burst_requests() >= 450) return Violation{};
        return std::nullopt;
    });
    EXPECT_GT(steps, 0);
    ASSERT_EQ(minimal.bursts.size(), 1u);
    EXPECT_EQ(minimal.bursts[0].size, 450u);
    EXPECT_EQ(minimal.bursts[0].start, Time{});
    EXPECT_TRUE(minimal.faults.empty());
}

// Any fault of a kind breaks it, whatever its strength: each is weakened to the bottom of its
// scale — a spike to x1, a capacity drop to 1 % lost, an error rate to 0.
TEST(Shrinking, SimplifyWeakensEachKindOfFaultToTheBottomOfItsScale) {
    for (const FaultWindow& start : {FaultWindow{FaultKind::LatencySpike, Time{}, 10_ms, 8.0},
                                     FaultWindow{FaultKind::CapacityDrop, Time{}, 10_ms, 0.25},
                                     FaultWindow{FaultKind::ErrorRate, Time{}, 10_ms, 0.6}}) {
        Schedule s;
        s.faults = {start};
        const auto [minimal, steps] = simplify(s, [&](const Schedule& c) -> std::optional<Violation> {
            for (const FaultWindow& f : c.faults)
                if (f.kind == start.kind) return Violation{};
            return std::nullopt;
        });
        ASSERT_EQ(minimal.faults.size(), 1u);
        double weakest = 0.0;  // an error rate
        if (start.kind == FaultKind::LatencySpike) weakest = 1.0;
        if (start.kind == FaultKind::CapacityDrop) weakest = 0.99;
        EXPECT_DOUBLE_EQ(minimal.faults[0].strength, weakest) << name(start.kind);
        EXPECT_EQ(minimal.faults[0].length, 1_ms);
    }
}

TEST(Hunt, APropertyThatDoesNotApplyIsRefused) {
    EXPECT_THROW(hunt("dlq-routing", setup_of("rpc-naive"), quick()), std::invalid_argument);
    EXPECT_THROW(hunt("retry-storm", setup_of("event-naive"), quick()), std::invalid_argument);
    EXPECT_THROW(hunt("no-such", setup_of("rpc-naive"), quick()), std::invalid_argument);
}

}  // namespace
}  // namespace cascadelab::properties
