// Every run in the architecture tests goes through checked_run: it watches the run at every
// step and fails the test on a broken bookkeeping invariant, whatever the test itself checks.
//   - conservation (event): published = queued + in transit + processing + waiting + acked +
//     dead-lettered + dropped, after every event;
//   - exactly one outcome: settled never exceeds started, and at the end settled + unfinished
//     = started;
//   - the bulkhead never holds more than its limit, HalfOpen never has more probes than allowed;
//   - no machine saw an event its state does not accept.
#pragma once

#include <gtest/gtest.h>

#include <string>  // std::string

#include "model/observer.hpp"
#include "model/run.hpp"

namespace cascadelab::testing {

class BookkeepingObserver final : public RunObserver {
public:
    void step(const Snapshot& s) override {
        ++steps;
        if (!first_failure.empty()) return;
        if (s.settled > s.started) fail(s, "more outcomes than requests");
        if (s.bulkhead_limit && s.bulkhead_active > s.bulkhead_limit) fail(s, "bulkhead over its limit");
        if (s.has_breaker && s.breaker_state == BreakerState::HalfOpen && s.breaker_probes > s.breaker_probe_limit)
            fail(s, "too many HalfOpen probes");
        if (event && s.started != s.queued + s.in_transit + s.processing + s.waiting + s.acked + s.dead_lettered + s.dropped)
            fail(s, "conservation: a message is lost or counted twice");
        if (event && s.acked + s.dead_lettered + s.dropped != s.settled) fail(s, "settled != acked + dlq + dropped");
    }

    bool event = false;
    std::uint64_t steps = 0;
    std::string first_failure;

private:
    void fail(const Snapshot& s, const char* what) {
        first_failure = std::string{what} + " at " + to_string(s.now) + ", step " + std::to_string(s.step);
    }
};

inline RunMetrics checked_run(const Scenario& scenario) {
    BookkeepingObserver observer;
    observer.event = scenario.architecture == Architecture::Event;
    RunMetrics m = run_scenario(scenario, RunOptions{}.with_observer(&observer));
    EXPECT_EQ(observer.first_failure, "") << scenario.name;
    EXPECT_EQ(m.unhandled_events, 0u) << scenario.name;
    EXPECT_EQ(m.settled() + m.unfinished, m.requests) << scenario.name;
    EXPECT_GT(observer.steps, 0u);
    return m;
}

}  // namespace cascadelab::testing
