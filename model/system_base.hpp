// What both architectures are made of besides their machines: the scenario, the simulator, the
// run's metrics, the downstream service with its call desk, the workload's arrivals, and the way
// transitions reach traces and observers. RpcSystem and EventSystem add their own flow on top.
#pragma once

#include <optional>     // std::optional
#include <string_view>  // std::string_view

#include "model/downstream.hpp"
#include "model/downstream_call.hpp"
#include "model/metrics.hpp"
#include "model/rng.hpp"
#include "model/run_options.hpp"
#include "model/scenario.hpp"
#include "model/simulator.hpp"
#include "model/system_event.hpp"
#include "model/workload.hpp"
#include "statemachines/effects.hpp"

namespace cascadelab {

class SystemBase : public Effects {
protected:
    SystemBase(const Scenario& s, const RunOptions& options, Architecture architecture)
        : scenario_(s),
          options_(options),
          streams_(s.seed),
          metrics_(s.metrics.window),
          downstream_(s.downstream, s.faults, streams_.stream("downstream.latency"),
                      streams_.stream("downstream.failure")),
          desk_(downstream_, metrics_, sim_, s.downstream.on_timeout),
          arrivals_(s.workload, streams_.stream("workload")) {
        metrics_.scenario = s.name;
        metrics_.architecture = architecture;
        metrics_.seed = s.seed;
    }

    // Runs until everything is settled (or the scenario's horizon), then fills in what the
    // simulator and the service counted.
    template <class Handler>
    void run_loop(Handler&& handle) {
        schedule_next_arrival();
        StopConditions stop;
        if (scenario_.horizon > Duration::zero()) stop.until = Time::at(scenario_.horizon);
        sim_.run([&](Simulator<SystemEvent>&, SystemEvent& e) { handle(e); }, stop);
        metrics_.events = sim_.total_dispatched();
        metrics_.max_downstream_in_flight = downstream_.max_in_flight();
        metrics_.refused_by_downstream = downstream_.refused();
    }

    // Arrivals are generated one at a time: each one schedules the next.
    void schedule_next_arrival() {
        if (const std::optional<Time> at = arrivals_.next())
            sim_.schedule_at(*at, SystemEvent{SystemEventKind::Arrival, TimerKind::RetryBackoff, false, false, 0, 0});
    }

    // A transition, with the id a reader knows (request or event number), to traces and observers.
    void report_transition(std::string_view component, std::string_view from, std::string_view event,
                           std::string_view to, std::uint64_t shown_id) {
        if (component == "breaker") metrics_.note_breaker_state(sim_.now(), to);
        if (options_.trace) options_.trace->record(sim_.now(), component, from, event, to, shown_id);
        if (options_.observer) options_.observer->transitioned(sim_.now(), component, from, event, to, shown_id);
    }

    const Scenario& scenario_;
    RunOptions options_;
    RngStreams streams_;
    RunMetrics metrics_;
    Simulator<SystemEvent> sim_;
    Downstream downstream_;
    CallDesk desk_;
    ArrivalGenerator arrivals_;
};

}  // namespace cascadelab
