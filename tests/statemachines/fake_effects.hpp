// Recording effects for machine tests, every machine's at once: timers are remembered, nothing
// runs by itself.
#pragma once

#include <map>      // std::map
#include <string>   // std::string
#include <utility>  // std::pair
#include <vector>   // std::vector

#include <fmt/format.h>

#include "statemachines/effects.hpp"

namespace cascadelab::testing {

class FakeEffects : public BreakerEffects,
                    public BulkheadEffects,
                    public RetryEffects,
                    public RetryBudgetEffects,
                    public MessageEffects,
                    public ConsumerEffects {
public:
    void start_timer(TimerKind kind, std::uint64_t id, Duration after) override { timers[{kind, id}] = after; }
    void cancel_timer(TimerKind kind, std::uint64_t id) override { timers.erase({kind, id}); }
    void send_attempt(std::uint64_t request, std::uint32_t attempt) override { attempts.emplace_back(request, attempt); }
    void requeue(std::uint64_t message, bool near_head) override { requeued.emplace_back(message, near_head); }
    void dead_letter(std::uint64_t message) override { dead_lettered.push_back(message); }
    void permit_granted(std::uint64_t id) override { granted.push_back(id); }
    void permit_rejected(std::uint64_t id) override { rejected.push_back(id); }
    void transitioned(ComponentId component, std::string_view from, std::string_view event, std::string_view to,
                      std::uint64_t id) override {
        transitions.push_back(fmt::format("{}: {} --{}--> {}{}", component.name(), from, event, to,
                                          id ? fmt::format(" #{}", id) : std::string{}));
    }

    bool timer_running(TimerKind kind, std::uint64_t id = 0) const { return timers.count({kind, id}) > 0; }

    std::map<std::pair<TimerKind, std::uint64_t>, Duration> timers;
    std::vector<std::pair<std::uint64_t, std::uint32_t>> attempts;
    std::vector<std::pair<std::uint64_t, bool>> requeued;
    std::vector<std::uint64_t> dead_lettered;
    std::vector<std::uint64_t> granted;
    std::vector<std::uint64_t> rejected;
    std::vector<std::string> transitions;
};

}  // namespace cascadelab::testing
