// Nanoseconds per process_event for the Boost.MSM machines (through their facades, as the
// simulation calls them). Run: ./scripts/bench
#include <benchmark/benchmark.h>

#include "statemachines/circuit_breaker.hpp"
#include "statemachines/retry.hpp"

namespace {

using namespace cascadelab;

// Effects that do nothing: the cost measured is the machine's.
struct NullEffects final : BreakerEffects,
                           BulkheadEffects,
                           RetryEffects,
                           RetryBudgetEffects,
                           MessageEffects,
                           ConsumerEffects {
    void start_timer(TimerKind, std::uint64_t, Duration) override {}
    void cancel_timer(TimerKind, std::uint64_t) override {}
    void send_attempt(std::uint64_t, std::uint32_t) override {}
    void requeue(std::uint64_t, bool) override {}
    void dead_letter(std::uint64_t) override {}
    void permit_granted(std::uint64_t) override {}
    void permit_rejected(std::uint64_t) override {}
    void transitioned(ComponentId, std::string_view, std::string_view, std::string_view, std::uint64_t) override {}
};

// Closed breaker: one permit + one recorded outcome per call = two events. 5% failures keep it
// Closed with a realistic mix of guards.
void BM_BreakerEvent(benchmark::State& state) {
    NullEffects fx;
    CircuitBreaker breaker{CircuitBreakerConfig::resilience4j(), fx};
    Time now;
    std::uint64_t i = 0;
    for (auto _ : state) {
        now += Duration::micros(10);
        const auto permit = breaker.call_requested(now);
        breaker.call_completed(now, permit, Duration::millis(1), (++i % 20) == 0);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 2);
    state.counters["ns_per_event"] = benchmark::Counter(static_cast<double>(state.iterations()) * 2,
                                                        benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_BreakerEvent);

// One request's whole life, two failures then a success: 6 events (start, fail, backoff,
// fail, backoff, success), plus the machine's construction, which a simulation pays per request.
void BM_RetryRequestLifecycle(benchmark::State& state) {
    NullEffects fx;
    Rng rng{1};
    const RetryConfig config = RetryConfig{}.with_max_retries(3);
    Time now;
    std::uint64_t id = 0;
    for (auto _ : state) {
        Retry retry{config, ++id, fx, rng};
        retry.request_started(now);
        retry.attempt_failed(now, AttemptOutcome::Error);
        retry.backoff_elapsed(now);
        retry.attempt_failed(now, AttemptOutcome::Timeout);
        retry.backoff_elapsed(now);
        retry.attempt_succeeded(now);
        benchmark::DoNotOptimize(retry.state());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 6);
    state.counters["ns_per_event"] = benchmark::Counter(static_cast<double>(state.iterations()) * 6,
                                                        benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_RetryRequestLifecycle);

}  // namespace
