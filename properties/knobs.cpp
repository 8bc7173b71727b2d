#include "properties/knobs.hpp"

#include <fmt/format.h>

#include "statemachines/config_error.hpp"

namespace cascadelab::properties {

namespace {

bool rpc(const Scenario& s) { return s.architecture == Architecture::Rpc; }
bool event(const Scenario& s) { return s.architecture == Architecture::Event; }
bool always(const Scenario&) { return true; }

// The stage whose guards call the service (event-driven): the last of the chain.
EventConfig& calling_stage(Scenario& s) { return s.inner_stages.empty() ? s.event : s.inner_stages.back(); }
const EventConfig& calling_stage(const Scenario& s) { return s.inner_stages.empty() ? s.event : s.inner_stages.back(); }

std::optional<BulkheadConfig>& watched_bulkhead(Scenario& s) { return rpc(s) ? s.rpc.bulkhead : calling_stage(s).bulkhead; }
std::optional<CircuitBreakerConfig>& watched_breaker(Scenario& s) { return rpc(s) ? s.rpc.breaker : calling_stage(s).breaker; }
const std::optional<CircuitBreakerConfig>& watched_breaker(const Scenario& s) {
    return rpc(s) ? s.rpc.breaker : calling_stage(s).breaker;
}

BackoffConfig& backoff(Scenario& s) { return rpc(s) ? s.rpc.retry.backoff : s.event.message.redelivery_backoff; }

void more_attempts(Scenario& s, std::int64_t v) {
    const auto n = static_cast<std::uint32_t>(v);
    if (rpc(s)) {
        s.rpc.retry.max_attempts += n;
        return;
    }
    s.event.message.max_deliveries += n;
    for (EventConfig& stage : s.inner_stages) stage.message.max_deliveries += n;
}

bool has_backoff(const Scenario& s) {
    const BackoffConfig& b = rpc(s) ? s.rpc.retry.backoff : s.event.message.redelivery_backoff;
    return b.base > Duration::zero();
}
void cap_backoff(Scenario& s, std::int64_t v) { backoff(s).cap = backoff(s).base * v; }

void set_deadline(Scenario& s, std::int64_t v) { s.rpc.retry.overall_deadline = Duration::millis(v); }

bool bulkhead_waits(const Scenario& s) {
    const std::optional<BulkheadConfig>& b = rpc(s) ? s.rpc.bulkhead : calling_stage(s).bulkhead;
    return b && b->max_wait_duration > Duration::zero();
}
void bound_queue(Scenario& s, std::int64_t v) { watched_bulkhead(s)->max_queue_length = static_cast<std::uint32_t>(v); }

void set_capacity(Scenario& s, std::int64_t v) { s.downstream.capacity = static_cast<std::uint32_t>(v); }
void set_fatal(Scenario& s, std::int64_t v) { s.downstream.fatal_fraction = static_cast<double>(v) / 100.0; }
void set_pushback(Scenario& s, std::int64_t v) {
    s.downstream.pushback.when = v == 1 ? PushbackPolicy::When::OnRefusal : PushbackPolicy::When::OnAnyFailure;
    s.downstream.pushback.advice = Pushback::stop();
}

bool resilience4j_breaker(const Scenario& s) {
    const std::optional<CircuitBreakerConfig>& b = watched_breaker(s);
    return b && b->model == BreakerModel::Resilience4j;
}
void slow_calls(Scenario& s, std::int64_t v) {
    CircuitBreakerConfig& b = *watched_breaker(s);
    b.slow_call_duration_threshold = Duration::millis(v);
    b.slow_call_rate_threshold = 50.0;
}

bool event_without_breaker(const Scenario& s) { return event(s) && !watched_breaker(s); }
// rpc-safe's breaker: the last 20 outcomes, a verdict from 10, opens at 50 % for 500 ms, 3 probes.
void add_breaker(Scenario& s, std::int64_t) {
    CircuitBreakerConfig b = CircuitBreakerConfig::resilience4j();
    b.sliding_window_size = 20;
    b.minimum_number_of_calls = 10;
    b.wait_duration_in_open_state = b.max_wait_in_open_state = Duration::millis(500);
    b.permitted_number_of_calls_in_half_open_state = 3;
    watched_breaker(s) = b;
}

}  // namespace

const std::vector<KnobInfo>& knob_table() {
    static const std::vector<KnobInfo> table{
        {Knob::ExtraAttempts, "extra_attempts", 1, 3, "max_attempts (or every stage's max_deliveries) + this", &always,
         &more_attempts},
        {Knob::BackoffCapTimes, "backoff_cap_times_base", 1, 4, "the backoff cap, in multiples of its base", &has_backoff,
         &cap_backoff},
        {Knob::DeadlineMs, "deadline_ms", 20, 2000, "an overall deadline per request (RPC)", &rpc, &set_deadline},
        {Knob::BulkheadQueue, "bulkhead_queue", 1, 20, "max_queue_length of a bulkhead that lets callers wait",
         &bulkhead_waits, &bound_queue},
        {Knob::Capacity, "capacity", 10, 200, "the service's concurrency capacity (attempts beyond are refused; from 10, above the ~5 calls the default background keeps in flight, so that a healthy run has something to recover to)", &always,
         &set_capacity},
        {Knob::FatalPercent, "fatal_percent", 1, 100, "percent of the service's failures that are fatal", &always,
         &set_fatal},
        {Knob::PushbackStop, "pushback_stop", 1, 2, "the service says \"do not retry\": 1 with refusals, 2 with every failure",
         &always, &set_pushback},
        {Knob::SlowCallMs, "slow_call_ms", 5, 300, "the breaker's slow-call threshold (slow-call rate threshold 50 %)",
         &resilience4j_breaker, &slow_calls},
        {Knob::EventBreaker, "event_breaker", 1, 1, "a breaker in front of the service (event-driven without one)",
         &event_without_breaker, &add_breaker},
    };
    return table;
}

const KnobInfo& info(Knob k) { return knob_table().at(static_cast<std::size_t>(k)); }

const KnobInfo* find_knob(std::string_view key) {
    for (const KnobInfo& k : knob_table())
        if (k.key == key) return &k;
    return nullptr;
}

Scenario with_knobs(Scenario s, const std::vector<KnobSetting>& settings) {
    for (const KnobSetting& k : settings) {
        const KnobInfo& i = info(k.knob);
        const std::string field = fmt::format("schedule.config.{}", i.key);
        if (k.value < i.lo || k.value > i.hi)
            throw ConfigError(field, std::to_string(k.value), fmt::format("must be in [{}, {}]", i.lo, i.hi));
        if (!i.applies(s)) throw ConfigError(field, std::to_string(k.value), "does not apply to this scenario");
        i.apply(s, k.value);
    }
    return s;
}

std::string describe(const std::vector<KnobSetting>& settings) {
    std::string out;
    for (const KnobSetting& k : settings) out += fmt::format("{}{} {}", out.empty() ? "" : ", ", info(k.knob).key, k.value);
    return out;
}

}  // namespace cascadelab::properties
