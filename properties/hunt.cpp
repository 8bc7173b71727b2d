#include "properties/hunt.hpp"

#include <algorithm>  // std::min, std::max
#include <cmath>      // std::llround
#include <exception>  // std::exception_ptr

#include <rapidcheck.h>

#include "model/resource_budget.hpp"
#include "properties/generators.hpp"
#include "properties/rapidcheck_runner.hpp"
#include "properties/seed_verdict.hpp"
#include "statemachines/config_error.hpp"

namespace cascadelab::properties {

HuntResult hunt(std::string_view property, const HuntSetup& setup, const HuntOptions& options) {
    applicable_property(property, setup.scenario.architecture);
    setup.validate();
    if (options.robust) options.robust->validate();
    SeedEvaluator seeds(std::string{property}, setup, options.threads);
    const std::uint64_t base = setup.scenario.seed;
    // The scenario's own seed first: most schedules hold there and cost one run. One that breaks
    // it is a counterexample only if it also fails robustly; its violation is the base seed's,
    // the run that the timeline and the replay file show.
    const ScheduleCheck check_fn = [&](const Schedule& s) -> std::optional<Violation> {
        std::optional<Violation> v = seeds.run(s, base);
        if (!v || !options.robust) return v;
        return seeds.decide(s, base, *options.robust, &*v).decision == Sprt::Decision::Fails ? v : std::nullopt;
    };
    HuntResult result = search(setup, options, property, check_fn);
    if (result.found) result.estimate = seeds.estimate(result.minimal, base, options.estimate_seeds);
    result.runs = seeds.simulations();
    return result;
}

namespace {

// Finishes a found failure: `simplify` takes it further than RapidCheck's generic moves, and the
// violation reported is the minimal schedule's.
void minimise(HuntResult& result, const std::pair<Schedule, Violation>& last_failure, const HuntOptions& options,
              const ScheduleCheck& check_fn) {
    int runs = 0;
    const ScheduleCheck counted = [&](const Schedule& s) {
        ++runs;
        return check_fn(s);
    };
    auto [minimal, steps] = simplify(last_failure.first, counted);
    result.runs += runs;
    result.shrinks += steps;
    if (options.progress) options.progress(result.cases, result.shrinks);
    result.minimal = minimal;
    result.violation = steps ? *check_fn(minimal) : last_failure.second;
}

}  // namespace

namespace {

// A run that throws (an internal check of the model failing) is a counterexample like any other:
// shrunk and reported with its schedule. Only a run over its budget stops the hunt.
ScheduleCheck crash_as_violation(const ScheduleCheck& check_fn, std::string_view id) {
    return [check_fn, property = std::string{id}](const Schedule& s) -> std::optional<Violation> {
        try {
            return check_fn(s);
        } catch (const RunLimitExceeded&) {
            throw;
        } catch (const std::exception& e) {
            return Violation{property, Time{}, 0, fmt::format("the run threw: {}", e.what())};
        }
    };
}

}  // namespace

HuntResult search(const HuntSetup& setup, const HuntOptions& options, std::string_view id, const ScheduleCheck& unguarded) {
    const ScheduleCheck check_fn = crash_as_violation(unguarded, id);
    HuntResult result;
    // RapidCheck calls the property again and again while it shrinks, and moves on only from a
    // failing case: the last failing call is its minimal counterexample.
    std::optional<std::pair<Schedule, Violation>> last_failure;
    bool first_seen = false;
    // A run that passes its budget is not a violation: RapidCheck would take the exception for
    // a failing case and shrink it. The hunt stops and the caller hears of it instead.
    std::exception_ptr over_budget;
    const auto testable = [&] {
        if (over_budget) return;
        const Schedule s = *gen::schedule(setup);
        ++result.runs;
        std::optional<Violation> found;
        try {
            found = check_fn(s);
        } catch (const RunLimitExceeded&) {
            over_budget = std::current_exception();
            return;
        }
        if (!found) return;
        if (!first_seen) {
            result.first = s;
            first_seen = true;
        }
        last_failure.emplace(s, *found);
        RC_FAIL(describe(*found));
    };

    PropertyRun run{std::string{id}, options.seed, options.cases, options.max_size, options.reproduce, {}, {}};
    run.on_case = [&] {
        ++result.cases;
        if (options.progress) options.progress(result.cases, result.shrinks);
    };
    run.on_shrink_accepted = [&] {
        ++result.shrinks;
        if (options.progress) options.progress(result.cases, result.shrinks);
    };
    const PropertyRunResult outcome = run_property(testable, run);

    if (over_budget) std::rethrow_exception(over_budget);
    if (outcome.failed && last_failure) {
        result.found = true;
        result.cases = outcome.cases;
        result.reproduce = outcome.reproduce;
        minimise(result, *last_failure, options, check_fn);
    }
    return result;
}

namespace {

// The smallest value in [lo, hi] for which `fails` holds, given that it holds at hi (bisection;
// exact when failing is monotone in the value, a good smaller value otherwise).
template <class F>
std::int64_t smallest_failing(std::int64_t lo, std::int64_t hi, F&& fails) {
    while (lo < hi) {
        const std::int64_t mid = lo + (hi - lo) / 2;
        if (fails(mid)) hi = mid;
        else lo = mid + 1;
    }
    return hi;
}

// A fault's strength as an integer level that grows with it, so that bisection can weaken it:
// a latency spike's factor (weakest x1), the percent of capacity a drop takes (weakest 1 %), an
// error rate in percent (weakest 0 %).
struct StrengthLevels {
    FaultKind kind;
    std::int64_t weakest() const { return kind == FaultKind::ErrorRate ? 0 : 1; }
    std::int64_t level(double strength) const {
        switch (kind) {
            case FaultKind::LatencySpike: return std::llround(strength);
            case FaultKind::CapacityDrop: return std::llround(100.0 * (1.0 - strength));
            default: return std::llround(100.0 * strength);
        }
    }
    double strength(std::int64_t level) const {
        const auto v = static_cast<double>(level);
        switch (kind) {
            case FaultKind::LatencySpike: return v;
            case FaultKind::CapacityDrop: return 1.0 - v / 100.0;
            default: return v / 100.0;
        }
    }
};

bool has_strength(FaultKind k) {
    return k == FaultKind::LatencySpike || k == FaultKind::ErrorRate || k == FaultKind::CapacityDrop;
}

// The simplifications, each kept only if the schedule still fails. Each step returns whether it
// changed the schedule.
class Simplifier {
public:
    Simplifier(Schedule s, const ScheduleCheck& check_fn) : s_(std::move(s)), check_(check_fn) {}

