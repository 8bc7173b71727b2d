// Virtual time for the ported peer tests. The peers' tests drive their code with a mocked clock
// (MockClock, FakeTimeProvider, FakeClock); here a machine runs against this Effects, and
// advance() moves the clock, firing each timer the machine started when it is due, in order.
#pragma once

#include <functional>  // std::function
#include <map>         // std::map
#include <utility>     // std::pair

#include "tests/statemachines/fake_effects.hpp"

namespace cascadelab::conformance {

class VirtualClock : public testing::FakeEffects {
public:
    // What to do when a timer fires (the owner routes it to its machine).
    std::function<void(TimerKind, std::uint64_t, Time)> on_fire;

    void start_timer(TimerKind kind, std::uint64_t id, Duration after) override {
        due[{kind, id}] = now + after;
        FakeEffects::start_timer(kind, id, after);
    }
    void cancel_timer(TimerKind kind, std::uint64_t id) override {
        due.erase({kind, id});
        FakeEffects::cancel_timer(kind, id);
    }

    // Moves the clock by `by`, firing the timers due by then, earliest first.
    void advance(Duration by) {
        const Time target = now + by;
        while (true) {
            auto next = due.end();
            for (auto it = due.begin(); it != due.end(); ++it)
                if (it->second <= target && (next == due.end() || it->second < next->second)) next = it;
            if (next == due.end()) break;
            const auto [kind, id] = next->first;
            now = next->second;
            due.erase(next);
            timers.erase({kind, id});
            if (on_fire) on_fire(kind, id, now);
        }
        now = target;
    }
    std::size_t pending() const { return due.size(); }

    Time now = Time::zero();
    std::map<std::pair<TimerKind, std::uint64_t>, Time> due;
};

}  // namespace cascadelab::conformance
