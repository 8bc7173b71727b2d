// What both architectures are made of besides their machines: the scenario, the simulator, the
// run's metrics, the downstream service with its call desk, the workload's arrivals, and the way
// transitions reach traces and observers. RpcSystem and EventSystem add their own flow on top.
#pragma once

#include <algorithm>    // std::max
#include <optional>     // std::optional
#include <string_view>  // std::string_view

#include <fmt/format.h>

#include "model/downstream.hpp"
#include "model/downstream_call.hpp"
#include "model/metrics.hpp"
#include "model/kernel/rng.hpp"
#include "model/run_options.hpp"
#include "model/scenario.hpp"
#include "model/kernel/simulator.hpp"
#include "model/system_event.hpp"
#include "model/workload.hpp"
#include "statemachines/effects.hpp"

namespace cascadelab {

class SystemBase {
protected:
    SystemBase(const Scenario& s, const RunOptions& options, Architecture architecture)
        : scenario_(s),
          options_(options),
          streams_(s.seed),
          metrics_(s.metrics.window),
          downstream_(s.downstream, s.faults, streams_.stream("downstream.latency"),
                      streams_.stream("downstream.failure"), streams_.stream("downstream.fatal")),
          desk_(downstream_, metrics_, sim_, s.downstream.on_timeout),
          arrivals_(s.workload, streams_.stream("workload")) {
        metrics_.scenario = s.name;
        metrics_.architecture = architecture;
        metrics_.seed = s.seed;
    }

    // Runs until everything is settled (or the scenario's horizon), then fills in what the
    // simulator and the service counted. In slices of events: between two, the budget is checked
    // and progress reported.
    // `prefetch`: shown the next event ahead of time (Simulator::run), to warm what it will touch.
    template <class Handler, class Prefetch = NoPrefetch>
    void run_loop(Handler&& handle, Prefetch&& prefetch = {}) {
        schedule_next_arrival();
        StopConditions stop;
        if (scenario_.horizon > Duration::zero()) stop.until = Time::at(scenario_.horizon);
        stop.max_events = std::max<std::uint64_t>(1, options_.check_every);
        const Time workload_end = scenario_.workload.expected_end();
        for (;;) {
            const RunResult r = sim_.run([&](Simulator<SystemEvent>&, SystemEvent& e) { handle(e); }, stop, prefetch);
            check_budget();
            if (r.reason != StopReason::ReachedEventLimit) break;
            if (options_.progress) options_.progress(RunProgress{sim_.total_dispatched(), sim_.now(), workload_end});
        }
        metrics_.events = sim_.total_dispatched();
        metrics_.unhandled_events += sim_.scheduled_in_past();
        metrics_.max_downstream_in_flight = downstream_.max_in_flight();
        metrics_.refused_by_downstream = downstream_.refused();
    }

    // Bytes of live state the architecture holds besides the event queue and the trace: its
    // slots for requests or messages at their size.
    virtual std::size_t live_bytes() const = 0;
    // The slots behind it: the most requests or messages in flight at once so far.
    virtual std::size_t live_slots() const = 0;

    // Arrivals are generated one at a time: each one schedules the next.
    void schedule_next_arrival() {
        if (const std::optional<Time> at = arrivals_.next())
            sim_.schedule_at(*at, SystemEvent{SystemEventKind::Arrival, TimerKind::RetryBackoff, false, false, 0, 0});
    }

    // A transition, with the id a reader knows (request or event number), to traces and observers.
    void report_transition(ComponentId component, std::string_view from, std::string_view event,
                           std::string_view to, std::uint64_t shown_id) {
        if (options_.trace) options_.trace->record(sim_.now(), component.name(), from, event, to, shown_id);
        if (options_.observer) options_.observer->transitioned(sim_.now(), component, from, event, to, shown_id);
    }

    void check_budget() const {
        const ResourceBudget& b = options_.budget;
        if (sim_.total_dispatched() > b.max_events)
            throw RunLimitExceeded(fmt::format(
                "{}: passed its budget of {} events at virtual time {} (raise it with --max-events, or end the run "
                "sooner with horizon_ms)",
                scenario_.name, b.max_events, to_string(sim_.now().since_start())));
        const std::size_t bytes = live_bytes() + sim_.queue_bytes() + (options_.trace ? options_.trace->bytes() : 0);
        if (bytes > b.max_bytes)
            throw RunLimitExceeded(fmt::format(
                "{}: {} MiB of live state ({} in flight at once, {} events pending) at virtual time {} passed its budget "
                "of {} MiB (raise it with --max-memory, or bound what is in flight: a bulkhead, a queue capacity, timeouts)",
                scenario_.name, bytes >> 20, live_slots(), sim_.pending(), to_string(sim_.now().since_start()),
                b.max_bytes >> 20));
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