    std::pair<Schedule, int> run() {
        for (bool changed = true; changed;) {
            changed = merge_bursts();
            for (std::size_t i = 0; i < s_.bursts.size(); ++i) changed |= simplify_burst(i);
            for (std::size_t i = 0; i < s_.faults.size(); ++i) {
                if (drop_fault(i)) {
                    changed = true;
                    break;  // indices moved; start the round again
                }
                changed |= simplify_fault(i);
            }
            for (std::size_t i = 0; i < s_.config.size(); ++i) {
                if (drop_knob(i)) {
                    changed = true;
                    break;
                }
                changed |= lower_knob(i);
            }
        }
        return {s_, steps_};
    }

private:
    bool take(const Schedule& candidate) {
        if (candidate == s_ || !check_(candidate)) return false;
        s_ = candidate;
        ++steps_;
        return true;
    }
    // Whether the schedule with `edit` applied fails (the current one does, by construction).
    template <class Edit>
    bool fails_with(Edit&& edit) {
        Schedule c = s_;
        edit(c);
        return c == s_ || check_(c).has_value();
    }
    template <class Edit>
    bool take_edited(Edit&& edit) {
        Schedule c = s_;
        edit(c);
        return take(c);
    }

    // Fewer bursts: one burst holding them all from the earliest start, spread as they were, or
    // else all at once.
    bool merge_bursts() {
        if (s_.bursts.size() <= 1) return false;
        Burst merged = s_.bursts.front();
        Time end = merged.start + merged.spread;
        merged.size = 0;
        for (const Burst& b : s_.bursts) {
            merged.start = std::min(merged.start, b.start);
            end = std::max(end, b.start + b.spread);
            merged.size += b.size;
        }
        merged.spread = end - merged.start;
        if (take_edited([&](Schedule& c) { c.bursts = {merged}; })) return true;
        merged.spread = Duration::zero();
        return take_edited([&](Schedule& c) { c.bursts = {merged}; });
    }

