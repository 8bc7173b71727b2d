#include "model/presets.hpp"

namespace cascadelab {

namespace {

using namespace cascadelab::literals;

// The tutorial's scenarios over 2400 requests: six bursts of 400, 250 ms apart. The tutorial
// gives only the total; bursts (rather than one instant) let the breaker's Open state and the
// queue's draining show between them.
WorkloadConfig tutorial_bursts() {
    WorkloadConfig w;
    w.kind = WorkloadKind::Burst;
    w.burst_size = 400;
    w.bursts = 6;
    w.gap = 250_ms;
    return w;
}

Scenario base(std::string name, std::string description, Architecture a) {
    Scenario s;
    s.name = std::move(name);
    s.description = std::move(description);
    s.seed = 20261122;
    s.architecture = a;
    s.downstream = DownstreamConfig::tutorial();
    return s;
}

// The seed tutorial's experiment: 2000 requests at once; both architectures.
Scenario seed_rpc() {
    Scenario s = base("seed-rpc", "the tutorial's RPC run: 2000 at once, breaker once per request, bulkhead 40, "
                      "4 attempts of 120 ms", Architecture::Rpc);
    s.workload = WorkloadConfig::tutorial();
    s.rpc.breaker = CircuitBreakerConfig::tutorial();
    s.rpc.breaker_scope = BreakerScope::PerRequest;
    s.rpc.bulkhead = BulkheadConfig::tutorial();
    s.rpc.retry = RetryConfig::tutorial();
    return s;
}

Scenario seed_event() {
    Scenario s = base("seed-event", "the tutorial's event run: 2000 published at once, queue 5000, 16 consumers, "
                      "200 ms calls, 4 deliveries", Architecture::Event);
    s.workload = WorkloadConfig::tutorial();
    s.event.queue_capacity = 5000;
    s.event.consumers = 16;
    s.event.attempt_timeout = 200_ms;
    // The tutorial's queue is in-process: no broker hops.
    s.event.publish_latency = Duration::zero();
    s.event.delivery_latency = Duration::zero();
    s.event.message = MessageConfig::tutorial();
    return s;
}

Scenario rpc_naive() {
    Scenario s = base("rpc-naive", "RPC, 3 retries, no breaker, no bulkhead", Architecture::Rpc);
    s.workload = tutorial_bursts();
    s.rpc.retry = RetryConfig::tutorial();
    s.rpc.retry.timeout_starts_after_admission = false;  // no bulkhead: the timer starts at the call
    return s;
}

Scenario rpc_safe() {
    Scenario s = base("rpc-safe", "RPC, 1 retry within a Finagle retry budget, breaker before every attempt, "
                      "bulkhead 40 waiting at most 100 ms",
                      Architecture::Rpc);
    s.workload = tutorial_bursts();
    CircuitBreakerConfig b = CircuitBreakerConfig::resilience4j();
    b.sliding_window_size = 20;
    b.minimum_number_of_calls = 10;
    b.failure_rate_threshold = 50.0;
    b.wait_duration_in_open_state = 500_ms;
    b.max_wait_in_open_state = 500_ms;
    b.permitted_number_of_calls_in_half_open_state = 3;
    b.max_wait_duration_in_half_open_state = 1_s;
    s.rpc.breaker = b;
    s.rpc.breaker_scope = BreakerScope::PerAttempt;
    s.rpc.bulkhead = BulkheadConfig{40, 100_ms, BulkheadConfig::kUnboundedQueue};
    s.rpc.retry = RetryConfig::tutorial();
    s.rpc.retry.with_max_retries(1);
    // One retry is not a budget: `hunt --property retry-storm` finds a burst during a short outage
    // that makes every failed call retry at once. Finagle's budget (20 % of requests over 10 s,
    // plus 10 retries a second) bounds retries whatever the traffic (docs/hunting.md).
    s.rpc.retry_budget = RetryBudgetConfig::finagle();
    return s;
}

Scenario event_naive() {
    Scenario s = base("event-naive", "event-driven, 3 retries, small queue (200), 64 consumers straight at the service",
                      Architecture::Event);
    s.workload = tutorial_bursts();
    s.event.queue_capacity = 200;
    s.event.consumers = 64;
    s.event.attempt_timeout = 200_ms;
    s.event.message = MessageConfig::tutorial();
    return s;
}

Scenario event_safe() {
    Scenario s = base("event-safe", "event-driven, 1 retry, bulkhead 20 in front of the service, queue 5000",
                      Architecture::Event);
    s.workload = tutorial_bursts();
    s.event.queue_capacity = 5000;
    s.event.consumers = 64;
    s.event.attempt_timeout = 200_ms;
    s.event.message = MessageConfig::tutorial();
    s.event.message.max_deliveries = 2;
    // Below the service's knee of 25: the queue, not the service, absorbs the bursts.
    s.event.bulkhead = BulkheadConfig{20, Duration::max(), BulkheadConfig::kUnboundedQueue};
    return s;
}

// Low load: 50 requests per second for 20 s. The event side pays its two broker hops.
WorkloadConfig light_load() {
    WorkloadConfig w;
    w.kind = WorkloadKind::Poisson;
    w.rate_per_second = 50.0;
    w.requests = 1000;
    return w;
}

Scenario healthy_rpc() {
    Scenario s = seed_rpc();
    s.name = "healthy-rpc";
    s.description = "RPC at 50 req/s, the tutorial's resilience settings";
    s.workload = light_load();
    return s;
}

Scenario healthy_event() {
    Scenario s = seed_event();
    s.name = "healthy-event";
    s.description = "event-driven at 50 events/s, 1 ms publish and 1 ms delivery hops";
    s.workload = light_load();
    s.event.publish_latency = 1_ms;
    s.event.delivery_latency = 1_ms;
    return s;
}

// A metastable failure: the naive RPC caller at 400 requests/s (healthy: about 4 calls in flight),
// and a 200 ms latency spike x10 at t = 1 s. The spike pushes calls past their timeout; their
// retries keep the service overloaded long after the spike is gone.
Scenario metastable() {
    Scenario s = base("metastable-naive", "rpc-naive at 400 req/s for 8 s; a 200 ms latency spike x10 at 1 s tips it over",
                      Architecture::Rpc);
    s.workload.kind = WorkloadKind::Poisson;
    s.workload.rate_per_second = 400.0;
    s.workload.requests = 3200;
    s.faults = FaultSchedule({FaultWindow{FaultKind::LatencySpike, Time::at(1_s), 200_ms, 10.0}});
    s.rpc.retry = RetryConfig::tutorial();
    s.rpc.retry.timeout_starts_after_admission = false;
    return s;
}

Scenario metastable_budget() {
    Scenario s = metastable();
    s.name = "metastable-budget";
    s.description = "the same with Finagle's retry budget: it recovers";
    s.rpc.retry_budget = RetryBudgetConfig::finagle();
    return s;
}

// Three tiers, A -> B -> C -> service, 1000 requests at 200/s, and the service down for 2 s.
// With 3 attempts at every tier a request that fails reaches the service 3 x 3 x 3 = 27 times.
RpcConfig tier(std::uint32_t attempts) {
    RpcConfig t;
    t.retry = RetryConfig::tutorial();
    t.retry.max_attempts = attempts;
    t.retry.timeout_starts_after_admission = false;
    return t;
}

Scenario tiers(std::string name, std::string description, std::uint32_t outer, std::uint32_t inner, bool budget) {
    Scenario s = base(std::move(name), std::move(description), Architecture::Rpc);
    s.workload.kind = WorkloadKind::Poisson;
    s.workload.rate_per_second = 200.0;
    s.workload.requests = 1000;
    s.faults = FaultSchedule({FaultWindow{FaultKind::Outage, Time::at(1_s), 2_s, 1.0}});
    s.rpc = tier(outer);
    s.inner_tiers = {tier(inner), tier(inner)};
    if (budget) {
        s.rpc.retry_budget = RetryBudgetConfig::finagle();
        for (RpcConfig& t : s.inner_tiers) t.retry_budget = RetryBudgetConfig::finagle();
    }
    return s;
}

// The same chain event-driven: A -> queue -> B -> queue -> C -> service, 3 deliveries at every
// stage, through the same 2 s outage. Each stage retries only its own hop.
Scenario stages() {
    Scenario s = base("stages-event", "3 stages, 3 deliveries at each, through a 2 s outage", Architecture::Event);
    s.workload.kind = WorkloadKind::Poisson;
    s.workload.rate_per_second = 200.0;
    s.workload.requests = 1000;
    s.faults = FaultSchedule({FaultWindow{FaultKind::Outage, Time::at(1_s), 2_s, 1.0}});
    EventConfig stage;
    stage.consumers = 16;
    stage.message = MessageConfig::tutorial();
    stage.message.max_deliveries = 3;
    s.event = stage;
    s.inner_stages = {stage, stage};
    return s;
}

}  // namespace

const std::vector<PresetInfo>& preset_catalog() {
    static const std::vector<PresetInfo> catalog{
        {"seed", "the tutorial's experiment: 2000 requests at once, RPC and event-driven"},
        {"rpc-naive", "RPC with 3 retries, no breaker, no bulkhead; 2400 requests in 6 bursts"},
        {"rpc-safe", "RPC with 1 retry, a retry budget, breaker and bulkhead; 2400 requests in 6 bursts"},
        {"event-naive", "event-driven with 3 retries and a small queue; 2400 events in 6 bursts"},
        {"event-safe", "event-driven with 1 retry, a bulkhead and a larger queue; 2400 events in 6 bursts"},
        {"healthy", "low load (50/s): RPC and event-driven, where RPC has the lower latency"},
        {"metastable", "naive RPC at 400/s tipped by a 200 ms latency spike, and the same with a retry budget", false},
        {"tiers", "a chain A -> B -> C -> service through a 2 s outage: retries at every tier, at one tier, with budgets",
         false},
        {"stages", "the same chain event-driven: three queues, 3 deliveries at each stage, through the 2 s outage", false},
    };
    return catalog;
}

std::optional<std::vector<Scenario>> preset(std::string_view name) {
    if (name == "seed") return std::vector<Scenario>{seed_rpc(), seed_event()};
    if (name == "rpc-naive") return std::vector<Scenario>{rpc_naive()};
    if (name == "rpc-safe") return std::vector<Scenario>{rpc_safe()};
    if (name == "event-naive") return std::vector<Scenario>{event_naive()};
    if (name == "event-safe") return std::vector<Scenario>{event_safe()};
    if (name == "healthy") return std::vector<Scenario>{healthy_rpc(), healthy_event()};
    if (name == "metastable") return std::vector<Scenario>{metastable(), metastable_budget()};
    if (name == "tiers")
        return std::vector<Scenario>{
            tiers("tiers-retry-everywhere", "3 tiers, 3 attempts at each", 3, 3, false),
            tiers("tiers-retry-once", "3 tiers, 3 attempts at the client only", 3, 1, false),
            tiers("tiers-budget", "3 tiers, 3 attempts at each within a Finagle budget per tier", 3, 3, true)};
    if (name == "stages") return std::vector<Scenario>{stages()};
    // One scenario of a preset that holds two, by its own name (seed-rpc, healthy-event, ...).
    for (const PresetInfo& info : preset_catalog()) {
        if (info.name == name) continue;
        std::vector<Scenario> scenarios = *preset(info.name);
        for (Scenario& s : scenarios)
            if (s.name == name) return std::vector<Scenario>{std::move(s)};
    }
    return std::nullopt;
}

}  // namespace cascadelab
