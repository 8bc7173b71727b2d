#include "properties/generators.hpp"

#include <algorithm>  // std::max

namespace cascadelab::properties {
void showValue(const Schedule& schedule, std::ostream& os) { os << describe(schedule); }
}  // namespace cascadelab::properties

namespace cascadelab::properties::gen {

namespace {
// inRange's upper end is exclusive; these are inclusive, as the ranges above are documented.
rc::Gen<std::int64_t> between(std::int64_t lo, std::int64_t hi) { return rc::gen::inRange<std::int64_t>(lo, hi + 1); }
// A list of at most n elements. RapidCheck scales lengths and integer ranges with its size; the
// list is generated at size n (so 0..n elements) while each element keeps the outer size, so
// that bursts and faults span their whole ranges. Shrinking drops elements, then shrinks them.
template <class T>
rc::Gen<std::vector<T>> at_most(int n, rc::Gen<T> element) {
    return rc::gen::withSize([n, element](int size) {
        return rc::gen::resize(n, rc::gen::container<std::vector<T>>(rc::gen::resize(size, element)));
    });
}

}  // namespace

rc::Gen<Burst> burst(const HuntSetup& setup) {
    return rc::gen::apply(
        [](std::int64_t start_ms, std::int64_t size, std::int64_t spread_ms) {
            return Burst{Time::at(Duration::millis(start_ms)), static_cast<std::uint32_t>(size), Duration::millis(spread_ms)};
        },
        between(0, setup.trigger_window.us() / 1000), between(1, setup.max_burst_size), between(0, 500));
}

rc::Gen<FaultWindow> fault(const HuntSetup& setup) {
    const std::int64_t window_ms = setup.trigger_window.us() / 1000;
    const std::int64_t longest_ms = std::max<std::int64_t>(1, setup.max_trigger_length.us() / 1000);
    return rc::gen::mapcat(
        rc::gen::element(FaultKind::Outage, FaultKind::LatencySpike, FaultKind::CapacityDrop, FaultKind::ErrorRate),
        [window_ms, longest_ms](FaultKind kind) {
            // Each kind's strength shrinks toward its weakest value.
            rc::Gen<double> strength = rc::gen::just(1.0);
            if (kind == FaultKind::LatencySpike)
                strength = rc::gen::map(between(1, 50), [](std::int64_t f) { return static_cast<double>(f); });
            if (kind == FaultKind::CapacityDrop)  // capacity lost, in percent: 1 % .. 95 %
                strength = rc::gen::map(between(1, 95), [](std::int64_t p) { return 1.0 - static_cast<double>(p) / 100.0; });
            if (kind == FaultKind::ErrorRate)
                strength = rc::gen::map(between(0, 100), [](std::int64_t p) { return static_cast<double>(p) / 100.0; });
            return rc::gen::apply(
                [kind](std::int64_t start_ms, std::int64_t length_ms, double k) {
                    return FaultWindow{kind, Time::at(Duration::millis(start_ms)), Duration::millis(length_ms), k};
                },
                between(0, window_ms), between(1, longest_ms), strength);
        });
}

rc::Gen<std::vector<KnobSetting>> config(const Scenario& base) {
    // Each knob that applies is on or off (off is the simpler value), and when on, drawn from its range.
    std::vector<rc::Gen<std::optional<KnobSetting>>> draws;
    for (const KnobInfo& k : knob_table()) {
        if (!k.applies(base)) continue;
        draws.push_back(rc::gen::mapcat(rc::gen::arbitrary<bool>(), [&k](bool on) -> rc::Gen<std::optional<KnobSetting>> {
            if (!on) return rc::gen::just(std::optional<KnobSetting>{});
            return rc::gen::map(between(k.lo, k.hi),
                                [knob = k.knob](std::int64_t v) { return std::optional<KnobSetting>{KnobSetting{knob, v}}; });
        }));
    }
    return rc::gen::exec([draws] {
        std::vector<KnobSetting> settings;
        for (const auto& d : draws)
            if (const std::optional<KnobSetting> k = *d) settings.push_back(*k);
        return settings;
    });
}

rc::Gen<Schedule> schedule(const HuntSetup& setup) {
    const rc::Gen<std::vector<KnobSetting>> knobs =
        setup.vary_config ? config(setup.scenario) : rc::gen::just(std::vector<KnobSetting>{});
    return rc::gen::apply(
        [](std::vector<Burst> bursts, std::vector<FaultWindow> faults, std::vector<KnobSetting> settings) {
            return Schedule{std::move(bursts), std::move(faults), std::move(settings)};
        },
        at_most<Burst>(kMaxBursts, burst(setup)), at_most<FaultWindow>(kMaxFaults, fault(setup)), knobs);
}

Schedule largest_schedule(const HuntSetup& setup) {
    Schedule s;
    s.bursts.assign(kMaxBursts, Burst{Time{}, setup.max_burst_size, Duration::zero()});
    return s;
}

rc::Gen<Scenario> knobs(const Scenario& base) {
    return rc::gen::apply(
        [base](std::int64_t attempts, std::int64_t backoff_ms, std::int64_t cap_factor, std::int64_t threshold,
               std::int64_t window, std::int64_t bulkhead, std::int64_t queue, std::int64_t consumers, bool budget) {
            Scenario s = base;
            BackoffConfig& b = s.architecture == Architecture::Rpc ? s.rpc.retry.backoff : s.event.message.redelivery_backoff;
            b.base = Duration::millis(backoff_ms);
            b.cap = b.base * cap_factor;
            if (s.architecture == Architecture::Rpc) {
                s.rpc.retry.max_attempts = static_cast<std::uint32_t>(attempts);
                if (s.rpc.breaker) {
                    s.rpc.breaker->failure_rate_threshold = static_cast<double>(threshold);
                    s.rpc.breaker->sliding_window_size = static_cast<std::uint32_t>(window);
                    s.rpc.breaker->minimum_number_of_calls = static_cast<std::uint32_t>(window);
                }
                if (s.rpc.bulkhead) s.rpc.bulkhead->max_concurrent_calls = static_cast<std::uint32_t>(bulkhead);
                if (budget) s.rpc.retry_budget = RetryBudgetConfig::finagle();
                else s.rpc.retry_budget.reset();
            } else {
                s.event.message.max_deliveries = static_cast<std::uint32_t>(attempts);
                s.event.queue_capacity = static_cast<std::uint64_t>(queue);
                s.event.consumers = static_cast<std::uint32_t>(consumers);
                if (s.event.bulkhead) s.event.bulkhead->max_concurrent_calls = static_cast<std::uint32_t>(bulkhead);
            }
            return s;
        },
        between(1, 6), between(1, 100), between(1, 20), between(10, 100), between(1, 50), between(1, 100),
        between(1, 5000), between(1, 64), rc::gen::arbitrary<bool>());
}

}  // namespace cascadelab::properties::gen
