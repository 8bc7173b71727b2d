// The run loop: clock advance, stop conditions, scheduling from handlers.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <vector>  // std::vector

#include "model/kernel/simulator.hpp"

namespace cascadelab {
namespace {

using namespace literals;

struct Tick {
    int n;
};

TEST(Simulator, ClockFollowsEventsAndStopsIdle) {
    Simulator<Tick> sim;
    sim.schedule_at(Time::zero() + 10_ms, Tick{1});
    sim.schedule_at(Time::zero() + 3_ms, Tick{0});
    std::vector<std::pair<Time, int>> seen;
    const auto r = sim.run([&](Simulator<Tick>& s, Tick& t) { seen.emplace_back(s.now(), t.n); });
    EXPECT_EQ(r.reason, StopReason::Idle);
    EXPECT_EQ(r.dispatched, 2u);
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0], std::make_pair(Time::zero() + 3_ms, 0));
    EXPECT_EQ(seen[1], std::make_pair(Time::zero() + 10_ms, 1));
    EXPECT_EQ(sim.now(), Time::zero() + 10_ms);
}

TEST(Simulator, HandlersScheduleFollowUps) {
    Simulator<Tick> sim;
    sim.schedule_at(Time::zero(), Tick{5});
    int fired = 0;
    sim.run([&](Simulator<Tick>& s, Tick& t) {
        ++fired;
        if (t.n > 0) s.schedule_after(1_ms, Tick{t.n - 1});
    });
    EXPECT_EQ(fired, 6);
    EXPECT_EQ(sim.now(), Time::zero() + 5_ms);
}

TEST(Simulator, StopsAtTimeAndCanContinue) {
    Simulator<Tick> sim;
    for (int i = 0; i < 10; ++i) sim.schedule_at(Time::zero() + Duration::millis(i * 10), Tick{i});
    int fired = 0;
    auto count = [&](Simulator<Tick>&, Tick&) { ++fired; };
    auto r = sim.run(count, {.until = Time::zero() + 35_ms});
    EXPECT_EQ(r.reason, StopReason::ReachedTime);
    EXPECT_EQ(fired, 4);  // 0, 10, 20, 30 ms
    EXPECT_EQ(sim.now(), Time::zero() + 35_ms);
    r = sim.run(count, {.until = Time::zero() + 40_ms});
    EXPECT_EQ(fired, 5);  // an event exactly at `until` runs
    r = sim.run(count);
    EXPECT_EQ(r.reason, StopReason::Idle);
    EXPECT_EQ(fired, 10);
}

TEST(Simulator, StopsAtEventLimit) {
    Simulator<Tick> sim;
    sim.schedule_at(Time::zero(), Tick{0});
    const auto r = sim.run([](Simulator<Tick>& s, Tick&) { s.schedule_after(1_us, Tick{0}); }, {.max_events = 1000});
    EXPECT_EQ(r.reason, StopReason::ReachedEventLimit);
    EXPECT_EQ(r.dispatched, 1000u);
    EXPECT_EQ(sim.total_dispatched(), 1000u);
    EXPECT_FALSE(sim.idle());
}

TEST(Simulator, StopsOnRequestAfterTheCurrentEvent) {
    Simulator<Tick> sim;
    for (int i = 0; i < 5; ++i) sim.schedule_at(Time::zero(), Tick{i});
    std::vector<int> seen;
    const auto r = sim.run([&](Simulator<Tick>& s, Tick& t) {
        seen.push_back(t.n);
        if (t.n == 2) s.request_stop();
    });
    EXPECT_EQ(r.reason, StopReason::Requested);
    EXPECT_EQ(seen, (std::vector<int>{0, 1, 2}));
    EXPECT_EQ(sim.pending(), 2u);
}

TEST(Simulator, SchedulingInThePastIsClampedAndCounted) {
    Simulator<Tick> sim;
    sim.schedule_at(Time::zero() + 10_ms, Tick{0});
    Time fired_at;
    int calls = 0;
    sim.run([&](Simulator<Tick>& s, Tick&) {
        if (calls++ == 0) s.schedule_at(Time::zero() + 1_ms, Tick{1});
        else fired_at = s.now();
    });
    EXPECT_EQ(sim.scheduled_in_past(), 1u);
    EXPECT_EQ(fired_at, Time::zero() + 10_ms);
}

// The clock never goes backwards, whatever handlers schedule.
RC_GTEST_PROP(Simulator, ClockIsMonotonic, (const std::vector<std::uint8_t>& delays)) {
    Simulator<Tick> sim;
    for (std::size_t i = 0; i < delays.size(); ++i) sim.schedule_at(Time::zero() + Duration::micros(delays[i]), Tick{static_cast<int>(i)});
    Time last = Time::zero();
    std::size_t next = 0;
    sim.run([&](Simulator<Tick>& s, Tick&) {
        RC_ASSERT(s.now() >= last);
        last = s.now();
        if (next < delays.size()) s.schedule_after(Duration::micros(delays[next++] % 7), Tick{-1});
    });
    RC_ASSERT(sim.total_dispatched() == 2 * delays.size());
}

}  // namespace
}  // namespace cascadelab