    // No spread, start at zero, and the fewest requests that still break it.
    bool simplify_burst(std::size_t i) {
        bool changed = take_edited([&](Schedule& c) { c.bursts[i].spread = Duration::zero(); });
        changed |= take_edited([&](Schedule& c) { c.bursts[i].start = Time{}; });
        const auto size = smallest_failing(1, s_.bursts[i].size, [&](std::int64_t n) {
            return fails_with([&](Schedule& c) { c.bursts[i].size = static_cast<std::uint32_t>(n); });
        });
        changed |= take_edited([&](Schedule& c) { c.bursts[i].size = static_cast<std::uint32_t>(size); });
        return changed;
    }

    bool drop_fault(std::size_t i) {
        return take_edited([&](Schedule& c) { c.faults.erase(c.faults.begin() + static_cast<std::ptrdiff_t>(i)); });
    }

    // Start at zero, shorter (whole milliseconds), weaker.
    bool simplify_fault(std::size_t i) {
        bool changed = take_edited([&](Schedule& c) { c.faults[i].start = Time{}; });
        const std::int64_t longest_ms = std::max<std::int64_t>(1, s_.faults[i].length.us() / 1000);
        const auto length_ms = smallest_failing(1, longest_ms, [&](std::int64_t ms) {
            return fails_with([&](Schedule& c) { c.faults[i].length = Duration::millis(ms); });
        });
        changed |= take_edited(
            [&](Schedule& c) { c.faults[i].length = std::min(s_.faults[i].length, Duration::millis(length_ms)); });
        if (has_strength(s_.faults[i].kind)) changed |= weaken_fault(i);
        return changed;
    }

    // Spikes toward x1, capacity drops toward 99 % kept, error rates toward 0.
    bool weaken_fault(std::size_t i) {
        const StrengthLevels levels{s_.faults[i].kind};
        const std::int64_t weakest = levels.weakest();
        const auto level = smallest_failing(weakest, std::max(weakest, levels.level(s_.faults[i].strength)),
                                            [&](std::int64_t v) {
                                                return fails_with(
                                                    [&](Schedule& c) { c.faults[i].strength = levels.strength(v); });
                                            });
        return take_edited([&](Schedule& c) { c.faults[i].strength = levels.strength(level); });
    }

    // The scenario as it is, or the knob at the low end of its range (its simplest value).
    bool drop_knob(std::size_t i) {
        return take_edited([&](Schedule& c) { c.config.erase(c.config.begin() + static_cast<std::ptrdiff_t>(i)); });
    }
    bool lower_knob(std::size_t i) {
        const KnobInfo& k = info(s_.config[i].knob);
        const auto value = smallest_failing(k.lo, s_.config[i].value, [&](std::int64_t v) {
            return fails_with([&](Schedule& c) { c.config[i].value = v; });
        });
        return take_edited([&](Schedule& c) { c.config[i].value = value; });
    }

    Schedule s_;
    const ScheduleCheck& check_;
    int steps_ = 0;
};

}  // namespace

std::pair<Schedule, int> simplify(Schedule s, const ScheduleCheck& check_fn) {
    return Simplifier(std::move(s), check_fn).run();
}

}  // namespace cascadelab::properties
