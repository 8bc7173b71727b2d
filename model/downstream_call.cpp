#include "model/downstream_call.hpp"

namespace cascadelab {

void CallDesk::start(DownstreamCall& call, std::uint32_t owner) {
    const Time now = sim_.now();
    const AttemptPlan plan = downstream_.start(now);
    ++metrics_.attempts;
    call.token = ++tokens_;
    call.open = true;
    call.work_counted = !plan.refused;
    call.started = now;
    call.failure = plan.failure;
    call.pushback = plan.pushback;
    metrics_.in_flight.record(now, downstream_.in_flight());
    sim_.schedule_after(plan.latency, SystemEvent{SystemEventKind::AttemptDone, TimerKind::RetryBackoff, plan.refused,
                                                  plan.fails, owner, call.token});
}

std::uint64_t CallDesk::start_elsewhere(DownstreamCall& call) {
    call.token = ++tokens_;
    call.open = true;
    call.work_counted = false;
    call.started = sim_.now();
    call.failure = AttemptOutcome::Error;
    call.pushback = Pushback::none();
    return call.token;
}

bool CallDesk::done(DownstreamCall& call, const SystemEvent& e) {
    const bool awaited = call.open && call.token == e.token;
    // Refused calls never held capacity. An awaited call frees what it holds; a left call's work
    // was freed when the caller left (cancel) or is freed now (abandon).
    if (!e.flag && (awaited ? call.work_counted : on_timeout_ == TimeoutSemantics::Abandon)) release_capacity();
    if (!awaited) return false;
    call.open = false;
    call.work_counted = false;
    return true;
}

void CallDesk::leave(DownstreamCall& call) {
    if (!call.open) return;
    call.open = false;
    if (!call.work_counted) return;
    call.work_counted = false;
    if (on_timeout_ == TimeoutSemantics::Cancel) release_capacity();
    else ++metrics_.abandoned_work;  // AttemptDone will free the capacity
}

void CallDesk::release_capacity() {
    downstream_.finish();
    metrics_.in_flight.record(sim_.now(), downstream_.in_flight());
}

}  // namespace cascadelab
