// The kernel loop: schedule + pop + dispatch of a trivial handler, at a steady queue population.
// Reported as events/second (items_per_second). Run: ./scripts/bench
#include <cstdint>  // std::uint32_t

#include <benchmark/benchmark.h>

#include "model/kernel/rng.hpp"
#include "model/kernel/simulator.hpp"

namespace {

using namespace cascadelab;

enum class Kind : std::uint32_t { Arrival, Completion };
struct Event {
    Kind kind;
    std::uint32_t id;
};

// Each handled event schedules one more, so the queue holds `population` events throughout, as
// in a simulation with that many requests in flight. Delays come from a real stream, so ties and
// reorderings occur as they would in a model.
void BM_KernelLoop(benchmark::State& state) {
    const auto population = static_cast<std::uint32_t>(state.range(0));
    constexpr std::uint64_t kEventsPerIteration = 1'000'000;
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
BENCHMARK(BM_KernelLoop)->Arg(16)->Arg(1024)->Arg(16384)->Unit(benchmark::kMillisecond);

}  // namespace
