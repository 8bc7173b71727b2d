// Each step-level invariant can fail: fed a snapshot (or transition) that breaks it, it reports
// the property, the time and the step.
#include <gtest/gtest.h>

#include "model/run.hpp"
#include "properties/invariants.hpp"
#include "hunt_setup.hpp"

namespace cascadelab::properties {
namespace {

using namespace literals;

Snapshot at(Duration t, std::uint64_t step) {
    Snapshot s;
    s.now = Time::at(t);
    s.step = step;
    return s;
}

std::optional<Violation> feed(std::string_view property, const HuntSetup& h, const std::vector<Snapshot>& steps) {
    std::optional<Violation> first;
    auto observer = make_observer(property, h, first);
    EXPECT_NE(observer, nullptr);
    for (const Snapshot& s : steps) observer->step(s);
    return first;
}

TEST(Invariants, BulkheadBoundBreaksWhenActiveExceedsTheLimit) {
    Snapshot ok = at(1_ms, 1), over = at(2_ms, 2);
    ok.bulkhead_limit = over.bulkhead_limit = 40;
    ok.bulkhead_active = 40;
    over.bulkhead_active = 41;
    const auto v = feed("bulkhead-bound", setup_of("rpc-safe"), {ok, over});
    ASSERT_TRUE(v);
    EXPECT_EQ(v->property, "bulkhead-bound");
    EXPECT_EQ(v->at, Time::at(2_ms));
    EXPECT_EQ(v->step, 2u);
    EXPECT_EQ(v->detail, "41 calls hold a slot of a bulkhead of 40");
}

TEST(Invariants, BreakerSafetyBreaksOnAPermitWhileOpenAndOnTooManyProbes) {
    Snapshot open1 = at(1_ms, 1), open2 = at(2_ms, 2);
    open1.has_breaker = open2.has_breaker = true;
    open1.breaker_state = open2.breaker_state = BreakerState::Open;
    open2.breaker_permits = 1;
    EXPECT_TRUE(feed("breaker-safety", setup_of("rpc-safe"), {open1, open2}));
    Snapshot half = at(3_ms, 3);
    half.has_breaker = true;
    half.breaker_state = BreakerState::HalfOpen;
    half.breaker_probe_limit = 3;
    half.breaker_probes = 4;
    EXPECT_TRUE(feed("breaker-safety", setup_of("rpc-safe"), {half}));
    half.breaker_probes = 3;
    EXPECT_FALSE(feed("breaker-safety", setup_of("rpc-safe"), {half}));
}

// Leaving Open early is a violation even though no call was let through while Open.
TEST(Invariants, BreakerSafetyBreaksWhenTheBreakerLeavesOpenBeforeItsWait) {
    const HuntSetup h = setup_of("rpc-safe");
    ASSERT_TRUE(h.scenario.rpc.breaker);
    const Duration wait = h.scenario.rpc.breaker->wait_duration_in_open_state;
    auto state_at = [](Duration t, std::uint64_t step, BreakerState st) {
        Snapshot s = at(t, step);
        s.has_breaker = true;
        s.breaker_state = st;
        s.breaker_probe_limit = 100;
        return s;
    };
    const Snapshot opened = state_at(10_ms, 1, BreakerState::Open);
    const auto early = feed("breaker-safety", h, {opened, state_at(10_ms + wait - 1_ms, 2, BreakerState::HalfOpen)});
    ASSERT_TRUE(early);
    EXPECT_NE(early->detail.find("before its wait"), std::string::npos) << early->detail;
    EXPECT_FALSE(feed("breaker-safety", h, {opened, state_at(10_ms + wait, 2, BreakerState::HalfOpen)}));
    EXPECT_TRUE(feed("breaker-safety", h, {opened, state_at(10_ms + wait / 2, 2, BreakerState::Closed)}));
}

TEST(Invariants, RetryBoundsBreakOnTooManyAttemptsOrTooLongABackoff) {
    const HuntSetup h = setup_of("rpc-safe");  // 2 attempts, cap 400 ms
    Snapshot s = at(5_ms, 7);
    s.max_attempt_number = 3;
    EXPECT_EQ(feed("retry-bounds", h, {s})->detail, "attempt 3 of a request allowed 2");
    s.max_attempt_number = 2;
    s.max_backoff = 401_ms;
    EXPECT_TRUE(feed("retry-bounds", h, {s}));
    s.max_backoff = 400_ms;
    EXPECT_FALSE(feed("retry-bounds", h, {s}));
}

TEST(Invariants, RetryStormCountsOverTheTrailingWindow) {
    HuntSetup h = setup_of("rpc-naive");
    h.storm_window = 1_s;
    h.storm_budget = 0.5;
    h.storm_reserve = 10;
    Snapshot a = at(0_ms, 1), b = at(500_ms, 2), c = at(1600_ms, 3);
    a.started = 100;
    b.started = 100;
    b.retries_decided = 60;  // 60 > 0.5 x 100 + 10 = 60? no: equal is allowed
    EXPECT_FALSE(feed("retry-storm", h, {a, b}));
    b.retries_decided = 61;
    EXPECT_TRUE(feed("retry-storm", h, {a, b}));
    // A second later, only the retries since the window's start count: 10 more, with no new
    // request, is exactly the reserve; 11 is over it.
    b.retries_decided = 50;
    c.started = 100;
    c.retries_decided = 60;
    EXPECT_FALSE(feed("retry-storm", h, {a, b, c}));
    c.retries_decided = 61;
    EXPECT_TRUE(feed("retry-storm", h, {a, b, c}));
}

TEST(Invariants, ConservationBreaksWhenAMessageIsLost) {
    const HuntSetup h = setup_of("event-safe");
    Snapshot s = at(1_ms, 1);
    s.started = 10;
    s.queued = 4;
    s.processing = 3;
    s.acked = 3;
    EXPECT_FALSE(feed("conservation", h, {s}));
    s.acked = 2;
    const auto v = feed("conservation", h, {s});
    ASSERT_TRUE(v);
    EXPECT_NE(v->detail.find("10 published but 9 accounted for"), std::string::npos);
}

TEST(Invariants, TerminationBreaksOnMoreOutcomesThanRequests) {
    Snapshot s = at(1_ms, 1);
    s.started = 3;
    s.settled = 4;
    EXPECT_TRUE(feed("termination", setup_of("rpc-safe"), {s}));
}

TEST(Invariants, DlqRoutingBreaksOnADeadLetterBeforeMaxDeliveries) {
    const HuntSetup h = setup_of("event-naive");  // 4 deliveries
    std::optional<Violation> first;
    auto observer = make_observer("dlq-routing", h, first);
    observer->step(at(1_ms, 1));
    observer->transitioned(Time::at(2_ms), ComponentId{ComponentKind::Message, 0}, "Queued", "Delivered", "InFlight", 7);
    observer->transitioned(Time::at(3_ms), ComponentId{ComponentKind::Message, 0}, "InFlight", "ProcessingFailed", "DeadLettered", 7);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->detail, "message #7 dead-lettered after 1 deliveries, max_deliveries is 4");
    EXPECT_EQ(first->step, 2u);
    EXPECT_EQ(first->at, Time::at(3_ms));
}

// A chain's stages are separate queues with their own max_deliveries; an event keeps its number
// along the chain. Each stage's copy is judged by its own stage's limit.
TEST(Invariants, DlqRoutingJudgesEachStageByItsOwnMaxDeliveries) {
    HuntSetup h = setup_of("stages-event");
    h.scenario.event.message.max_deliveries = 5;
    h.scenario.inner_stages.back().message.max_deliveries = 2;
    std::optional<Violation> first;
    auto observer = make_observer("dlq-routing", h, first);
    observer->step(at(1_ms, 1));
    observer->transitioned(Time::at(2_ms), ComponentId{ComponentKind::Message, 0}, "Queued", "Delivered", "InFlight", 7);
    observer->transitioned(Time::at(3_ms), ComponentId{ComponentKind::Message, 2}, "Queued", "Delivered", "InFlight", 7);
    observer->transitioned(Time::at(4_ms), ComponentId{ComponentKind::Message, 2}, "InFlight", "ProcessingFailed", "RetryWaiting", 7);
    observer->transitioned(Time::at(5_ms), ComponentId{ComponentKind::Message, 2}, "Queued", "Delivered", "InFlight", 7);
    observer->transitioned(Time::at(6_ms), ComponentId{ComponentKind::Message, 2}, "InFlight", "ProcessingFailed", "DeadLettered", 7);
    EXPECT_FALSE(first) << describe(*first);
    observer->transitioned(Time::at(7_ms), ComponentId{ComponentKind::Message, 1}, "Queued", "Delivered", "InFlight", 8);
    observer->transitioned(Time::at(8_ms), ComponentId{ComponentKind::Message, 1}, "InFlight", "ProcessingFailed", "DeadLettered", 8);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->detail, "stage2.message #8 dead-lettered after 1 deliveries, max_deliveries is 3");
}

