#include "experiments/claims.hpp"

#include <fmt/format.h>

namespace cascadelab::cli {

namespace {

const RunMetrics* find(const std::vector<RunMetrics>& runs, std::string_view scenario) {
    for (const RunMetrics& r : runs)
        if (r.scenario == scenario) return &r;
    return nullptr;
}

double ms(Duration d) { return d.ms(); }

// Under a burst: compares one RPC run with one event-driven run on the same traffic.
void burst_claims(const RunMetrics& rpc, const RunMetrics& event, bool seed, std::vector<ClaimVerdict>& out) {
    out.push_back({seed ? "seed.rpc-fewer-successes" : "bursts.rpc-fewer-successes",
                   seed ? "under the seed burst, RPC succeeds on fewer requests than event-driven"
                        : "under bursts of 400, naive RPC succeeds on fewer requests than safe event-driven",
                   rpc.ok() < event.ok(),
                   fmt::format("{} ok {}/{} vs {} ok {}/{}", rpc.scenario, rpc.ok(), rpc.requests, event.scenario,
                               event.ok(), event.requests)});
    const Duration rpc_p99 = rpc.latency.p99();
    const Duration event_p99 = event.latency.p99();
    out.push_back({seed ? "seed.rpc-p99-higher" : "bursts.rpc-p99-higher",
                   seed ? "under the seed burst, RPC's p99 latency is higher than event-driven's"
                        : "under bursts of 400, naive RPC's p99 latency is higher than safe event-driven's",
                   rpc_p99 > event_p99,
                   fmt::format("{} p99 {:.1f} ms vs {} end-to-end p99 {:.1f} ms", rpc.scenario, ms(rpc_p99),
                               event.scenario, ms(event_p99))});
}

}  // namespace

std::vector<ClaimVerdict> evaluate_claims(const std::vector<RunMetrics>& runs) {
    std::vector<ClaimVerdict> out;
    if (const RunMetrics *rpc = find(runs, "seed-rpc"), *event = find(runs, "seed-event"); rpc && event) {
        burst_claims(*rpc, *event, true, out);
        out.push_back({"seed.breaker-trips", "the RPC circuit breaker trips under the burst", rpc->breaker_opens > 0,
                       fmt::format("seed-rpc breaker opened {} times", rpc->breaker_opens)});
        out.push_back({"seed.event-processes-all", "the event-driven system eventually processes every request",
                       event->ok() == event->requests,
                       fmt::format("seed-event ok {}/{}, dlq {}, dropped {}", event->ok(), event->requests,
                                   event->outcome(Outcome::DeadLettered), event->outcome(Outcome::Dropped))});
    }
    if (const RunMetrics *rpc = find(runs, "rpc-naive"), *event = find(runs, "event-safe"); rpc && event)
        burst_claims(*rpc, *event, false, out);
    if (const RunMetrics* naive = find(runs, "rpc-naive")) {
        out.push_back({"naive-rpc-collapses", "RPC with retries and no safeguards collapses under bursts (< 50% ok)",
                       naive->success_ratio() < 0.5,
                       fmt::format("rpc-naive ok {:.1f}%, amplification {:.2f} attempts/request",
                                   100.0 * naive->success_ratio(), naive->amplification())});
    }
    if (const RunMetrics* safe = find(runs, "rpc-safe")) {
        const std::uint64_t shed = safe->attempt_timeouts + safe->bulkhead_rejections + safe->breaker_rejections;
        out.push_back({"safe-rpc-sheds-load",
                       "a guarded RPC caller trips its breaker, and timeouts and rejections pile up",
                       safe->breaker_opens > 0 && shed > safe->requests / 10,
                       fmt::format("rpc-safe breaker opened {} times; {} timeouts, {} bulkhead and {} breaker "
                                   "rejections for {} requests",
                                   safe->breaker_opens, safe->attempt_timeouts, safe->bulkhead_rejections,
                                   safe->breaker_rejections, safe->requests)});
    }
    if (const RunMetrics* safe = find(runs, "event-safe")) {
        const std::uint64_t dlq = safe->outcome(Outcome::DeadLettered);
        const std::uint64_t dropped = safe->outcome(Outcome::Dropped);
        out.push_back({"event-safe-absorbs", "a guarded event-driven pipeline processes every event (ok + dlq = "
                       "published, none dropped)",
                       dropped == 0 && safe->ok() + dlq == safe->requests && safe->unfinished == 0,
                       fmt::format("event-safe ok {} + dlq {} of {} published, dropped {}", safe->ok(), dlq,
                                   safe->requests, dropped)});
    }
    if (const RunMetrics* naive = find(runs, "event-naive")) {
        out.push_back({"event-naive-drops", "a small queue with naive retries drops events",
                       naive->outcome(Outcome::Dropped) > 0,
                       fmt::format("event-naive dropped {} of {}, dlq {}", naive->outcome(Outcome::Dropped),
                                   naive->requests, naive->outcome(Outcome::DeadLettered))});
    }
    if (const RunMetrics *rpc = find(runs, "healthy-rpc"), *event = find(runs, "healthy-event"); rpc && event) {
        const Duration a = rpc->latency.p50();
        const Duration b = event->latency.p50();
        out.push_back({"healthy-rpc-faster", "when the dependency is healthy, RPC has the lower latency", a < b,
                       fmt::format("healthy-rpc p50 {:.1f} ms vs healthy-event end-to-end p50 {:.1f} ms", ms(a),
                                   ms(b))});
    }
    return out;
}

}  // namespace cascadelab::cli
