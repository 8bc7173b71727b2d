// The kernel loop: schedule + pop + dispatch of a trivial handler, at a steady queue population.
// Reported as events/second (items_per_second). Run: ./scripts/bench
//
// BM_KernelLoop is the simulator as the models use it (RadixEventQueue). BM_QueueOnly/<queue>
// compares the radix heap with the 4-ary heap it replaced, on the same schedule: delays up to
// about a second, as timeouts and service times are, with `population` entries pending.
#include <cstdint>  // std::uint32_t

#include <benchmark/benchmark.h>

#include "model/kernel/event_queue.hpp"
#include "model/kernel/radix_event_queue.hpp"
#include "model/kernel/rng.hpp"
#include "model/kernel/simulator.hpp"

namespace {

using namespace cascadelab;

enum class Kind : std::uint32_t { Arrival, Completion };
struct Event {
    Kind kind;
    std::uint32_t id;
};

constexpr std::uint64_t kEventsPerIteration = 1'000'000;

// Each handled event schedules one more, so the queue holds `population` events throughout, as
// in a simulation with that many requests in flight. Delays come from a real stream, so ties and
// reorderings occur as they would in a model.
void BM_KernelLoop(benchmark::State& state) {
    const auto population = static_cast<std::uint32_t>(state.range(0));
    for (auto _ : state) {
        state.PauseTiming();
        Simulator<Event> sim;
        sim.reserve(population + 1);
        Rng rng{42};
        for (std::uint32_t i = 0; i < population; ++i)
            sim.schedule_at(Time::at(Duration::micros(rng.uniform_int(0, 1000))), Event{Kind::Arrival, i});
        std::uint64_t completions = 0;
        state.ResumeTiming();

        const auto result = sim.run(
            [&](Simulator<Event>& s, Event& e) {
                switch (e.kind) {
                    case Kind::Arrival:
                        s.schedule_after(Duration::micros(static_cast<std::int64_t>(rng.next_u64() & 1023)),
                                         Event{Kind::Completion, e.id});
                        break;
                    case Kind::Completion:
                        ++completions;
                        s.schedule_after(Duration::micros(static_cast<std::int64_t>(rng.next_u64() & 1023)),
                                         Event{Kind::Arrival, e.id});
                        break;
                }
            },
            StopConditions{.max_events = kEventsPerIteration});
        benchmark::DoNotOptimize(completions);
        benchmark::DoNotOptimize(result);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kEventsPerIteration));
}
BENCHMARK(BM_KernelLoop)->Arg(16)->Arg(1024)->Arg(16384)->Arg(100'000)->Unit(benchmark::kMillisecond);

// Pop the earliest, push one up to ~1 s (2^20 us) later: the hold model of event-list studies.
template <class Queue>
void BM_QueueOnly(benchmark::State& state) {
    const auto population = static_cast<std::uint32_t>(state.range(0));
    for (auto _ : state) {
        state.PauseTiming();
        Queue q;
        Rng rng{42};
        for (std::uint32_t i = 0; i < population; ++i)
            q.push(Time::at(Duration::micros(static_cast<std::int64_t>(rng.next_u64() & 0xFFFFF))), Event{Kind::Arrival, i});
        state.ResumeTiming();
        for (std::uint64_t n = 0; n < kEventsPerIteration; ++n) {
            const auto e = q.pop();
            q.push(e.at + Duration::micros(static_cast<std::int64_t>(rng.next_u64() & 0xFFFFF)), e.event);
        }
        benchmark::DoNotOptimize(q.size());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kEventsPerIteration));
}
BENCHMARK(BM_QueueOnly<RadixEventQueue<Event>>)->Arg(1024)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_QueueOnly<EventQueue<Event>>)->Arg(1024)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

}  // namespace
