// One call from a caller — an RPC attempt, a consumer's delivery — to the downstream service,
// and the bookkeeping both architectures share: which call the caller still awaits, whether its
// work is counted in the service's in-flight, and what a caller's timeout does to that work
// (cancel: it stops; abandon: it runs on and keeps its capacity).
#pragma once

#include <cstdint>  // std::uint32_t, std::uint64_t

#include "model/downstream.hpp"
#include "model/metrics.hpp"
#include "model/kernel/simulator.hpp"
#include "model/system_event.hpp"

namespace cascadelab {

// Widest fields first: one of these per request in flight.
struct DownstreamCall {
    std::uint64_t token = 0;    // tells this call's AttemptDone from an earlier one's
    Time started;
    // If it fails: the server's retry advice, and how it looks to the caller (from its plan).
    Pushback pushback;
    AttemptOutcome failure = AttemptOutcome::Error;
    bool open = false;          // at the service, and the caller awaits it
    bool work_counted = false;  // counted in the service's in-flight
};

class CallDesk {
public:
    CallDesk(Downstream& downstream, RunMetrics& metrics, Simulator<SystemEvent>& sim, TimeoutSemantics on_timeout)
        : downstream_(downstream), metrics_(metrics), sim_(sim), on_timeout_(on_timeout) {}

    // Sends the call; its AttemptDone (for `owner`) is scheduled after the service's latency.
    void start(DownstreamCall& call, std::uint32_t owner);
    // Marks a call that does not reach the service (it went to an inner tier).
    std::uint64_t start_elsewhere(DownstreamCall& call);
    // AttemptDone arrived: frees the work's capacity when due. True when the caller still awaited
    // this call (it is closed now); false for the late answer of a call the caller left.
    bool done(DownstreamCall& call, const SystemEvent& e);
    // The caller stops waiting (timeout, deadline): the work stops or runs on.
    void leave(DownstreamCall& call);

private:
    void release_capacity();

    Downstream& downstream_;
    RunMetrics& metrics_;
    Simulator<SystemEvent>& sim_;
    TimeoutSemantics on_timeout_;
    std::uint64_t tokens_ = 0;
};

}  // namespace cascadelab
