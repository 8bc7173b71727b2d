#include "model/scenario_tables.hpp"

#include "statemachines/config_tables.hpp"  // kMaxCount

namespace cascadelab {

namespace {

constexpr Range kSpan = at_least(0.0);      // a duration; 0 means "none" or "at once" where the doc says so
constexpr Range kInstant = at_least(0.0);   // virtual time since the start of the run
constexpr Range kProbability = closed(0.0, 1.0);
constexpr Range kRate = closed(WorkloadConfig::kMinRate, WorkloadConfig::kMaxRate);
constexpr Range kRequests = closed(1.0, static_cast<double>(kMaxCount));

using W = WorkloadConfig;
constexpr bool burst(const W& w) { return w.kind == WorkloadKind::Burst; }
constexpr bool poisson(const W& w) { return w.kind == WorkloadKind::Poisson; }
constexpr bool step(const W& w) { return w.kind == WorkloadKind::Step; }
constexpr Field<W> kWorkload[] = {
    {"kind", choice<&W::kind, kWorkloadKindNames>(), {}, "", "",
     "required: `burst`, `poisson` (open loop), `step` (Poisson with a spike) or `arrivals` (a list `at_ms`)"},
    {"start", &W::start, kInstant, "", "", "the first arrival is at or after this"},
    {"burst_size", &W::burst_size, kRequests, "requests", "", "requests in one burst", {}, burst},
    {"bursts", &W::bursts, kRequests, "bursts", "", "how many bursts; burst_size × bursts at most 10^8", {}, burst},
    {"gap", &W::gap, kSpan, "", "", "from one burst's start to the next; positive when bursts > 1", {}, burst},
    {"spread", &W::spread, kSpan, "", "", "a burst's requests evenly over this span; 0 = one instant (the tutorial)", {},
     burst},
    {"rate_per_s", &W::rate_per_second, kRate, "requests/s", "", "exponential gaps at this rate", {}, poisson},
    {"requests", &W::requests, kRequests, "requests", "", "requests in all", {}, poisson},
    {"base_rate_per_s", &W::base_rate_per_second, kRate, "requests/s", "", "the rate outside the spike", {}, step},
    {"spike_rate_per_s", &W::spike_rate_per_second, kRate, "requests/s", "", "the rate during the spike", {}, step},
    {"spike_start", &W::spike_start, kInstant, "", "", "when the spike begins", {}, step},
    {"spike_length", &W::spike_length, positive(), "", "", "how long the spike lasts; it ends within the duration", {}, step},
    {"duration", &W::duration, positive(), "", "", "when the step workload ends (at most 10^8 expected requests)", {}, step},
};

using D = DownstreamConfig;
constexpr Field<D> kDownstream[] = {
    {"base_latency", &D::base_latency, kSpan, "", "", "the latency of an attempt at or below the knee"},
    {"jitter", &D::jitter, kSpan, "", "", "plus uniform [0, jitter)"},
    {"failure_probability", &D::failure_probability, kProbability, "probability", "", "p(failure) at or below the knee"},
    {"knee_in_flight", &D::knee_in_flight, closed(1.0, 1e9), "attempts", "",
     "attempts in flight at load factor 1; above it latency and failures grow"},
    {"min_load_factor", &D::min_load_factor, kProbability, "factor", "", "the load factor never reads lower"},
    {"latency_per_load", &D::latency_per_load, kSpan, "", "", "extra latency per unit of load above 1"},
    {"failure_per_load", &D::failure_per_load, closed(0.0, 1e6), "per unit of load", "",
     "extra p(failure) per unit of load above 1"},
    {"failure_cap", &D::failure_cap, kProbability, "probability", "", "p(failure) never exceeds it"},
    {"capacity", &D::capacity, closed(0.0, 1e9), "attempts", "max_requests (Envoy)",
     "attempts beyond this many in flight are refused as throttled; 0 = no limit (the tutorial)"},
    {"refusal_latency", &D::refusal_latency, kSpan, "", "", "how soon an outage or a full service refuses"},
    {"on_timeout", choice<&D::on_timeout, kTimeoutNames>(), {}, "", "",
     "`cancel`: the work stops when its caller gives up (the tutorial); `abandon`: it runs on and holds capacity"},
    {"fatal_fraction", &D::fatal_fraction, kProbability, "fraction", "", "of the failures of work that ran, the fatal share"},
};

using P = PushbackPolicy;
constexpr Field<P> kPushback[] = {
    {"when", choice<&P::when, kPushbackWhenNames>(), {}, "", "grpc-retry-pushback-ms / Retry-After",
     "which failures carry the server's advice: `never`, `on_refusal` or `on_any_failure`; the advice is "
     "`retry_after_ms` (a delay) or `stop: true`"},
};

using F = FaultWindow;
constexpr bool spike(const F& f) { return f.kind == FaultKind::LatencySpike; }
constexpr bool drop(const F& f) { return f.kind == FaultKind::CapacityDrop; }
constexpr bool error_rate(const F& f) { return f.kind == FaultKind::ErrorRate; }
constexpr Field<F> kFault[] = {
    {"kind", choice<&F::kind, kFaultKindNames>(), {}, "", "",
     "required: `outage`, `latency_spike`, `capacity_drop` or `error_rate`"},
    {"start", &F::start, kInstant, "", "", "when the window opens"},
    {"length", &F::length, positive(), "", "", "required: how long it lasts"},
    {"factor", &F::strength, closed(1.0, 1000.0), "factor", "", "latency_spike: latency × factor (default 2)", {}, spike},
    {"factor", &F::strength, above_up_to(0.0, 1.0), "factor", "", "capacity_drop: knee and capacity × factor (default 0.5)",
     {}, drop},
    {"probability", &F::strength, kProbability, "probability", "", "error_rate: required; p(failure) while it lasts", {},
     error_rate},
};

using E = EventConfig;
constexpr Field<E> kEvent[] = {
    {"queue_capacity", &E::queue_capacity, kRequests, "messages", "x-max-length", "the queue's bound"},
    {"overflow", choice<&E::overflow, kOverflowNames>(), {}, "", "x-overflow",
     "a publish or requeue into a full queue: `reject_publish` (the tutorial), `drop_head` (RabbitMQ's default) or "
     "`reject_publish_dlx`"},
    {"consumers", &E::consumers, closed(1.0, 100'000.0), "consumers", "prefetch × channels", "the consumer pool"},
    {"attempt_timeout", &E::attempt_timeout, kSpan, "", "", "0 = none; the consumer's call to the service"},
    {"publish_latency", &E::publish_latency, kSpan, "", "", "producer to queue (the publish confirm)"},
    {"delivery_latency", &E::delivery_latency, kSpan, "", "", "queue to consumer"},
};

using R = RpcConfig;
constexpr Field<R> kRpc[] = {
    {"breaker_scope", choice<&R::breaker_scope, kScopeNames>(), {}, "", "",
     "`per_request`: asked once, before the first attempt (the tutorial); `per_attempt`: before every attempt, "
     "retries included (Resilience4j decorating the call)"},
};

using Me = MetricsConfig;
constexpr Field<Me> kMetrics[] = {
    {"window", &Me::window, positive(), "", "", "the width of one time-series window"},
};

}  // namespace

std::span<const Field<WorkloadConfig>> workload_fields() { return kWorkload; }
std::span<const Field<DownstreamConfig>> downstream_fields() { return kDownstream; }
std::span<const Field<PushbackPolicy>> pushback_fields() { return kPushback; }
std::span<const Field<FaultWindow>> fault_fields() { return kFault; }
std::span<const Field<EventConfig>> event_fields() { return kEvent; }
std::span<const Field<RpcConfig>> rpc_fields() { return kRpc; }
std::span<const Field<MetricsConfig>> metrics_fields() { return kMetrics; }

}  // namespace cascadelab