TEST(Invariants, DlqRoutingHoldsOnAChainWhoseStagesDiffer) {
    HuntSetup h = setup_of("stages-event");
    h.scenario.event.message.max_deliveries = 5;
    h.scenario.inner_stages.back().message.max_deliveries = 2;
    std::optional<Violation> first;
    auto observer = make_observer("dlq-routing", h, first);
    const RunMetrics m = run_scenario(h.scenario, RunOptions{}.with_observer(observer.get()));
    ASSERT_GT(m.outcome(Outcome::DeadLettered), 0u);  // dead letters at the last stage: the check had work
    EXPECT_FALSE(first) << describe(*first);
}

TEST(Invariants, EveryPropertyIsListedAndKnowsWhereItApplies) {
    for (const PropertyInfo& p : property_catalog()) {
        EXPECT_FALSE(p.summary.empty()) << p.name;
        EXPECT_TRUE(p.rpc || p.event) << p.name;
        EXPECT_EQ(find_property(p.name), &p);
    }
    EXPECT_FALSE(applies(*find_property("dlq-routing"), Architecture::Rpc));
    EXPECT_FALSE(applies(*find_property("retry-storm"), Architecture::Event));
    EXPECT_EQ(find_property("no-such-thing"), nullptr);
}

}  // namespace
}  // namespace cascadelab::properties
